"""Meeting facts of the corpus minutes laid out as web pages and portals print them.

Each variant writes the gold meeting facts (municipality, committee, date) and gold items of a real
minutes document into the opening of a page one kind of site serves: page chrome (site name,
breadcrumb, navigation, cookie banner), a portal title around the committee's name (`<Body> -
Dagsordener og referater`, `Referat. fra <Body>`, `<Body> - mødesager`), the header forms portals print
(`Mødedato: 28. februar, 2025 kl. 09:30`, `Dagsorden 8. oktober 2025 kl. 16.00`, `Onsdag den
15-maj-2002`, `11.05.2023, kl. 18:30`), the item list at the top with and without bodies, a FirstAgenda
meeting page and a PDF transcript flattened to one line a page; as text and as HTML. The municipality
stands where sites put it: the site name, the page title (`… | Aarhus Kommune`), the logo's alt text,
or only the site's domain. Test helpers: the corpus gold is read from ../shared at test time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import yaml

from parsers.municipality import canonical, slug

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
# a meeting's routine items, for a document whose gold names none (an opfølgning printed without its agenda)
ROUTINE = (("1", "Godkendelse af dagsorden"), ("2", "Meddelelser"), ("3", "Eventuelt"))
FILLER = ("Forvaltningen har forberedt sagen, og sagsfremstillingen er udsendt til udvalgets medlemmer før mødet. "
          "Sagen forelægges til beslutning.")
NAV = ("Borger", "Erhverv", "Politik", "Om kommunen")
COOKIE = "Vi bruger cookies til at forbedre din oplevelse og til statistik. Accepter alle Kun nødvendige"


@dataclass(frozen=True)
class Facts:
    municipality: str
    body: str
    date: str | None  # ISO
    items: tuple[tuple[str, str], ...]

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date or "2024-03-12")

    @property
    def domain(self) -> str:
        place = canonical(self.municipality)
        return f"{slug(place.name if place else self.municipality)}.dk"


@dataclass(frozen=True)
class MeetingVariant:
    """One site's way of opening a meeting page; `render` gives the file text, `suffix` its kind."""

    name: str
    suffix: str
    render: Callable[[Facts, int], str]


def load_facts(path: Path) -> Facts | None:
    """The gold meeting facts of one corpus document (None when it names no committee)."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    if not (gold.get("municipality") and gold.get("body")):
        return None
    items = tuple((str(i["number"]), " ".join(i["title"].split())) for i in gold.get("agenda_items") or [])
    return Facts(gold["municipality"], gold["body"], gold.get("meeting_date"), items or ROUTINE)


# --- the header forms portals print, one per document in turn ------------------------------------

def _date_line(facts: Facts, form: int) -> str:
    d = facts.day
    return (f"Mødedato: {d.day}. {MONTHS[d.month - 1]}, {d.year} kl. 09:30",
            f"Dagsorden {d.day}. {MONTHS[d.month - 1]} {d.year} kl. 16.00",
            f"{WEEKDAYS[d.weekday()]} den {d.day}-{MONTHS[d.month - 1][:3]}-{d.year}",
            f"{d.day:02d}.{d.month:02d}.{d.year}, kl. 18:30")[form % 4]


def _title(facts: Facts, form: int) -> str:
    return (f"{facts.body} - Dagsordener og referater", f"Referat. fra {facts.body}",
            f"{facts.body} - mødesager", f"Dagsorden til {facts.body}s møde")[form % 4]


def _site(facts: Facts) -> str:
    place = canonical(facts.municipality)
    name = place.name if place else facts.municipality
    return name if name.startswith("Region ") else f"{name} Kommune"


def _chrome(facts: Facts, site: bool = True) -> list[str]:
    """What a saved page's text opens with before the minutes: site name, navigation, breadcrumb, cookies."""
    return ([_site(facts)] if site else []) + [" ".join(NAV), "Forside > Politik > Dagsordener og referater",
                                               COOKIE, "Søg"]


def _other_date(facts: Facts, days: int) -> str:
    d = facts.day + dt.timedelta(days=days)
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def _item_body(number: str, title: str, k: int) -> list[str]:
    return [f"{number}. {title}", f"Sagsnr.: 24/{(k * 7919) % 9000 + 1000}", "Sagsfremstilling", FILLER,
            "Beslutning", "Godkendt.", ""]


