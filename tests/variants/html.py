"""Blocks to an HTML page, the shape of a minutes system's web export: headings, paragraphs, tables."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tests.variants.document import Cell, Heading, Para, Rendered, Table, TocLine

BORDER = {"grid": ' border="1" style="border-collapse:collapse"', "rules": ' class="rules"', "none": ""}


def _inline(text: str, bold: bool, italic: bool) -> str:
    out = "<br>".join(escape(part) for part in text.split("\n"))
    if italic:
        out = f"<em>{out}</em>"
    if bold:
        out = f"<strong>{out}</strong>"
    return out


def _cell(cell: Cell, tag: str) -> str:
    span = f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    return f"<{tag}{span}>{_inline(cell.text, cell.bold, cell.italic)}</{tag}>"


def _table(block: Table) -> str:
    rows = []
    for n, row in enumerate(block.rows):
        tag = "th" if block.header and n == 0 else "td"
        rows.append("<tr>" + "".join(_cell(c, tag) for c in row) + "</tr>")
    return f"<table{BORDER[block.borders]}>\n" + "\n".join(rows) + "\n</table>"


def to_html(rendered: Rendered) -> str:
    parts = []
    for block in rendered.blocks:
        if isinstance(block, Heading):
            level = min(block.level + 1, 6)
            if block.bold:
                parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
            else:
                parts.append(f'<p style="font-size:14pt">{escape(block.text)}</p>')
        elif isinstance(block, TocLine):
            parts.append(f"<p>{escape(block.text)} {'.' * max(4, 90 - len(block.text))} {block.page}</p>")
        elif isinstance(block, Para):
            style = f' style="margin-left:{2 * block.indent}em"' if block.indent else ""
            parts.append(f"<p{style}>{_inline(block.text, block.bold, block.italic)}</p>")
        else:
            parts.append(_table(block))
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8"><title>{escape(rendered.running_header)}'
            f"</title>\n<style>.rules td, .rules th {{border-bottom: 1px solid #999}}</style></head>\n"
            f"<body>\n{body}\n</body></html>\n")


def write_html(rendered: Rendered, path: Path) -> Path:
    path.write_text(to_html(rendered), encoding="utf-8")
    return path
