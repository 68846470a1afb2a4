"""The gold agenda items of real minutes laid out as each publishing system publishes them.

Where `document.py` varies how goals are laid out, this varies how *items* are: the same numbers and
titles (from the gold) as FirstAgenda's web table (one row per item: a number label, the title in a
heading inside a button, the case number, `h3` sections; the page's copy-link and tip-a-friend dialogs,
dropdown menus, a hidden row and a cookie banner around it), as a municipal site's page (numbered `h2`
headings in `article`s under a navigation menu and an agenda list of links), as a numbered list whose
entries open with a heading (`<ol><li value=N><h3>`), as an older page that sets the whole referat in
one cell of a layout table (bold `N. Titel` paragraphs, `<br>` lines), and as a Word referat whose item headings are
numbered by Word's list numbering with a start value, as Acadre numbers items across a year.
Inside every item sit the numbered lines that are not items: recommendation points, history entries.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docx import Document as new_document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

ITEM_VARIANTS = ("html-firstagenda", "html-divitems", "html-headings", "html-list", "html-layouttable", "docx-numbered")
FILLER = ("Forvaltningen har forberedt sagen, og sagsfremstillingen er udsendt til udvalgets medlemmer før "
          "mødet. Sagen har været drøftet med de berørte parter.")
POINTS = ("Udvalget godkender forvaltningens forslag.", "Sagen sendes videre til Økonomiudvalget.")


def _case(k: int, style: str) -> str:
    return f"EMN-2024-{10500 + 37 * k:06d}" if style == "emn" else f"24/{20300 + 41 * k}"


def _decision(item: dict[str, Any]) -> str:
    return (item.get("decision") or "Godkendt.").split("\n")[0]


def _page(title: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8"><title>{escape(title)}</title>\n'
            f"{head}</head>\n<body>\n{body}\n</body></html>\n")


_COOKIE = ('<div id="cookie-banner" class="cookie-consent" role="dialog" aria-modal="true"><p>Vi bruger cookies '
           "til statistik. 1. Nødvendige cookies 2. Statistik</p><button>Accepter alle</button>"
           "<button>Afvis</button></div>")


def firstagenda_html(body: str, items: list[dict[str, Any]]) -> str:
    """FirstAgenda Publication's meeting page, row for row as dagsordener.<kommune>.dk serves it."""
    rows = []
    for k, item in enumerate(items):
        number, title = escape(item["number"]), escape(item["title"])
        rows.append(
            f'<tr class="punktrow" id="punktrow_{k}"><td class="text-center punkt-tabel">'
            f'<span class="label label-default">{number}</span></td><td class="punkt-tabel">'
            f'<button class="overskrift-btn" role="button" aria-expanded="false" aria-controls="details{k}">'
            f'<h2 class="overskrift text-left" id="overskrift{k} " tabindex="0">{title}</h2></button>'
            f'<div class="details" id="details{k}"><span class="sagsnummer">{_case(k, "emn")}</span>'
            f'<div class="punkt"><h3></h3><div><div id="sagsfremstillingContainer">'
            f'<h3>Beslutninger</h3><span class="resume"><div>{escape(_decision(item))}</div></span>'
            f'<h3>Resume</h3><span class="resume"><div>{FILLER}</div></span>'
            f'<h3>Beslutningspunkter</h3><span class="resume"><div>Det indstilles:</div>'
            + "".join(f"<div>{n}. {escape(p)}</div>" for n, p in enumerate(POINTS, 1))
            + '</span><h3>Sagsforløb:</h3><span class="resume"><div>Udvalg: Magistraten</div>'
            f'<div>Dato: 02-09-2024</div><div> Punktnummer: {k + 3}</div></span>'
            f'<h3>Bilag</h3><ul class="list-unstyled"><li><span class="label label-default pdf-label" '
            f'role="button">PDF</span><a class="bilag-link">Bilag 1: Notat</a></li></ul></div></div></div></div></td>'
            f'<td class="punkt-tabel"><span class="dropdown"><button class="dropdown-toggle" '
            f'aria-label="Menu til punktet {title}"></button><ul class="dropdown-menu" role="menu">'
            f'<li><a role="menuitem">Hent som PDF</a></li><li><a role="menuitem">Kopier link</a></li></ul></span>'
            f'<span class="expand"><span class="glyphicon glyphicon-plus" aria-hidden="true">+</span></span></td></tr>')
    hidden_row = ('<tr class="punktrow" hidden=""><td><span class="label label-default">99</span></td><td>'
                  '<h2 class="overskrift">Skjult punkt fra et tidligere udkast</h2></td></tr>')
    dialogs = (
        '<div class="modal" id="kopier_dialog"><div class="modal-dialog"><div class="modal-content">'
        '<div class="modal-header"><button type="button" class="close">×</button><h4 class="modal-title">Kopier link'
        '</h4></div><div class="modal-body"><p>Kopier linket i nedenstående tekstboks med ctrl+c</p></div>'
        '<div class="modal-footer"><button type="button">Luk</button></div></div></div></div>\n'
        '<div class="modal" id="send_dialog" tabindex="-1" role="dialog"><div class="modal-dialog large">'
        '<div class="modal-content"><div class="modal-header"><h4 class="modal-title">Tip en ven</h4></div>'
        '<div class="modal-body"><form><label>Modtager e-mail</label><input type="text">'
        '<span class="validationError" style="display: none">Modtager email skal udfyldes</span></form></div>'
        '<div class="modal-footer"><button type="button">Send</button><button type="button">Annuller</button>'
        '</div></div></div></div>')
    head = ('<script>window.localizationKeys = {"Meeting_Copy_Link":"Kopier link","Tip":"Tip en ven"};</script>\n')
    page = (
        '<div class="container"><input id="apiurl" name="apiurl" type="hidden" '
        'value="http://publication.firstagenda.com">'
        '<nav class="navbar navbar-default"><a href="/">Forside</a></nav>' + _COOKIE
        + f'<div class="title"><h1 class="green dato">Referat {escape(body)}</h1></div>'
        '<table class="dagsordeninfo"><tbody><tr><td>Udvalg:</td><td><span class="udvalg">'
        f'{escape(body)}</span></td></tr><tr><td>Mødested:</td><td>Rådhuset</td></tr></tbody></table>'
        '<table id="dagsordenDetaljer" class="table table-hover dagsorden"><thead><tr><th>Punkt</th>'
        '<th>Titel</th><th></th></tr></thead><tbody>' + "".join(rows[:1]) + hidden_row + "".join(rows[1:])
        + "</tbody></table>\n" + dialogs + "</div>")
    return _page(body, head, page)