# --- text --------------------------------------------------------------------------------------

def text_portal(facts: Facts, form: int) -> str:
    """A municipal site's referat page saved as text: chrome with the site name, the portal title, header."""
    lines = _chrome(facts) + [f"Senest opdateret: {_other_date(facts, 9)}", _title(facts, form),
                              _date_line(facts, form), "Mødested: Rådhuset, mødelokale 2", ""]
    for k, (number, title) in enumerate(facts.items):
        lines += _item_body(number, title, k)
    return "\n".join(lines + ["Til toppen"]) + "\n"


def text_list_top(facts: Facts, form: int) -> str:
    """A cut page: the item list stands at the top, bodies are separate pages; the municipality only in the
    site's address at the foot."""
    lines = _chrome(facts, site=False) + [f"Næste møde: {_other_date(facts, 28)}", _title(facts, form + 1),
                                          _date_line(facts, form + 2), ""]
    lines += [f"{n}. {t}" for n, t in facts.items]
    return "\n".join(lines + ["", f"Kontakt: www.{facts.domain}", "Til toppen"]) + "\n"


def text_list_bodies(facts: Facts, form: int) -> str:
    """The item list at the top, then each item's body; the header under the list's heading line."""
    lines = _chrome(facts) + [_title(facts, form + 2), _date_line(facts, form + 1), "Mødested: Byrådssalen", "",
                              "Punkter på dagsordenen"]
    lines += [f"{n}. {t}" for n, t in facts.items] + [""]
    for k, (number, title) in enumerate(facts.items):
        lines += _item_body(number, title, k)
    return "\n".join(lines) + "\n"


def text_transcript(facts: Facts, form: int) -> str:
    """A PDF transcript flattened to one line a page: header and contents share page 1's line."""
    head = [_site(facts), "Referat", facts.body, _date_line(facts, form + 3), "Mødested: Rådhuset",
            "Indholdsfortegnelse"]
    pages = [" ".join(head + [f"{n}. {t} {k + 2}" for k, (n, t) in enumerate(facts.items)])]
    for k, (number, title) in enumerate(facts.items):
        pages.append(f"{k + 2} {number}. {title} Sagsnr.: 24/{1000 + k} Sagsfremstilling {FILLER} "
                     f"Beslutning Godkendt.")
    return "\f".join(pages) + "\n"


# --- HTML --------------------------------------------------------------------------------------

def _page(title: str, head: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8"><title>{escape(title)}</title>\n'
            f"{head}</head>\n<body>\n{body}\n</body></html>\n")


_COOKIE_HTML = (f'<div id="cookie-banner" class="cookie-consent" role="dialog"><p>{COOKIE[:-30]}</p>'
                "<button>Accepter alle</button><button>Kun nødvendige</button></div>")


def _nav_html() -> str:
    return ('<nav class="main-menu"><ul>' + "".join(f"<li><a>{w}</a></li>" for w in NAV) + "</ul></nav>"
            '<nav class="breadcrumb" aria-label="Brødkrumme"><ol><li><a href="/">Forside</a></li><li><a>Politik</a>'
            "</li><li>Dagsordener og referater</li></ol></nav>")


def html_portal(facts: Facts, form: int) -> str:
    """A municipal portal: the municipality in the page title and the logo's alt text only; the item list
    at the top as links, then the items."""
    toc = "".join(f'<li><a href="#p{k}">{escape(n)}. {escape(t)}</a></li>' for k, (n, t) in enumerate(facts.items))
    articles = "".join(
        f'<article id="p{k}"><h2>{escape(n)}. {escape(t)}</h2><p>Sagsnr.: 24/{2000 + k}</p><h3>Sagsfremstilling'
        f"</h3><p>{FILLER}</p><h3>Beslutning</h3><p>Godkendt.</p></article>" for k, (n, t) in enumerate(facts.items))
    page = (f'<header class="site-header"><a class="logo" href="/"><img src="/static/logo.svg" '
            f'alt="{escape(_site(facts))} logo"></a>{_nav_html()}</header>{_COOKIE_HTML}'
            f"<main><h1>{escape(_title(facts, form))}</h1><p>{escape(_date_line(facts, form))}</p>"
            f'<p>Mødested: Rådhuset, mødelokale 2</p><ul class="agenda-toc">{toc}</ul>{articles}</main>'
            '<footer><p>Rådhuspladsen 1 · Telefon 70 10 10 10</p></footer>')
    return _page(f"{_title(facts, form)} | {_site(facts)}", "", page)


