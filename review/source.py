"""The source beside the extracted fields: a PDF page as a PNG with the goal's lines marked, or a text span.

The database keeps page numbers and text offsets, not word boxes, so the boxes are found again on
the page: the statement's words are matched against pdfplumber's words in reading order, the
matched words grouped into lines and the lines marked. The file is found through its recorded
paths and used only when its size still matches the stored document.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import DocumentPathRow, DocumentRow

SCALE = 1.6
STATEMENT = (255, 214, 0, 110)
STATUS = (60, 140, 255, 80)


def source_file(session: Session, sha256: str) -> Path | None:
    doc = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).first()
    if doc is None:
        return None
    for p in session.scalars(select(DocumentPathRow.path).where(DocumentPathRow.document_id == doc.id)):
        path = Path(p)
        if path.is_file() and path.stat().st_size == doc.size:
            return path
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"[\wæøåÆØÅ]+", text.lower())


def _match(page_words: list[str], target: list[str]) -> list[int]:
    """Indices of page words that spell the target in order.

    Both sequences are walked together: a page word equal to the next target word (or a piece of
    it, for words hyphenated across lines) is a hit; other page words (the other column of a
    table, a running footer) are skipped, as are target words the page lacks. The match starts
    where the target's first words appear and counts only when most of the target was found.
    """
    if not target:
        return []
    k = min(3, len(target))
    best: list[int] = []
    for i in range(len(page_words) - k + 1):
        if page_words[i:i + k] != target[:k]:
            continue
        hits, t, j, misses, piece = [], 0, i, 0, ""
        while j < len(page_words) and t < len(target) and misses <= 15:
            w = page_words[j]
            if w == target[t] or (piece + w) == target[t]:
                hits.append(j)
                t, misses, piece = t + 1, 0, ""
            elif len(w) >= 2 and target[t].startswith(piece + w):
                hits.append(j)
                piece += w
            elif t + 1 < len(target) and w == target[t + 1]:
                hits.append(j)
                t, misses, piece = t + 2, 0, ""
            else:
                misses += 1
            j += 1
        if t >= 0.7 * len(target) and len(hits) > len(best):
            best = hits
    return best


def _line_boxes(words: list[dict], hits: list[int]) -> list[tuple[float, float, float, float]]:
    """Matched words merged into one box per line (same baseline, close horizontally)."""
    boxes: list[list[float]] = []
    for i in hits:
        w = words[i]
        for b in boxes:
            if abs(b[1] - w["top"]) < 3 and w["x0"] - b[2] < 40 and b[0] - w["x1"] < 40:
                b[0], b[2], b[3] = min(b[0], w["x0"]), max(b[2], w["x1"]), max(b[3], w["bottom"])
                break
        else:
            boxes.append([w["x0"], w["top"], w["x1"], w["bottom"]])
    return [tuple(b) for b in boxes]  # type: ignore[misc]


def _page_words(pdf, page: int) -> tuple[list[dict], list[str], list[int]]:  # type: ignore[no-untyped-def]
    """pdfplumber's words of a page, their normalised pieces, and which word each piece came from."""
    words = pdf.pages[page - 1].extract_words(use_text_flow=True, keep_blank_chars=False)
    pieces, owner = [], []
    for n, w in enumerate(words):
        for part in _words(w["text"]):
            pieces.append(part)
            owner.append(n)
    return words, pieces, owner


def _boxes(page: tuple[list[dict], list[str], list[int]], text: str, colour: tuple) -> list[tuple[tuple, tuple]]:
    words, pieces, owner = page
    hits = sorted({owner[i] for i in _match(pieces, _words(text))})
    return [(box, colour) for box in _line_boxes(words, hits)]


def _page_marks(pdf, page: int, statement: str, status: str) -> list[tuple[tuple, tuple]]:  # type: ignore[no-untyped-def]
    """Statement and status boxes on a page; none when the statement is not there (its status would mislead)."""
    words = _page_words(pdf, page)
    marks = _boxes(words, statement, STATEMENT)
    return marks + _boxes(words, status, STATUS) if marks else []


def _continuation_marks(pdf, page: int, statement: str, status: str) -> list[tuple[tuple, tuple]]:  # type: ignore[no-untyped-def]
    """On the page after a break: the tail of the statement that starts the page, and the status."""
    words, pieces, owner = _page_words(pdf, page)
    parts = _words(statement)
    best: list[int] = []
    for cut in range(1, len(parts)):
        hits = _match(pieces[:60], parts[cut:])  # a continuation starts the page, after its running header
        if hits and (not best or hits[0] < best[0]):
            best = hits
    marks = [(box, STATEMENT) for box in _line_boxes(words, sorted({owner[i] for i in best}))]
    return marks + _boxes((words, pieces, owner), status, STATUS)


class PageImage(NamedTuple):
    png: bytes
    page: int  # the page shown (the statement may sit on a neighbour of the recorded one)
    found: bool  # whether any of the statement's lines were found and marked
    mark_top: float | None  # where the first mark starts, as a share of the page height (to scroll to it)


@lru_cache(maxsize=64)
def page_png(path: str, page: int, statement: str, status: str, continuation: bool = False) -> PageImage:
    """PNG of the page holding the statement (the recorded page, else a neighbour), statement lines in yellow
    and status lines in blue. With `continuation`,
    the page after that one, marking the second half of the statement and the status (a goal split over
    a page break)."""
    import pdfplumber
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    marks: list[tuple[tuple, tuple]] = []
    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ValueError(f"page {page} is not in {Path(path).name}")
        for candidate in (page, page + 1, page - 1, page + 2):
            if 1 <= candidate <= len(pdf.pages) and (marks := _page_marks(pdf, candidate, statement, status)):
                page = candidate
                break
        if continuation:
            if page + 1 > len(pdf.pages):
                raise ValueError(f"{Path(path).name} has no page after {page}")
            page += 1
            marks = _continuation_marks(pdf, page, statement, status)
    pdf_doc = pdfium.PdfDocument(path)
    try:
        image = pdf_doc[page - 1].render(scale=SCALE).to_pil().convert("RGBA")
    finally:
        pdf_doc.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for (x0, top, x1, bottom), colour in marks:
        draw.rectangle([x0 * SCALE - 3, top * SCALE - 2, x1 * SCALE + 3, bottom * SCALE + 2], fill=colour)
        draw.rectangle([x0 * SCALE - 9, top * SCALE - 2, x0 * SCALE - 6, bottom * SCALE + 2],
                       fill=colour[:3] + (255,))
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, "PNG", optimize=True)
    top = min((box[1] for box, _ in marks), default=None)
    return PageImage(out.getvalue(), page, bool(marks),
                     round(top * SCALE / image.size[1], 4) if top is not None else None)


def narrow(text: str, start: int | None, end: int | None, statement: str) -> tuple[int | None, int | None]:
    """The statement's own offsets when the recorded ones cover a whole section around it."""
    if start is None or end is None:
        return start, end
    words = _words(statement)[:6]
    if not words:
        return start, end
    pattern = r"\W+".join(re.escape(w) for w in words)
    m = re.search(pattern, text[start:end + 200], flags=re.IGNORECASE)
    if m is None:
        return start, end
    s = start + m.start()
    return s, min(len(text), s + max(len(statement), m.end() - m.start()))


def text_span(text: str, start: int | None, end: int | None, context: int = 600) -> tuple[str, str, str]:
    """(before, span, after) around a goal's offsets in the normalised text; escaping is the template's job."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return "", "", ""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    return ("…" if lo else "") + text[lo:start], text[start:end], text[end:hi] + ("…" if hi < len(text) else "")
