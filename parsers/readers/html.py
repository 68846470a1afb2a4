"""HTML pages read as a tree: block elements become lines (inside table cells too), headings keep their
level, list entries their marker, table rows of plain cells become cells, <em>/<i> mark italics.

Chrome is never text: scripts, navigation, forms, hidden elements, dialogs and cookie banners are left
out (`html_structure.dropped`). Items the page's structure shows (a publishing system's item rows, or
numbered headings) are marked on their title line before any text heuristics run.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from models.records import ItemMark, Line, Page, RawDocument
from parsers.readers.colours import css_word, is_symbol, style_colours
from parsers.readers.errors import ReadError
from parsers.readers.html_structure import dropped, list_numbers, mark_items
from parsers.readers.text import decode_bytes

_BLOCKS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "dt", "dd",
    "blockquote", "pre", "section", "article", "header", "footer", "table", "ul", "ol", "hr",
    "main", "aside", "figure", "figcaption", "details", "summary", "address", "dl", "caption",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# a table row is a row of cells unless a cell holds a document of its own (FirstAgenda puts a whole
# item, heading, case number and sections, in one cell): then each cell is read block by block
_ROW_OF_BLOCKS = "h1, h2, h3, h4, h5, h6, table, [data-ms-item]"


def _document_row(row: Node) -> bool:
    """A row whose cells hold a document rather than a value: a heading or a nested table in a cell, a cell
    of more than 2,000 characters, or, in a table of at most three rows, a cell that holds most of the row's
    text in several paragraphs (older publishing pages set the whole referat in a layout table beside a
    menu; flattened, it would be one line)."""
    if row.css_first(_ROW_OF_BLOCKS) is not None:
        return True
    cells = [c for c in row.iter() if c.tag in ("td", "th") and c.text(strip=True)]
    for cell in cells:
        if len(cell.text()) > 2000:
            return True
    group = row.parent  # tbody or table: more than three rows hold data, whatever their cells hold
    if group is None or len(list(islice((r for r in group.iter() if r.tag == "tr"), 4))) > 3:
        return False
    total = sum(len(c.text(strip=True)) for c in cells)
    for cell in cells:
        blocks = [b for b in cell.css("p, div, li, br") if b.tag == "br" or b.text(strip=True)]
        if len(blocks) >= 3 and len(cell.text(strip=True)) >= 0.6 * total:
            return True
    return False


def _skipped(node: Node) -> bool:
    return dropped(node) or "data-ms-skip" in node.attributes


def _inline_text(node: Node, out: list[tuple[str, bool, bool]], bold: bool, italic: bool, pre: bool = False) -> None:
    """The inline text of a block; a line break only where `<br>` (or `<pre>`) makes one, since a newline in
    the page's source is just a space."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            out.append((text if pre else text.replace("\n", " "), bold, italic))
        elif _skipped(child) or "data-ms-item" in child.attributes:
            continue  # a marked title inside inline text is emitted on its own line before it
        elif tag == "br":
            out.append(("\n", bold, italic))
        else:
            _inline_text(child, out, bold or tag in ("b", "strong"), italic or tag in ("i", "em"), pre or tag == "pre")


def _emit(parts: list[tuple[str, bool, bool]], lines: list[Line], heading: int | None, prefix: str = "") -> None:
    """One line per `<br>`-separated piece, each bold or italic by the majority of its own characters."""
    pieces: list[list[tuple[str, bool, bool]]] = [[]]
    for text, bold, italic in parts:
        chunks = text.split("\n")
        for k, chunk in enumerate(chunks):
            if k:
                pieces.append([])
            pieces[-1].append((chunk, bold, italic))
    for piece in pieces:
        clean = " ".join("".join(p[0] for p in piece).split())
        if not clean:
            continue
        italic_chars = sum(len(p[0].strip()) for p in piece if p[2])
        bold_chars = sum(len(p[0].strip()) for p in piece if p[1])
        total = max(1, sum(len(p[0].strip()) for p in piece))
        if prefix:
            clean, prefix = f"{prefix} {clean}", ""
        lines.append(Line(
            text=clean, page=1, bold=heading is not None or bold_chars > total / 2, italic=italic_chars > total / 2,
            heading=heading,
        ))


def _emit_mark(node: Node, lines: list[Line]) -> None:
    """The title line of an item found in the structure, carrying its mark."""
    attrs = node.attributes
    number, title = attrs.get("data-ms-item") or "", attrs.get("data-ms-title") or ""
    mark = ItemMark(number=number, title=title, case_number=attrs.get("data-ms-case"),
                    closed="data-ms-closed" in attrs, evidence=attrs.get("data-ms-evidence") or "structure")
    lines.append(Line(text=f"{number}. {title}", page=1, bold=True, heading=_HEADINGS.get(node.tag), item=mark))


def _marker(node: Node) -> str:
    """The marker a list entry shows (`3.`, `•`), set on the tree by `_number_lists`."""
    return node.attributes.get("data-ms-marker") or ""


def _number_lists(tree: HTMLParser) -> None:
    """Every list entry's marker, once per list: `3.` in an ordered list (counting from `start`, or from an
    entry's `value`), `•` in a bulleted one."""
    for parent in tree.css("ol, ul"):
        entries = [li for li in parent.iter() if li.tag == "li"]
        if parent.tag == "ul":
            for li in entries:
                li.attrs["data-ms-marker"] = "•"
            continue
        start = parent.attributes.get("start") or "1"
        for li, n in zip(entries, list_numbers(entries, int(start) if start.isdigit() else 1), strict=True):
            li.attrs["data-ms-marker"] = f"{n}."