def html_list_top(facts: Facts, form: int) -> str:
    """A regional or municipal page whose item list stands at the top with the bodies cut: the municipality
    only in the page's canonical address."""
    entries = "".join(f"<li>{escape(n)}. {escape(t)}</li>" for n, t in facts.items)
    page = (f"{_nav_html()}{_COOKIE_HTML}<div class=\"content\"><h1>{escape(_title(facts, form + 1))}</h1>"
            f"<p>{escape(_date_line(facts, form + 2))}</p><h2>Dagsorden</h2><ul class=\"punkter\">{entries}</ul>"
            "<p>Hent hele dagsordenen som PDF</p></div>")
    head = f'<link rel="canonical" href="https://www.{facts.domain}/politik/dagsordener-og-referater/{form}">\n'
    return _page(_title(facts, form + 1), head, page)


def html_firstagenda(facts: Facts, form: int) -> str:
    """FirstAgenda Publication's meeting page as dagsordener.<kommune>.dk serves it: the date in the `h1`,
    committee and room in the `h2`, the info table, item rows; the municipality in the address only."""
    d = facts.day
    when = f"{d.day}. {MONTHS[d.month - 1]} {d.year} kl. 16.00"
    rows = "".join(
        f'<tr class="punktrow"><td class="punkt-tabel"><span class="label label-default">{escape(n)}</span></td>'
        f'<td class="punkt-tabel"><button class="overskrift-btn"><h2 class="overskrift">{escape(t)}</h2></button>'
        f'<div class="details"><span class="sagsnummer">EMN-2024-{10500 + k:06d}</span><div class="punkt">'
        f"<h3>Beslutninger</h3><span class=\"resume\"><div>Godkendt.</div></span><h3>Resume</h3>"
        f'<span class="resume"><div>{FILLER}</div></span></div></div></td></tr>'
        for k, (n, t) in enumerate(facts.items))
    page = (
        '<div class="container"><input id="apiurl" type="hidden" value="http://publication.firstagenda.com">'
        f'<nav class="navbar navbar-default"><a href="/"><img src="/Content/img/{slug(facts.domain[:-3])}_logo.png"'
        f' alt="logo"></a></nav>{_COOKIE_HTML}<div class="title"><h1 class="green dato">'
        f'{"Dagsorden" if form % 2 else "Referat"} {when}</h1><h2 class="black"><span class="udvalg">'
        f'{escape(facts.body)}</span><span class="sted-divider"> - </span><span class="sted">Byrådssalen</span></h2>'
        '</div><table class="dagsordeninfo"><tbody><tr><td>Udvalg:</td><td><span class="udvalg">'
        f'{escape(facts.body)}</span></td></tr><tr><td>Mødedato:</td><td><span class="dato">'
        f"{WEEKDAYS[d.weekday()].lower()} den {when}</span></td></tr><tr><td>Mødested:</td><td>Byrådssalen</td></tr>"
        '</tbody></table><table id="dagsordenDetaljer" class="table table-hover dagsorden"><thead><tr><th>Punkt</th>'
        f"<th>Titel</th></tr></thead><tbody>{rows}</tbody></table></div>")
    head = f'<meta property="og:url" content="https://dagsordener.{facts.domain}/vis/{form}">\n'
    return _page(f"{facts.body} - Byrådssalen", head, page)


def html_transcript(facts: Facts, form: int) -> str:
    """A PDF transcript converted to HTML, one paragraph a page; the site name in the page title only."""
    text = text_transcript(facts, form).replace(f"{_site(facts)} ", "", 1)
    paras = "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\f"))
    return _page(f"Referat - {_site(facts)}", "", f"<div class=\"document\">{paras}</div>")