def div_items_html(body: str, items: list[dict[str, Any]]) -> str:
    """One `div` per item with the number, title and case number in classed elements and no heading at all:
    only a system profile (`parsers/patterns/systems.yaml`) says which element is the title."""
    blocks = []
    for k, item in enumerate(items):
        blocks.append(
            f'<div class="dagsordenpunkt"><div class="punkthoved"><span class="punktnummer">{escape(item["number"])}'
            f'</span><div class="punktoverskrift">{escape(item["title"])}</div>'
            f'<div class="sagsnr">{_case(k, "acadre")}</div></div><div class="felt"><div class="felttitel">'
            f'Sagsfremstilling</div><div class="feltindhold"><p>{FILLER}</p><p>1. Første etape 2. Anden etape</p>'
            f'</div></div><div class="felt"><div class="felttitel">Beslutning</div><div class="feltindhold">'
            f"<p>{escape(_decision(item))}</p></div></div></div>")
    page = (_COOKIE + f'<div class="mode"><h1>{escape(body)}</h1><p>Referat fra mødet 03-12-2024</p></div>'
            + "".join(blocks) + '<div class="print-only" style="display:none">Udskrevet fra kommunens hjemmeside</div>')
    return _page(body, "", page)


def headings_html(body: str, items: list[dict[str, Any]]) -> str:
    """A municipal site's referat page: numbered `h2` per item in an `article`, chrome all around."""
    agenda = "".join(f'<li><a href="#p{k}">{escape(i["number"])}. {escape(i["title"])}</a></li>'
                     for k, i in enumerate(items))
    articles = []
    for k, item in enumerate(items):
        articles.append(
            f'<article class="referat-punkt" id="p{k}"><h2>{escape(item["number"])}. {escape(item["title"])}</h2>'
            f"<p>Sagsnr.: {_case(k, 'acadre')}</p><h3>Sagsfremstilling</h3><p>{FILLER}</p>"
            "<h3>Indstilling</h3><p>Forvaltningen indstiller, at</p><ol>"
            + "".join(f"<li>{escape(p)}</li>" for p in POINTS)
            + f"</ol><h3>Beslutning</h3><p>{escape(_decision(item))}</p></article>")
    page = (
        '<header class="site-header"><a class="logo" href="/">Kommunen</a><nav><ul><li>1. Borger</li>'
        "<li>2. Erhverv</li><li>3. Politik</li></ul></nav></header>" + _COOKIE
        + f"<main><h1>Referat: {escape(body)}</h1><p>Mødedato: 3. december 2024 kl. 15.00</p>"
        f'<p>Mødested: Rådhuset, mødelokale 2</p><h2>Dagsorden</h2><ul class="agenda-toc">{agenda}</ul>'
        + "".join(articles)
        + '<div class="share" style="display:none"><h2>1. Del siden</h2></div></main>'
        "<footer><p>Kommunen · Rådhuspladsen 1 · Telefon 70 10 10 10</p></footer>")
    return _page(body, "", page)


