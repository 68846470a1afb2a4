"""Bad input never stops a batch: each broken file gets one outcome and a one-line message.

Every test builds its bad file itself (see helpers_pdf), runs the real pipeline on it next to
a good file, and checks the outcome, that the message names the file and says what to do,
and that the good file was stored all the same.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ingest import ocr as ocr_tool
from ingest import pipeline
from ingest.cli import app
from models.db import make_engine
from models.schema import DocumentPathRow, DocumentRow, FileOutcomeRow
from parsers.readers import pdf as pdf_reader
from parsers.readers import read_document
from parsers.readers.errors import ReadError
from tests import helpers_pdf as h
from tests.conftest import corpus_path

GOOD_NAME = "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt"


def good_text() -> Path:
    """The good text document from the corpus; the test skips when the corpus is not beside the project."""
    return corpus_path("text", GOOD_NAME)

OCR_HINT = "scanned PDF without text layer: run `ocrmypdf -l dan --skip-text IN OUT` or install the `ocr` extra"


@pytest.fixture()
def engine(db_url: str) -> Engine:
    return make_engine(db_url)


@pytest.fixture()
def any_engine(any_db_url: str) -> Engine:
    """For the tests of what gets stored and recorded: on SQLite and PostgreSQL alike."""
    return make_engine(any_db_url)


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """An input folder that always holds one good file, which must be stored whatever else is there."""
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "good.txt").write_bytes(good_text().read_bytes())
    return d


def run(engine: Engine, *inputs: Path, **kw: object) -> dict[str, pipeline.FileResult]:
    summary = pipeline.ingest_paths(engine, list(inputs), **kw)  # type: ignore[arg-type]
    assert summary.aborted is None
    return {Path(r.path).name: r for r in summary.results}


def assert_one_line_naming(result: pipeline.FileResult, path: Path, *words: str) -> None:
    assert "\n" not in result.message
    assert result.message.startswith(str(path.resolve() if not path.is_symlink() else os.path.abspath(path)))
    for w in words:
        assert w in result.message, result.message


def doc_count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(DocumentRow)) or 0


def stored_outcome(engine: Engine, path: Path) -> FileOutcomeRow | None:
    with Session(engine) as s:
        return s.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == os.path.abspath(path))).first()


def check_good_stored(results: dict[str, pipeline.FileResult]) -> None:
    assert results["good.txt"].outcome == "ok"


# --- one bad file at a time --------------------------------------------------------------


def test_zero_byte_file_is_empty(engine: Engine, inbox: Path) -> None:
    bad = inbox / "tom.pdf"
    bad.write_bytes(b"")
    results = run(engine, inbox)
    assert results["tom.pdf"].outcome == "empty"
    assert_one_line_naming(results["tom.pdf"], bad, "0 bytes", "download or export it again")
    check_good_stored(results)
    row = stored_outcome(engine, bad)
    assert row is not None and row.outcome == "empty" and row.message == results["tom.pdf"].message


def test_truncated_pdf_is_corrupt(engine: Engine, inbox: Path) -> None:
    bad = h.truncated_pdf(inbox / "afbrudt.pdf")
    results = run(engine, inbox)
    assert results["afbrudt.pdf"].outcome == "corrupt"
    assert_one_line_naming(results["afbrudt.pdf"], bad, "truncated", "download it again")
    check_good_stored(results)


def test_pdf_readable_without_eof_marker_is_stored_with_a_warning(engine: Engine, tmp_path: Path) -> None:
    src = h.text_pdf(tmp_path / "src.pdf")
    bad = tmp_path / "uden_eof.pdf"
    bad.write_bytes(src.read_bytes().rstrip()[: -len(b"%%EOF")])
    result = run(engine, bad)["uden_eof.pdf"]
    assert result.outcome == "ok"
    assert_one_line_naming(result, bad, "may be truncated")


def test_broken_xref_is_read_by_pdfium(engine: Engine, inbox: Path) -> None:
    bad = h.broken_xref_pdf(inbox / "xref.pdf")
    raw = read_document(bad)
    assert raw.reader == "pypdfium2"
    assert "Beskæftigelsesudvalget" in raw.pages[0].lines[0].text
    old = pdf_reader.read_pdf(bad, prefer="pdfplumber")
    assert old.reader == "pypdfium2" and any("pdfplumber could not open" in w for w in old.warnings)
    results = run(engine, inbox)
    assert results["xref.pdf"].outcome == "ok"
    assert results["xref.pdf"].pages == 2
    check_good_stored(results)


def test_broken_xref_of_a_real_pdf_keeps_every_page(tmp_path: Path) -> None:
    src = corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf")
    raw = read_document(h.broken_xref_pdf(tmp_path / "ballerup.pdf", source=src))
    good = read_document(src)
    assert len(raw.pages) == len(good.pages) == 15
    assert all(p.lines for p in raw.pages)


def test_pdf_pdfium_refuses_is_read_by_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = h.text_pdf(tmp_path / "ok.pdf", pages=2)

    def refuse(*_a: object, **_k: object) -> None:
        raise pdf_reader.pdfium.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pdf_reader.pdfium, "PdfDocument", refuse)
    raw = read_document(path)
    assert raw.reader == "pdfplumber" and len(raw.pages) == 2
    assert any("pdfium could not open" in w for w in raw.warnings)


def test_pdfium_page_failure_falls_back_to_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = h.text_pdf(tmp_path / "ok.pdf", pages=3)
    real = pdf_reader.read_chars

    def flaky(page: pdf_reader.pdfium.PdfPage) -> object:
        text = real(page)
        if len(text.chars) and page.get_textpage().get_text_range().count("Side 2"):
            raise pdf_reader.pdfium.PdfiumError("broken content stream")
        return text

    monkeypatch.setattr(pdf_reader, "read_chars", flaky)
    raw = read_document(path)
    assert [p.reader for p in raw.pages] == ["pypdfium2", "pdfplumber", "pypdfium2"]
    assert raw.pages[1].lines and "Beskæftigelsesudvalget" in raw.pages[1].lines[0].text
    assert any("page 2: pdfium failed (broken content stream); read with pdfplumber" in w for w in raw.warnings)


def test_pdfplumber_page_failure_falls_back_to_pdfium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pdfplumber-first reading (files pdfium refuses, reader comparisons) still falls back per page."""
    path = h.text_pdf(tmp_path / "ok.pdf", pages=3)
    real = pdf_reader._plumber_page_lines

    def flaky(page: object, number: int) -> list:
        if number == 2:
            raise ValueError("broken content stream")
        return real(page, number)

    monkeypatch.setattr(pdf_reader, "_plumber_page_lines", flaky)
    raw = pdf_reader.read_pdf(path, prefer="pdfplumber")
    assert [p.reader for p in raw.pages] == ["pdfplumber", "pypdfium2", "pdfplumber"]
    assert raw.pages[1].lines and "Beskæftigelsesudvalget" in raw.pages[1].lines[0].text


