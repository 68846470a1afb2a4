"""HTML read as a tree: the real FirstAgenda dagsorden gives its 33 items; chrome never becomes text;
items come from a page's structure where it shows them, and only there."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parsers.layout import normalise
from parsers.parse import parse_raw
from parsers.readers import read_document
from parsers.readers.html import html_to_lines
from parsers.split import split_items
from tests.conftest import CORPUS, corpus_path

AARHUS = "aarhus_byraad_dagsorden_2025-10-08"
DIALOG_WORDS = ("Tip en ven", "Annuller", "Kopier link", "Hent som PDF", "Modtager email skal udfyldes",
                "Der opstod en fejl", "Tilbage til forsiden")


@pytest.fixture(scope="module")
def aarhus() -> Any:
    return parse_raw(read_document(corpus_path("html-real", f"{AARHUS}.html")))


def test_firstagenda_dagsorden_gives_its_33_items(aarhus: Any, scorer: Any) -> None:
    gold = json.loads((CORPUS / "gold" / f"{AARHUS}.gold.json").read_text(encoding="utf-8"))
    items = [{"document": f"{AARHUS}.html", "number": i.number, "title": i.title} for i in aarhus.items]
    result = scorer.score({AARHUS: gold}, [], items)
    assert (result["item_recall"], result["item_precision"]) == (1.0, 1.0), result
    assert len(aarhus.items) == 33
    assert aarhus.meeting.profile == "structure:firstagenda"


def test_firstagenda_items_carry_case_numbers_and_sections(aarhus: Any) -> None:
    assert all(i.case_number and i.case_number.startswith("EMN-") for i in aarhus.items)
    assert aarhus.items[0].case_number == "EMN-2023-009832"
    budget = aarhus.items[1]
    assert {"Resume", "Beslutningspunkter"} <= {s.heading for s in budget.sections}
    assert "1.126 mio. kr." in next(s.text for s in budget.sections if s.heading == "Resume")


def test_firstagenda_page_chrome_is_not_text(aarhus: Any) -> None:
    text = aarhus.document.text
    assert [w for w in DIALOG_WORDS if w in text] == []
    # a row is read block by block, not flattened into one line holding the whole item
    assert max(len(ln.text) for ln in aarhus.document.lines) < 3000
    assert not any("Godkendelse af dagsorden" in ln.text and "EMN-" in ln.text for ln in aarhus.document.lines)


def _texts(html: str) -> list[str]:
    return [ln.text for ln in html_to_lines(html)]


def test_hidden_dialog_and_chrome_are_dropped() -> None:
    html = """<html><body>
    <header><nav><a>Forside</a></nav><p>Kommunens logo</p></header>
    <div id="cookie-banner"><p>Vi bruger cookies</p></div>
    <p>Synlig tekst</p>
    <p hidden>Skjult med hidden</p>
    <p style="display: none">Skjult med display</p>
    <p style="visibility:hidden">Skjult med visibility</p>
    <div aria-hidden="true">Skjult for skærmlæser</div>
    <div class="modal" role="dialog"><h4>Tip en ven</h4><button>Send</button></div>
    <template><p>Skabelon</p></template>
    <form><label>Navn</label><input value="x"></form>
    <button>Annuller</button>
    <article><header><h2>Artiklens egen overskrift</h2></header><p>Brødtekst</p></article>
    <footer>Rådhuspladsen 1</footer>
    </body></html>"""
    assert _texts(html) == ["Synlig tekst", "Artiklens egen overskrift", "Brødtekst"]


def test_blocks_in_table_cells_are_lines_and_plain_rows_stay_cells() -> None:
    html = """<table>
    <tr><td>Mål</td><td>Status</td></tr>
    <tr><td>1</td><td><h2>Titel</h2><div>Første afsnit</div><div>Andet afsnit</div></td></tr>
    </table>"""
    lines = html_to_lines(html)
    assert lines[0].cells == ("Mål", "Status")
    assert [ln.text for ln in lines[1:]] == ["1", "Titel", "Første afsnit", "Andet afsnit"]
    assert lines[2].heading == 2 and lines[2].bold


def test_headings_keep_their_level_and_list_entries_their_marker() -> None:
    lines = html_to_lines("<h3>Sagsfremstilling</h3><ol start='4'><li>Fjerde</li><li value='9'>Niende</li>"
                          "<li>Tiende</li></ol><ul><li>Punkt</li></ul>")
    assert [(ln.text, ln.heading) for ln in lines] == [
        ("Sagsfremstilling", 3), ("4. Fjerde", None), ("9. Niende", None), ("10. Tiende", None), ("• Punkt", None)]


def _items(html: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    from models.records import Line, Page, RawDocument

    lines: list[Line] = html_to_lines(html)
    raw = RawDocument(path="x.html", format="html", reader="html",
                      pages=[Page(number=1, lines=lines, reader="html")])
    profile, items = split_items(normalise(raw))
    return profile, [(i.number, i.title, i.case_number) for i in items]


def test_numbered_headings_of_minutes_are_items() -> None:
    html = """<h1>Referat</h1><p>Mødedato: 3. december 2024</p>
    <h2>1. Godkendelse af dagsorden</h2><p>Godkendt.</p>
    <h2>2. Budget 2026</h2><h3>Beslutning</h3><p>Anbefales.</p>
    <h2>3 Lukket punkt: Personalesag</h2><p>Sagsnr.: 24/1234</p>"""
    profile, items = _items(html)
    assert profile == "structure:generic-heading"
    assert items == [("1", "Godkendelse af dagsorden", None), ("2", "Budget 2026", None),
                     ("3", "Lukket punkt: Personalesag", "24/1234")]


def test_numbered_chapters_of_a_plan_page_are_not_items() -> None:
    html = """<h1>Udviklingsstrategi 2030</h1><h2>1. Indledning</h2><p>Kommunen vokser.</p>
    <h2>2. Vision</h2><p>Vi vil være grønne.</p><h2>3. Mål</h2><p>Flere i job.</p>"""
    assert _items(html) == ("generic", [])


def test_a_firstagenda_row_is_recognised_by_its_structure_alone() -> None:
    html = """<table id="dagsordenDetaljer"><tbody>
    <tr class="punktrow"><td><span class="label">7</span></td><td><button><h2 class="overskrift">Lokalplan 1204</h2>
    </button><div class="details"><span class="sagsnummer">EMN-2025-000123</span><div class="punkt"><h3>Resume</h3>
    <span class="resume"><div>Planen muliggør 300 boliger.</div></span></div></div></td></tr></tbody></table>"""
    profile, items = _items(html)
    assert profile == "structure:firstagenda"
    assert items == [("7", "Lokalplan 1204", "EMN-2025-000123")]


def test_disclosure_toggles_keep_their_titles_and_section_headings_are_not_items() -> None:
    """Municipal sites fold items into accordions (`<h2><button aria-expanded>1. Titel`): the button is the
    title, not a control to drop; numbered section headings inside an item ("2. Beslutning") stay sections."""
    html = """<p>Mødedato: 1. maj 2025</p><div class="accordion">
    <h2 class="accordion-header"><button class="accordion-button" aria-expanded="false">1. Godkendelse af
    dagsorden</button></h2><div class="collapse"><p>Sagsnr.: 25/101</p><h3>1. Indstilling</h3><p>At den godkendes.
    </p><h3>2. Beslutning</h3><p>Godkendt.</p></div>
    <h2><button aria-controls="p2">2. Budget 2026</button></h2><div id="p2"><p>Sagsnr.: 25/102</p></div></div>
    <button class="btn">Udskriv</button>"""
    profile, items = _items(html)
    assert profile == "structure:generic-heading"
    assert items == [("1", "Godkendelse af dagsorden", "25/101"), ("2", "Budget 2026", "25/102")]
    assert "Udskriv" not in _texts(html)


def test_a_referat_set_in_a_layout_table_is_read_line_by_line() -> None:
    """Older publishing pages put the whole referat in one cell of a layout table, lines split by `<br>`;
    each piece is a line, bold by its own characters, so `N. Titel` over `Sagsnr.:` is an item again."""
    html = """<table width="100%"><tr><td class="menu"><a href="/">Forside</a></td><td>
    <p><b>1. Godkendelse af dagsorden</b><br>Sagsnr.: 12/100<br><br>Godkendt.</p>
    <p><b>2. Budget 2013</b><br>Sagsnr.: 12/101<br><br><b>Beslutning</b><br>Anbefales.</p></td></tr></table>"""
    lines = html_to_lines(html)
    assert [(ln.text, ln.bold) for ln in lines[1:4]] == [
        ("1. Godkendelse af dagsorden", True), ("Sagsnr.: 12/100", False), ("Godkendt.", False)]
    profile, items = _items(html)
    assert items == [("1", "Godkendelse af dagsorden", "12/100"), ("2", "Budget 2013", "12/101")]


def test_a_number_set_before_its_heading_and_numbered_terms_give_items() -> None:
    html = """<p>Mødedato: 1. maj 2025</p>
    <div class="punkt"><span class="nr">4.</span> <h3>Lokalplan 12</h3><p>Sagsnr.: 25/4</p></div>
    <div class="punkt"><span class="nr">5.</span> <h3>Vejplan</h3><p>Sagsnr.: 25/5</p></div>"""
    assert _items(html)[1] == [("4", "Lokalplan 12", "25/4"), ("5", "Vejplan", "25/5")]
    assert "4." not in _texts(html)
    html = "<p>Referat</p><dl><dt>1. Meddelelser</dt><dd>Ingen.</dd><dt>2. Budget</dt><dd>Sagsnr.: 25/9</dd></dl>"
    assert _items(html)[1] == [("1", "Meddelelser", None), ("2", "Budget", "25/9")]


def test_a_case_number_alone_under_a_dated_title_is_not_a_page_stamp() -> None:
    """`24/20382` on its own line is a case number; only `3/12`-like counts (page ≤ pages ≤ 999) are stamps."""
    from models.records import Line, Page, RawDocument

    texts = ["Budgetopfølgning pr. 30.09.2024", "24/20382", "Tekst.", "Referat 03.12.2024", "3/12"]
    raw = RawDocument(path="x.txt", format="txt", reader="text",
                      pages=[Page(number=1, lines=[Line(text=t, page=1) for t in texts])])
    assert [ln.text for ln in normalise(raw).lines] == texts[:3]


def test_a_folded_accordion_panel_is_the_items_body_not_hidden_chrome() -> None:
    """A page saved with its accordions folded hides each body (`display:none`, `aria-hidden`); the panel a
    toggle opens is the item's text. A dialog a button opens stays out."""
    html = """<p>Mødedato: 1. maj 2025</p>
    <h2><button aria-controls="b1" aria-expanded="false">1. Godkendelse af dagsorden</button></h2>
    <div id="b1" style="display:none"><p>Sagsnr.: 25/101</p><p>Godkendt.</p></div>
    <h2><a href="#b2" data-toggle="collapse">2. Budget 2026</a></h2>
    <div id="b2" class="collapse" aria-hidden="true"><p>Sagsnr.: 25/102</p></div>
    <button data-target="#share" data-toggle="modal">Del</button>
    <div id="share" class="modal" role="dialog" style="display:none"><p>Tip en ven</p></div>"""
    texts = _texts(html)
    assert "Godkendt." in texts and "Tip en ven" not in texts and "Del" not in texts
    assert _items(html)[1] == [("1", "Godkendelse af dagsorden", "25/101"), ("2", "Budget 2026", "25/102")]


