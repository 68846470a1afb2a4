"""Optional OCR of scanned PDFs with OCRmyPDF, run as a separate process.

OCR is slow and its tools are big system packages (Tesseract with Danish data, Ghostscript),
so it is opt-in: `maalspor ingest --ocr` with either the `ocr` extra (`pip install
'maalspor[ocr]'`, the OCRmyPDF module in this interpreter) or Debian's `ocrmypdf` package on
PATH, plus `tesseract-ocr-dan` in both cases. It runs in a child process with a time limit so
a hung Ghostscript or a crash in Tesseract costs one file, never the batch; the OCR'd copy is
a temporary file that is read and then thrown away, the original is never touched.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

LANGUAGE = "dan"
HOW_TO_INSTALL = ("install the `ocr` extra (pip install 'maalspor[ocr]') or Debian's `ocrmypdf`, "
                  f"and `tesseract-ocr-{LANGUAGE}`")


class OcrError(Exception):
    """OCRmyPDF is missing or failed; the message says which and what to do."""


def ocr_command() -> list[str] | None:
    """How to start OCRmyPDF here: the `ocr` extra's module first (the version pip pinned), then
    a system-wide `ocrmypdf` (Debian's package)."""
    if importlib.util.find_spec("ocrmypdf") is not None:
        return [sys.executable, "-m", "ocrmypdf"]
    exe = shutil.which("ocrmypdf")
    return [exe] if exe else None


@functools.lru_cache(maxsize=1)
def tesseract_languages() -> frozenset[str]:
    """Languages the installed Tesseract can read (empty when Tesseract is missing); asked once
    per process, since every scanned file of a batch would otherwise ask again."""
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (out.stdout + "\n" + out.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip() and not ln.endswith(":"))


def missing() -> str | None:
    """Why OCR cannot run here, or None when it can: checked once before a batch, so the user
    learns it at the start and not from every scanned file."""
    if ocr_command() is None:
        return f"OCRmyPDF is not installed: {HOW_TO_INSTALL}"
    if shutil.which("tesseract") is None:
        return f"Tesseract is not installed: apt install tesseract-ocr tesseract-ocr-{LANGUAGE}"
    if LANGUAGE not in tesseract_languages():
        return f"Tesseract has no Danish language data: apt install tesseract-ocr-{LANGUAGE}"
    return None


def ocr_pdf(src: Path, dst: Path, force: bool = True, timeout: float = 1800.0) -> None:
    """Write an OCR'd copy of `src` to `dst`.

    `force` rasterises every page (`--force-ocr`), for scans that carry a stray stamp or page
    number as text, which would make `--skip-text` skip the page; without it only pages with
    no text are OCR'd and the text layer of the others is kept as it is. Plain PDF output and
    no optimisation: the copy is only read for its text, so PDF/A conversion is wasted time.
    """
    cmd = ocr_command()
    if cmd is None:
        raise OcrError(f"OCRmyPDF is not installed: {HOW_TO_INSTALL}")
    args = [*cmd, "-l", LANGUAGE, "--force-ocr" if force else "--skip-text", "--output-type", "pdf",
            "--optimize", "0", "--quiet", str(src), str(dst)]
    # OCRmyPDF runs one Tesseract per page in parallel; Tesseract's own OpenMP threads on top of
    # that spin against each other (a one-page scan took 80 s instead of 1 s on two busy cores).
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
    try:
        proc = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout, check=False,
                              env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"OCRmyPDF took longer than {timeout:g} s and was stopped") from exc
    except OSError as exc:
        raise OcrError(f"OCRmyPDF could not be started ({exc}): {HOW_TO_INSTALL}") from exc
    if proc.returncode != 0 or not dst.exists():
        lines = [ln.strip() for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
        detail = lines[-1] if lines else f"exit status {proc.returncode}"
        raise OcrError(f"OCRmyPDF failed ({detail[:300]})")
