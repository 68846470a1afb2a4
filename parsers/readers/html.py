"""HTML pages: block elements become lines, table rows become cells, <em>/<i> mark italics."""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from models.records import Line, Page, RawDocument
from parsers.readers.colours import css_word, is_symbol, style_colours
from parsers.readers.errors import ReadError
from parsers.readers.text import decode_bytes

_BLOCKS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "dt", "dd",
    "blockquote", "pre", "section", "article", "header", "footer", "table", "ul", "ol", "hr",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP = {"script", "style", "noscript", "head", "template", "svg"}


def _inline_text(node: Node, out: list[tuple[str, bool, bool]], bold: bool, italic: bool) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append((child.text_content or "", bold, italic))
        elif tag in _SKIP:
            continue
        elif tag == "br":
            out.append(("\n", bold, italic))
        else:
            _inline_text(child, out, bold or tag in ("b", "strong"), italic or tag in ("i", "em"))


def _emit(parts: list[tuple[str, bool, bool]], lines: list[Line], heading: bool) -> None:
    text = "".join(p[0] for p in parts)
    for piece in text.split("\n"):
        clean = " ".join(piece.split())
        if not clean:
            continue
        italic_chars = sum(len(p[0].strip()) for p in parts if p[2])
        bold_chars = sum(len(p[0].strip()) for p in parts if p[1])
        total = max(1, sum(len(p[0].strip()) for p in parts))
        lines.append(Line(
            text=clean, page=1, bold=heading or bold_chars > total / 2, italic=italic_chars > total / 2,
        ))


def _walk(node: Node, lines: list[Line]) -> None:
    """Depth-first: a block with only inline children is one line; otherwise recurse."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == "-text":
            text = " ".join((child.text_content or "").split())
            if text:
                lines.append(Line(text=text, page=1))
            continue
        if tag == "tr":
            cells = []
            for cell in child.traverse():
                if cell.tag in ("td", "th"):
                    text = " ".join(cell.text(separator=" ").split())
                    if not text or is_symbol(text):
                        text = _traffic_light(cell, symbol=bool(text)) or text
                    cells.append(text)
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                # Leading empty cells stay in `cells` (column positions matter) but not in the text,
                # which is always stripped like every other line.
                lines.append(Line(text="\t".join(cells).strip(), page=1, cells=tuple(cells)))
            continue
        has_block = any(c.tag in _BLOCKS for n, c in enumerate(child.traverse()) if n)
        if tag in _BLOCKS and not has_block:
            parts: list[tuple[str, bool, bool]] = []
            _inline_text(child, parts, tag in ("b", "strong"), tag in ("i", "em"))
            _emit(parts, lines, tag in _HEADINGS)
        elif has_block:
            _walk(child, lines)
        else:
            parts = []
            _inline_text(child, parts, tag in ("b", "strong"), tag in ("i", "em"))
            _emit(parts, lines, False)


def _traffic_light(cell: Node, symbol: bool) -> str | None:
    """`grøn`/`gul`/`rød` for a status cell that is only a colour: its background, or the colour of the
    one symbol (●) it holds."""
    attrs = cell.attributes
    background, colour = style_colours(attrs.get("style"))
    if not symbol:
        return background or css_word(attrs.get("bgcolor"))
    for node in cell.traverse():
        node_attrs = node.attributes if node.tag != "-text" else {}
        colour = colour or style_colours(node_attrs.get("style"))[1] or css_word(node_attrs.get("color"))
    return colour or background or css_word(attrs.get("bgcolor"))


def html_to_lines(html: str) -> list[Line]:
    tree = HTMLParser(html)
    root = tree.body or tree.root
    lines: list[Line] = []
    if root is not None:
        _walk(root, lines)
    return lines


def read_html(path: Path) -> RawDocument:
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty", "the file holds no text (only blanks): download or export it again")
    lines = html_to_lines(decode_bytes(data))
    if not lines:
        raise ReadError("empty", "the HTML page has no visible text (perhaps only scripts): save the page "
                                 "as it is shown, or print it to PDF")
    page = Page(number=1, lines=lines, chars=sum(len(ln.text) for ln in lines), reader="html")
    return RawDocument(path=str(path), format="html", pages=[page], reader="html")
