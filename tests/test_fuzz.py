"""Fuzzing: any text into the text-level parsers, and damaged copies of the corpus PDFs into the
PDF path, must end in valid records or a proper `ReadError`, never in an exception.

The text property test builds minutes-like text from the phrases the parsers react to
(item headings, case numbers, decisions, goal tables with tabs, percentages, form feeds)
mixed with arbitrary Unicode, so hypothesis reaches the parsers' deep branches and not only
their "no items here" exit. The PDF run is short here (bounded by `max_examples`);
scripts/fuzz_pdfs.py runs the same check for as long as you like (see its docstring).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.records import RawDocument
from parsers.parse import parse_raw
from parsers.readers import read_document
from parsers.readers.errors import ReadError
from parsers.readers.html import html_to_lines
from parsers.readers.text import text_to_pages

ROOT = Path(__file__).resolve().parents[1]


def _load_fuzzer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("fuzz_pdfs", ROOT / "scripts" / "fuzz_pdfs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_pdfs"] = module
    spec.loader.exec_module(module)
    return module


fuzz_pdfs = _load_fuzzer()

PHRASES = [
    "Punkt 3: Opfølgning på beskæftigelsesplan 2024", "1. Godkendelse af dagsorden", "12. Eventuelt",
    "Sagsnr.: 27.00.00-A00-1-24", "Sagsnr.: 15.00.00-P20-3-23", "Beslutning", "Beslutning:", "Indstilling",
    "Sagsfremstilling", "Beslutning i Beskæftigelsesudvalget den 12-03-2024", "Godkendt.", "Taget til efterretning.",
    "Mål 2.1\tLedigheden skal falde til 2,9 pct.\tNået", "Mål\tStatus", "Mål 5.2 – Ansættelser på særlige vilkår",
    "Målet er nået", "Målet er ikke nået", "Forventes nået", "For tidligt at vurdere", "8 mål er nået",
    "Beskæftigelsesplan 2024", "200 flere i job", "3,978 mio. kr.", "12 %", "2.500 borgere", "50-60 pct.",
    "Referat", "Beskæftigelsesudvalget", "Mødedato: Tirsdag den 12. marts 2024", "Mødested: Rådhuset",
    "Fraværende: Anne Andersen", "Lukket punkt", "## Punkt 122", "**Beslutning**", "<b>Mål</b>", "Side 3 af 17",
    "Bilag", "…………… 4", "\t", "", " ", "-", "•", "1)", "a.", "(cid:12)", "Ø", "ÆØÅ", "\u00ad", "\u200b",
]
lines = st.one_of(st.sampled_from(PHRASES), st.text(max_size=80),
                  st.lists(st.sampled_from(PHRASES), min_size=2, max_size=4).map("\t".join))
texts = st.lists(lines, max_size=60).flatmap(
    lambda ls: st.sampled_from(["\n", "\r\n", "\n\f", "\f"]).map(lambda sep: "\n".join(ls) + sep + "\n".join(ls[:5])))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])


@FUZZ
@given(texts, st.sampled_from(["text", "markdown"]))
def test_any_text_parses_to_valid_records(text: str, fmt: str) -> None:
    raw = RawDocument(path=f"fuzz.{'md' if fmt == 'markdown' else 'txt'}", format=fmt,
                      pages=text_to_pages(text, "text"), reader="text")
    parsed = parse_raw(raw)
    assert fuzz_pdfs.validate(parsed) == []


@FUZZ
@given(st.lists(lines, max_size=40))
def test_any_pdf_like_lines_parse_to_valid_records(page_lines: list[str]) -> None:
    """The PDF reader's shape: several pages, bold lines, table rows as cells."""
    from models.records import Line, Page

    pages = []
    for number in range(1, 4):
        chunk = page_lines[number - 1::3]
        pages.append(Page(number=number, reader="pdfplumber", lines=[
            Line(text=t, page=number, bold=i % 4 == 0, size=11.0 + (i % 3),
                 cells=tuple(t.split("\t")) if "\t" in t else None) for i, t in enumerate(chunk)]))
    parsed = parse_raw(RawDocument(path="fuzz.pdf", format="pdf", pages=pages, reader="pdfplumber"))
    assert fuzz_pdfs.validate(parsed) == []


@FUZZ
@given(st.one_of(st.text(max_size=400), st.lists(st.sampled_from(
    ["<p>", "</p>", "<table>", "<tr>", "<td>", "</td>", "</tr>", "<b>", "<em>", "<br>", "<h2>", "</h2>", "<script>",
     "Mål 2.1", "Beslutning", "&amp;", "&#xff;", "<!--", "-->", "<", ">", "æøå"]), max_size=80).map("".join)))
def test_any_html_gives_lines(html: str) -> None:
    for line in html_to_lines(html):
        assert line.text == line.text.strip() and line.text


def test_html_row_starting_with_empty_cell_has_stripped_text() -> None:
    """Regression: hypothesis found `<TABLE><TD><TD>0` gave the line text '\\t0'."""
    (line,) = html_to_lines("<TABLE><TD><TD>0")
    assert line.text == "0" and line.cells == ("", "0")


def test_suite_profile_is_deterministic() -> None:
    """The suite's hypothesis runs are derandomized and keep no example database (see conftest)."""
    from hypothesis import settings as current

    assert current.default.derandomize and current.default.database is None
    assert FUZZ.derandomize and FUZZ.database is None


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".html", ".pdf"]))
def test_any_bytes_under_any_name_read_or_refused(tmp_path_factory: pytest.TempPathFactory, data: bytes,
                                                  suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"fil{suffix}"
    path.write_bytes(data)
    try:
        raw = read_document(path)
    except ReadError as exc:
        assert exc.kind in ("empty", "corrupt", "unsupported", "needs_ocr", "encrypted")
        assert exc.message and "\n" not in exc.message
        return
    assert fuzz_pdfs.validate(parse_raw(raw)) == []


SEEDS = fuzz_pdfs.load_seeds()


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SEEDS), st.randoms(use_true_random=False))
def test_mutated_corpus_pdfs_read_or_refused(tmp_path: Path, seed: tuple[str, bytes], rnd: random.Random) -> None:
    """A short run in CI (about 20 s, 120 cases); derandomized, so a failure here fails the same way again."""
    name, data = seed
    case = fuzz_pdfs.mutate(data, rnd, [d for _, d in SEEDS])
    kind, finding = fuzz_pdfs.check_bytes(case, tmp_path, timeout=20.0)
    assert finding is None, f"seed {name}: {finding}"


def test_fuzz_script_runs_and_replays(tmp_path: Path) -> None:
    stats = fuzz_pdfs.run(seconds=30, seed=3, out=tmp_path / "findings", max_cases=5)
    assert stats.cases == 5 and not stats.findings, stats.findings
    good = tmp_path / "good.pdf"
    good.write_bytes(fuzz_pdfs.make_small_pdf())
    assert fuzz_pdfs.main(["--replay", str(good)]) == 0