# the committees a portal's menu lists beside the one on the page (a text save keeps the menu)
MENU = ("Byrådet", "Økonomiudvalget", "Børne- og Ungeudvalget", "Teknik- og Miljøudvalget",
        "Social- og Sundhedsudvalget", "Kultur- og Fritidsudvalget")
REGION_BODIES = ("Regionsrådet", "Forretningsudvalget", "Udvalg for regional udvikling")


def text_menu(facts: Facts, form: int) -> str:
    """The opening of a municipal page saved as text: skip link, the committee menu (every committee the
    site lists, the page's own among them), a breadcrumb ending in the committee, then `Referat` and the
    date; the site name only in the footer line of the opening."""
    menu = [b for b in MENU if b != facts.body] + [facts.body]
    lines = ["Gå til indhold", "Menu", "Søg", *NAV, "Udvalg", *menu, COOKIE,
             f"Forside > Politik > Dagsordener og referater > {facts.body}", _title(facts, form),
             _date_line(facts, form + 1), "Mødested: Rådhuset", ""]
    lines += [f"{n}. {t}" for n, t in facts.items]
    return "\n".join(lines + ["", f"{_site(facts)} · Rådhuspladsen 1 · Telefon 70 10 10 10"]) + "\n"


def text_transcript_running(facts: Facts, form: int) -> str:
    """A flattened transcript whose every page line opens with the running header (committee, date, page)."""
    d = facts.day
    pages = text_transcript(facts, form).split("\f")
    return "\f".join(f"{facts.body} - Referat - {d.day:02d}.{d.month:02d}.{d.year} Side {k + 1} af {len(pages)} {p}"
                     for k, p in enumerate(pages))


def html_title_only(facts: Facts, form: int) -> str:
    """A portal whose page shows `Referat` and the date as its heading, the committee only in the page title
    and the (dropped) breadcrumb, the municipality in the logo's alt text; the items listed at the top."""
    entries = "".join(f"<li><a>{escape(n)}. {escape(t)}</a></li>" for n, t in facts.items)
    page = (f'<header><a href="/"><img src="/logo.png" alt="{escape(_site(facts))}"></a>{_nav_html()}</header>'
            f"{_COOKIE_HTML}<main><h1>Referat</h1><dl><dt>Mødedato</dt><dd>{escape(_date_line(facts, form + 3))}"
            f"</dd><dt>Mødested</dt><dd>Rådhuset</dd></dl><ol>{entries}</ol></main>")
    return _page(f"{facts.body} - Referat | {_site(facts)}", "", page)


def regional(facts: Facts, k: int) -> Facts:
    """The same meeting held by the facts' region: region pages list items at the top with bodies cut."""
    place = canonical(facts.municipality)
    region = {1081: "Region Nordjylland", 1082: "Region Midtjylland", 1083: "Region Syddanmark",
              1084: "Region Hovedstaden", 1085: "Region Sjælland"}
    code = _region_code(place.name) if place else 1082
    return Facts(region[code], REGION_BODIES[k % len(REGION_BODIES)], facts.date, facts.items)


@lru_cache(maxsize=128)
def _region_code(name: str) -> int:
    data = yaml.safe_load((Path(__file__).resolve().parents[2] / "parsers" / "patterns" / "municipalities.yaml")
                          .read_text(encoding="utf-8"))
    return next(int(m["region"]) for m in data["municipalities"] if m["name"] == name)


def html_region(facts: Facts, form: int) -> str:
    """A region's meeting page: the item list at the top with bodies cut, a definition list for the header,
    the region in the logo and the site's address, one municipality named in an item title."""
    entries = "".join(f"<li>{escape(n)}. {escape(t)}</li>" for n, t in facts.items)
    page = (f'<header><a class="logo" href="/"><img src="/logo.svg" alt="{escape(facts.municipality)}"></a>'
            f"{_nav_html()}</header>{_COOKIE_HTML}<h1>{escape(_title(facts, form))}</h1>"
            f"<p class=\"organ\">{escape(facts.body)}, {escape(facts.municipality)}</p><dl><dt>Mødedato:</dt>"
            f"<dd>{escape(_date_line(facts, form + 1).removeprefix('Mødedato: '))}</dd><dt>Mødested:</dt>"
            f"<dd>Regionshuset Viborg</dd></dl><h2>Dagsordenspunkter</h2><ol>{entries}"
            f"<li>Samarbejde med Viborg Kommune om sundhedshuset</li></ol>")
    return _page(f"{facts.body} | {facts.municipality}", "", page)


