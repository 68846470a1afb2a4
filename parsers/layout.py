"""Layout clean-up: RawDocument → Document.

Removes what the page layout added and the text never said: running headers and footers,
page stamps, hyphenation at line ends, double-spaced text layers, inline markup. Table rows
become one line with tab-separated cells so title and text cells never interleave.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from models.records import DocLine, Document, Line, RawDocument

_PAGE_STAMP = re.compile(
    r"^\s*(?:(?:side|page|s\.)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?|\d+\s*(?:af|of|/)\s*\d+|[-–]?\s*\d{1,4}\s*[-–]?)\s*$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})\b")
_INLINE_TAG = re.compile(r"</?(?:b|i|em|strong|u|span|font)(?:\s[^>]*)?>", re.IGNORECASE)
_MD_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_EM = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_BULLETS = {"\uf0b7": "•", "\uf0a7": "•", "\uf06e": "•", "\u25aa": "•", "\u25cf": "•", "\uf02d": "-"}
# Words that follow a suspended compound ("Sundheds- og …"): the hyphen is real, keep the space.
_CONJUNCTIONS = {"og", "eller", "samt", "til", "som", "men", "&"}


def clean_chars(text: str) -> str:
    """NFC, soft hyphens out, private-use bullets and odd dashes to plain ones."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "").replace("\u2010", "-").replace("\u2011", "-").replace("\u00a0", " ")
    for src, dst in _BULLETS.items():
        text = text.replace(src, dst)
    for lig, rep in (("ﬁ", "fi"), ("ﬂ", "fl"), ("ﬀ", "ff"), ("ﬃ", "ffi"), ("ﬄ", "ffl")):
        text = text.replace(lig, rep)
    return text


def strip_markup(text: str) -> tuple[str, bool, bool]:
    """Remove inline HTML-ish and Markdown emphasis; report whether it marked bold/italic."""
    bold = bool(re.search(r"<(?:b|strong)>|\*\*|__", text, re.IGNORECASE))
    italic = bool(re.search(r"<(?:i|em)>", text, re.IGNORECASE)) or bool(_MD_EM.search(text))
    text = _INLINE_TAG.sub("", text)
    text = _MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_EM.sub(r"\1", text)
    text = text.replace("\\_", "_").replace("\\*", "*")
    return text, bold, italic


def join_hyphenated(first: str, second: str) -> str:
    """Join two wrapped pieces, undoing a line-end hyphen only where it was the layout's.

    Keeps real hyphens: after a digit or capital (`2030-fremskrivning`, `P-huse`, `IGU-`),
    after a one-letter word (`a-kasse`) and before a conjunction (`Sundheds- og`).
    """
    a = first.rstrip()
    b = second.lstrip()
    if not a or not b:
        return a or b
    if not re.search(r"\w-$", a):
        return f"{a} {b}"
    next_word = b.split()[0]
    if next_word.lower().strip(".,;:") in _CONJUNCTIONS:
        return f"{a} {b}"
    last = re.search(r"(\w+)-$", a).group(1)
    if last[-1].isdigit() or last.isupper() or len(last) == 1 or not next_word[:1].islower():
        return a + b  # 2030-fremskrivning, P-huse, IGU-pladser, a-kasse: the hyphen is real
    return a[:-1] + b


def join_lines(pieces: list[str]) -> str:
    out = ""
    for piece in pieces:
        if piece.strip():
            out = join_hyphenated(out, piece) if out else piece.strip()
    return out


_PAGE_WORD = re.compile(r"\b(?:side|page|s\.)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?\s*$|\b\d+\s*(?:af|of|/)\s*\d+\s*$", re.I)


def _norm_key(text: str) -> str:
    """Digits count only where they are a page number, so `Side 3` matches `Side 4` but body lines stay apart."""
    text = " ".join(text.split()).lower()
    return re.sub(r"\d+", "#", text) if _PAGE_WORD.search(text) else text


