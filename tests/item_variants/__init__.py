"""Agenda items of the corpus minutes laid out the ways publishing systems lay them out.

Each variant writes the gold items (number and title, same words) of a real minutes document into
the structure one kind of system emits: a web page that shows only the agenda list (cut bodies,
item texts kept as separate documents), a list over bodies for some items, bullet / dash-and-time /
run-of-spaces numbering, titles followed by the page's control words, a contents heading glued to
the first entry, contents pages with dot leaders and arabic or roman page numbers, a `Pkt. | Tekst`
table, and a PDF transcript flattened to one line a page. Around the items sit the numbered lines
that are not items: a numbered participant list, numbered decision points inside a `Beslutning`, and
a decision that lists other items by number and title. Each item's body is its real text from the
corpus document (found by the gold title, read with the project's readers), so the real numbered
recommendation and decision lists, case numbers and section words sit under the rendered headings.
Test helpers: nothing of the corpus is stored here; it is read from ../shared at test time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SOURCE_FOLDERS = ("text", "pdf-real", "html-real", "pdf")
BODY_LINES = 30

ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi",
         "xvii", "xviii", "xix", "xx", "xxi", "xxii", "xxiii", "xxiv", "xxv", "xxvi", "xxvii", "xxviii", "xxix",
         "xxx", "xxxi", "xxxii", "xxxiii", "xxxiv", "xxxv", "xxxvi", "xxxvii", "xxxviii", "xxxix", "xl")
PARTICIPANTS = ("Udvalgsformand Anne Vestergaard (A)", "Næstformand Peter Holm (V)", "Medlem Lise Dahl (F)",
                "Medlem Jens Kragh (C)")
CONTROLS = ("Udskriv", "Til toppen", "Klik her for at folde ud…", "Hent som PDF", "Kopier link")
FILLER = ("Forvaltningen har forberedt sagen, og sagsfremstillingen er udsendt til udvalgets medlemmer før mødet. "
          "Sagen forelægges til beslutning.")


@dataclass(frozen=True)
class Item:
    number: str
    title: str
    decision: str
    body: tuple[str, ...] = field(default=())  # the item's own text in the real document (first lines)


@dataclass(frozen=True)
class ItemVariant:
    """One system's way of printing items; `render` gives the file text, `bodies` which items get one."""

    name: str
    render: Callable[[dict[str, Any], list[Item]], str]


def load_items(path: Path) -> tuple[dict[str, Any], list[Item]]:
    """The gold items of one corpus document, each with the first lines of its real body."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    raw = [(str(i["number"]), " ".join(i["title"].split()), (i.get("decision") or "Godkendt.").strip() or "Godkendt.")
           for i in gold.get("agenda_items") or []]
    bodies = real_bodies(gold["doc"], tuple(t for _, t, _ in raw))
    return gold, [Item(n, t, d, bodies[k]) for k, (n, t, d) in enumerate(raw)]


def _key(text: str) -> str:
    return re.sub(r"[^\wæøå]+", " ", text.lower()).strip()


@lru_cache(maxsize=32)
def real_bodies(doc: str, titles: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Each item's body as the real document prints it: the lines after the item's heading (the first line
    after the previous heading that ends with the title; contents lines end in a page number) up to the
    next heading, first BODY_LINES lines. Read with the project's readers, found by the gold titles alone."""
    from parsers.layout import normalise
    from parsers.readers import read_document

    stem = doc.rsplit(".", 1)[0]
    source = next((p for folder in SOURCE_FOLDERS for p in sorted((CORPUS / folder).glob(stem + ".*"))), None)
    if source is None:
        return [()] * len(titles)
    lines = [ln.text for ln in normalise(read_document(source)).lines]
    keys = [_key(ln) for ln in lines]
    starts: list[int | None] = []
    at = 0
    for title in titles:
        want = _key(title)
        hit = next((j for j in range(at, len(lines)) if want and keys[j].endswith(want[-40:])
                    and len(keys[j]) <= len(want) + 20 and not re.search(r"(?:\.{3,}|…)\s*\d*$", lines[j])), None)
        starts.append(hit)
        at = hit + 1 if hit is not None else at
    bodies = []
    for k, start in enumerate(starts):
        if start is None:
            bodies.append(())
            continue
        stop = next((s for s in starts[k + 1:] if s is not None), len(lines))
        body: list[str] = []
        for j in range(start + 1, stop):
            bare = re.sub(r"^(?:punkt\s+)?\d+\s+", "", keys[j])
            if len(bare) >= 15 and any(_key(t).startswith(bare[:40]) for t in titles):
                break  # the next item's heading wrapped over two lines: not this item's body
            if lines[j].strip() and "\t" not in lines[j]:
                body.append(lines[j])
        bodies.append(tuple(body[:BODY_LINES]))
    return bodies