def _row_cells(row: Node) -> list[str]:
    cells = []
    for cell in row.traverse():
        if cell.tag in ("td", "th"):
            text = " ".join(cell.text(separator=" ").split())
            if not text or is_symbol(text):
                text = _traffic_light(cell, symbol=bool(text)) or text
            cells.append(text)
    return cells


def _walk(node: Node, lines: list[Line]) -> None:
    """Depth-first: a block with only inline children is one line; otherwise recurse."""
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = " ".join((child.text_content or "").split())
            if text:
                lines.append(Line(text=text, page=1))
            continue
        if _skipped(child):
            continue
        if "data-ms-item" in child.attributes:
            _emit_mark(child, lines)
            continue
        if tag == "tr":
            if _document_row(child):
                for cell in child.iter():
                    if not _skipped(cell):
                        _walk_block(cell, lines)
                continue
            cells = _row_cells(child)
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                # Leading empty cells stay in `cells` (column positions matter) but not in the text,
                # which is always stripped like every other line.
                lines.append(Line(text="\t".join(cells).strip(), page=1, cells=tuple(cells)))
            continue
        _walk_block(child, lines)


def _walk_block(child: Node, lines: list[Line]) -> None:
    tag = child.tag
    if "data-ms-item" in child.attributes:
        _emit_mark(child, lines)
        return
    has_block = any(c.tag in _BLOCKS and not _skipped(c) for n, c in enumerate(child.traverse()) if n)
    if has_block:
        if tag == "li" and (marker := _marker(child)):
            # the marker goes on the entry's first line: read its blocks, then put it in front
            first = len(lines)
            _walk(child, lines)
            if first < len(lines) and lines[first].item is None:
                lines[first] = lines[first].model_copy(update={"text": f"{marker} {lines[first].text}"})
            return
        _walk(child, lines)
        return
    marked = child.css_first("[data-ms-item]")
    if marked is not None and marked.mem_id != child.mem_id:
        _emit_mark(marked, lines)
    parts: list[tuple[str, bool, bool]] = []
    _inline_text(child, parts, tag in ("b", "strong"), tag in ("i", "em"), tag == "pre")
    _emit(parts, lines, _HEADINGS.get(tag), _marker(child) if tag == "li" else "")


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


def _main(tree: HTMLParser) -> Node | None:
    """The page's one `main` region when it holds most of the text: sidebars, news lists and footers around
    it are the site's, not the minutes'."""
    body = tree.body or tree.root
    if body is None:
        return None
    mains = tree.css("main, [role=main]")
    if len(mains) == 1 and len(mains[0].text(strip=True)) >= 0.4 * len(body.text(strip=True)):
        return mains[0]
    return body


def html_to_lines(html: str, tree: HTMLParser | None = None) -> list[Line]:
    """The page's lines; `tree` is the page already parsed (read_html parses once for lines and site)."""
    tree = tree if tree is not None else HTMLParser(html)
    root = _main(tree)
    if root is not None:
        mark_items(tree, html, root)
    _number_lists(tree)
    lines: list[Line] = []
    if root is not None:
        _walk(root, lines)
    return lines


_LOGO = "[class*=logo] img, img[class*=logo], img[alt*=logo i], img[src*=logo i], header a[href='/'] img"


def site_evidence(tree: HTMLParser) -> dict[str, str]:
    """Who publishes the page, from the places sites name themselves outside the minutes' text: the page
    title (`Økonomiudvalget | Aarhus Kommune`), the canonical address (`https://www.syddjurs.dk/…`), the
    site name, the logo's alt text and file name (`Norddjurs Kommune logo`, `randers_logo.png`), and the
    words of the page's masthead and footer. Kept beside the text, never in it: a portal's chrome is no
    part of the minutes, but it names the municipality when the minutes themselves do not.
    """
    out: dict[str, str] = {}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        out["title"] = " ".join(title.text().split())
    for selector, attr, key in (("link[rel=canonical]", "href", "url"), ("meta[property='og:url']", "content", "url"),
                                ("base[href]", "href", "url"),
                                ("meta[property='og:site_name']", "content", "site")):
        node = tree.css_first(selector)
        value = (node.attributes.get(attr) or "").strip() if node is not None else ""
        if value and key not in out:
            out[key] = value
    logos = []
    for img in tree.css(_LOGO)[:3]:
        alt, src = (img.attributes.get("alt") or "").strip(), (img.attributes.get("src") or "").strip()
        logos += [v for v in (alt, src.rsplit("/", 1)[-1].split("?")[0]) if v and v not in logos]
    if logos:
        out["logo"] = " | ".join(logos)
    # the page's own masthead and footer (left out of the text as chrome): `Ballerup Kommune · Rådhuspladsen 1`
    for key, selector in (("masthead", "header, [role=banner]"), ("footer", "footer, [role=contentinfo]")):
        texts = [" ".join(n.text(separator=" ").split()) for n in tree.css(selector) if dropped(n)]
        if any(texts):
            out[key] = " | ".join(t for t in texts if t)[:300]
    return out


def read_html(path: Path) -> RawDocument:
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty", "the file holds no text (only blanks): download or export it again")
    html = decode_bytes(data)
    tree = HTMLParser(html)
    site = site_evidence(tree)  # before the lines: reading them marks the tree
    lines = html_to_lines(html, tree)
    if not lines:
        raise ReadError("empty", "the HTML page has no visible text (perhaps only scripts): save the page "
                                 "as it is shown, or print it to PDF")
    page = Page(number=1, lines=lines, chars=sum(len(ln.text) for ln in lines), reader="html")
    return RawDocument(path=str(path), format="html", pages=[page], reader="html", site=site)