def text_browser_print(facts: Facts, form: int) -> str:
    """A portal page printed from the browser to PDF, as its text: every page opens with the print date and time
    and the page title, and ends with the page's address and page count; the municipality only in the address."""
    printed = facts.day + dt.timedelta(days=3)
    items = list(facts.items)
    chunks = [items[k:k + 4] for k in range(0, len(items), 4)] or [[]]
    pages = []
    for p, chunk in enumerate(chunks):
        lines = [f"{printed.day:02d}.{printed.month:02d}.{printed.year} 09.15 {_title(facts, form)}"]
        if p == 0:
            lines += [_title(facts, form), _date_line(facts, 0), "Mødested: Rådhuset", ""]
        for k, (number, title) in enumerate(chunk):
            lines += _item_body(number, title, 4 * p + k)
            if p == k == 0:  # a neighbour the minutes cite: the page's address still names the publisher
                lines[-2:-2] = ["Sagen er drøftet med Viborg Kommune og Viborg Kommunes jobcenter."]
        lines.append(f"https://www.{facts.domain}/politik/dagsordener-og-referater/moede-{form} {p + 1}/{len(chunks)}")
        pages.append("\n".join(lines))
    return "\f".join(pages) + "\n"


def html_list_first(facts: Facts, form: int) -> str:
    """A portal whose agenda list stands in a column that comes first in the page's order, before the title and
    the date; the bodies are cut (each item is a page of its own); the site name in the footer."""
    entries = "".join(f"<li><a>{escape(n)}. {escape(t)}</a></li>" for n, t in facts.items)
    page = (f"{_nav_html()}{_COOKIE_HTML}<div class=\"row\"><div class=\"col-punkter\"><h2>Punkter på dagsordenen</h2>"
            f"<ul>{entries}</ul></div><div class=\"col-moede\"><h1>{escape(_title(facts, form + 3))}</h1>"
            f"<p>{escape(_date_line(facts, form))}</p><p>Mødested: Rådhuset</p></div></div>"
            f"<footer><p>{escape(_site(facts))} · Rådhuspladsen 1</p></footer>")
    return _page("Dagsorden", "", page)


REGION_VARIANTS = ("html-region",)


MEETING_VARIANTS: tuple[MeetingVariant, ...] = (
    MeetingVariant("text-portal", "txt", text_portal),
    MeetingVariant("text-list-top", "txt", text_list_top),
    MeetingVariant("text-list-bodies", "txt", text_list_bodies),
    MeetingVariant("text-transcript", "txt", text_transcript),
    MeetingVariant("html-portal", "html", html_portal),
    MeetingVariant("html-list-top", "html", html_list_top),
    MeetingVariant("html-firstagenda", "html", html_firstagenda),
    MeetingVariant("html-transcript", "html", html_transcript),
    MeetingVariant("text-menu", "txt", text_menu),
    MeetingVariant("text-transcript-running", "txt", text_transcript_running),
    MeetingVariant("html-title-only", "html", html_title_only),
    MeetingVariant("html-region", "html", html_region),
    MeetingVariant("text-browser-print", "txt", text_browser_print),
    MeetingVariant("html-list-first", "html", html_list_first),
)

FIELDS = ("municipality", "body", "date")
RESULTS: dict[str, dict[str, Any]] = {}


def table() -> list[str]:
    """One line per variant: the share of each fact right, overall, and the misses."""
    if not RESULTS:
        return []
    lines = [f"{'meeting variant':24} {'municipality':>12} {'body':>6} {'date':>6} {'all':>6}  misses"]
    for name, res in RESULTS.items():
        shares = " ".join(f"{res[f][0] / max(res[f][1], 1):{w}.2f}" for f, w in zip(FIELDS, (12, 6, 6), strict=True))
        misses = "; ".join(res["misses"][:3])
        lines.append(f"{name:24} {shares} {res['all']:6.3f}  {misses[:150]}")
    return lines
