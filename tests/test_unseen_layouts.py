"""The kinds of failure seen on documents the project never saw, each as a small document written here.

Every case is a convention of Danish minutes, not a corpus file: a follow-up item closed by a
numbered recommendation list, goals marked by a declared type, an eDoc HTML agenda export, an
annex with numbered chapters, an unnumbered item over its `Åben sag` line, traffic-light statuses.
"""

from __future__ import annotations

from pathlib import Path

from models.records import AgendaItem, RawDocument, Verdict
from parsers.extract.goals import extract_goals
from parsers.layout import normalise
from parsers.parse import parse_raw
from parsers.readers import read_document
from parsers.readers.text import text_to_pages
from parsers.split import split_items


def _doc(text: str, fmt: str = "text"):  # type: ignore[no-untyped-def]
    suffix = "md" if fmt == "markdown" else "txt"
    return normalise(RawDocument(path=f"x.{suffix}", format=fmt, reader="text", pages=text_to_pages(text, "text")))


def _parse(text: str, fmt: str = "text"):  # type: ignore[no-untyped-def]
    suffix = "md" if fmt == "markdown" else "txt"
    return parse_raw(RawDocument(path=f"x.{suffix}", format=fmt, reader="text", pages=text_to_pages(text, "text")))


FOLLOW_UP = """Referat
Arbejdsmarkedsudvalget
Mødedato: 10. september 2025
Mødested: Rådhuset, mødelokale 2

1. Godkendelse af dagsorden
Sagsnr.: 25/1001
Beslutning
Godkendt.

2. Opfølgning på Beskæftigelsesplan 2025
Sagsnr.: 25/1002
Sagsfremstilling
Der følges op på planens mål. 2 mål er nået, og 2 mål er ikke nået.
Mål 1.1 – Resultatmål\tFlere ledige skal i job inden for 3 måneder.
Status\tAndelen er steget til 41,2 %.
Målopfyldelse\tMålet er nået.
Mål 1.2 – Resultatmål\tLedigheden skal falde til 2,9 %.
Status\tLedigheden er 3,4 %.
Målopfyldelse\tMålet er ikke nået.
Mål 2.1 – Resultatmål\tFærre unge skal være på uddannelseshjælp.
Status\tAntallet er faldet med 12 %.
Målopfyldelse\tMålet er ikke nået.
Indstilling
Arbejdsmarkedschefen indstiller, at
1. orienteringen godkendes
2. det drøftes at ændre rapporteringen i mål 6.3, så den følger kvartalerne
Bilag:
Bilag 1 - Målopfølgning
Beslutning
Godkendt.

3. Eventuelt
Sagsnr.: 25/1003
Beslutning
Intet.
"""


def test_recommendation_list_is_not_items_and_goals_survive() -> None:
    parsed = _parse(FOLLOW_UP)
    assert [(i.number, i.title) for i in parsed.items] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Opfølgning på Beskæftigelsesplan 2025"), ("3", "Eventuelt")]
    assert [(g.goal_id, g.verdict, g.agenda_item, g.plan_year) for g in parsed.goals] == [
        ("1.1", Verdict.met, "2", 2025), ("1.2", Verdict.not_met, "2", 2025), ("2.1", Verdict.not_met, "2", 2025)]
    (summary,) = parsed.summaries
    assert summary.counts == {"met": 2, "not_met": 2} and summary.mismatch


def test_a_wrong_item_split_never_loses_goals_or_the_summary() -> None:
    doc = _doc(FOLLOW_UP)
    alone, alone_summaries = extract_goals(doc, [])
    _, items = split_items(doc)
    # a false item starting inside the table, and items that cover only part of the document
    bad = [AgendaItem(number="9", title="det drøftes", start=doc.text.index("Status\tLedigheden"),
                      end=len(doc.text), page_start=1, page_end=1)] + items[:1]
    wrong, wrong_summaries = extract_goals(doc, bad)
    assert [(g.goal_id, g.text, g.verdict) for g in wrong] == [(g.goal_id, g.text, g.verdict) for g in alone]
    assert len(alone) == 3 and [s.counts for s in wrong_summaries] == [s.counts for s in alone_summaries]


ITALIC_NOTE = """Status på beskæftigelsesplan 2025

Indledning
Notatet giver status på planens mål. Målene i beskæftigelsesplanen er nedenfor angivet med kursiv.

Unge
*Flere unge skal i uddannelse eller job inden udgangen af 2025.*
Der er i første halvår 2025 sket et fald i antallet af unge på ydelse på 8 %. Målet forventes nået.

Langtidsledige
*Antallet af langtidsledige skal reduceres med 10 % i 2025.*
*Mindst 60 % af de langtidsledige skal have en virksomhedsrettet aktivitet.*
Antallet er faldet med 4 %.
Andelen med virksomhedsrettet aktivitet er 48 %. Målet forventes ikke nået.

Virksomheder
*Jobcentret skal have kontakt til 500 virksomheder i 2025.*
Der er ved halvåret kontakt til 212 virksomheder.
"""


def test_goals_marked_by_declared_italics() -> None:
    goals = _parse(ITALIC_NOTE, "markdown").goals
    assert [(g.text[:40], g.verdict) for g in goals] == [
        ("Flere unge skal i uddannelse eller job i", Verdict.expected_met),
        ("Antallet af langtidsledige skal reducere", Verdict.expected_not_met),
        ("Mindst 60 % af de langtidsledige skal ha", Verdict.expected_not_met),
        ("Jobcentret skal have kontakt til 500 vir", Verdict.none),
    ]
    assert all(g.plan_year == 2025 for g in goals)
    assert goals[3].status_text == "Der er ved halvåret kontakt til 212 virksomheder."