def _case(number: str) -> str:
    return f"24/{(int(number) * 7919) % 9000 + 1000}"


def _header(gold: dict[str, Any], what: str = "Dagsorden") -> list[str]:
    municipality = gold.get("municipality") or "Eksempel"
    body = gold.get("body") or "Udvalget"
    date = gold.get("meeting_date") or "2024-03-12"
    lines = [f"{municipality} Kommune", what, body, f"Mødedato: {date}", "Mødested: Rådhuset, mødelokale 2", "",
             "Deltagere:"]
    lines += [f"{n}. {who}" for n, who in enumerate(PARTICIPANTS, start=1)]
    return lines + [""]


def _decision(items: list[Item], k: int) -> list[str]:
    """The decision of item k, with the distractors: numbered decision points on the first item with a body,
    a list of other items referred to by number and title on the second."""
    item = items[k]
    lines = ["Beslutning"]
    if k % 4 == 0:
        lines += [item.decision, "Udvalget besluttede:", "1. Lokaludvalget udsatte behandlingen til næste møde.",
                  "2. Forvaltningen udarbejder et notat om sagen.", "3. Sagen genoptages i foråret."]
    elif k % 4 == 1 and len(items) > k + 2:
        others = [items[k + 1], items[k + 2]]
        lines += [item.decision, "Punktet blev behandlet sammen med:"] + [f"{o.number}. {o.title}" for o in others]
    else:
        lines.append(item.decision)
    return lines


def _body(items: list[Item], k: int, heading: str, labels: bool = True) -> list[str]:
    """An item's heading, labels, its real body lines, a recommendation and the decision with distractors."""
    item = items[k]
    lines = [heading]
    if labels:
        lines.append(f"Sagsnr.: {_case(item.number)}    Åben sag")
    lines += ["Sagsfremstilling", *(item.body or (FILLER,)), "Indstilling", "Forvaltningen indstiller, at",
              "1. sagen drøftes"]
    return lines + _decision(items, k) + [""]


def list_only(gold: dict[str, Any], items: list[Item]) -> str:
    """A web page that shows the agenda list and nothing else (bodies cut, or kept as separate files)."""
    lines = _header(gold) + ["Punkter på dagsordenen", ""] + [f"{i.number}. {i.title}" for i in items]
    return "\n".join(lines + ["", "Til toppen"]) + "\n"


def list_headless(gold: dict[str, Any], items: list[Item]) -> str:
    """The agenda list at the top of a cut web page without a heading of its own, under the participants."""
    lines = _header(gold) + [f"• {i.number}. {i.title}" for i in items]
    return "\n".join(lines + ["", "Hent som PDF"]) + "\n"


def list_some_bodies(gold: dict[str, Any], items: list[Item]) -> str:
    """`PUNKTER` over every item, then bodies for every other item only."""
    lines = _header(gold, "Referat") + ["PUNKTER"] + [f"{i.number}. {i.title}" for i in items] + [""]
    for k, item in enumerate(items):
        if k % 2 == 0:
            lines += _body(items, k, f"{item.number}. {item.title}")
    return "\n".join(lines) + "\n"


