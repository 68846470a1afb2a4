"""Blocks to a FirstAgenda Publication referat page, the structure of the real saved page
(../shared/corpus/html-real/aarhus_byraad_dagsorden_2025-10-08.html): a `dagsordeninfo` table, then
the items as rows of `table#dagsordenDetaljer` (number in a label span, the title as `h2` inside a
button, the case number `EMN-…`, the case text under `h3` sections whose paragraphs are `div`s in
`span.resume`, a `Bilag` list, a row menu). A referat opens each item with its `Beslutninger`."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tests.variants.document import Heading, Para, Rendered, Table

# the house's section names for what the blocks call them
SECTION = {"Sagsfremstilling": "Resume", "Indstilling": "Beslutningspunkter", "Beslutning": "Beslutninger"}


# the page's dialogs (copy link, tip a friend, info, error), hidden until a button opens them
MODALS = """
<div class="modal" id="kopier_dialog"><div class="modal-dialog"><div class="modal-content"><div class="modal-header">
<button type="button" class="close" data-dismiss="modal">×</button><h4 class="modal-title">Kopier link</h4></div>
<div class="modal-body"><p>Kopier linket i nedenstående tekstboks med ctrl+c</p><input type="text" id="url_field">
</div>
<div class="modal-footer"><button type="button" class="btn btn-primary" data-dismiss="modal">Luk</button></div></div>
</div></div>
<div class="modal" id="send_dialog" tabindex="-1" role="dialog"><div class="modal-dialog large" role="document">
<div class="modal-content"><div class="modal-header">
<button type="button" class="close" data-dismiss="modal" aria-label="Luk">×
</button><h4 class="modal-title">Tip en ven</h4></div><div class="modal-body">
<form id="send_dialog_form" method="post">
<label for="modtager">Modtagers mailadresse</label><input id="modtager" type="email"><span>Sæt et flueben her</span>
</form>
</div><div class="modal-footer">
<button type="button" class="btn btn-default" data-dismiss="modal" id="send_dialog_button">Send
</button><button type="button" class="btn btn-primary" data-dismiss="modal">Annuller</button></div></div></div></div>
<div class="modal" id="info_dialog"><div class="modal-dialog"><div class="modal-content"><div class="modal-header">
<button type="button" class="close" data-dismiss="modal">×</button><h4 class="modal-title">Info</h4></div>
<div class="modal-body"><p data-type="content"></p></div><div class="modal-footer">
<button type="button" class="btn btn-primary" data-dismiss="modal">OK</button></div></div></div></div>
<div class="modal fade" id="errorDialog" tabindex="-1" role="dialog" aria-labelledby="errorDialogLabel">
<div class="modal-dialog" role="document"><div class="modal-content"><div class="modal-header"><h4 class="modal-title"
id="errorDialogLabel">Der opstod en fejl</h4></div><div class="modal-body"><p>Prøv igen senere.</p></div></div></div>
</div>"""


def _divs(paras: list[str]) -> str:
    return '<span class="resume">' + "".join(f"<div>{escape(p)}</div>" for p in paras) + "</span>"


def _case(stamp: str, number: str) -> str:
    serial = (int(number) * 7919) % 90000 + 10000 if number.isdigit() else 10000
    return f"EMN-{stamp[-4:]}-0{serial}"


def _item_row(k: int, number: str, title: str, stamp: str, sections: list[tuple[str, list[str]]]) -> str:
    bilag = [p.lstrip("• ").strip() for name, paras in sections for p in paras if p.startswith("• ")]
    text: dict[str, list[str]] = {}
    for name, paras in sections:
        text.setdefault(name, []).extend(p for p in paras if not p.startswith("• ") and p != "Bilag:")
    # the decision in a div of its own above the case text, as the referat pages print it
    decision = "".join(f"<div>{escape(p)}</div>" for p in text.get("Beslutninger", []))
    body = f'\n<div class="beslutning"><h3>Beslutninger</h3><div>{decision}</div></div>' if decision else ""
    body += "".join(f"\n<h3>{name}</h3>\n{_divs(text[name])}" for name in ("Resume", "Beslutningspunkter")
                    if text.get(name))
    body += ("\n<h3>Sagsforløb:</h3>\n" + _divs(["Udvalg: Økonomiudvalget", f"Dato: {stamp}",
                                                  f" Punktnummer: {number}", "Indstillingen blev anbefalet."]))
    links = "".join(
        f'<li><span class="label label-default pdf-label" tabindex="0" data-type="bilag" role="button" '
        f'aria-label="{escape(b)}. Tilhørende punktet: {escape(title)}">PDF</span>'
        f'<a class="bilag-link" target="_blank" href="/vis/pdf/bilag/{k}-{n}/">{escape(b)}</a></li>'
        for n, b in enumerate(bilag))
    bilag_html = f'<h3>Bilag</h3><ul class="list-unstyled">{links}</ul>' if bilag else ""
    return (
        f'<tr class="punktrow" id="punktrow_{k}"><td class="text-center punkt-tabel">'
        f'<span class="label label-default">{escape(number)}</span></td><td class="punkt-tabel">'
        f'<button class="overskrift-btn" role="button" aria-expanded="false" aria-controls="details{k}">'
        f'<h2 class="overskrift text-left" id="overskrift{k} " tabindex="0">{escape(title)}</h2></button>'
        f'<div class="details" id="details{k}"><span class="sagsnummer">{_case(stamp, number)}</span>'
        f'<div class="punkt"><h3></h3><div><div id="sagsfremstillingContainer">\n<div>{body}\n</div>\n'
        f"</div></div></div>{bilag_html}</div></td>"
        f'<td class="punkt-tabel"><div class="row"><div class="col-md-9"><span class="lydfiler-og-bilag"></span>'
        f'</div><div class="col-md-3"><span class="dropdown"><button class="glyphicon glyphicon-option-horizontal '
        f'dropdown-toggle" data-toggle="dropdown" aria-haspopup="true" aria-expanded="false" '
        f'aria-label="Menu til punktet {escape(title)}"></button><ul class="dropdown-menu dagsordenpunktdropdown" '
        f'role="menu"><li><a class="dropdown-item" href="#" role="menuitem" aria-label="Hent punkt {escape(number)} '
        f'som PDF" data-type="dagsordenpunkt">Hent som PDF</a></li></ul></span><span class="expand">'
        f'<span class="glyphicon glyphicon-plus" aria-hidden="true"></span></span></div></div></td></tr>')


def to_firstagenda(rendered: Rendered) -> str:
    gold_items = rendered.gold["agenda_items"]
    stamp = rendered.gold["meeting_date"]
    stamp = f"{stamp[8:10]}-{stamp[5:7]}-{stamp[:4]}"
    rows: list[str] = []
    after: list[str] = []
    items: list[list[tuple[str, list[str]]]] = []
    for block in rendered.blocks:
        if isinstance(block, Heading) and block.level == 2:
            items.append([("Resume", [])])
        elif not items:
            continue  # the masthead is the dagsordeninfo table below
        elif isinstance(block, Heading) and block.text in SECTION:
            items[-1].append((SECTION[block.text], []))
        elif isinstance(block, Heading):  # a sub-heading of the case text stays a line of its section
            items[-1][-1][1].append(block.text)
        elif isinstance(block, Para) and block.text.startswith(("Sagsnummer:", "Sagsnr.:")):
            continue
        elif isinstance(block, Para) and block.text.startswith(("Mødet blev hævet", "Underskrifter")):
            after.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Para):
            items[-1][-1][1].append(" ".join(block.text.split("\n")))
        elif isinstance(block, Table) and after:
            after.append(" · ".join(c.text for row in block.rows for c in row))
        elif isinstance(block, Table):  # a table in the case text: its rows as lines, as the portal prints them
            items[-1][-1][1].extend(" ".join(c.text for c in row) for row in block.rows)
    for k, (item, sections) in enumerate(zip(gold_items, items, strict=True)):
        rows.append(_item_row(k, item["number"], item["title"], stamp, sections))
    body = rendered.gold.get("body") or ""
    return (
        '<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8"><title>Referat</title>\n'
        '<link rel="stylesheet" href="https://publication.firstagenda.com/content/site.css"></head>\n<body>\n'
        '<div class="row"><div class="col-sm-8"><h1>Referat</h1><table class="dagsordeninfo"><tbody>'
        f'<tr><td>Udvalg:</td><td><span class="udvalg">{escape(body)}</span></td></tr>'
        f'<tr><td>Mødedato:</td><td><span class="dato">{stamp} kl. 15.00</span></td></tr>'
        '<tr class="sted-container"><td>Mødested:</td><td><span class="sted">Rådhuset</span></td></tr>'
        '</tbody></table></div></div>\n'
        '<table id="dagsordenDetaljer" class="table table-hover dagsorden"><colgroup><col class="punkt-col">'
        '<col class="titel-col"><col class="dropdown-col"></colgroup><thead><tr><th class="text-center">Punkt</th>'
        '<th>Titel</th><th></th></tr></thead>\n<tbody>' + "".join(rows) + "</tbody></table>\n"
        + "\n".join(after) + MODALS + "\n</body></html>\n")


def write_firstagenda(rendered: Rendered, path: Path) -> Path:
    path.write_text(to_firstagenda(rendered), encoding="utf-8")
    return path
