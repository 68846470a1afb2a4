"""Word (.docx) files: body paragraphs and tables in document order, with the typography goals hide in.

Archives hold Word versions of many minutes and annexes, and Word marks goals the way print does
(italic or bold goal sentences, label rows in tables), so the reader keeps what the text alone
loses: bold and italic by majority of characters (a heading style counts as bold), tables as
cells, and the number Word draws before a numbered paragraph, which is not in the text. Running
headers and footers live in their own parts and are never read, so they cannot leak into items.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docx import Document as open_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from models.records import Line, Page, RawDocument
from parsers.readers.colours import css_word, is_symbol
from parsers.readers.errors import ReadError, one_line

_BOLD_STYLES = ("heading", "title", "overskrift", "titel")


def _style_flag(style: Any, attr: str) -> bool | None:
    """A style's bold/italic, following `based on` links; heading styles are bold by nature."""
    seen = 0
    while style is not None and seen < 20:
        value = getattr(style.font, attr, None)
        if value is not None:
            return value
        if attr == "bold" and (style.name or "").lower().startswith(_BOLD_STYLES):
            return True
        style = style.base_style
        seen += 1
    return None


class _Styles:
    """Style flags by style id, resolved once: python-docx looks a style up by scanning every style,
    which made a 50-row table take seconds."""

    def __init__(self, doc: Any) -> None:
        self.by_id = {style.style_id: style for style in doc.styles}
        self.default_para = doc.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.cache: dict[tuple[str | None, str, bool], bool | None] = {}

    def flag(self, style_id: str | None, attr: str, paragraph: bool) -> bool | None:
        key = (style_id, attr, paragraph)
        if key not in self.cache:
            style = self.by_id.get(style_id) if style_id else (self.default_para if paragraph else None)
            self.cache[key] = _style_flag(style, attr)
        return self.cache[key]

    def paragraph_style(self, paragraph: Paragraph) -> Any:
        style_id = paragraph._p.style
        return self.by_id.get(style_id) if style_id else self.default_para


def _flags(paragraphs: list[Paragraph], styles: _Styles) -> tuple[bool, bool]:
    """Bold and italic when more than half the visible characters carry them."""
    total = bold = italic = 0
    for paragraph in paragraphs:
        para_id = paragraph._p.style
        para_bold = bool(styles.flag(para_id, "bold", True))
        para_italic = bool(styles.flag(para_id, "italic", True))
        for run in paragraph.runs:
            size = len(run.text.strip())
            if not size:
                continue
            total += size
            run_id = run._r.style
            run_bold = run.bold if run.bold is not None else styles.flag(run_id, "bold", False)
            run_italic = run.italic if run.italic is not None else styles.flag(run_id, "italic", False)
            bold += size if (para_bold if run_bold is None else run_bold) else 0
            italic += size if (para_italic if run_italic is None else run_italic) else 0
    return total > 0 and bold > total / 2, total > 0 and italic > total / 2


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _format_number(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    return None  # bullets and exotic formats: the text stands alone


class _Numbering:
    """Counts Word's numbered paragraphs so `1.` / `a)` can be put back in front of their text."""

    def __init__(self, doc: Any, styles: _Styles) -> None:
        self.styles = styles
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        linked: dict[str, dict[int, tuple[str, str, int]]] = {}
        uses: dict[str, str] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt, text, start = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText")), lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "",
                    int(start.get(qn("w:val"), "1")) if start is not None else 1,
                )
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
            link = node.find(qn("w:styleLink"))
            if link is not None:
                linked[link.get(qn("w:val"), "")] = levels
            link = node.find(qn("w:numStyleLink"))
            if link is not None and not levels:
                uses[node.get(qn("w:abstractNumId"), "")] = link.get(qn("w:val"), "")
        # a list that takes its levels from a list style (`numStyleLink`), as templates' heading lists do
        for abstract_id, style in uses.items():
            abstract[abstract_id] = linked.get(style, {})
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                levels = dict(abstract.get(ref.get(qn("w:val"), ""), {}))
                # a list instance that restarts its count (`startOverride`): how minutes templates number
                # items from 715 rather than 1
                for override in num.findall(qn("w:lvlOverride")):
                    ilvl = int(override.get(qn("w:ilvl"), "0"))
                    start = override.find(qn("w:startOverride"))
                    if start is not None and ilvl in levels:
                        fmt, text, _ = levels[ilvl]
                        levels[ilvl] = (fmt, text, int(start.get(qn("w:val"), "1")))
                self.levels[num.get(qn("w:numId"), "")] = levels

    def _num_pr(self, paragraph: Paragraph) -> tuple[str, int] | None:
        for owner in (paragraph._p.pPr, *(_style_ppr(self.styles.paragraph_style(paragraph)))):
            num_pr = owner.find(qn("w:numPr")) if owner is not None else None
            if num_pr is None:
                continue
            num_id, ilvl = num_pr.find(qn("w:numId")), num_pr.find(qn("w:ilvl"))
            if num_id is None:
                continue
            return num_id.get(qn("w:val"), ""), int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
        return None

    def label(self, paragraph: Paragraph) -> str | None:
        found = self._num_pr(paragraph)
        if not found or found[0] == "0" or found[0] not in self.levels:
            return None
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl][2] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if _format_number(counters[ilvl], fmt) is None:
            return None
        for k in range(ilvl + 1):
            lfmt, _, lstart = levels.get(k, ("decimal", "", 1))
            shown = _format_number(counters.get(k, lstart), lfmt) or ""
            text = text.replace(f"%{k + 1}", shown)
        return text.strip() or None