def running_lines(pages: list[list[Line]]) -> set[tuple[int, int]]:
    """(page index, line index) of running headers/footers and page stamps.

    A line is running when the same text (digits ignored) stands at the same place —
    the same height on a PDF page, or the same line position from the top or bottom — on at
    least half the pages (and on at least two). Page stamps (`Side 3`, `3 af 12`) at either
    end of a page go regardless.
    """
    drop: set[tuple[int, int]] = set()
    n = len(pages)
    zone = 6
    counts: Counter[tuple[str, str]] = Counter()
    keyed: list[list[tuple[int, tuple[str, str]]]] = []
    for lines in pages:
        content = [(i, ln) for i, ln in enumerate(lines) if ln.text.strip()]
        keys: list[tuple[int, tuple[str, str]]] = []
        seen: set[tuple[str, str]] = set()
        for pos, (i, ln) in enumerate(content[:zone]):
            where = f"y{round(ln.bbox[1] / 4)}" if ln.bbox else f"t{pos}"
            keys.append((i, (_norm_key(ln.text), where)))
        for pos, (i, ln) in enumerate(reversed(content[-zone:])):
            where = f"y{round(ln.bbox[1] / 4)}" if ln.bbox else f"b{pos}"
            keys.append((i, (_norm_key(ln.text), where)))
        for _, key in keys:
            if key not in seen:
                counts[key] += 1
                seen.add(key)
        keyed.append(keys)
    threshold = max(2, (n + 1) // 2)
    for p, keys in enumerate(keyed):
        for i, key in keys:
            if n >= 2 and counts[key] >= threshold and key[0]:
                drop.add((p, i))
        content = [i for i, ln in enumerate(pages[p]) if ln.text.strip()]
        for i in content[:2] + content[-2:]:
            if _PAGE_STAMP.match(pages[p][i].text) and not pages[p][i].cells:
                drop.add((p, i))
    return drop


def _flow_stamps(lines: list[Line]) -> set[int]:
    """Footers left inside a single flowing text (a PDF text layer saved as .txt).

    A bare page number, or `Side N`, together with a short date-stamped line just before it.
    """
    drop: set[int] = set()
    content = [i for i, ln in enumerate(lines) if ln.text.strip()]
    for k, i in enumerate(content):
        text = lines[i].text.strip()
        stamp = re.fullmatch(r"(?:side\s*)?(\d{1,4})(?:\s*(?:af|/)\s*(\d+))?", text, re.IGNORECASE)
        if stamp and stamp.group(2) and not int(stamp.group(1)) <= int(stamp.group(2)) <= 999:
            continue  # `24/20382` is a case number, not page 24 of 20382
        if stamp and not lines[i].cells:
            prev = content[k - 1] if k else None
            if prev is not None and lines[prev].item is None:
                ptext = lines[prev].text.strip()
                if len(ptext) <= 90 and _DATE.search(ptext) and not ptext.endswith("."):
                    drop.update({i, prev})
                    continue
            if text.lower().startswith("side"):
                drop.add(i)
    return drop


def _is_double_spaced(lines: list[Line]) -> bool:
    """True for text layers where every line is followed by an empty one (paragraphs are ' ')."""
    texts = [ln.text for ln in lines]
    nonempty = [i for i, t in enumerate(texts) if t.strip()]
    if len(nonempty) < 20:
        return False
    followed = sum(1 for i in nonempty if i + 1 < len(texts) and texts[i + 1] == "")
    return followed / len(nonempty) > 0.8


_LONE_LETTER = re.compile(r"^[A-ZÆØÅ]$")
_SIDEBAR_HEAD = re.compile(r"^[A-ZÆØÅ] (?=[A-ZÆØÅ0-9])")
_SIDEBAR_TAIL = re.compile(r"(?<=[a-zæøå,.\-])(?: |)[A-ZÆØÅ]$")


def drop_sidebar(lines: list[Line]) -> list[Line]:
    """Remove a vertical banner printed one letter per line ("P R O J E K T …" down the margin).

    Word annexes often carry one; the text layer then holds lone capitals between the lines and
    glues a letter to the start or end of the lines beside it. Only a page with five or more lone
    capital lines is treated, so an ordinary "I 2024 …" is never touched.
    """
    if sum(1 for ln in lines if _LONE_LETTER.match(ln.text.strip())) < 5:
        return lines
    out = []
    for ln in lines:
        text = ln.text.strip()
        if _LONE_LETTER.match(text):
            continue
        fixed = _SIDEBAR_TAIL.sub("", _SIDEBAR_HEAD.sub("", text))
        out.append(ln.model_copy(update={"text": fixed}) if fixed != text else ln)
    return out


def normalise(raw: RawDocument) -> Document:
    pages = [drop_sidebar([ln.model_copy(update={"text": clean_chars(ln.text)}) for ln in p.lines])
             for p in raw.pages]
    drop = running_lines(pages) if len(pages) > 1 else set()
    flat: list[Line] = [ln for p, lines in enumerate(pages) for i, ln in enumerate(lines) if (p, i) not in drop]
    if _is_double_spaced(flat):
        flat = [ln for ln in flat if ln.text != ""]
    flow_drop = _flow_stamps(flat)
    flat = [ln for i, ln in enumerate(flat) if i not in flow_drop]

    out: list[DocLine] = []
    pos = 0
    pending: DocLine | None = None  # a line ending in a hyphen waits for its continuation

    def emit(text: str, src: Line | DocLine, bold: bool, italic: bool, table: bool, own: bool = True) -> None:
        nonlocal pos
        box = src.bbox if isinstance(src, Line) else (src.x0, 0.0, src.x1, 0.0) if src.x1 is not None else None
        out.append(DocLine(text=text, page=src.page, start=pos, end=pos + len(text), bold=bold, italic=italic,
                           size=src.size, is_table_row=table, x0=box[0] if box else None,
                           x1=box[2] if box else None, heading=src.heading if own else None,
                           item=src.item if own else None))
        pos += len(text) + 1

    for ln in flat:
        if ln.cells is not None:
            cells = []
            bold = ln.bold
            italic = ln.italic
            for cell in ln.cells:
                text, b, it = strip_markup(clean_chars(cell))
                bold = bold or (b and not cells)
                italic = italic or it
                cells.append(join_lines(text.split("\n")))
            text = "\t".join(cells)
            if pending is not None:
                emit(pending.text, ln, pending.bold, pending.italic, False, own=False)
                pending = None
            emit(text, ln, bold, italic, True)
            continue
        text, bold, italic = strip_markup(ln.text)
        bold = bold or ln.bold
        italic = italic or ln.italic
        stripped = text.strip()
        if pending is not None:
            if not stripped:
                continue  # a blank between the halves of a hyphenated word
            joined = join_hyphenated(pending.text, stripped)
            if joined.startswith(pending.text) and joined[len(pending.text):len(pending.text) + 1] == " ":
                emit(pending.text, ln, pending.bold, pending.italic, False, own=False)
                pending = None
            else:
                # move the word's tail up: the rest of this line stays a line of its own
                head, _, rest = stripped.partition(" ")
                merged = join_hyphenated(pending.text, head)
                emit(merged, ln, pending.bold, pending.italic, False, own=False)
                pending = None
                if not rest.strip():
                    continue
                stripped = text = rest.strip()
        if re.search(r"\w-$", stripped) and not re.search(r"\s-$", stripped) and ln.item is None:
            pending = DocLine(text=stripped, page=ln.page, start=0, end=0, bold=bold, italic=italic,
                              x0=ln.bbox[0] if ln.bbox else None, x1=ln.bbox[2] if ln.bbox else None)
            continue
        emit(text.rstrip() if stripped else "", ln, bold, italic, False)
    if pending is not None:
        emit(pending.text, pending, pending.bold, pending.italic, False)
    text = "\n".join(dl.text for dl in out)
    # the first page's running header/footer is often the only place a meeting's body and date stand
    running = [clean_chars(pages[0][i].text).strip() for p, i in sorted(drop) if p == 0] if pages else []
    return Document(path=raw.path, format=raw.format, reader=raw.reader, text=text, lines=out,
                    page_count=len(raw.pages), warnings=list(raw.warnings), running=[r for r in running if r],
                    site=dict(raw.site))
