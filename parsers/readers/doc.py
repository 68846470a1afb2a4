"""Word 97-2003 (.doc) through Debian's antiword (catdoc when antiword is missing or refuses).

Old bilag (policies, notes from before 2007) are .doc; both converters are small C programs
that read one file in milliseconds. antiword prints a table row as `|cell|cell|`, which becomes
a row of cells here, so follow-up tables in old Word files reach the goal extractor as tables.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from models.records import Line, Page, RawDocument
from parsers.readers.errors import ReadError

TIMEOUT = 120.0


def converter() -> str | None:
    """The converter this machine has, or None (`apt-get install antiword`)."""
    for tool in ("antiword", "catdoc"):
        if shutil.which(tool):
            return tool
    return None


def _run(tool: str, path: Path) -> str:
    cmd = [tool, "-m", "UTF-8.txt", "-w", "0", str(path)] if tool == "antiword" \
        else [tool, "-d", "utf-8", "-w", str(path)]
    proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
    if proc.returncode != 0:
        raise ReadError("corrupt", f"{tool} could not read the Word 97-2003 file "
                                   f"({proc.stderr.decode('utf-8', 'replace').strip()[:160] or 'no reason given'}):"
                                   " open it in Word or LibreOffice and save it as .docx or PDF")
    return proc.stdout.decode("utf-8", "replace")


def _cells(text: str) -> tuple[str, ...] | None:
    stripped = text.strip()
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        return tuple(c.strip() for c in stripped[1:-1].split("|"))
    return None


def text_to_lines(text: str) -> list[Line]:
    """The converter's text as lines; a form feed (a page break in Word) starts a new page."""
    lines: list[Line] = []
    page = 1
    for raw in text.replace("\r\n", "\n").split("\n"):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if raw.strip() in ("[pic]", "[image]"):
            continue
        cells = _cells(raw)
        shown = "\t".join(cells) if cells else raw.rstrip()
        lines.append(Line(text=shown, page=page, cells=cells))
    return lines


def read_doc(path: Path) -> RawDocument:
    tool = converter()
    if tool is None:
        raise ReadError("unsupported", "a Word 97-2003 file (.doc), and no converter is installed here: "
                                       "apt-get install antiword (make debs does), or save it as .docx or PDF")
    try:
        text = _run(tool, path)
        if not text.strip() and tool == "antiword" and shutil.which("catdoc"):
            tool, text = "catdoc", _run("catdoc", path)
    except subprocess.TimeoutExpired as exc:
        raise ReadError("failed", f"{tool} took longer than {TIMEOUT:g} s; the file may be damaged: save it "
                                  "again in Word or LibreOffice") from exc
    except ReadError as first:
        if tool != "antiword" or not shutil.which("catdoc"):
            raise
        tool, text = "catdoc", _run("catdoc", path)
        if not text.strip():
            raise first from None
    lines = text_to_lines(text)
    if not any(line.text.strip() for line in lines):
        raise ReadError("empty", "the Word file holds no text (perhaps only pictures): save it as PDF and "
                                 "ingest that with --ocr")
    pages = [Page(number=n, lines=[ln for ln in lines if ln.page == n], reader=tool)
             for n in range(1, lines[-1].page + 1)]
    for page in pages:
        page.chars = sum(len(ln.text) for ln in page.lines)
    return RawDocument(path=str(path), format="doc", pages=[p for p in pages if p.lines] or pages[:1],
                       reader=tool)