def test_password_protected_pdf_is_encrypted(engine: Engine, inbox: Path) -> None:
    bad = h.encrypted_pdf(inbox / "hemmelig.pdf")
    results = run(engine, inbox)
    assert results["hemmelig.pdf"].outcome == "encrypted"
    assert_one_line_naming(results["hemmelig.pdf"], bad, "password-protected", "qpdf --decrypt")
    check_good_stored(results)


def test_owner_password_only_pdf_is_read(engine: Engine, tmp_path: Path) -> None:
    path = h.encrypted_pdf(tmp_path / "kun_ejer.pdf", user="")
    assert run(engine, path)["kun_ejer.pdf"].outcome == "ok"


def test_image_only_pdf_needs_ocr(engine: Engine, inbox: Path) -> None:
    bad = h.scanned_pdf(inbox / "scannet.pdf")
    results = run(engine, inbox)
    assert results["scannet.pdf"].outcome == "needs_ocr"
    assert_one_line_naming(results["scannet.pdf"], bad, OCR_HINT)
    check_good_stored(results)


def test_scan_with_a_stamp_of_text_still_needs_ocr(tmp_path: Path) -> None:
    """A scanning workflow may add a page number as text: still a scan, and --skip-text would skip it."""
    from fpdf import FPDF

    scan = h.scanned_pdf(tmp_path / "scan.pdf", pages=2)
    img = h.page_image(scan, 0, dpi=100)
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=8)
    for n in (1, 2):
        pdf.add_page()
        pdf.image(img, x=0, y=0, w=pdf.w, h=pdf.h)
        pdf.text(180, 290, f"Side {n}")
    stamped = tmp_path / "stemplet.pdf"
    stamped.write_bytes(bytes(pdf.output()))
    with pytest.raises(ReadError) as err:
        read_document(stamped)
    assert err.value.kind == "needs_ocr" and "--force-ocr" in err.value.message


def test_text_pdf_with_one_scanned_page_is_stored_and_flagged(engine: Engine, tmp_path: Path) -> None:
    mixed = h.text_then_scanned_pdf(tmp_path / "blandet.pdf")
    result = run(engine, mixed)["blandet.pdf"]
    assert result.outcome == "ok"
    assert_one_line_naming(result, mixed, "page 2 looks scanned", "--ocr")


def test_blank_pdf_is_empty(engine: Engine, tmp_path: Path) -> None:
    bad = h.blank_pdf(tmp_path / "blank.pdf", pages=2)
    result = run(engine, bad)["blank.pdf"]
    assert result.outcome == "empty"
    assert_one_line_naming(result, bad, "no text layer and no images")