def test_a_systems_elements_without_numbers_or_case_numbers_are_not_items() -> None:
    """A page a system's markers claim, listing its meetings in the same classed elements: no number, no case
    number, so not agenda items; the page falls through to the other paths."""
    html = """<meta name="generator" content="eDoc"><div class="agenda-item"><h3>Økonomiudvalget 3. maj</h3></div>
    <div class="agenda-item"><h3>Byrådet 10. maj</h3></div><div class="agenda-item"><h3>Kulturudvalget</h3></div>"""
    assert _items(html) == ("generic", [])


def test_only_the_main_region_is_read_when_it_holds_the_page() -> None:
    html = """<body><aside><h2>1. Seneste nyt</h2><h2>2. Arrangementer</h2></aside><main><h1>Referat</h1>
    <p>Mødedato: 1. maj 2025. Mødested: Rådhuset, Byrådssalen.</p>
    <h2>1. Godkendelse af dagsorden</h2><p>Sagsnr.: 25/1</p><p>Dagsordenen blev godkendt uden bemærkninger.</p>
    <h2>2. Budget 2026</h2><p>Sagsnr.: 25/2</p><p>Budgettet blev anbefalet til byrådets godkendelse.</p></main>
    <div class="sidebar"><p>Kontakt os</p></div></body>"""
    assert "Kontakt os" not in _texts(html)
    assert _items(html)[1] == [("1", "Godkendelse af dagsorden", "25/1"), ("2", "Budget 2026", "25/2")]


