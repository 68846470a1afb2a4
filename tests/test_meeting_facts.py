"""Meeting facts: the committee's name alone, the date from the header forms portals print, and the
municipality canonicalised against the official list (typos, pre-2007 names, regions).

The corpus part compares every document whose gold names a municipality, body or meeting date
with what the parser reads from it, in every form the corpus holds it (text, PDF, HTML, Word)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from models.records import Meeting, RawDocument
from parsers.meeting import clean_body, find_date, find_time
from parsers.municipality import canonical, detect
from parsers.parse import parse_file, parse_raw
from parsers.readers.text import text_to_pages
from tests.conftest import CORPUS, ROOT

FOLDERS = ["text", "pages", "pdf", "pdf-real", "html-real", "annexes"]


def _corpus_cases() -> list[tuple[Path, dict]]:
    cases: list[tuple[Path, dict]] = []
    for gold_file in sorted((CORPUS / "gold").glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        if not any(gold.get(k) for k in ("municipality", "body", "meeting_date")):
            continue
        stem = gold_file.name.removesuffix(".gold.json")
        for folder in FOLDERS:
            cases += [(p, gold) for p in sorted((CORPUS / folder).glob(stem + ".*"))]
    return cases


def _norm(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


@pytest.mark.parametrize("path,gold", _corpus_cases(), ids=lambda c: c.parent.name + "/" + c.name
                         if isinstance(c, Path) else "")
def test_corpus_meeting_facts(path: Path, gold: dict) -> None:
    meeting = parse_file(path).meeting
    wrong = []
    for field, got in (("municipality", meeting.municipality), ("body", meeting.body),
                       ("meeting_date", meeting.date)):
        if gold.get(field) is not None and _norm(got) != _norm(gold[field]):
            wrong.append(f"{field}: gold {gold[field]!r}, parsed {got!r}")
    assert not wrong, f"{path.name}: " + "; ".join(wrong)


def test_the_corpus_has_meeting_facts_to_check() -> None:
    if not CORPUS.exists():
        pytest.skip("the corpus is not beside the project (../shared/corpus)")
    assert len(_corpus_cases()) >= 20


def meeting(text: str, path: str = "referat.txt") -> Meeting:
    return parse_raw(RawDocument(path=path, format="text", reader="text", pages=text_to_pages(text, "text"))).meeting


# --- the data file -------------------------------------------------------------------------------

def test_official_list_counts_and_codes() -> None:
    data = yaml.safe_load((ROOT / "parsers" / "patterns" / "municipalities.yaml").read_text(encoding="utf-8"))
    codes = {m["name"]: m["code"] for m in data["municipalities"]}
    assert len(codes) == 98 and len(set(codes.values())) == 98
    assert {r["name"]: r["code"] for r in data["regions"]} == {
        "Region Nordjylland": 1081, "Region Midtjylland": 1082, "Region Syddanmark": 1083,
        "Region Hovedstaden": 1084, "Region Sjælland": 1085}
    assert (codes["København"], codes["Frederiksberg"], codes["Norddjurs"], codes["Randers"], codes["Aarhus"]) == \
        (101, 147, 707, 730, 751)
    former = data["former"]
    assert len(former) == 271 and len({f["name"] for f in former}) == 271
    assert {f["successor"] for f in former} == set(codes)  # every 2007 municipality has its predecessors
    assert all(m["region"] in range(1081, 1086) for m in data["municipalities"])


# --- canonical names ------------------------------------------------------------------------------

@pytest.mark.parametrize("printed,name,code", [
    ("Norddjurs", "Norddjurs", 707),
    ("Norddjurs Kommune", "Norddjurs", 707),
    ("Norddjurs Kommunes", "Norddjurs", 707),
    ("Norrdjurs", "Norddjurs", 707),           # a typo, one edit
    ("Norrdjurs Kommune", "Norddjurs", 707),
    ("Randres", "Randers", 730),               # two letters swapped
    ("Københavns Kommune", "København", 101),
    ("Århus", "Aarhus", 751),
    ("Lyngby-Tårbæk", "Lyngby-Taarbæk", 173),
    ("Høje Taastrup", "Høje-Taastrup", 169),
    ("Ikast-Brande", "Ikast-Brande", 756),
    ("Bornholms Regionskommune", "Bornholm", 400),
    ("Grenaa", "Norddjurs", 707),              # before 2007
    ("Grenå Kommune", "Norddjurs", 707),
    ("Rougsø", "Norddjurs", 707),
    ("Nørre Djurs", "Norddjurs", 707),
    ("Egebjerg", "Svendborg", 479),
    ("Søllerød", "Rudersdal", 230),
    ("Marstal", "Ærø", 492),                   # merged before 2006
    ("Region Midtjylland", "Region Midtjylland", 1082),
    ("Region Hovedstaden", "Region Hovedstaden", 1084),
])
def test_canonical(printed: str, name: str, code: int) -> None:
    place = canonical(printed)
    assert place is not None and (place.name, place.code) == (name, code)


@pytest.mark.parametrize("printed", ["Den", "Denne", "Hver", "Eksempel", "Vores", "Ny", "Hals Strand", "Ringe X",
                                     "Kommune", ""])
def test_no_false_match(printed: str) -> None:
    assert canonical(printed) is None


def test_short_names_do_not_resolve_as_typos() -> None:
    assert canonical("Vejle").name == "Vejle" and canonical("Vejen").name == "Vejen"
    assert canonical("Vejlen") is None  # one edit from both Vejle and Vejen: ambiguous, not guessed
    assert canonical("Skiv") is None


# --- detection in a document ---------------------------------------------------------------------

def test_a_typo_letterhead_is_stored_canonical_beside_the_printed_form() -> None:
    m = meeting("NORRDJURS KOMMUNE\nBeskæftigelsesrådet\nMødedato: 29-08-2024\n")
    assert (m.municipality, m.municipality_code, m.municipality_printed) == ("Norddjurs", 707, "NORRDJURS KOMMUNE")


def test_pre_2007_archive_is_named_by_its_successor() -> None:
    m = meeting("Egebjerg Kommune\nTeknisk Udvalg\nMøde d. 3/12 2004\n")
    assert (m.municipality, m.municipality_code, m.municipality_printed) == ("Svendborg", 479, "Egebjerg Kommune")
    assert m.body == "Teknisk Udvalg" and m.date == "2004-12-03"


def test_the_own_municipality_outweighs_one_cited_neighbour() -> None:
    text = "Randers Kommune\nReferat\nSamarbejde med Norddjurs Kommune.\nRanders Kommunes plan.\n"
    assert meeting(text).municipality == "Randers"


def test_a_region_is_a_region_and_a_cited_region_is_not() -> None:
    regional = meeting("REGION MIDTJYLLAND\nRegionsrådet\nMødedato: 2024-12-03\nRegion Midtjylland og Aarhus Kommune\n")
    assert (regional.municipality, regional.municipality_code, regional.body) == \
        ("Region Midtjylland", 1082, "Regionsrådet")
    cited = meeting("Statusnotat\nTal fra Region Syddanmarks rapport viser, at Middelfart og Middelfart ...\n")
    assert cited.municipality == "Middelfart"


def test_council_and_domain_forms() -> None:
    assert meeting("Byrådet i Aarhus\nDagsorden\n").municipality == "Aarhus"
    assert meeting("Udviklingsstrategi\nKontakt\nanwof@fmk.dk\n").municipality == "Faaborg-Midtfyn"
    assert meeting("Referat\nhttps://dagsordenarkiv.gribskov.dk/dagsordener/2013\n").municipality == "Gribskov"
    found = detect("Punkt 3 Beskæftigelsesplan\n", path="/archive/svendborg_biu-2021-09-06-punkt-3.txt")
    assert found is not None and found.place.name == "Svendborg"


def test_a_name_off_the_list_is_kept_as_printed() -> None:
    m = meeting("Eksempel Kommune\nBørneudvalget\nMødedato: 10-09-2024\n")
    assert (m.municipality, m.municipality_code) == ("Eksempel", None)


# --- body ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("printed,body", [
    ("Udvalget for Læring - Dagsordener og referater", "Udvalget for Læring"),
    ("Forretningsudvalg - mødesager", "Forretningsudvalg"),
    ("Aarhus Byråd - Byrådssalen", "Aarhus Byråd"),
    ("Referat. fra Økonomiudvalget", "Økonomiudvalget"),
    ("Byrådet - Referat", "Byrådet"),
    ("Dagsorden for Kommunalbestyrelsen", "Kommunalbestyrelsen"),
    ("Referat af mødet i Børne- og Skoleudvalget", "Børne- og Skoleudvalget"),
    ("Økonomiudvalget 11.05.2023, kl. 18:30", "Økonomiudvalget"),
    ("Beskæftigelsesudvalget d. 3. december 2024", "Beskæftigelsesudvalget"),
    ("Sundheds- og Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
    ("Udvalget for Plan, Udvikling og Kultur", "Udvalget for Plan, Udvikling og Kultur"),
    ("Åbent referat - Byrådet", "Byrådet"),
    ("Dagsorden og referat for Økonomiudvalget", "Økonomiudvalget"),
    ("Referat fra mødet i Børneudvalget", "Børneudvalget"),
    ("Økonomiudvalget | Aarhus Kommune", "Økonomiudvalget"),
    ("Kommunalbestyrelsen, ordinært møde", "Kommunalbestyrelsen"),
    ("Norddjurs Beskæftigelsesråd", "Norddjurs Beskæftigelsesråd"),
    ("Udvalget for Plan, Udvikling og Kultur · Referat · 2024-03-12", "Udvalget for Plan, Udvikling og Kultur"),
    ("Regionsrådet, Region Midtjylland", "Regionsrådet"),
    ("Udvalg for regional udvikling - Region Midtjylland - Dagsordener og referater", "Udvalg for regional udvikling"),
    ("Byrådet | Aarhus", "Byrådet"),
    ("Norddjurs Beskæftigelsesråd - Norddjurs", "Norddjurs Beskæftigelsesråd"),
])
def test_clean_body(printed: str, body: str) -> None:
    assert clean_body(printed) == body


def test_the_meeting_room_is_not_the_body() -> None:
    assert clean_body("Teknik- og Miljøudvalget - Mødelokale 2", "Mødelokale 2") == "Teknik- og Miljøudvalget"


# --- dates and times -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,date", [
    ("Mødedato: 28. februar, 2025 kl. 09:30", "2025-02-28"),
    ("Dagsorden 8. oktober 2025 kl. 16.00", "2025-10-08"),
    ("Onsdag den 15-maj-2002", "2002-05-15"),
    ("11.05.2023, kl. 18:30", "2023-05-11"),
    ("Mødedato: 2024-12-03", "2024-12-03"),
    ("Møde d. 3/12 2024", "2024-12-03"),
    ("tirsdag den 3. dec. 2024", "2024-12-03"),
    ("den 29-08-2024", "2024-08-29"),
    ("4.6.2020", "2020-06-04"),
])
def test_find_date(text: str, date: str) -> None:
    found = find_date(text)
    assert found is not None and found[0] == date


@pytest.mark.parametrize("text", ["Punkt 31.02.2024", "Budget 2026-2029", "Mål 5.5", "kl. 16.00"])
def test_no_date(text: str) -> None:
    assert find_date(text) is None


@pytest.mark.parametrize("text,time", [("kl. 09:30", "09:30"), ("kl. 16.00", "16:00"), ("04-06-2020 09:00:00", "09:00"),
                                       ("kl. 9", "09:00")])
def test_find_time(text: str, time: str) -> None:
    assert find_time(text) == time


@pytest.mark.parametrize("header,body,date,time", [
    ("Udvalget for Læring - Dagsordener og referater\nMødedato: 28. februar, 2025 kl. 09:30\n",
     "Udvalget for Læring", "2025-02-28", "09:30"),
    ("Forretningsudvalg - mødesager\nDagsorden 8. oktober 2025 kl. 16.00\n",
     "Forretningsudvalg", "2025-10-08", "16:00"),
    ("Referat. fra Økonomiudvalget\nOnsdag den 15-maj-2002\n", "Økonomiudvalget", "2002-05-15", None),
    ("Byrådet - Referat\n11.05.2023, kl. 18:30\n", "Byrådet", "2023-05-11", "18:30"),
    ("Aarhus Byråd - Byrådssalen\nUdvalg:\tAarhus Byråd\nMødedato:\tonsdag den 8. oktober 2025 kl. 16.00\n"
     "Mødested:\tByrådssalen\n", "Aarhus Byråd", "2025-10-08", "16:00"),
])
def test_header_forms(header: str, body: str, date: str, time: str | None) -> None:
    m = meeting(header + "\n1. Godkendelse af dagsorden\nGodkendt.\n")
    assert (m.body, m.date, m.time) == (body, date, time)


def test_a_municipality_letterhead_outranks_a_region_it_discusses() -> None:
    text = ("Norddjurs Kommune\nBeskæftigelsesrådet\n\n" + "Region Midtjylland har vedtaget planen. " * 4 + "\n")
    assert meeting(text).municipality == "Norddjurs"


def test_ordinary_words_and_unlisted_councils_are_not_bare_names() -> None:
    assert meeting("Status\nVejen til job er kort. Vejen er lang.\n").municipality is None
    assert meeting("Eksempel Kommune\nStatus\nHolbæk og Holbæk\n").municipality == "Eksempel"


def test_archive_folders_name_the_municipality() -> None:
    found = detect("Bilag\n", path="/archive/edoc_ballerup_sfu_2012-12-04/1533095.PDF")
    assert found is not None and (found.place.name, found.printed) == ("Ballerup", "ballerup")
    assert detect("Bilag\n", path="/archive/vejen_til_job/bilag.pdf") is None  # `vejen` is a road here


def test_an_area_is_not_a_council() -> None:
    assert meeting("Udvikling af lokalplanen for området\nMøde 08.11.2012\n").body is None


# --- linking by the canonical identity -----------------------------------------------------------

def test_a_misspelt_municipality_links_with_its_other_documents(tmp_path: Path) -> None:
    """Goal series group by `meetings.municipality`: the canonical name puts a document that prints
    `Norrdjurs Kommune` in Norddjurs's series: the same follow-ups printed in the other document (47
    goals, plans 2023 and 2024) are observations of the same goals."""
    import sqlalchemy as sa

    from ingest import pipeline
    from models.db import make_engine
    from tests.conftest import corpus_path

    original = corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt")
    typo = tmp_path / "referat_tabel.txt"
    typo.write_text(corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt").read_text(encoding="utf-8")
                    .replace("Norddjurs", "Norrdjurs"), encoding="utf-8")
    engine = make_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert pipeline.ingest_paths(engine, [original, typo]).exit_code == 0
    with engine.connect() as conn:
        meetings = conn.execute(sa.text("SELECT municipality, municipality_code, municipality_printed "
                                        "FROM meetings ORDER BY id")).all()
        across = conn.execute(sa.text(
            "SELECT COUNT(*) FROM goal_links l JOIN goals a ON a.anchor = l.from_anchor "
            "JOIN goals b ON b.anchor = l.to_anchor WHERE a.document_id <> b.document_id "
            "AND a.plan_year = b.plan_year")).scalar()
    engine.dispose()
    assert [(m[0], m[1]) for m in meetings] == [("Norddjurs", 707), ("Norddjurs", 707)]
    assert {m[2] for m in meetings} == {"Norddjurs Kommune", "Norrdjurs Kommune"}
    assert across >= 40


def test_a_running_header_alone_gives_body_date_and_municipality() -> None:
    """Many PDFs print the committee and date only in the running header, which layout removes
    from the text; page 1's copy still dates the meeting."""
    page = ("Gribskov Kommune\nØkonomiudvalget - Referat - 11.05.2023\n\n{n}. Punkt {n}\nSagsnr.: 00.01.00-A00-{n}-23\n"
            "Beslutning\nGodkendt.\nSide {n} af 3\n")
    m = meeting("\f".join(page.format(n=n) for n in (1, 2, 3)))
    assert (m.municipality, m.body, m.date) == ("Gribskov", "Økonomiudvalget", "2023-05-11")


