"""The Word reader on the real Syddjurs working paper and on Word files made here with python-docx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from msoffcrypto.format.ooxml import OOXMLFile
from sqlalchemy import text

from ingest.pipeline import ingest_paths
from models.db import make_engine
from parsers.parse import parse_raw
from parsers.readers import read_document
from parsers.readers.doc import converter as doc_converter
from parsers.readers.errors import ReadError
from tests.conftest import corpus_path


def _word_file(path: Path) -> Path:
    """Minutes the way Word keeps them: heading styles, a mixed-run paragraph, a merged table cell,
    a numbered list, and a running header and footer that are not body text."""
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "Beskæftigelsesudvalget · Referat · 12.03.2024"
    doc.sections[0].footer.paragraphs[0].text = "Side 1 af 3"
    doc.add_heading("3. Opfølgning på beskæftigelsesplan 2024", level=1)
    mixed = doc.add_paragraph()
    mixed.add_run("Mål: ").bold = True
    mixed.add_run("Ledigheden skal falde til under 3 % inden udgangen af 2024.").italic = True
    table = doc.add_table(rows=3, cols=2)
    table.style = doc.styles["Table Grid"]
    table.cell(0, 0).merge(table.cell(0, 1)).paragraphs[0].add_run("Flere i job").bold = True
    table.cell(1, 0).text, table.cell(1, 1).text = "Mål 1.1 – Ledighed", "Ledigheden skal falde."
    table.cell(2, 0).text = "Status"
    table.cell(2, 1).paragraphs[0].text = "Ledigheden er 2,9 %."
    table.cell(2, 1).add_paragraph("Målet er nået.")
    doc.add_paragraph("orienteringen tages til efterretning", style="List Number")
    doc.add_paragraph("det drøftes at ændre rapporteringen", style="List Number")
    body = doc.add_paragraph("Teksten efter tabellen.")
    body.runs[0].font.size = Pt(11)
    doc.save(str(path))
    return path


def test_word_file_lines_keep_order_typography_cells_and_numbers(tmp_path: Path) -> None:
    raw = read_document(_word_file(tmp_path / "referat.docx"))
    assert raw.format == "docx" and raw.reader == "docx"
    lines = raw.pages[0].lines
    texts = [ln.text for ln in lines]
    assert texts == [
        "3. Opfølgning på beskæftigelsesplan 2024",
        "Mål: Ledigheden skal falde til under 3 % inden udgangen af 2024.",
        "Flere i job",
        "Mål 1.1 – Ledighed\tLedigheden skal falde.",
        "Status\tLedigheden er 2,9 %. Målet er nået.",
        "1. orienteringen tages til efterretning",
        "2. det drøftes at ændre rapporteringen",
        "Teksten efter tabellen.",
    ]
    assert lines[0].bold and not lines[0].italic  # the Heading style, not a run, makes it bold
    assert lines[1].italic and not lines[1].bold  # most of its characters are in the italic run
    assert lines[2].cells == ("Flere i job",) and lines[2].bold
    assert lines[4].cells == ("Status", "Ledigheden er 2,9 %. Målet er nået.")
    assert not any("Side 1" in t or "Referat ·" in t for t in texts)


def test_real_working_paper_gives_its_goal_list(tmp_path: Path) -> None:
    path = corpus_path("annexes", "syddjurs_bilag_kulturkommune-2017_arbejdsoplaeg.docx")
    raw = read_document(path)
    lines = raw.pages[0].lines
    texts = [ln.text for ln in lines]
    assert texts[0] == "KULTURKOMMUNE 2017 - Arbejdsoplæg" and lines[0].bold
    goal_lines = [t for t in texts if t.startswith("at ")]
    for start in ("at styrke kommunens image", "at forbedre mulighederne for meromsætning",
                  "at opnå kulturelle synergier", "at sikre kulturoplevelser til kommunens borgere"):
        assert any(t.startswith(start) for t in goal_lines), start
    boxes = [ln for ln in lines if ln.cells]  # its five one-cell tables (text boxes of wishes) come as cells
    assert len(boxes) == 5 and all(b.cells[0].startswith("Det vil udvalget for Plan") for b in boxes)
    parsed = parse_raw(raw)  # and the whole pipeline takes it
    assert "at opnå kulturelle synergier" in parsed.document.text


def _docx_bytes(tmp_path: Path) -> bytes:
    return _word_file(tmp_path / "good.docx").read_bytes()


def test_damaged_word_files_are_refused_with_the_fix(tmp_path: Path) -> None:
    good = _docx_bytes(tmp_path)
    cut = tmp_path / "afskaaret.docx"
    cut.write_bytes(good[: len(good) // 2])
    mangled = tmp_path / "forvansket.docx"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(mangled, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    not_zip = tmp_path / "tekst.docx"
    not_zip.write_text("Referat af mødet", encoding="utf-8")
    for path in (cut, mangled, not_zip):
        with pytest.raises(ReadError) as err:
            read_document(path)
        assert err.value.kind == "corrupt", (path.name, err.value.message)
        assert "\n" not in err.value.message and "again" in err.value.message


def test_encrypted_legacy_and_opendocument_files(tmp_path: Path) -> None:
    plain = io.BytesIO(_docx_bytes(tmp_path))
    locked = tmp_path / "kode.docx"
    with locked.open("wb") as out:
        OOXMLFile(plain).encrypt("hemmelig", out)
    with pytest.raises(ReadError) as err:
        read_document(locked)
    assert err.value.kind == "encrypted" and "password" in err.value.message

    legacy = tmp_path / "gammel.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "WordDocument".encode("utf-16-le"))
    with pytest.raises(ReadError) as err:
        read_document(legacy)
    # a damaged Word 97-2003 file: the converter (antiword) refuses it; without one it is unsupported
    assert err.value.kind == ("corrupt" if doc_converter() else "unsupported")
    assert ".docx or PDF" in err.value.message and "\n" not in err.value.message

    odt = tmp_path / "referat.odt"
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ReadError) as err:
        read_document(odt)
    assert err.value.kind == "unsupported" and "OpenDocument" in err.value.message


def test_folder_ingest_stores_word_minutes_and_names_the_damaged_one(tmp_path: Path) -> None:
    """A folder walk picks up .docx now; a good one is stored, a damaged one gets its own outcome."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _word_file(inbox / "referat.docx")
    good = (inbox / "referat.docx").read_bytes()
    (inbox / "afskaaret.docx").write_bytes(good[: len(good) // 3])
    engine = make_engine(f"sqlite:///{tmp_path / 'docx.sqlite'}")
    results = {Path(r.path).name: r for r in ingest_paths(engine, [inbox]).results}
    assert results["referat.docx"].outcome == "ok", results["referat.docx"].message
    assert results["afskaaret.docx"].outcome == "corrupt"
    assert "download it again" in results["afskaaret.docx"].message
    with engine.connect() as conn:
        formats = conn.execute(text("SELECT format, reader FROM documents")).all()
    assert [tuple(row) for row in formats] == [("docx", "docx")]
