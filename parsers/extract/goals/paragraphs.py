"""Lines into paragraphs, printed units and sentences, as the prose finders read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from models.records import DocLine
from parsers.extract.goals.common import _BULLET, _is_heading_like
from parsers.split import section_kind

_ABBREV = {"ca", "pr", "nr", "kr", "mio", "mia", "fx", "jf", "inkl", "evt", "kl", "bl.a", "f.eks", "mht", "vedr",
           "ift", "pkt", "stk", "mdr", "t", "dvs", "mv", "m.v", "osv", "etc", "hhv", "ang", "iht", "pct"}


@dataclass
class Paragraph:
    text: str
    first: DocLine
    last: DocLine
    italic: bool  # every line of it is in italics (or bold, for `bold`)
    bold: bool
    heading: bool  # a short line standing alone, not a sentence


_MD_HEADING = re.compile(r"^#{1,6}\s+\S")


def paragraph_spans(lines: list[DocLine], geometry: bool = True) -> list[Paragraph]:
    """Lines joined into paragraphs; a blank line, a new list item or a change of type starts the next one."""
    out: list[Paragraph] = []
    cur: list[DocLine] = []
    # each page's right margin, where the reader knows it: a line that stops well short ends a paragraph
    right: dict[int, float] = {}
    for ln in lines:
        if ln.x1 is not None and not ln.is_table_row:
            right[ln.page] = max(right.get(ln.page, 0.0), ln.x1)

    def flush() -> None:
        if cur:
            text = " ".join(ln.text.strip() for ln in cur)
            bold = all(ln.bold for ln in cur)
            heading = _is_heading_like(text) and len(text) < 150 and (
                bold or len(cur) == 1 and len(text.split()) <= 8)  # a plain long line is a sentence sans stop
            out.append(Paragraph(text=text, first=cur[0], last=cur[-1], italic=all(ln.italic for ln in cur),
                                 bold=bold, heading=heading))
        cur.clear()

    for line in lines:
        text = line.text.strip()
        if not text or _BULLET.match(text) and not _wrapped_number(cur[-1] if cur else None, line, right) \
                or line.is_table_row:
            flush()
            if text and not line.is_table_row:
                cur.append(line)
            continue
        if _MD_HEADING.match(text) or (len(text) < 60 and section_kind(text) is not None):
            flush()  # a heading is a paragraph of its own, wherever the blank lines went
            cur.append(line)
            flush()
            out[-1].heading = True
            continue
        prev = cur[-1] if cur else None
        short = geometry and prev is not None and prev.x1 is not None and prev.page in right and \
            prev.x1 < right[prev.page] - 40 and not _wrapped_word(prev, text, right[prev.page])
        if prev and (prev.italic != line.italic or prev.bold != line.bold or line.bold and _is_heading_like(text)
                     or short):
            flush()
        cur.append(line)
    flush()
    return out


def _wrapped_number(prev: DocLine | None, line: DocLine, right: dict[int, float]) -> bool:
    """`… direkte efter` / `9. eller 10. klasse`: a number that a full line wrapped onto the next, not a list.

    Only geometry tells: the line before runs to the right margin without closing its sentence, and
    the number starts at that line's left edge, not at a list's hanging indent.
    """
    if prev is None or prev.x1 is None or prev.x0 is None or line.x0 is None or prev.page not in right:
        return False
    if not re.match(r"^\d{1,2}\.\s", line.text.strip()) or prev.text.rstrip().endswith((".", ":", ";", "!", "?")):
        return False
    return prev.x1 >= right[prev.page] - 15 and abs(prev.x0 - line.x0) < 2 and prev.italic == line.italic


def paragraphs(lines: list[DocLine]) -> list[str]:
    return [p.text for p in paragraph_spans(lines)]


def sentences(paragraph: str) -> list[str]:
    """Split at . ! ? followed by a capital or digit, but not after abbreviations or inside numbers."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ”\"(])", paragraph):
        before = paragraph[start:m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREV or re.fullmatch(r"\d{1,2}", word):
            continue
        out.append(paragraph[start:m.end()].strip())
        start = m.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def _span(first: DocLine, last: DocLine) -> dict[str, Any]:
    return {"page": first.page, "start": first.start, "end": last.end}


def _styled_units(lines: list[DocLine], para: Paragraph) -> list[str]:
    """A run of styled lines split where a line starts a new statement."""
    run = [ln for ln in lines if para.first.start <= ln.start <= para.last.start and ln.text.strip()]
    return line_units(run, lines)


def line_units(run: list[DocLine], lines: list[DocLine], wrapped: bool = True) -> list[str]:
    """Lines joined into the paragraphs they were printed as.

    In a PDF a line that stops well short of the page's right margin ends its paragraph; with no
    geometry (text files) a capital after a complete line starts a new one; in HTML and Word every
    line is a paragraph already. Goals often stand one per line with no full stop.
    """
    run = [ln for ln in run if ln.text.strip()]
    if not wrapped:
        return [ln.text.strip() for ln in run]
    pages = {ln.page for ln in run}
    # the text's right margin on these pages: where wrapped body lines end
    right = max((ln.x1 for ln in lines if ln.page in pages and ln.x1 is not None and not ln.is_table_row),
                default=None)
    units: list[list[str]] = []
    prev: DocLine | None = None
    for line in run:
        text = line.text.strip()
        if prev is None:
            units.append([text])
        elif right is not None and prev.x1 is not None:
            ended = prev.x1 < right - 40 or prev.text.rstrip().endswith((".", "!", "?")) and prev.x1 < right - 15
            if ended and _wrapped_word(prev, text, right):
                ended = False  # the line stopped short because this line's first word did not fit
            elif not ended and text[:1].islower() and _ends_sentence(prev.text):
                ended = True  # `… ungdomsuddannelse.` / `de unges …`: a lower-case statement after a closed one
            (units.append([text]) if ended else units[-1].append(text))
        elif text[:1].isupper() or text[:1].isdigit() or _ends_sentence(prev.text):
            units.append([text])
        else:
            units[-1].append(text)
        prev = line
    return [" ".join(u) for u in units]


def _ends_sentence(text: str) -> bool:
    """A line that closes a sentence (not `mio. kr.` or `9.`): a lower-case line after it starts anew."""
    text = text.rstrip()
    if not text.endswith((".", "!", "?")):
        return False
    words = text.split()
    word = words[-1].lower().rstrip(".") if words else ""
    return word not in _ABBREV and not re.fullmatch(r"[\d.,]*", word)


def _wrapped_word(prev: DocLine, text: str, right: float) -> bool:
    """`… højest at være 3.760` / `gennemsnitligt 4.000 …`: a sentence that goes on in lower case after a
    line that ends short only because the next word is too long for the room left at its end."""
    if not text[:1].islower() or prev.text.rstrip().endswith((".", "!", "?", ":", ";")) or prev.x0 is None:
        return False
    width = (prev.x1 or 0) - prev.x0
    per_char = width / max(1, len(prev.text.strip()))
    first = text.split()[0]
    return right - (prev.x1 or 0) < per_char * (len(first) + 2)