def contents_cut(gold: dict[str, Any], items: list[Item]) -> str:
    """A contents page with dot leaders and arabic page numbers; the page is cut after the first third."""
    lines = _header(gold, "Referat") + ["Indholdsfortegnelse"]
    lines += [f"{i.number}. {i.title} {'.' * 12} {k + 3}" for k, i in enumerate(items)] + [""]
    for k, item in enumerate(items[: max(1, len(items) // 3)]):
        lines += _body(items, k, f"{item.number}. {item.title}")
    return "\n".join(lines) + "\n"


def contents_roman(gold: dict[str, Any], items: list[Item]) -> str:
    """A dagsorden's contents page numbered in roman page numbers; the item texts are separate documents."""
    lines = _header(gold) + ["Indholdsfortegnelse Side"]
    lines += [f"{i.number}. {i.title} {ROMAN[k % len(ROMAN)]}" for k, i in enumerate(items)]
    return "\n".join(lines + ["", "Bilag til punkterne findes som særskilte dokumenter."]) + "\n"


def pkt_tekst(gold: dict[str, Any], items: list[Item]) -> str:
    """A `Pkt. | Tekst` table (tab-separated cells, as an HTML table turned to text)."""
    lines = _header(gold) + ["Pkt.\tTekst"] + [f"{i.number}\t{i.title}" for i in items]
    return "\n".join(lines) + "\n"


def bullets(gold: dict[str, Any], items: list[Item]) -> str:
    """Web page A: `• 1 Title` headings over each item's body."""
    lines = _header(gold, "Referat")
    for k, item in enumerate(items):
        lines += _body(items, k, f"• {item.number} {item.title}")
    return "\n".join(lines) + "\n"


def dash_time(gold: dict[str, Any], items: list[Item]) -> str:
    """`- 1. Title (kl. 12.00-12.05)`: the item's time slot after its title."""
    lines = _header(gold, "Referat")
    for k, item in enumerate(items):
        start = 12 * 60 + 5 * k
        slot = f"kl. {start // 60:02d}.{start % 60:02d}-{(start + 5) // 60:02d}.{(start + 5) % 60:02d}"
        lines += _body(items, k, f"- {item.number}. {item.title} ({slot})")
    return "\n".join(lines) + "\n"


def spaced(gold: dict[str, Any], items: list[Item]) -> str:
    """`1.      Title`: a run of spaces after the number, bodies without case-number labels."""
    lines = _header(gold, "Referat")
    for k, item in enumerate(items):
        lines += _body(items, k, f"{item.number}.      {item.title}", labels=False)
    return "\n".join(lines) + "\n"


def control_words(gold: dict[str, Any], items: list[Item]) -> str:
    """Titles followed by the page's control words, on the title line or the lines under it."""
    lines = _header(gold, "Referat")
    for k, item in enumerate(items):
        control = CONTROLS[k % len(CONTROLS)]
        if k % 2:
            body = _body(items, k, f"{item.number}. {item.title} {control}")
        else:
            body = _body(items, k, f"{item.number}. {item.title}")
            body[1:1] = [control, CONTROLS[(k + 1) % len(CONTROLS)]]
        lines += body
    return "\n".join(lines) + "\n"


def glued_contents(gold: dict[str, Any], items: list[Item]) -> str:
    """A contents heading glued to its first entry (`Indholdsfortegnelse1. Fraværende`), then bodies."""
    entries = [f"{i.number}. {i.title}" for i in items]
    lines = _header(gold, "Referat") + ["Indholdsfortegnelse" + entries[0], *entries[1:], ""]
    for k, item in enumerate(items):
        lines += _body(items, k, f"{item.number}. {item.title}")
    return "\n".join(lines) + "\n"


def transcript(gold: dict[str, Any], items: list[Item]) -> str:
    """A PDF transcript flattened to one line a page: the contents page, then one page per item."""
    pages = [" ".join(x for x in _header(gold, "Referat") if x)]
    pages.append("2 Indholdsfortegnelse Side " + " ".join(
        f"{i.number}. {i.title} {k + 3}" for k, i in enumerate(items)))
    for k, item in enumerate(items):
        body = _decision(items, k)
        pages.append(f"{k + 3} {item.number}. {item.title} Dok.nr.: {1965 + k} Sagsid.: {_case(item.number)} "
                     f"Åben sag Sagsfremstilling {' '.join(item.body) or FILLER} " + " ".join(body))
    return "\f".join(pages) + "\n"


def transcript_list(gold: dict[str, Any], items: list[Item]) -> str:
    """A flattened transcript of a dagsorden whose item texts are separate documents: its contents page only."""
    pages = [" ".join(x for x in _header(gold) if x) + " Mødet holdes i byrådssalen. " * 12]
    pages.append("2 Indholdsfortegnelse Side " + " ".join(
        f"{i.number}. {i.title} {'.' * 8} {k + 3}" for k, i in enumerate(items)))
    return "\f".join(pages) + "\n"


def punkt_alone(gold: dict[str, Any], items: list[Item]) -> str:
    """PDF export of an ESDH system: `Punkt N` (`Pkt. N`, `Dagsordenspunkt N`) alone on its line, the title on
    the next, then a case-number line (`Sagsnr.: …`, `Sag nr. …`, or none) and the sections."""
    lines = _header(gold, "Referat")
    words = ("Punkt", "Pkt.", "Dagsordenspunkt")
    for k, item in enumerate(items):
        body = _body(items, k, f"{words[k % 3]} {item.number}", labels=False)
        case = (f"Sagsnr.: {_case(item.number)}", f"Sag nr. {_case(item.number)}", None)[k % 3]
        body[1:1] = [item.title] + ([case] if case else [])
        lines += body
    return "\n".join(lines) + "\n"


def contents_unnumbered(gold: dict[str, Any], items: list[Item]) -> str:
    """A FirstAgenda PDF contents page whose entries carry no numbers (titles, dot leaders, page numbers; a long
    title wrapped before its leader), then numbered bodies for the first third of the items only."""
    lines = _header(gold, "Referat") + ["Indholdsfortegnelse"]
    for k, item in enumerate(items):
        words = item.title.split()
        if len(item.title) > 60 and len(words) > 4:
            lines += [" ".join(words[:4]), f"{' '.join(words[4:])} {'.' * 12} {k + 3}"]
        else:
            lines.append(f"{item.title} {'.' * 12} {k + 3}")
    lines.append("")
    for k, item in enumerate(items[: max(2, len(items) // 3)]):
        lines += _body(items, k, f"{item.number}. {item.title}")
    return "\n".join(lines) + "\n"


ITEM_VARIANTS: tuple[ItemVariant, ...] = (
    ItemVariant("list-only", list_only),
    ItemVariant("list-headless", list_headless),
    ItemVariant("list-some-bodies", list_some_bodies),
    ItemVariant("contents-cut", contents_cut),
    ItemVariant("contents-roman", contents_roman),
    ItemVariant("pkt-tekst", pkt_tekst),
    ItemVariant("bullets", bullets),
    ItemVariant("dash-time", dash_time),
    ItemVariant("spaces", spaced),
    ItemVariant("control-words", control_words),
    ItemVariant("glued-contents", glued_contents),
    ItemVariant("transcript", transcript),
    ItemVariant("transcript-list", transcript_list),
    ItemVariant("punkt-alone", punkt_alone),
    ItemVariant("contents-unnumbered", contents_unnumbered),
)

RESULTS: dict[str, dict[str, Any]] = {}


def table() -> list[str]:
    """One line per variant: item F1 (recall / precision) and the weakest documents."""
    if not RESULTS:
        return []
    lines = [f"{'item variant':18} {'item F1':>8} {'recall':>7} {'prec':>6}  weakest documents (item F1)"]
    for name, res in RESULTS.items():
        weak = sorted(res["per_document"], key=lambda d: d[1])[:3]
        shown = ", ".join(f"{doc[:28]} {f1:.2f}" for doc, f1 in weak if f1 < 1)
        lines.append(f"{name:18} {res['item_f1']:8.3f} {res['item_recall']:7.3f} {res['item_precision']:6.3f}  {shown}")
    return lines