def test_same_note_without_the_declaration_takes_no_italic_line_without_verdict() -> None:
    """Italics alone mark nothing: with no declaration and no intro about goals, only verdicts imply goals."""
    text = ITALIC_NOTE.replace("Notatet giver status på planens mål. Målene i beskæftigelsesplanen er nedenfor "
                               "angivet med kursiv.", "Notatet beskriver indsatsen.")
    texts = [g.text for g in _parse(text, "markdown").goals]
    assert not any(t.startswith("Jobcentret skal") for t in texts)


EDOC_HTML = """<html><body>
<h1>Referat</h1><p>Social- og Sundhedsudvalget</p><p>Mødedato: 03-06-2025</p>
<h2>Dagsorden</h2>
<p>1.\tGodkendelse af dagsorden</p><p>2.\tKvalitetsstandard for aktivitetscentre</p>
<p>3.\tOpfølgning på sundhedspolitikken</p>
<h2>Lukket dagsorden</h2><p>4.\tPersonalesag</p>
<table><tr><td>1.</td><td>Godkendelse af dagsorden</td></tr></table>
<p>Sagsnr.: 25/4411 &nbsp; Sagsbehandler: Anne Holm &nbsp; Åben</p>
<p>Forvaltningen foreslår:</p><p>at dagsordenen godkendes.</p>
<table><tr><td>2.</td><td>Kvalitetsstandard for aktivitetscentre</td></tr></table>
<p>Sagsnr.: 25/4412 &nbsp; Sagsbehandler: Anne Holm &nbsp; Åben</p>
<p>Præsentation:</p><p>Standarden beskriver tilbuddet.</p>
<p>Sagsbeskrivelse:</p><p>Der er tre tilbud &amp; to værksteder &lt;se bilag&gt;.</p>
<p>Økonomi:</p><p>Ingen.</p>
<table><tr><td>3.</td><td>Opfølgning på sundhedspolitikken</td></tr></table>
<p>Sagsnr.: 25/4413 &nbsp; Sagsbehandler: Ib Lund &nbsp; Åben</p>
<p>Sagsbeskrivelse:</p><p>Status gives mundtligt.</p>
<table><tr><td>4.</td><td>Personalesag</td></tr></table>
<p>Sagsnr.: 25/4414 &nbsp; Lukket</p>
</body></html>"""


def test_edoc_html_agenda_export(tmp_path: Path) -> None:
    path = tmp_path / "referat.html"
    path.write_text(EDOC_HTML, encoding="utf-8")
    parsed = parse_raw(read_document(path))
    assert [(i.number, i.title) for i in parsed.items] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Kvalitetsstandard for aktivitetscentre"),
        ("3", "Opfølgning på sundhedspolitikken"), ("4", "Personalesag")]
    assert [i.case_number for i in parsed.items] == ["25/4411", "25/4412", "25/4413", "25/4414"]
    assert {s.kind for s in parsed.items[1].sections} >= {"summary", "case", "economy"}
    assert parsed.items[3].closed and not parsed.items[1].closed


ANNEX = """Kvalitetsstandard for aktivitets- og samværstilbud

1. Indledning
Standarden beskriver serviceniveauet i kommunens tilbud efter serviceloven.

2. Råd og vejledning
Borgeren kan få råd og vejledning om tilbuddene.
Resultatmål: At borgeren får svar på en henvendelse inden for 14 dage.

3. Værested
Værestedet er åbent på hverdage.
Resultat mål: At mindst 80 % af brugerne er tilfredse med tilbuddet.

4. Klagevejledning
Afgørelser kan påklages til Ankestyrelsen.
"""


def test_annex_chapters_are_not_items_and_its_labelled_targets_are_goals() -> None:
    parsed = _parse(ANNEX)
    assert parsed.items == []
    assert [(g.text, g.verdict) for g in parsed.goals] == [
        ("At borgeren får svar på en henvendelse inden for 14 dage.", Verdict.none),
        ("At mindst 80 % af brugerne er tilfredse med tilbuddet.", Verdict.none)]


def test_an_ordinary_skal_sentence_is_not_a_goal() -> None:
    assert _parse("Notat\nKommunen skal sende svar til borgeren inden for 14 dage.\n").goals == []


UNNUMBERED = """Beskæftigelsesudvalget
Referat
Mødedato: 12. november 2024

Opfølgning på beskæftigelsesplan 2024
24/4949 Åben sag
Sagsgang
BU
Sagsfremstilling
Planens mål følges op to gange om året.
Beslutning
Taget til efterretning.
"""


def test_unnumbered_item_found_from_its_open_case_line() -> None:
    parsed = _parse(UNNUMBERED)
    assert [(i.number, i.title) for i in parsed.items] == [("1", "Opfølgning på beskæftigelsesplan 2024")]
    assert not parsed.items[0].closed


def test_traffic_lights_and_ticks_become_verdicts_with_the_source_word_kept() -> None:
    text = ("Opfølgning på Sundhedspolitik 2024\n"
            "Mål\tStatus\tVurdering\n"
            "Flere borgere skal være røgfri i 2024\tAndelen er 84 %\tGrøn\n"
            "Færre genindlæggelser i 2024\tUændret\tRød\n"
            "Kortere ventetid på genoptræning\tVentetiden er 3 uger\tGul\n"
            "Alle nye borgere tilbydes en samtale\tGennemført\t✓\n"
            "Flere frivillige i 2024\tIngen data\tDelvist\n")
    goals = _parse(text).goals
    assert [(g.verdict, g.verdict_text) for g in goals] == [
        (Verdict.met, "Grøn"), (Verdict.not_met, "Rød"), (Verdict.partly_met, "Gul"), (Verdict.met, "✓"),
        (Verdict.partly_met, "Delvist")]