def list_html(body: str, items: list[dict[str, Any]]) -> str:
    """Items as the entries of one numbered list, each opening with a heading; the number is the list's."""
    entries = []
    for k, item in enumerate(items):
        entries.append(
            f'<li value="{escape(item["number"])}"><h3>{escape(item["title"])}</h3>'
            f"<p>Sagsnr.: {_case(k, 'acadre')}</p><p><strong>Sagsfremstilling</strong></p><p>{FILLER}</p>"
            f"<p><strong>Beslutning</strong></p><p>{escape(_decision(item))}</p></li>")
    page = (
        '<div id="top"><nav aria-label="Hovedmenu"><ol><li>Borger</li><li>Politik</li></ol></nav></div>'
        + _COOKIE + f"<h1>Referat – {escape(body)}</h1><p>Mødedato: 3. december 2024</p>"
        '<ol class="dagsorden">' + "".join(entries) + "</ol>"
        '<div class="footer" role="contentinfo">Kommunen</div>')
    return _page(body, "", page)


def layout_table_html(body: str, items: list[dict[str, Any]]) -> str:
    """An older publishing page: the whole referat in one cell of a layout table beside a menu cell, items as
    bold `N. Titel` paragraphs with `<br>`-separated case number and sections, no headings at all."""
    parts = []
    for k, item in enumerate(items):
        parts.append(
            f'<p><b>{escape(item["number"])}. {escape(item["title"])}</b><br>Sagsnr.: {_case(k, "acadre")}<br>'
            f"<br><b>Sagsfremstilling</b><br>{FILLER}<br><br><b>Indstilling</b><br>Forvaltningen indstiller, at<br>"
            + "<br>".join(f"{n}. {escape(p)}" for n, p in enumerate(POINTS, 1))
            + f"<br><br><b>Beslutning</b><br>{escape(_decision(item))}</p>")
    menu = '<td class="menu" width="180"><a href="/">Forside</a><br><a href="/s">Søg</a><br><a>Udskriv</a></td>'
    page = (f'<table width="100%" border="0"><tr><td colspan="2"><b>{escape(body)}</b></td></tr><tr>{menu}'
            f"<td><p>Referat<br>Mødedato: 03-12-2024<br>Mødested: Rådhuset</p>{''.join(parts)}</td></tr></table>")
    return _page(body, "", page)