def test_html_named_pdf_is_refused(engine: Engine, inbox: Path) -> None:
    bad = h.html_as_pdf(inbox / "referat.pdf")
    results = run(engine, inbox)
    assert results["referat.pdf"].outcome == "corrupt"
    assert_one_line_naming(results["referat.pdf"], bad, "HTML page", "download the PDF again")
    check_good_stored(results)


@pytest.mark.parametrize("compression", ["stored", "deflated"])
def test_zip_named_pdf_is_unsupported(engine: Engine, inbox: Path, compression: str) -> None:
    import zipfile

    bad = inbox / "bilag.pdf"
    if compression == "stored":  # the PDF inside shows its %PDF- header in the first kilobyte
        h.zip_as_pdf(bad)
    else:
        inner = h.text_pdf(inbox / "inner.pdf")
        with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(inner, "referat.pdf")
        inner.unlink()
    results = run(engine, inbox)
    assert results["bilag.pdf"].outcome == "unsupported"
    assert_one_line_naming(results["bilag.pdf"], bad, "ZIP archive (holding referat.pdf)", "unpack it")
    check_good_stored(results)


def test_cid_page_is_read_with_pdfium(tmp_path: Path) -> None:
    corpus_path("pdf-real", h.AARHUS.name)
    raw = read_document(h.cid_page_pdf(tmp_path / "cid.pdf"))
    text = "\n".join(ln.text for ln in raw.pages[0].lines)
    assert raw.pages[0].reader == "pypdfium2"
    assert "(cid:" not in text and "Punkt 6" in text


def test_aarhus_has_no_cid_codes_after_ingest(engine: Engine) -> None:
    corpus_path("pdf-real", h.AARHUS.name)
    result = run(engine, h.AARHUS)[h.AARHUS.name]
    assert result.outcome == "ok" and result.pages == 28
    with Session(engine) as s:
        doc = s.scalars(select(DocumentRow)).one()
        assert "(cid:" not in doc.text and "(november 2023)" in doc.text


