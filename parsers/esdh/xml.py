"""XML as ESDH systems write it: mostly well-formed, sometimes with a character reference XML 1.0
forbids (eDoc writes a Word form feed as `&#xC;`). Such a file is read leniently and says so."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from parsers.readers.errors import ReadError

_CHAR_REF = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _allowed(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def parse_xml(data: bytes) -> tuple[ET.Element, list[str]]:
    """The root element and warnings; `ReadError("corrupt")` for XML that is not well-formed."""
    try:
        return ET.fromstring(data), []
    except ET.ParseError as first:
        error = first
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # an export written in Windows-1252 without saying so
        text = data.decode("cp1252", errors="replace")
        notes.append("the XML is not UTF-8 and names no encoding; read as Windows-1252")
    bad: list[str] = []

    def fix(m: re.Match[str]) -> str:
        ref = m.group(1)
        code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
        if _allowed(code):
            return m.group(0)
        bad.append(m.group(0))
        return " "

    cleaned = _RAW_CONTROL.sub(" ", _CHAR_REF.sub(fix, text))
    cleaned = re.sub(r"^<\?xml[^>]*\?>", "", cleaned.lstrip())
    try:
        root = ET.fromstring(cleaned)
    except ET.ParseError:
        raise ReadError("corrupt", f"the XML is not well-formed ({error}); the export is damaged or cut short: "
                                   "export the publication again") from error
    if bad or _RAW_CONTROL.search(text):
        shown = ", ".join(sorted(set(bad))[:3]) or "control characters"
        notes.append(f"the XML holds {len(bad) or 'some'} character reference(s) XML forbids ({shown}); read "
                     "leniently, they became spaces")
    return root, notes


def text_of(el: ET.Element | None, path: str = "") -> str:
    if el is None:
        return ""
    found = el.find(path) if path else el
    return " ".join((found.text or "").split()) if found is not None else ""


_BLOCK = re.compile(r"<\s*(?:/?(?:p|div|li|h[1-6]|tr|table|ul|ol)\b[^>]*|br\s*/?)>", re.I)
_CELL = re.compile(r"<\s*/?t[dh]\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def html_text(value: str) -> str:
    """Text of an HTML fragment (SBSYS and Acadre item fields): block elements end lines, cells are
    tab-separated as in the rest of maalspor, entities decoded, blank lines dropped."""
    if "<" not in value:
        return "\n".join(" ".join(ln.split()) for ln in html.unescape(value).splitlines() if ln.strip())
    value = re.sub(r"\s+", " ", value)
    value = _CELL.sub("\t", _BLOCK.sub("\n", value))
    text = html.unescape(_TAG.sub("", value)).replace("\xa0", " ")
    lines = []
    for line in text.split("\n"):
        cells = [" ".join(c.split()) for c in line.split("\t")]
        cells = [c for c in cells if c] if len(cells) > 1 else cells
        joined = "\t".join(cells).strip()
        if joined:
            lines.append(joined)
    return "\n".join(lines)


def iso_date(value: str) -> tuple[str | None, str | None]:
    """`25-09-2012 15:30:00` or `2013-06-20 10:30` → ("2012-09-25", "15:30")."""
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        y, mo, d = m.groups()
    else:
        m = re.search(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", value)
        if not m:
            return None, None
        d, mo, y = m.groups()
    t = re.search(r"\b(\d{1,2}):(\d{2})", value[m.end():])
    return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", (f"{int(t.group(1)):02d}:{t.group(2)}" if t else None)