@pytest.mark.parametrize("line", ["Pr. 1. januar 2022 var der 16.357 borgere mellem 30-64 år i kommunen, så",
                                  "Tilmelding på mail senest den 15. januar 2013."])
def test_a_date_in_a_sentence_does_not_date_the_meeting(line: str) -> None:
    assert meeting(f"Statusnotat\n{line}\n").date is None


def test_a_sentence_is_not_a_body() -> None:
    m = meeting('Udviklingsstrategi\nKommunalbestyrelsen vedtog den 18. februar 2019 "Sammen skaber vi"\n')
    assert (m.body, m.date) == (None, "2019-02-18")


# --- web pages: the site names the municipality, headers cut short or flattened ---------------------

def _html_meeting(tmp_path: Path, head: str, body: str) -> Meeting:
    path = tmp_path / "side.html"
    path.write_text(f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>', encoding="utf-8")
    return parse_file(path).meeting


_MINUTES = "<h1>Referat</h1><p>Mødedato: 3. december 2024</p><p>1. Godkendelse af dagsorden</p><p>Godkendt.</p>"


@pytest.mark.parametrize("head,body,municipality", [
    ("<title>Økonomiudvalget - Referat | Aarhus Kommune</title>", _MINUTES, "Aarhus"),
    ("<title>Referat</title>", '<header><a href="/"><img src="/x.svg" alt="Norddjurs Kommune logo"></a></header>'
     + _MINUTES, "Norddjurs"),
    ('<title>Referat</title><link rel="canonical" href="https://www.syddjurs.dk/politik/referat">', _MINUTES,
     "Syddjurs"),
    ('<title>Referat</title>', '<nav><a href="/"><img src="/Content/img/randers_logo.png" alt="logo"></a></nav>'
     + _MINUTES, "Randers"),
])
def test_a_web_page_names_its_municipality_outside_its_text(tmp_path: Path, head: str, body: str,
                                                              municipality: str) -> None:
    from parsers.readers.html import read_html

    m = _html_meeting(tmp_path, head, body)
    assert (m.municipality, m.date) == (municipality, "2024-12-03")
    text = " ".join(ln.text for ln in read_html(tmp_path / "side.html").pages[0].lines)
    assert "Kommune" not in text and "logo" not in text and ".dk" not in text  # chrome stays out of the text


def test_the_page_title_names_the_committee_when_the_page_does_not(tmp_path: Path) -> None:
    m = _html_meeting(tmp_path, "<title>Teknik- og Miljøudvalget - Referat | Gribskov Kommune</title>", _MINUTES)
    assert (m.body, m.municipality) == ("Teknik- og Miljøudvalget", "Gribskov")


def test_a_flattened_header_is_cut_back_into_its_lines() -> None:
    """A PDF transcript flattened to one line a page: letterhead, title, date, place and contents share
    page 1's line, and the first item's page follows."""
    filler = "Forvaltningen har forberedt sagen, og den forelægges udvalget til beslutning. " * 3
    page1 = ("Randers Kommune Referat Beskæftigelsesudvalget Mødedato: 3. december, 2024 kl. 09:30 Mødested: "
             "Rådhuset Indholdsfortegnelse 1. Godkendelse af dagsorden 2 2. Beskæftigelsesplan 2025 3")
    pages = [page1, f"2 1. Godkendelse af dagsorden Sagsnr.: 24/1000 Sagsfremstilling {filler} Beslutning Godkendt.",
             f"3 2. Beskæftigelsesplan 2025 Sagsnr.: 24/1001 Sagsfremstilling {filler} Beslutning Godkendt."]
    m = meeting("\f".join(pages))
    assert (m.municipality, m.body, m.date, m.time, m.place) == \
        ("Randers", "Beskæftigelsesudvalget", "2024-12-03", "09:30", "Rådhuset")


def test_a_header_line_the_agenda_list_starts_inside_is_clipped_not_dropped() -> None:
    m = meeting("Økonomiudvalget 11.05.2023, kl. 18:30 Punkter på dagsordenen 1. Godkendelse af dagsorden "
                "2. Budget 2024\n\nSide 1\n")
    assert (m.body, m.date, m.time) == ("Økonomiudvalget", "2023-05-11", "18:30")


def test_a_committee_menu_is_not_the_meeting_s_committee() -> None:
    text = ("Politik\nUdvalg\nByrådet\nØkonomiudvalget\nBørne- og Ungeudvalget\nTeknik- og Miljøudvalget\n"
            "Forside > Politik > Dagsordener og referater > Kultur- og Fritidsudvalget\nReferat\n"
            "Mødedato: 3. december 2024\n\n1. Godkendelse af dagsorden\nGodkendt.\n")
    assert meeting(text).body == "Kultur- og Fritidsudvalget"


def test_a_committee_named_udvalg_for_is_no_label() -> None:
    m = meeting("Region Midtjylland\nUdvalg for regional udvikling\nMødedato: 3. december 2024\n\n"
                "1. Godkendelse af dagsorden\nGodkendt.\n")
    assert (m.municipality, m.body) == ("Region Midtjylland", "Udvalg for regional udvikling")
    assert meeting("Udvalg:\nØkonomiudvalget\nMødedato: 3. december 2024\n").body == "Økonomiudvalget"


@pytest.mark.parametrize("line", ["Senest opdateret: 12. september 2025", "Næste møde: 24. september 2025",
                                  "Udskrevet 15.09.2025"])
def test_a_date_about_the_page_or_another_meeting_does_not_date_this_one(line: str) -> None:
    m = meeting(f"{line}\nReferat. fra Økonomiudvalget\nOnsdag den 27-aug-2025\n\n1. Godkendelse af dagsorden\n")
    assert (m.body, m.date) == ("Økonomiudvalget", "2025-08-27")


def test_a_labelled_meeting_date_beats_a_dated_line_above_it() -> None:
    m = meeting("Økonomiudvalget\n1. september 2025\nMødedato: 27. august, 2025 kl. 09:30\n\n1. Godkendelse\n")
    assert (m.date, m.time) == ("2025-08-27", "09:30")


def test_a_page_title_that_ends_in_the_bare_name_names_the_municipality(tmp_path: Path) -> None:
    titled = _html_meeting(tmp_path, "<title>Økonomiudvalget - Referat | Aarhus</title>", _MINUTES)
    assert titled.municipality == "Aarhus"
    assert _html_meeting(tmp_path, "<title>Referat | Politik</title>", _MINUTES).municipality is None


@pytest.mark.parametrize("header,body", [
    ("Dagsorden til regionsrådets møde den 28. februar 2025", "Regionsrådet"),
    ("Økonomiudvalgets møde 11.05.2023", "Økonomiudvalget"),
    ("Referat af Børne- og Ungeudvalgets ordinære møde den 3. december 2024", "Børne- og Ungeudvalget"),
    ("Referat fra Aarhus Byråds møde den 8. oktober 2025", "Aarhus Byråd"),
])
def test_a_committee_in_the_genitive_before_its_meeting(header: str, body: str) -> None:
    m = meeting(f"{header}\n\n1. Godkendelse af dagsorden\nGodkendt.\n")
    assert m.body == body and m.date is not None


@pytest.mark.parametrize("line,date", [("Mødedato: 28-02-25 kl. 17.00", "2025-02-28"),
                                       ("Dato: torsdag 28.02.25", "2025-02-28"),
                                       ("Mødedato: 2025-02-28T17:00:00", "2025-02-28")])
def test_a_labelled_date_with_a_short_year_or_a_timestamp(line: str, date: str) -> None:
    assert meeting(f"Økonomiudvalget\n{line}\n\n1. Godkendelse af dagsorden\n").date == date


def test_a_short_year_without_a_label_dates_nothing() -> None:
    assert meeting("Statusnotat\nMål 5.5.25 er nået\n").date is None