def _heading_level(style: Any) -> int | None:
    """1-9 for a paragraph in a heading style (`Heading 2`, `Overskrift 2`, following `based on`)."""
    seen = 0
    while style is not None and seen < 20:
        m = re.match(r"(?:heading|overskrift)\s*(\d)$", (style.name or "").strip(), re.I)
        if m:
            return int(m.group(1))
        style = style.base_style
        seen += 1
    return None


def _style_ppr(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 20:
        yield style.element.pPr
        style = style.base_style
        seen += 1


def _blocks(doc: Any) -> Iterator[Paragraph | Table]:
    """Body paragraphs and tables in order, looking inside content controls (Word's own TOC is one)."""
    def walk(parent: Any) -> Iterator[Paragraph | Table]:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                yield Paragraph(child, doc)
            elif child.tag == qn("w:tbl"):
                yield Table(child, doc)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from walk(content)
            elif child.tag == qn("w:customXml"):  # ESDH templates wrap mapped paragraphs in custom XML
                yield from walk(child)
    yield from walk(doc.element.body)


def _cell_paragraphs(cell: Any) -> list[Paragraph]:
    """Every paragraph of a cell in order, also inside content controls and nested tables (python-docx's
    `cell.paragraphs` sees only the cell's own), but not inside text boxes."""
    out = []
    for p in cell._tc.iter(qn("w:p")):
        parent = p.getparent()
        while parent is not None and parent is not cell._tc and parent.tag not in _LEFT_OUT:
            parent = parent.getparent()
        if parent is cell._tc:
            out.append(Paragraph(p, cell))
    return out


_T, _TAB, _BREAKS = qn("w:t"), qn("w:tab"), (qn("w:br"), qn("w:cr"))
_NB_HYPHEN = qn("w:noBreakHyphen")
# text boxes, the old place of moved text, and the fallback copy of alternate content are not the paragraph's
_LEFT_OUT = {qn("w:txbxContent"), qn("w:moveFrom"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def paragraph_text(paragraph: Paragraph) -> str:
    """All the text a paragraph shows, also inside what python-docx's `.text` skips: simple fields (an item
    number drawn by `SEQ`), inline content controls (titles an ESDH system fills in), tracked insertions,
    smart tags. Deleted text (`w:delText`), field codes (`w:instrText`) and text boxes stay out."""
    out: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag in _BREAKS:
                out.append("\n")
            elif tag == _NB_HYPHEN:
                out.append("-")
            elif tag not in _LEFT_OUT:
                walk(child)

    walk(paragraph._p)
    return "".join(out)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _traffic_light(cell: Any, symbol: bool) -> str | None:
    """`grøn`/`gul`/`rød` for a status cell that is only a colour: its shading, or the colour of the one
    symbol (●) it holds."""
    shading = None
    tc_pr = cell._tc.tcPr
    if tc_pr is not None:
        shd = tc_pr.find(qn("w:shd"))
        if shd is not None:
            shading = css_word(shd.get(qn("w:fill")))
    if symbol:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                rgb = run.font.color.rgb if run.text.strip() and run.font.color is not None \
                    and run.font.color.type is not None else None
                if rgb is not None and (word := css_word(str(rgb))):
                    return word
    return shading


def _table_lines(table: Table, styles: _Styles) -> Iterator[Line]:
    for row in table.rows:
        cells: list[str] = []
        paragraphs: list[Paragraph] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a horizontally merged cell is listed once per grid column
                continue
            seen.add(id(cell._tc))
            if cell._tc.vMerge == "continue":  # the rest of a vertically merged cell: its text is above
                cells.append("")
                continue
            own = _cell_paragraphs(cell)
            text = _clean(" ".join(paragraph_text(p) for p in own))
            if not text or is_symbol(text):
                text = _traffic_light(cell, symbol=bool(text)) or text
            cells.append(text)
            paragraphs += own
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            bold, italic = _flags(paragraphs, styles)
            yield Line(text="\t".join(cells).strip(), page=1, bold=bold, italic=italic, cells=tuple(cells))


def _open(path: Path) -> Any:
    try:
        return open_docx(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ReadError("corrupt", f"the Word file is damaged ({one_line(exc) or type(exc).__name__}): open it in "
                                   "Word and save it again, or download it again") from exc
    except SyntaxError as exc:  # lxml's XMLSyntaxError: a mangled document.xml inside a good ZIP
        raise ReadError("corrupt", f"the Word file's content cannot be parsed ({one_line(exc)}): open it in Word "
                                   "and save it again, or save it as PDF") from exc


def read_docx(path: Path) -> RawDocument:
    doc = _open(path)
    styles = _Styles(doc)
    numbering = _Numbering(doc, styles)
    lines: list[Line] = []
    for block in _blocks(doc):
        if isinstance(block, Table):
            lines += _table_lines(block, styles)
            continue
        label = numbering.label(block)
        bold, italic = _flags([block], styles)
        level = _heading_level(styles.paragraph_style(block))
        for piece in paragraph_text(block).split("\n"):
            text = _clean(piece)
            if not text:
                continue
            if label:
                text, label = f"{label} {text}", None
            lines.append(Line(text=text, page=1, bold=bold, italic=italic, heading=level))
    if not lines:
        raise ReadError("empty", "the Word file has no text in its body (perhaps only pictures or text boxes): "
                                 "save it as PDF and ingest that, with --ocr if it is scanned")
    page = Page(number=1, lines=lines, chars=sum(len(ln.text) for ln in lines), reader="docx")
    return RawDocument(path=str(path), format="docx", pages=[page], reader="docx")