def test_500_page_pdf_is_read_page_by_page(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory is measured by scripts/bench_memory.py; here: every page is read and closed."""
    path = h.text_pdf(tmp_path / "lang.pdf", pages=500, lines=h.MINUTES_LINES[:3])
    closed: list[int] = []
    real_close = pdf_reader.pdfium.PdfPage.close

    def counting_close(page: pdf_reader.pdfium.PdfPage) -> None:
        closed.append(page.get_width() > 0)
        real_close(page)

    monkeypatch.setattr(pdf_reader.pdfium.PdfPage, "close", counting_close)
    result = run(engine, path)["lang.pdf"]
    assert result.outcome == "ok" and result.pages == 500
    assert len(closed) == 500 and all(closed)
    with Session(engine) as s:
        assert s.scalars(select(DocumentRow.pages)).one() == 500


def test_odd_file_names(any_engine: Engine, tmp_path: Path) -> None:
    engine = any_engine
    """Danish letters, spaces, both Unicode normal forms, a Latin-1 name and rich markup."""
    d = tmp_path / "navne"
    d.mkdir()
    data = [good_text().read_bytes() + f"\n{n}\n".encode() for n in range(6)]
    nfc = unicodedata.normalize("NFC", "Ældreråd møde.txt")
    nfd = unicodedata.normalize("NFD", "Ældreråd møde.txt")
    assert nfc != nfd
    names = [nfc, nfd, "referat  med   mellemrum .txt", "udkast [red] [bold]x[link=y].txt"]
    for name, content in zip(names, data, strict=False):
        (d / name).write_bytes(content)
    latin1 = os.fsencode(d) + b"/l\xe6serbrev.txt"  # not UTF-8: reaches Python as a surrogate
    with open(latin1, "wb") as fh:
        fh.write(data[4])
    results = pipeline.ingest_paths(engine, [d]).results
    assert [r.outcome for r in results] == ["ok"] * 5, [r.message for r in results]
    with Session(engine) as s:
        stored = set(s.scalars(select(DocumentPathRow.path)))
        assert doc_count(engine) == 5
    assert str(d / nfc) in stored and str(d / nfd) in stored
    assert f"{d}/l\\xe6serbrev.txt" in stored
    # the report prints them on one line each without tripping over markup or encodings
    out = CliRunner().invoke(app, ["ingest", "-q", "-v", "--db", engine.url.render_as_string(hide_password=False),
                                   str(d)])
    assert out.exit_code == 0, out.output
    assert "udkast [red] [bold]x[link=y].txt" in out.output and "l\\xe6serbrev.txt" in out.output


def test_same_file_twice_under_two_names_is_stored_once(any_engine: Engine, tmp_path: Path) -> None:
    engine = any_engine
    a = tmp_path / "referat.pdf"
    h.text_pdf(a)
    b = tmp_path / "kopi af referat.pdf"
    b.write_bytes(a.read_bytes())
    results = run(engine, a, b)
    assert results["referat.pdf"].outcome == "ok"
    assert results["kopi af referat.pdf"].outcome == "unchanged"
    assert "same content already stored as" in results["kopi af referat.pdf"].message
    assert doc_count(engine) == 1
    with Session(engine) as s:
        assert len(s.scalars(select(DocumentPathRow)).all()) == 2


def test_file_changed_while_being_parsed(engine: Engine, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = inbox / "skrives.txt"
    victim.write_bytes(good_text().read_bytes() + b"\nanden version\n")
    real = pipeline.read_document

    def read_while_someone_writes(path: Path):  # type: ignore[no-untyped-def]
        if path.name == "skrives.txt":
            with path.open("ab") as fh:
                fh.write(b"\nmere tekst\n")
        return real(path)

    monkeypatch.setattr(pipeline, "read_document", read_while_someone_writes)
    results = run(engine, inbox)
    assert results["skrives.txt"].outcome == "failed"
    assert_one_line_naming(results["skrives.txt"], victim, "changed while it was being read", "run the ingest again")
    check_good_stored(results)
    assert doc_count(engine) == 1  # nothing stored for the file that changed
    assert stored_outcome(engine, victim).sha256 is None  # type: ignore[union-attr]
    monkeypatch.setattr(pipeline, "read_document", real)
    assert run(engine, inbox)["skrives.txt"].outcome == "ok"  # not sticky: the next run reads it


def test_file_changed_while_being_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vokser.txt"
    path.write_bytes(good_text().read_bytes())
    real_sha256 = hashlib.sha256

    class Growing:
        """A digest that appends to the file it is hashing, as a download still in progress does."""

        def __init__(self) -> None:
            self.inner = real_sha256()

        def update(self, chunk: bytes) -> None:
            with path.open("ab") as fh:
                fh.write(b"x")
            self.inner.update(chunk)

        def hexdigest(self) -> str:
            return self.inner.hexdigest()

    monkeypatch.setattr(pipeline.hashlib, "sha256", Growing)
    with pytest.raises(ReadError) as err:
        pipeline.hash_file(path)
    assert err.value.kind == "failed" and "changed while" in err.value.message


def test_symlink_loops_end(engine: Engine, inbox: Path) -> None:
    (inbox / "sub").mkdir()
    (inbox / "sub" / "op").symlink_to(inbox, target_is_directory=True)
    (inbox / "loop").symlink_to(".", target_is_directory=True)
    (inbox / "selv.pdf").symlink_to("selv.pdf")
    (inbox / "død.pdf").symlink_to("findes-ikke.pdf")
    results = run(engine, inbox)
    assert results["good.txt"].outcome == "ok"
    assert results["selv.pdf"].outcome == "failed"
    assert_one_line_naming(results["selv.pdf"], inbox / "selv.pdf", "symbolic links")
    assert results["død.pdf"].outcome == "failed"
    assert_one_line_naming(results["død.pdf"], inbox / "død.pdf", "broken symbolic link")
    assert len(results) == 3


def test_fifo_does_not_hang_the_batch(engine: Engine, inbox: Path) -> None:
    os.mkfifo(inbox / "rør.pdf")
    results = run(engine, inbox)
    assert results["rør.pdf"].outcome == "unsupported"
    assert "not a regular file" in results["rør.pdf"].message
    check_good_stored(results)


def test_too_large(engine: Engine, inbox: Path) -> None:
    big = inbox / "stor.txt"
    big.write_bytes(b"Referat\n" * 200_000)
    results = run(engine, inbox, max_bytes=1 << 20)
    assert results["stor.txt"].outcome == "too_large"
    assert_one_line_naming(results["stor.txt"], big, "over the 1 MB limit", "raise --max-mb")
    check_good_stored(results)


def test_unsupported_suffix_and_binary_text(engine: Engine, inbox: Path) -> None:
    (inbox / "regneark.xlsx").write_bytes(b"PK\x03\x04rest")
    (inbox / "binær.txt").write_bytes(b"\x00\x01\x02" * 100)
    results = run(engine, inbox)
    assert results["regneark.xlsx"].outcome == "unsupported"
    assert results["binær.txt"].outcome == "unsupported"
    assert "NUL bytes" in results["binær.txt"].message
    check_good_stored(results)


def test_utf16_text_is_read(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(good_text().read_text(encoding="utf-8").encode("utf-16"))
    assert run(engine, path)["unicode.txt"].outcome == "ok"


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16-be"])
def test_utf32_and_big_endian_text_is_read_whole(engine: Engine, tmp_path: Path, codec: str) -> None:
    """A UTF-32 file with BOM was stored `ok` with empty text (read as UTF-16, all NULs)."""
    original = good_text().read_text(encoding="utf-8")
    path = tmp_path / f"{codec}.txt"
    bom = "\ufeff" if codec.endswith("-be") else ""  # the plain codecs write their own
    path.write_bytes((bom + original).encode(codec))
    assert run(engine, path)[path.name].outcome == "ok"
    with Session(engine) as s:
        stored = s.scalars(select(DocumentRow.text)).one()
    assert "Norddjurs" in original and "Norddjurs" in stored
    assert "\x00" not in stored and len(stored) > len(original) // 2


def test_size_over_the_limit_is_not_rounded_up(engine: Engine, inbox: Path) -> None:
    big = inbox / "halvanden.txt"
    big.write_bytes(b"Referat\n" * (3 << 16))  # 8 bytes × 196,608 = 1.5 MB
    results = run(engine, inbox, max_bytes=1 << 20)
    assert results["halvanden.txt"].outcome == "too_large"
    assert_one_line_naming(results["halvanden.txt"], big, "is 1.5 MB, over the 1 MB limit")


def test_parser_bug_costs_one_file(engine: Engine, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (inbox / "b.txt").write_text("Dagsorden\n1. Punkt\n", encoding="utf-8")
    real = pipeline.parse_raw

    def buggy(raw):  # type: ignore[no-untyped-def]
        if raw.path.endswith("b.txt"):
            raise IndexError("list index out of range")
        return real(raw)

    monkeypatch.setattr(pipeline, "parse_raw", buggy)
    results = run(engine, inbox)
    assert results["b.txt"].outcome == "failed"
    assert_one_line_naming(results["b.txt"], inbox / "b.txt", "IndexError", "please report it")
    check_good_stored(results)


def test_hanging_reader_is_stopped(engine: Engine, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.read_document

    def hang(path: Path):  # type: ignore[no-untyped-def]
        if path.name == "hænger.txt":
            while True:  # a pdfminer loop on a crafted file looks like this
                pass
        return real(path)

    (inbox / "hænger.txt").write_text("tekst", encoding="utf-8")
    monkeypatch.setattr(pipeline, "read_document", hang)
    results = run(engine, inbox, timeout=0.5)
    assert results["hænger.txt"].outcome == "failed"
    assert "took longer than 0.5 s" in results["hænger.txt"].message
    check_good_stored(results)


# --- outcomes across runs, exit status, status and --retry-failed -------------------------


def test_sticky_failures_are_reported_again_without_reading(any_engine: Engine, inbox: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    engine = any_engine
    h.encrypted_pdf(inbox / "hemmelig.pdf")
    first = run(engine, inbox)
    calls: list[str] = []
    real = pipeline.read_document
    monkeypatch.setattr(pipeline, "read_document", lambda p: calls.append(p.name) or real(p))
    again = run(engine, inbox)
    assert again["hemmelig.pdf"].outcome == "encrypted" and again["hemmelig.pdf"].repeated
    assert again["hemmelig.pdf"].message == first["hemmelig.pdf"].message
    assert again["good.txt"].outcome == "unchanged"
    assert calls == []
    retried = run(engine, inbox, retry=True)
    assert retried["hemmelig.pdf"].outcome == "encrypted" and not retried["hemmelig.pdf"].repeated
    assert calls == ["hemmelig.pdf"]


def test_cli_exit_status_and_report(any_db_url: str, inbox: Path, tmp_path: Path) -> None:
    db_url = any_db_url
    runner = CliRunner()
    ok = runner.invoke(app, ["ingest", "-q", "--db", db_url, str(inbox)])
    assert ok.exit_code == 0, ok.output
    assert "1 file: 1 ok" in ok.output
    again = runner.invoke(app, ["ingest", "-q", "--db", db_url, str(inbox)])
    assert again.exit_code == 0 and "1 unchanged" in again.output

    h.scanned_pdf(inbox / "scannet.pdf")
    (inbox / "tom.txt").write_bytes(b"")
    # a mistyped path is a usage error before anything is read, not a `failed` file
    typo = runner.invoke(app, ["ingest", "-q", "--db", db_url, str(inbox), str(tmp_path / "findes-ikke")])
    assert typo.exit_code == 2
    assert typo.stderr.strip() == f"error: {tmp_path / 'findes-ikke'}: no such file or folder; check the path"
    bad = runner.invoke(app, ["ingest", "-q", "--db", db_url, str(inbox)])
    assert bad.exit_code == 1
    lines = bad.stderr.splitlines()
    scan_line = [ln for ln in lines if "scannet.pdf" in ln]
    assert scan_line == [f"  needs_ocr  {inbox / 'scannet.pdf'}: {OCR_HINT} and pass --ocr"]
    assert any(ln.startswith("      empty  ") and "tom.txt" in ln for ln in lines)
    assert "3 files: 1 unchanged, 1 empty, 1 needs_ocr" in bad.output
    assert "2 not stored: fix them as said above, then run `maalspor ingest --retry-failed`" in bad.output

    status = runner.invoke(app, ["status", "--db", db_url])
    assert status.exit_code == 0
    assert "needs_ocr" in status.output and "scannet.pdf" in status.output and "tom.txt" in status.output
    assert "findes-ikke" not in status.output
    assert "--retry-failed" in status.output

    # fix one file and delete the other, then retry only the failures
    h.text_pdf(inbox / "scannet.pdf")
    (inbox / "tom.txt").unlink()
    retry = runner.invoke(app, ["ingest", "-q", "--retry-failed", "--db", db_url])
    assert retry.exit_code == 0, retry.output
    assert "forgotten:" in retry.output and "tom.txt" in retry.output
    assert "1 file: 1 ok" in retry.output
    assert "no failures recorded" in runner.invoke(app, ["status", "--db", db_url]).output
    assert "no failed files to retry" in runner.invoke(app, ["ingest", "--retry-failed", "--db", db_url]).output


@pytest.mark.parametrize("args", [
    ["ingest", "--no-such-option"],
    ["ingest", "--db", "nosuchdriver://x/y"],
    ["ingest", "--db", "sqlite:////dev/null/x/y.sqlite"],
    ["ingest", "--max-mb", "0"],
    ["status", "--db", "nosuchdriver://x/y"],
])
def test_usage_errors_exit_2(args: list[str], inbox: Path) -> None:
    result = CliRunner().invoke(app, [*args, str(inbox)] if args[0] == "ingest" else args)
    assert result.exit_code == 2, result.output


# --- optional OCR ---------------------------------------------------------------------------

OCR_MISSING = ocr_tool.missing()


@pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR not available: {OCR_MISSING} "
                    "(CI: apt-get install ocrmypdf tesseract-ocr-dan)")
def test_ocr_reads_a_scan_the_test_made(engine: Engine, inbox: Path) -> None:
    """A page rendered to an image and wrapped as a PDF: with --ocr its Danish text is stored."""
    scan = h.scanned_pdf(inbox / "scannet.pdf")
    results = run(engine, inbox, ocr=True)
    assert results["scannet.pdf"].outcome == "ok", results["scannet.pdf"].message
    assert_one_line_naming(results["scannet.pdf"], scan, "text from OCR")
    check_good_stored(results)
    with Session(engine) as s:
        doc = s.scalars(select(DocumentRow).join(DocumentPathRow)
                        .where(DocumentPathRow.path == str(scan))).one()
    assert doc.reader.startswith("ocrmypdf+")
    assert "Beskæftigelsesudvalget" in doc.text and "Beslutning" in doc.text and "2,9 pct." in doc.text


def test_ocr_asked_for_but_missing(engine: Engine, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h.scanned_pdf(inbox / "scannet.pdf")
    monkeypatch.setattr(ocr_tool, "missing", lambda: "OCRmyPDF is not installed: " + ocr_tool.HOW_TO_INSTALL)
    results = run(engine, inbox, ocr=True)
    assert results["scannet.pdf"].outcome == "needs_ocr"
    assert_one_line_naming(results["scannet.pdf"], inbox / "scannet.pdf", "--ocr cannot run here",
                           "tesseract-ocr-dan")
    check_good_stored(results)
    out = CliRunner().invoke(app, ["ingest", "-q", "--ocr", "--db", str(engine.url), str(inbox)])
    assert out.exit_code == 1
    assert "--ocr: OCRmyPDF is not installed" in out.output


def test_ocr_failure_is_needs_ocr(engine: Engine, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    h.scanned_pdf(inbox / "scannet.pdf")

    def broken(*_a: object, **_k: object) -> None:
        raise ocr_tool.OcrError("OCRmyPDF failed (Ghostscript crashed)")

    monkeypatch.setattr(ocr_tool, "missing", lambda: None)
    monkeypatch.setattr(ocr_tool, "ocr_pdf", broken)
    result = run(engine, inbox, ocr=True)["scannet.pdf"]
    assert result.outcome == "needs_ocr"
    assert_one_line_naming(result, inbox / "scannet.pdf", "OCR failed", "Ghostscript crashed", "ocrmypdf -l dan")


def test_needs_ocr_is_retried_when_ocr_is_asked_for(engine: Engine, inbox: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan recorded as needs_ocr is read again by the next run with --ocr, not skipped."""
    scan = h.scanned_pdf(inbox / "scannet.pdf")
    assert run(engine, inbox)["scannet.pdf"].outcome == "needs_ocr"
    seen: list[Path] = []

    def fake_ocr(src: Path, dst: Path, force: bool = True, timeout: float = 0) -> None:
        seen.append(src)
        h.text_pdf(dst)

    monkeypatch.setattr(ocr_tool, "missing", lambda: None)
    monkeypatch.setattr(ocr_tool, "ocr_pdf", fake_ocr)
    assert run(engine, inbox)["scannet.pdf"].repeated  # without --ocr: as recorded
    assert run(engine, inbox, ocr=True)["scannet.pdf"].outcome == "ok"
    assert seen == [scan]


def test_scanned_pages_of_a_text_pdf_are_ocred_with_skip_text(engine: Engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With --ocr, a text PDF with a scanned page is OCR'd keeping its text layer (--skip-text)."""
    mixed = h.text_then_scanned_pdf(tmp_path / "blandet.pdf")
    calls: list[bool] = []

    def fake_ocr(src: Path, dst: Path, force: bool = True, timeout: float = 0) -> None:
        calls.append(force)
        h.text_pdf(dst, pages=2)

    monkeypatch.setattr(ocr_tool, "missing", lambda: None)
    monkeypatch.setattr(ocr_tool, "ocr_pdf", fake_ocr)
    result = run(engine, mixed, ocr=True)["blandet.pdf"]
    assert calls == [False]
    assert result.outcome == "ok" and result.pages == 2
    assert_one_line_naming(result, mixed, "text from OCR")
    assert "looks scanned" not in result.message


# --- everything at once ------------------------------------------------------------------


def test_corpus_plus_every_bad_file_in_one_batch(engine: Engine, tmp_path: Path) -> None:
    """The archivist's batch: real minutes mixed with every kind of bad file. Every good document is
    stored, every bad one gets its own outcome, and the run exits 1 without losing anything."""
    batch = tmp_path / "batch"
    batch.mkdir()
    good = [p for folder in ("text", "pdf", "pdf-real") for p in sorted(corpus_path(folder).iterdir())]
    for p in good:
        (batch / f"{p.parent.name}-{p.name}").write_bytes(p.read_bytes())
    (batch / "tom.pdf").write_bytes(b"")
    h.truncated_pdf(batch / "afbrudt.pdf")
    h.encrypted_pdf(batch / "hemmelig.pdf")
    h.scanned_pdf(batch / "scannet.pdf")
    h.html_as_pdf(batch / "fejlside.pdf")
    h.zip_as_pdf(batch / "bilag.pdf")
    h.broken_xref_pdf(batch / "xref.pdf")
    (batch / "regneark.xlsx").write_bytes(b"PK\x03\x04 not really")
    (batch / "loop").symlink_to(batch, target_is_directory=True)

    results = run(engine, batch)
    expected_bad = {"tom.pdf": "empty", "afbrudt.pdf": "corrupt", "hemmelig.pdf": "encrypted",
                    "scannet.pdf": "needs_ocr", "fejlside.pdf": "corrupt", "bilag.pdf": "unsupported",
                    "regneark.xlsx": "unsupported"}
    assert {name: results[name].outcome for name in expected_bad} == expected_bad
    assert results["xref.pdf"].outcome == "ok"
    stored = [f"{p.parent.name}-{p.name}" for p in good]
    assert all(results[name].outcome == "ok" for name in stored), {n: results[n].message for n in stored}
    assert doc_count(engine) == len(good) + 1  # the corpus and the repaired-xref PDF, each once
    again = run(engine, batch)
    assert all(again[name].outcome == "unchanged" for name in stored)
    assert doc_count(engine) == len(good) + 1


# ---------------------------------------------------------------- exports and archives (ingest/archives.py)


def test_truncated_publication_xml_is_corrupt(engine: Engine, inbox: Path) -> None:
    whole = ('<?xml version="1.0"?><Publication><Agendas><Agenda ID="1"><Items><Item ID="1"><Caption>Budget'
             "</Caption><Number>1</Number></Item></Items></Agenda></Agendas></Publication>")
    xml = inbox / "Publication9.xml"
    xml.write_text(whole[: len(whole) // 2], encoding="utf-8")  # a copy cut short
    results = run(engine, inbox)
    assert results["Publication9.xml"].outcome == "corrupt"
    assert_one_line_naming(results["Publication9.xml"], xml, "not well-formed", "export the publication again")
    check_good_stored(results)


def test_xml_from_an_unknown_system_is_unsupported(engine: Engine, inbox: Path) -> None:
    xml = inbox / "moede.xml"
    xml.write_text('<?xml version="1.0"?><Dagsorden><Punkt nr="1">Budget</Punkt></Dagsorden>', encoding="utf-8")
    results = run(engine, inbox)
    assert results["moede.xml"].outcome == "unsupported"
    assert_one_line_naming(results["moede.xml"], xml, "no ESDH publication maalspor knows", "SBSYS")
    check_good_stored(results)


def test_zip_bomb_is_refused_and_the_rest_goes_on(engine: Engine, inbox: Path) -> None:
    import zipfile

    bomb = inbox / "bilag.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("nuller.txt", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):  # 64 MB of zeros, about 64 kB packed: a ratio of 1000 to 1
                member.write(chunk)
        zf.writestr("referat.txt", "Referat fra Økonomiudvalget\n1. Budget 2020\nBeslutning: Godkendt.\n")
    results = run(engine, inbox)
    key = f"{bomb.resolve()}!/"
    by_key = {r.path: r for r in results.values()}
    refused = by_key[key + "nuller.txt"]
    assert refused.outcome == "too_large" and "ZIP bomb" in refused.message and "\n" not in refused.message
    assert refused.message.startswith(key + "nuller.txt")
    assert by_key[key + "referat.txt"].outcome == "ok"
    assert results["bilag.zip"].outcome == "ok" and "1 member(s) not stored" in results["bilag.zip"].message
    check_good_stored(results)


def test_zip_bomb_by_total_size_is_refused_whole(engine: Engine, inbox: Path) -> None:
    import zipfile

    bomb = inbox / "arkiv.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(3):
            zf.writestr(f"del{n}.txt", b"Referat\n" * 100_000)  # 800 kB each, 2.4 MB in all
    results = run(engine, inbox, max_bytes=512 << 10)
    assert results["arkiv.zip"].outcome == "too_large"
    assert_one_line_naming(results["arkiv.zip"], bomb, "possible ZIP bomb", "unpack it by hand")
    check_good_stored(results)


def test_zip_of_zips_gets_one_line_per_inner_zip(engine: Engine, inbox: Path) -> None:
    import io
    import zipfile

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("referat.txt", "Referat\n1. Budget\n")
    outer = inbox / "moeder.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("2019.zip", inner.getvalue())
        zf.writestr("gemt som pdf.pdf", inner.getvalue())  # a ZIP under another name is still a ZIP in the ZIP
        zf.writestr("2020/referat.txt", "Referat fra Økonomiudvalget\n1. Budget 2020\nBeslutning: Godkendt.\n")
        zf.writestr("2020/referat.txt:Zone.Identifier", "[ZoneTransfer]\nZoneId=3\n")
    results = run(engine, inbox)
    by_key = {r.path: r for r in results.values()}
    key = f"{outer.resolve()}!/"
    for name in ("2019.zip", "gemt som pdf.pdf"):
        nested = by_key[key + name]
        assert nested.outcome == "unsupported" and "a ZIP inside the ZIP" in nested.message
        assert nested.message.startswith(key + name) and "\n" not in nested.message
    assert by_key[key + "2020/referat.txt"].outcome == "ok"
    assert not any("Zone.Identifier" in k for k in by_key)
    with Session(engine) as s:
        paths = set(s.scalars(select(DocumentPathRow.path)))
    assert key + "2020/referat.txt" in paths
    again = run(engine, inbox)
    assert again["moeder.zip"].outcome == "unchanged"
    check_good_stored(results)


def test_encrypted_zip_member_is_reported(engine: Engine, inbox: Path) -> None:
    import zipfile

    archive = inbox / "hemmelig.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("aaben.txt", "Referat\n1. Budget\n")
        zf.writestr("lukket.txt", "Referat\n1. Personale\n")
    data = bytearray(archive.read_bytes())
    # set the "encrypted" flag of the second member in its local header and its central directory entry
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(sig, data.find(sig) + 1)
        flag = at + (6 if sig == b"PK\x03\x04" else 8)
        data[flag] |= 0x1
    archive.write_bytes(bytes(data))
    results = run(engine, inbox)
    by_key = {r.path: r for r in results.values()}
    key = f"{archive.resolve()}!/"
    assert by_key[key + "lukket.txt"].outcome == "encrypted" and "password" in by_key[key + "lukket.txt"].message
    assert by_key[key + "aaben.txt"].outcome == "ok"
    check_good_stored(results)


def test_zip_with_nothing_readable_is_not_ok(engine: Engine, inbox: Path) -> None:
    import zipfile

    archive = inbox / "tom.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("tom.pdf", b"")
        zf.writestr("indre.zip", b"PK\x05\x06" + bytes(18))
    results = run(engine, inbox)
    assert results["tom.zip"].outcome in ("empty", "unsupported")
    assert_one_line_naming(results["tom.zip"], archive, "none of its 2 member(s) could be stored")
    assert run(engine, inbox)["tom.zip"].outcome == results["tom.zip"].outcome  # read again, not skipped as ok
    check_good_stored(results)