def _numbering(doc: Any, start: int) -> tuple[int, int]:
    """Two list definitions in the Word file: the item headings' (decimal `N.` from `start`, linked to the
    Heading 1 style, as a minutes template numbers items) and the recommendation points' own `1.` list."""
    numbering = doc.part.numbering_part.element
    ids = [int(n.get(qn("w:abstractNumId"))) for n in numbering.findall(qn("w:abstractNum"))]
    nums = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    made = []
    for offset, first in enumerate((start, 1)):
        abstract_id, num_id = max(ids, default=0) + 1 + offset, max(nums, default=0) + 1 + offset
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="{first}"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
            '<w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
        first_num = numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            numbering.append(abstract)
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId '
                                   f'w:val="{abstract_id}"/></w:num>'))
        made.append((abstract_id, num_id))
    return made[0][1], made[1][1]


def _restart(doc: Any, num_id: int, start: int) -> int:
    """A new list instance over the items' definition whose count restarts at `start` (a gap in the numbers)."""
    numbering = doc.part.numbering_part.element
    base = numbering.find(f'{qn("w:num")}[@{qn("w:numId")}="{num_id}"]')
    abstract_id = base.find(qn("w:abstractNumId")).get(qn("w:val"))
    new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract_id}"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'))
    return new_id


def _num_pr(num_id: int) -> Any:
    return parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')


def write_items_docx(body: str, items: list[dict[str, Any]], path: Path) -> Path:
    """A Word referat: Heading 1 numbered by Word (the number is not in the text), `Sagsnr.:`, bold sections."""
    doc = new_document()
    doc.sections[0].header.paragraphs[0].text = f"Referat – {body}"
    doc.sections[0].footer.paragraphs[0].text = "Side 1 af 1"
    numbers = [int(i["number"]) if i["number"].isdigit() else 0 for i in items]
    heading_num, point_num = _numbering(doc, 1)
    doc.styles["Heading 1"].element.get_or_add_pPr().append(_num_pr(heading_num))
    table = doc.add_table(rows=3, cols=2)
    for r, (label, value) in enumerate((("Mødedato:", "03-12-2024"), ("Mødested:", "Rådhuset"),
                                        ("Udvalg:", body))):
        table.cell(r, 0).text, table.cell(r, 1).text = label, value
    doc.add_paragraph().add_run("Indholdsfortegnelse").bold = True
    for item in items:
        doc.add_paragraph(f"{item['number']}. {item['title']}\t{len(doc.paragraphs) % 9 + 2}")
    previous, current = 0, heading_num
    for k, (item, number) in enumerate(zip(items, numbers, strict=True)):
        heading = doc.add_heading(item["title"], level=1)
        if number and number != previous + 1:  # the template counts from 1: restart at the item's number
            current = _restart(doc, heading_num, number)
        if current != heading_num:
            heading._p.get_or_add_pPr().append(_num_pr(current))
        previous = number
        doc.add_paragraph(f"Sagsnr.: {_case(k, 'acadre')}")
        for section, text in (("Sagsfremstilling", FILLER), ("Indstilling", "Forvaltningen indstiller, at")):
            doc.add_paragraph().add_run(section).bold = True
            doc.add_paragraph(text)
        for point in POINTS:
            paragraph = doc.add_paragraph(point)
            paragraph._p.get_or_add_pPr().append(_num_pr(point_num))
        doc.add_paragraph().add_run("Beslutning").bold = True
        run = doc.add_paragraph().add_run(_decision(item))
        run.font.size = Pt(11)
    doc.save(str(path))
    return path


def render_items(variant: str, body: str, items: list[dict[str, Any]], path: Path) -> Path:
    if variant == "docx-numbered":
        return write_items_docx(body, items, path)
    writer = {"html-firstagenda": firstagenda_html, "html-divitems": div_items_html, "html-headings": headings_html,
              "html-list": list_html,
              "html-layouttable": layout_table_html}[variant]
    path.write_text(writer(body, items), encoding="utf-8")
    return path
