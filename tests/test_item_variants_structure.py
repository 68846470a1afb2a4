"""Item variants: the gold agenda items of the corpus minutes published the ways Danish systems publish them.

Every gold document with annotated items is rendered (`tests/variants/items.py`) as FirstAgenda's table
rows with their dialogs and menus, a municipal page of numbered headings, a numbered list of headed
entries, and a Word referat numbered by Word itself; the real pipeline parses each file and the corpus
scorer scores the items against the gold (item F1 ≥ 0.95 per variant). The terminal summary prints the
variant × item F1 table. Also here: the Ballerup eDoc referat rebuilt as Word from its PDF's structure
must give the PDF's items.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document as new_document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from models.records import Document
from parsers.layout import normalise
from parsers.parse import parse_file
from parsers.readers import read_document
from parsers.split import section_kind
from tests.conftest import CORPUS, corpus_path
from tests.variants.items import ITEM_VARIANTS, _numbering, _restart, render_items
from tests.variants.summary import ITEM_RESULTS

ITEM_F1_FLOOR = 0.95
CHROME = ("Tip en ven", "Annuller", "Kopier link", "Hent som PDF", "Accepter alle", "Skjult punkt",
          "Modtager email skal udfyldes", "Del siden", "Rådhuspladsen 1")


def _golds() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((CORPUS / "gold").glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("agenda_items"):
            out.append((path.name.removesuffix(".gold.json"), gold))
    return out


def _render(variant: str, stem: str, gold: dict[str, Any], out: Path) -> Path:
    ext = "docx" if variant.startswith("docx") else "html"
    return render_items(variant, gold.get("body") or "Udvalget", gold["agenda_items"], out / f"{stem}__{variant}.{ext}")


@pytest.mark.parametrize("variant", ITEM_VARIANTS)
def test_item_variant_scores(variant: str, scorer: Any, tmp_path: Path) -> None:
    golds: dict[str, dict[str, Any]] = {}
    items: list[dict[str, Any]] = []
    per_document = []
    for stem, gold in _golds():
        path = _render(variant, stem, gold, tmp_path)
        parsed = parse_file(path)
        doc_items = [{"document": path.name, "number": i.number, "title": i.title} for i in parsed.items]
        key = path.name.rsplit(".", 1)[0]
        one = scorer.score({key: {**gold, "score_goals": False}}, [], doc_items)
        per_document.append({"doc": stem, "item_f1": one["item_f1"]})
        golds[key] = {**gold, "score_goals": False}
        items += doc_items
        if variant.startswith("html"):
            text = parsed.document.text
            assert not [c for c in CHROME if c in text], (path.name, [c for c in CHROME if c in text])
    result = scorer.score(golds, [], items)
    result["per_document"] = per_document
    ITEM_RESULTS[variant] = result
    report = json.dumps({k: v for k, v in result.items() if k.startswith("item")} | {"docs": per_document})
    assert result["item_f1"] >= ITEM_F1_FLOOR, report


def _pdf_to_docx(doc: Document, items: list[Any], path: Path) -> Path:
    """The referat rebuilt as Word from the PDF's own structure: each item heading a Heading 1 numbered by
    Word (the number is not in the text; the list restarts at the first item's number), then the PDF's
    lines as paragraphs with its bold section headings bold; the front page and contents as they were."""
    word = new_document()
    heading_num, _ = _numbering(word, 1)
    word.styles["Heading 1"].element.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{heading_num}"/></w:numPr>'))
    starts = {next(k for k, ln in enumerate(doc.lines) if ln.start == item.start): item for item in items}
    skip_to = -1
    current = heading_num
    for k, line in enumerate(doc.lines):
        if k < skip_to or not line.text.strip():
            continue
        if k in starts:
            item = starts[k]
            heading = word.add_heading(item.title, level=1)
            if k == min(starts) and item.number != "1":
                current = _restart(word, heading_num, int(item.number))
            if current != heading_num:
                heading._p.get_or_add_pPr().append(parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{current}"/></w:numPr>'))
            # the title's wrapped continuation lines are in the heading already
            skip_to = next(j for j in range(k + 1, len(doc.lines))
                           if not doc.lines[j].bold or section_kind(doc.lines[j].text)
                           or re.match(r"Sagsnr", doc.lines[j].text))
            continue
        paragraph = word.add_paragraph()
        run = paragraph.add_run(line.text.replace("\t", " "))
        run.bold = line.bold
    word.save(str(path))
    return path


def test_ballerup_referat_as_word_gives_the_pdf_items(tmp_path: Path) -> None:
    """Issue 15 (6): a referat as Word gives the items its PDF gives: numbers from Word's list numbering,
    titles, case numbers and decisions."""
    pdf = corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf")
    parsed_pdf = parse_file(pdf)
    assert len(parsed_pdf.items) == 8
    docx = _pdf_to_docx(parsed_pdf.document, parsed_pdf.items, tmp_path / "ballerup_sfu_referat.docx")
    raw = read_document(docx)
    assert not re.match(r"\d+\.", raw.pages[0].lines[0].text)  # the front page is not an item
    parsed_docx = parse_file(docx)

    def facts(parsed: Any) -> list[tuple[str, str, str | None, str | None]]:
        return [(i.number, i.title, i.case_number, i.decision) for i in parsed.items]

    assert facts(parsed_docx) == facts(parsed_pdf)
    assert [i.case_number for i in parsed_docx.items][:2] == ["2011-29298", "2012-28504"]


def test_word_numbering_restart_at_the_items_number(tmp_path: Path) -> None:
    """Acadre numbers items across the year: `715.` drawn by Word from a list restarted at 715 (not in the
    text), followed by `Sagsnr.: 12/27845`, is item 715 as it is in the PDF."""
    word = new_document()
    heading_num, _ = _numbering(word, 1)
    restart = _restart(word, heading_num, 715)
    for title, case in (("Kulturkommune 2017. Politiske fokusområder", "12/27845"),
                        ("Budgetopfølgning pr. 31. marts", "12/28011")):
        heading = word.add_heading(title, level=1)
        heading._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{restart}"/></w:numPr>'))
        word.add_paragraph(f"Sagsnr.: {case}")
        word.add_paragraph().add_run("Beslutning").bold = True
        word.add_paragraph("Godkendt.")
    path = tmp_path / "acadre.docx"
    word.save(str(path))
    lines = [ln.text for ln in normalise(read_document(path)).lines]
    assert lines[0] == "715. Kulturkommune 2017. Politiske fokusområder"
    items = parse_file(path).items
    assert [(i.number, i.title, i.case_number) for i in items] == [
        ("715", "Kulturkommune 2017. Politiske fokusområder", "12/27845"),
        ("716", "Budgetopfølgning pr. 31. marts", "12/28011")]


def test_word_list_taking_its_levels_from_a_list_style(tmp_path: Path) -> None:
    """Templates number headings through a list style: the paragraph's list names a style
    (`numStyleLink`) whose own list holds the levels and the start value."""
    word = new_document()
    numbering = word.part.numbering_part.element
    first = numbering.find(qn("w:num"))
    first.addprevious(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:styleLink w:val="Punktliste"/><w:lvl w:ilvl="0">'
        '<w:start w:val="715"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    first.addprevious(parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="91"><w:numStyleLink w:val="Punktliste"/></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="91"/></w:num>'))
    heading = word.add_heading("Kulturkommune 2017. Politiske fokusområder", level=1)
    heading._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))
    word.add_paragraph("Sagsnr.: 12/27845")
    path = tmp_path / "stylelink.docx"
    word.save(str(path))
    line = read_document(path).pages[0].lines[0]
    assert (line.text, line.heading) == ("715. Kulturkommune 2017. Politiske fokusområder", 1)
    assert [(i.number, i.case_number) for i in parse_file(path).items] == [("715", "12/27845")]


def test_word_text_inside_fields_content_controls_and_insertions_is_read(tmp_path: Path) -> None:
    """ESDH systems fill Word referater through fields and content controls: the item number from a `SEQ`
    field, the title in an inline content control, a tracked insertion; all of it is the paragraph's text."""
    word = new_document()
    heading = word.add_heading("", level=1)
    for xml in (
            f'<w:fldSimple {nsdecls("w")} w:instr=" SEQ Punkt "><w:r><w:t>715</w:t></w:r></w:fldSimple>',
            f'<w:r {nsdecls("w")}><w:t xml:space="preserve">. </w:t></w:r>',
            f'<w:sdt {nsdecls("w")}><w:sdtContent><w:r><w:t>Kulturkommune 2017.</w:t></w:r></w:sdtContent></w:sdt>',
            f'<w:ins {nsdecls("w")} w:id="1" w:author="x"><w:r><w:t xml:space="preserve"> Politiske</w:t></w:r>'
            '</w:ins>',
            f'<w:del {nsdecls("w")} w:id="2" w:author="x"><w:r><w:delText> slettet</w:delText></w:r></w:del>',
            f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> fokusområder</w:t></w:r>'):
        heading._p.append(parse_xml(xml))
    word.add_paragraph("Sagsnr.: 12/27845")
    path = tmp_path / "fields.docx"
    word.save(str(path))
    assert read_document(path).pages[0].lines[0].text == "715. Kulturkommune 2017. Politiske fokusområder"
    assert [(i.number, i.title, i.case_number) for i in parse_file(path).items] == [
        ("715", "Kulturkommune 2017. Politiske fokusområder", "12/27845")]
