"""Blocks to plain text or Markdown, the shape of minutes copied out of a web page or a text export:
tables as tab-separated rows, emphasis as `*…*` / `**…**` in Markdown (plain text has none)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.variants.document import Heading, LabelRow, Para, Rendered, Table, TocLine


def _mark(text: str, bold: bool, italic: bool, markdown: bool) -> str:
    if not markdown:
        return text
    if bold:
        return f"**{text}**"
    return f"*{text}*" if italic else text


def to_text(rendered: Rendered, markdown: bool) -> str:
    out: list[str] = []
    for block in rendered.blocks:
        if isinstance(block, Heading):
            out += ["", _mark(block.text, block.bold, False, markdown)]
        elif isinstance(block, TocLine):
            out.append(f"{block.text} {'.' * max(4, 90 - len(block.text))} {block.page}")
        elif isinstance(block, Para):
            out.append(("    " * block.indent) + _mark(block.text, block.bold, block.italic, markdown))
        elif isinstance(block, LabelRow):  # a PDF text layer of an unruled two-column table: no tabs, no blanks
            out.append(block.label)
            out += textwrap.wrap(" ".join(block.text.split()), 72)
        elif isinstance(block, Table):
            out.append("")
            for row in block.rows:
                out.append("\t".join(" ".join(c.text.split()) for c in row))
            out.append("")
    return "\n".join(out).strip() + "\n"


def write_text(rendered: Rendered, path: Path) -> Path:
    path.write_text(to_text(rendered, markdown=path.suffix == ".md"), encoding="utf-8")
    return path