def test_a_newline_in_the_source_is_a_space_and_br_a_line_break() -> None:
    assert _texts("<p>Dette er en\n   lang sætning<br>ny linje</p><pre>a\nb</pre>") == [
        "Dette er en lang sætning", "ny linje", "a", "b"]


@pytest.mark.parametrize("heading", ["Punkt {n} - {t}", "Pkt. {n} {t}", "• {n} {t}", "Dagsordenspunkt {n}: {t}",
                                     "{n}) {t}", "{n} – {t}"])
def test_the_ways_sites_number_item_headings(heading: str) -> None:
    titles = ["Godkendelse af dagsorden", "Budget 2026"]
    html = "<p>Mødedato: 1. maj 2025</p>" + "".join(
        f"<h3>{heading.format(n=n, t=t)}</h3><p>Tekst.</p>" for n, t in enumerate(titles, 1))
    assert _items(html)[1] == [("1", titles[0], None), ("2", titles[1], None)]


def test_numbered_subheadings_inside_an_item_yield_to_the_items_the_text_shows() -> None:
    html = """<p>Mødedato: 1. maj 2025</p>
    <p><b>Punkt 1: Godkendelse af dagsorden</b></p><p>Godkendt.</p>
    <p><b>Punkt 2: Cykelstier</b></p><h4>1. Etape</h4><p>Nord.</p><h4>2. Etape</h4><p>Syd.</p>
    <p><b>Punkt 3: Eventuelt</b></p><p>Intet.</p>"""
    profile, items = _items(html)
    assert [n for n, _, _ in items] == ["1", "2", "3"] and profile == "firstagenda"
