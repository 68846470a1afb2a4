"""A gold record laid out as minutes: format-neutral blocks plus the gold of what was laid out.

The goals keep their gold words (statement, status, verdict wording); only the layout around them
changes from variant to variant. Around the goals sit the things real minutes carry and a parser
must not mistake for items or goals: a letterhead in two columns, a meeting header, a table of
contents with dot leaders, agenda items with case numbers and sections, a numbered recommendation
list with lowercase points followed by `Bilag:`, and a signature block. The goals live inside one
agenda item (the follow-up item), as in real minutes; every other item gets a short case text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    size: float | None = None
    indent: int = 0


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1
    bold: bool = True


@dataclass(frozen=True)
class TocLine:
    """A table-of-contents entry: title, dot leaders to the right margin, page number."""

    text: str
    page: int


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    italic: bool = False
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    borders: str = "grid"  # grid (every cell ruled) | rules (horizontal lines only) | none
    header: bool = False
    widths: tuple[float, ...] | None = None  # relative column widths


@dataclass(frozen=True)
class LabelRow:
    """A row of a two-column table without ruling as Word prints it to PDF: the label cell on a line of its
    own at the left edge, the statement below it in the right column (one to three lines)."""

    label: str
    text: str


Block = Para | Heading | Table | TocLine | LabelRow


@dataclass(frozen=True)
class Variant:
    """One way of laying out the goals (`layout`) written as one file format (`fmt`).

    `house` is the minutes system the items imitate: eDoc/Acadre (`3. Titel` + `Sagsnr.:`) or
    FirstAgenda (`Punkt 3: Titel` + `Sagsnummer:`); both are common in Danish archives.
    """

    name: str
    layout: str
    fmt: str
    house: str


VARIANTS: tuple[Variant, ...] = (
    Variant("pdf-grid", "grid", "pdf", "edoc"),
    Variant("pdf-labelrows", "labelrows", "pdf", "firstagenda"),
    Variant("pdf-columns", "columns", "pdf", "edoc"),
    Variant("pdf-headed", "headed", "pdf", "firstagenda"),
    Variant("pdf-italic", "italic", "pdf", "edoc"),
    Variant("pdf-bold", "bold", "pdf", "firstagenda"),
    Variant("pdf-numbered", "numbered", "pdf", "edoc"),
    Variant("html-labelrows", "labelrows", "html", "firstagenda"),
    Variant("html-italic", "italic", "html", "edoc"),
    Variant("html-headed", "headed", "html", "edoc"),
    Variant("docx-columns", "columns", "docx", "edoc"),
    Variant("docx-italic", "italic", "docx", "firstagenda"),
    Variant("docx-labelrows", "labelrows", "docx", "edoc"),
    Variant("md-italic", "italic", "md", "firstagenda"),
    Variant("txt-labelrows", "labelrows", "txt", "edoc"),
    Variant("pdf-labelabove", "labelabove", "pdf", "edoc"),
    Variant("docx-labelabove", "labelabove", "docx", "firstagenda"),
    Variant("txt-labelabove", "labelabove", "txt", "firstagenda"),
    Variant("pdf-italicwrap", "italicwrap", "pdf", "firstagenda"),
    Variant("md-targetlines", "targetlines", "md", "edoc"),
    Variant("pdf-targetlines", "targetlines", "pdf", "firstagenda"),
    Variant("docx-targetlines", "targetlines", "docx", "edoc"),
    Variant("pdf-maaltal", "maaltal", "pdf", "firstagenda"),
    Variant("docx-maaltal", "maaltal", "docx", "edoc"),
    # a FirstAgenda portal referat (tests/variants/firstagenda.py): the item table of the real saved page,
    # with the gold goals as måltal and a yearly judged budget target in an ordinary item
    Variant("html-maaltal", "maaltalyears", "faportal", "firstagenda"),
)

# What a verdict sounds like in a follow-up when the gold has no wording of its own.
VERDICT_WORDS = {
    "met": "Målet er nået.",
    "not_met": "Målet er ikke nået.",
    "expected_met": "Målet forventes nået.",
    "expected_not_met": "Målet forventes ikke nået.",
    "partly_met": "Målet er delvist nået.",
    "too_early": "Det er for tidligt at vurdere.",
    "not_measurable": "Kan ikke måles.",
    "dropped": "Målet er udgået.",
}
SECTION_WORDS = {"sagsfremstilling", "indstilling", "beslutning", "bilag", "økonomi"}
# Layouts that print a goal's title; the others show only id, statement, status and verdict.
SHOWS_TITLE = {"grid", "labelrows", "headed", "italic", "bold", "italicwrap", "targetlines"}
# Layouts that print no goal ids (the scorer then pairs by text alone).
HIDES_ID = {"labelabove"}
FILLER = "Forvaltningen har forberedt sagen, og sagsfremstillingen er udsendt til udvalgets medlemmer før mødet."
MEMBERS = ("Anne Vestergaard (formand)", "Peter Holm", "Lise Dahl", "Jens Kragh")


@dataclass
class Rendered:
    """A variant of one gold document: blocks to write, the stem to write them under, its gold."""

    stem: str
    blocks: list[Block]
    running_header: str
    gold: dict[str, Any]


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def verdict_words(goal: dict[str, Any]) -> str | None:
    """The gold's own verdict words when they judge this one goal, else the usual phrase.

    A verdict text that restates the goal (a recommendation clause) or speaks for a whole list
    (`nedenstående mål … i et vist omfang er nået`) is not a per-goal verdict in a table cell.
    """
    verdict = goal.get("verdict") or "none"
    if verdict == "none":
        return None
    own = (goal.get("verdict_text") or "").strip()
    if own and len(own) <= 70 and goal["text"].lower()[:30] not in own.lower():
        return own
    return VERDICT_WORDS[verdict]


def _verdict_after_status(goal: dict[str, Any]) -> str | None:
    """The verdict as a sentence of its own after the status, unless the status already says it."""
    words = verdict_words(goal)
    status = goal.get("status_text") or ""
    return None if words and words.strip(" .").lower() in status.lower() else words


def _label(goal: dict[str, Any], title: bool = True) -> str:
    head = f"Mål {goal['goal_id']}" if goal.get("goal_id") else "Mål"
    return f"{head} – {goal['title']}" if title and goal.get("title") else head


def _groups(goals: list[dict[str, Any]], key: str) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """Consecutive runs of goals sharing `key` (plan, theme), in gold order."""
    out: list[tuple[str | None, list[dict[str, Any]]]] = []
    for goal in goals:
        value = goal.get(key)
        if out and out[-1][0] == value:
            out[-1][1].append(goal)
        else:
            out.append((value, [goal]))
    return out


def _theme_heading(theme: str | None) -> list[Block]:
    if not theme or theme.strip().lower() in SECTION_WORDS:
        return []
    return [Heading(theme, level=3)]


def _plan_title(plan: str | None, year: int | None) -> str | None:
    if plan and year and str(year) not in plan:
        return f"{plan} {year}"
    if plan:
        return plan
    return f"Mål for {year}" if year else None


def _grid(goals: list[dict[str, Any]]) -> list[Block]:
    with_label = any(g.get("goal_id") or g.get("title") for g in goals)
    head = (["Mål"] if with_label else []) + ["Målsætning", "Status", "Målopfyldelse"]
    rows = [tuple(Cell(h, bold=True) for h in head)]
    for theme, members in _groups(goals, "theme"):
        if theme and theme.strip().lower() not in SECTION_WORDS:
            rows.append((Cell(theme, bold=True, colspan=len(head)),))
        for g in members:
            label = " ".join(x for x in (g.get("goal_id"), g.get("title")) if x)
            cells = ([Cell(label)] if with_label else []) + [
                Cell(g["text"]), Cell(g.get("status_text") or ""), Cell(verdict_words(g) or "")]
            rows.append(tuple(cells))
    widths = (0.22, 0.31, 0.31, 0.16) if with_label else (0.4, 0.4, 0.2)
    return [Table(tuple(rows), borders="grid", header=True, widths=widths)]


def _labelrows(goals: list[dict[str, Any]]) -> list[Block]:
    blocks: list[Block] = []
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        rows: list[tuple[Cell, ...]] = []
        for g in members:
            rows.append((Cell(_label(g), bold=True), Cell(g["text"])))
            if g.get("status_text"):
                rows.append((Cell("Status"), Cell(g["status_text"])))
            if verdict_words(g):
                rows.append((Cell("Målopfyldelse"), Cell(verdict_words(g) or "")))
        blocks.append(Table(tuple(rows), borders="none", widths=(0.28, 0.72)))
    return blocks


# The label words service standards and plans print in their label column, one per goal in turn.
ABOVE_LABELS = ("Resultat mål", "Succeskriterium", "Effektmål", "Indikator", "Måltal", "Resultatmål", "Mål")


def _labelabove(goals: list[dict[str, Any]]) -> list[Block]:
    """A service standard's annex: label rows (`Formål`, `Resultat mål`, `Ydelsens målgruppe`, `Status`) of a
    two-column table without ruling, each label alone on its line and the statement below it; the rows
    that are not goals stand between the goals as they do in the real annexes."""
    blocks: list[Block] = []
    count = 0
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        blocks.append(LabelRow("Formål", "At borgeren modtager den hjælp og vejledning, der svarer til behovet."))
        for g in members:
            blocks.append(LabelRow(ABOVE_LABELS[count % len(ABOVE_LABELS)], g["text"]))
            count += 1
            if g.get("status_text"):
                blocks.append(LabelRow("Status", g["status_text"]))
            if verdict_words(g):
                blocks.append(LabelRow("Målopfyldelse", verdict_words(g) or ""))
        blocks.append(LabelRow("Ydelsens målgruppe", "Borgere i kommunen, der har behov for råd og vejledning"))
    return blocks


def _columns(goals: list[dict[str, Any]]) -> list[Block]:
    blocks: list[Block] = []
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        rows = [(Cell("Mål", bold=True), Cell("Status", bold=True), Cell("Vurdering", bold=True))]
        for g in members:
            statement = f"{g['goal_id']} {g['text']}" if g.get("goal_id") else g["text"]
            rows.append((Cell(statement), Cell(g.get("status_text") or ""), Cell(verdict_words(g) or "")))
        blocks.append(Table(tuple(rows), borders="rules", header=True, widths=(0.42, 0.38, 0.2)))
    return blocks


def _headed(goals: list[dict[str, Any]]) -> list[Block]:
    blocks: list[Block] = []
    count = 0
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        for g in members:
            count += 1
            heading = _label(g) if g.get("goal_id") else (g.get("title") or f"Mål {count}")
            blocks.append(Heading(heading, level=4))
            blocks.append(Para(g["text"]))
            if g.get("status_text"):
                blocks.append(Para(g["status_text"]))
            if _verdict_after_status(g):
                blocks.append(Para(_verdict_after_status(g) or ""))
    return blocks


def _typed(goals: list[dict[str, Any]], bold: bool, size: float | None = None, indent: int = 0) -> list[Block]:
    """Goals marked only by type (italic or bold), statuses in plain paragraphs after them; `size` and
    `indent` set them off as status notes do, which moves every line break of a wrapped goal."""
    blocks: list[Block] = []
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        for g in members:
            if g.get("title"):
                blocks.append(Heading(g["title"], level=4))
            blocks.append(Para(g["text"], bold=bold, italic=not bold, size=size, indent=indent))
            follow = " ".join(x for x in (g.get("status_text"), _verdict_after_status(g)) if x)
            if follow:
                blocks.append(Para(follow))
    return blocks


_TARGET_LINE = re.compile(r"\b(?:skal|forventes)\b")
# goals a `targetlines` layout printed without status or verdict (ids of the gold's goal dicts)
_UNJUDGED: set[int] = set()


def _target_line(goal: dict[str, Any]) -> bool:
    """A goal a status note could print as one unjudged target line: one sentence with a modal and a figure."""
    text = " ".join(goal["text"].split())
    return bool(_TARGET_LINE.search(text) and re.search(r"\d", text)) and len(text) <= 250 \
        and not re.search(r"[.!?]\s+[A-ZÆØÅ]", text)


def _targetlines(goals: list[dict[str, Any]]) -> list[Block]:
    """A status note: most goals in italics with their status and verdict, and the goals that are target
    sentences one a line under a heading of their own, unjudged (`## Integration` / `Efter 1 år forventes,
    at 10 % …` / `Efter 2 år …`), as plans and follow-ups print expected results."""
    lines = [g for g in goals if _target_line(g)]
    if len(lines) < 2:
        lines = []
    blocks = _typed([g for g in goals if g not in lines], bold=False)
    if lines:
        blocks.append(Heading("Forventede resultater", level=3))
        blocks += [Para(" ".join(g["text"].split())) for g in lines]
        _UNJUDGED.update(id(g) for g in lines)
    return blocks


# How a case text judges a budget target it reported earlier (`… men måltallet blev ikke nået`).
MAALTAL_WORDS = {
    "met": "Måltallet blev dermed nået.",
    "not_met": "Måltallet blev ikke nået.",
    "expected_met": "Måltallet forventes nået.",
    "expected_not_met": "Måltallet forventes ikke nået.",
    "partly_met": "Måltallet er delvist nået.",
    "too_early": "Det er for tidligt at vurdere, om måltallet nås.",
    "not_measurable": "Det er ikke muligt at opgøre måltallet.",
    "dropped": "Måltallet er udgået.",
}


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _maaltal(goals: list[dict[str, Any]]) -> list[Block]:
    """Budget targets reported in an ordinary item's case text, as council minutes do: the sentence that
    announces a måltal, the target, then the results and the sentence that judges them."""
    blocks: list[Block] = []
    for g in goals:
        topic = next((t for t in (g.get("title"), g.get("theme")) if t and len(t.split()) <= 5), "området")
        when = f"budgetforlig {g['plan_year']}" if g.get("plan_year") else "budgetforliget"
        blocks.append(Para(f"Udvalget vedtog i {when} et måltal for {topic.rstrip('.')}. {_sentence(g['text'])}"))
        if g.get("status_text"):
            blocks.append(Para(" ".join(g["status_text"].split())))
        if (g.get("verdict") or "none") != "none":
            blocks.append(Para(MAALTAL_WORDS[g["verdict"]]))
    return blocks


def yearly_maaltal(when: date) -> tuple[list[Block], dict[str, Any]]:
    """A budget target an ordinary item of a council referat reports with one result a year, the last one
    deciding (`… men måltallet blev ikke nået.` / `… og måltallet blev dermed nået i 2024.`); its gold."""
    year = when.year - 3
    text = (f"Fra {year} skal andelen af husholdningsaffald, der sendes til genanvendelse, øges med 8 "
            f"procentpoint inden udgangen af {year + 2}.")
    results = [
        f"I {year} steg andelen med 3 procentpoint, men måltallet blev ikke nået.",
        f"I {year + 1} steg andelen med yderligere 3 procentpoint, og måltallet blev fortsat ikke nået.",
        f"I {year + 2} var andelen samlet øget med 8,5 procentpoint, og måltallet blev dermed nået i {year + 2}.",
    ]
    blocks: list[Block] = [
        Para(f"Kommunalbestyrelsen vedtog i budgetaftalen for {year} et måltal for genanvendelse. {text}"),
        Para(" ".join(results[:2])),
        Para(results[2]),
    ]
    status = " ".join(results)
    gold = {"goal_id": None, "plan": None, "plan_year": year, "theme": None, "title": None, "text": text,
            "status_text": status, "verdict": "met", "verdict_alt": ["met"], "verdict_text": status}
    return blocks, gold


def _numbered(goals: list[dict[str, Any]]) -> list[Block]:
    blocks: list[Block] = []
    count = 0
    for theme, members in _groups(goals, "theme"):
        blocks += _theme_heading(theme)
        for g in members:
            count += 1
            number = g.get("goal_id") or str(count)
            marker = number if "." in number else f"{number}."
            blocks.append(Para(f"{marker} {g['text']}"))
            for extra in (g.get("status_text"), _verdict_after_status(g)):
                if extra:
                    blocks.append(Para(f"• {extra}", indent=1))
    return blocks


def _intro(layout: str, plan_title: str | None) -> list[Block]:
    what = f"målene i {plan_title}" if plan_title else "udvalgets mål"
    first = f"Forvaltningen har udarbejdet en status på {what}."
    if layout in ("italic", "italicwrap", "targetlines"):
        return [Para(f"{first} Målene er nedenfor angivet med kursiv, og status følger under hvert mål.")]
    if layout == "bold":
        return [Para(f"{first} Målene er nedenfor angivet med fed, og status følger under hvert mål.")]
    if layout == "numbered":
        return [Para(f"{first} Målene er:")]
    return [Para(first)]


LAYOUTS = {
    "grid": _grid, "labelrows": _labelrows, "columns": _columns, "headed": _headed,
    "italic": lambda goals: _typed(goals, bold=False), "bold": lambda goals: _typed(goals, bold=True),
    "numbered": _numbered, "labelabove": _labelabove,
    "targetlines": _targetlines, "maaltal": _maaltal, "maaltalyears": _maaltal,
    "italicwrap": lambda goals: _typed(goals, bold=False, size=11.5, indent=2),
}


def goal_blocks(layout: str, goals: list[dict[str, Any]]) -> list[Block]:
    """The goals of one item, grouped by plan (a heading and an introduction each)."""
    blocks: list[Block] = []
    for plan, members in _groups(goals, "plan"):
        title = _plan_title(plan, members[0].get("plan_year"))
        if title:
            blocks.append(Heading(f"Opfølgning på {title}", level=3))
        blocks += _intro(layout, title)
        blocks += LAYOUTS[layout](members)
    return blocks


def _meeting_date(gold: dict[str, Any]) -> date:
    if gold.get("meeting_date"):
        return date.fromisoformat(gold["meeting_date"])
    years = [g["plan_year"] for g in gold.get("goals", []) if g.get("plan_year")]
    return date(max(years) + 1 if years else 2024, 3, 12)


def _items(gold: dict[str, Any]) -> tuple[list[dict[str, str]], str]:
    """The items to render and the number of the follow-up item that holds unplaced goals."""
    items = [{"number": str(i["number"]), "title": i["title"], "decision": i.get("decision") or "Godkendt."}
             for i in gold.get("agenda_items") or []]
    if not items:
        plan = next((g.get("plan") for g in gold["goals"] if g.get("plan")), None)
        title = f"Opfølgning på {plan}" if plan else "Status på udvalgets mål"
        items = [{"number": "1", "title": title, "decision": "Orienteringen blev taget til efterretning."}]
    numbers = {i["number"] for i in items}
    placed = [str(g["agenda_item"]) for g in gold["goals"] if str(g.get("agenda_item")) in numbers]
    follow_up = placed[0] if placed else items[len(items) // 2]["number"]
    return items, follow_up


def _item_heading(house: str, number: str, title: str) -> str:
    return f"Punkt {number}: {title}" if house == "firstagenda" else f"{number}. {title}"


def _case_number(when: date, number: str) -> str:
    serial = (int(number) * 7919) % 9000 + 1000 if number.isdigit() else 1000
    return f"{when.year % 100:02d}/{serial}"


def _unbolded(block: Block) -> Block:
    if isinstance(block, Heading):
        return Heading(block.text, block.level, bold=False)
    if isinstance(block, Para):
        return Para(block.text, italic=block.italic, size=block.size, indent=block.indent)
    if isinstance(block, TocLine):
        return block
    rows = tuple(tuple(Cell(c.text, italic=c.italic, colspan=c.colspan) for c in row) for row in block.rows)
    return Table(rows, block.borders, block.header, block.widths)


def render_minutes(gold: dict[str, Any], variant: Variant, stem: str) -> Rendered:
    """Lay out `gold` as minutes in `variant`; the returned gold scores exactly what was laid out."""
    _UNJUDGED.clear()
    when = _meeting_date(gold)
    municipality = gold.get("municipality") or "Eksempel"
    body = gold.get("body") or f"Udvalget for Beskæftigelse, {municipality} Kommune"
    stamp = when.strftime("%d.%m.%Y")
    items, follow_up = _items(gold)
    numbers = {i["number"] for i in items}
    goals_by_item: dict[str, list[dict[str, Any]]] = {}
    for goal in gold["goals"]:
        number = str(goal.get("agenda_item")) if str(goal.get("agenda_item")) in numbers else follow_up
        goals_by_item.setdefault(number, []).append(goal)

    blocks: list[Block] = [
        Table(((Cell(f"{municipality} Kommune\n{body}", bold=True),
                Cell(f"Dato: {stamp}\nJ.nr.: {_case_number(when, '1')}\nKontakt: Politisk sekretariat")),),
              borders="none", widths=(0.6, 0.4)),
        Para("Referat", bold=True, size=18),
        Para(body, bold=True, size=13),
        Para(f"Mødedato: {stamp}"),
        Para("Mødetidspunkt: 15:00-17:00"),
        Para("Mødested: Rådhuset, mødelokale 2"),
        Para("Deltagere: " + ", ".join(MEMBERS)),
        Para("Indholdsfortegnelse", bold=True, size=13),
    ]
    for n, item in enumerate(items):
        head = _item_heading(variant.house, item["number"], item["title"])
        blocks.append(TocLine(head, n + 2))

    goal_ids: set[int] = set()
    # the yearly judged måltal goes in the first item that holds no gold goal (else after the follow-up's)
    yearly = yearly_maaltal(when) if variant.layout == "maaltalyears" else None
    yearly_at = next((i["number"] for i in items if i["number"] not in goals_by_item), follow_up)
    for item in items:
        number = item["number"]
        blocks.append(Heading(_item_heading(variant.house, number, item["title"]), level=2))
        label = "Sagsnummer" if variant.house == "firstagenda" else "Sagsnr."
        blocks.append(Para(f"{label}: {_case_number(when, number)}    Åben sag"))
        blocks.append(Heading("Sagsfremstilling", level=3))
        goals = goals_by_item.get(number)
        if goals:
            laid_out = goal_blocks(variant.layout, goals)
            goal_ids.update(id(b) for b in laid_out if isinstance(b, Para) and b.bold)
            blocks += laid_out
            if yearly and number == yearly_at:
                blocks += yearly[0]
            blocks += [
                Heading("Indstilling", level=3),
                Para("Direktøren indstiller, at"),
                Para("1. orienteringen tages til efterretning", indent=1),
                Para("2. det drøftes at ændre rapporteringen af målene, så status fremover gives hvert halve år",
                     indent=1),
                Para("Bilag:"),
                Para("• Notat om opfølgningen", indent=1),
            ]
        else:
            blocks += [Para(FILLER)] + (yearly[0] if yearly and number == yearly_at else []) + [
                       Heading("Indstilling", level=3),
                       Para("Forvaltningen indstiller, at"), Para("1. sagen drøftes", indent=1)]
        blocks += [Heading("Beslutning", level=3), Para(item["decision"])]

    blocks += [
        Para("Mødet blev hævet kl. 17:00."),
        Para("Underskrifter:", bold=True),
        Table(((Cell(MEMBERS[0]), Cell(MEMBERS[1])), (Cell(MEMBERS[2]), Cell(MEMBERS[3]))), borders="none"),
    ]
    if variant.layout == "bold":  # the goals are the only bold text: headings by size, masthead plain
        blocks = [b if id(b) in goal_ids else _unbolded(b) for b in blocks]

    shows_title = variant.layout in SHOWS_TITLE
    derived = {
        "doc": stem, "municipality": municipality, "body": body, "meeting_date": when.isoformat(),
        "agenda_items": [{"number": i["number"], "title": i["title"]} for i in items],
        "goals": [],
    }
    for number, goals in goals_by_item.items():
        for g in goals:
            if id(g) in _UNJUDGED:  # printed as an unjudged target line: no title, status or verdict
                derived["goals"].append({
                    "goal_id": None, "plan": g.get("plan"), "plan_year": g.get("plan_year"), "theme": None,
                    "title": None, "text": " ".join(g["text"].split()), "status_text": None, "verdict": "none",
                    "verdict_alt": ["none"], "verdict_text": None, "agenda_item": number})
                continue
            derived["goals"].append({
                "goal_id": None if variant.layout in HIDES_ID else g.get("goal_id"),
                "plan": g.get("plan"), "plan_year": g.get("plan_year"),
                "theme": g.get("theme"), "title": g.get("title") if shows_title else None, "text": g["text"],
                "status_text": g.get("status_text"), "verdict": g.get("verdict") or "none",
                "verdict_alt": g.get("verdict_alt") or [g.get("verdict") or "none"],
                "verdict_text": MAALTAL_WORDS.get(g.get("verdict") or "none") if variant.layout.startswith("maaltal")
                else verdict_words(g), "agenda_item": number,
            })
    if yearly:
        derived["goals"].append(yearly[1] | {"agenda_item": yearly_at})
    return Rendered(stem=stem, blocks=blocks, running_header=f"{body} · Referat · {stamp}", gold=derived)
