"""Goals, verdicts and declared summaries from an agenda item (or a whole item-less document).

Three layouts, tried per item: follow-up tables (`Mål 2.1 – Titel | tekst`, `Status | …`,
`Målopfyldelse | …`) whether they arrive as cells or as lines broken by a PDF text layer;
lists of goals introduced by a line that names them; and target clauses in prose
(`Målsætningen er, at …`). Slides, e-mails and budget tables match none of them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from models.records import AgendaItem, DeclaredSummary, DocLine, Document, Figure, Goal, Verdict
from parsers.extract.figures import find_figures
from parsers.extract.nlp import analyse
from parsers.extract.verdicts import classify_clause, normalise_verdict

PATTERNS = Path(__file__).resolve().parent.parent / "patterns" / "goals.yaml"
_DASH = re.compile(r"^\s*[–—-]\s*")
_BULLET = re.compile(r"^\s*(?:[•·▪◦‣*-]|\d{1,2}[.)]|[a-z][.)])\s+")


@cache
def vocab() -> dict[str, Any]:
    data = yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))
    data["goal_header_re"] = re.compile(data["goal_header"], re.I)
    labels = sorted(data["status_labels"], key=len, reverse=True)
    data["status_re"] = re.compile(r"^(?:" + "|".join(map(re.escape, labels)) + r")\b\s*:?\s*(?P<rest>.*)$", re.I)
    vlabels = sorted(data["verdict_labels"], key=len, reverse=True)
    data["verdict_re"] = re.compile(r"^(?:" + "|".join(map(re.escape, vlabels)) + r")\b\s*:?\s*(?P<rest>.*)$", re.I)
    data["plan_re"] = re.compile(data["plan"])
    data["prose_res"] = [re.compile(p) for p in data["prose_goal"]]
    data["followup_re"] = re.compile(data["prose_followup"])
    data["intro_re"] = re.compile(data["list_intro"], re.I)
    data["intro_not_re"] = re.compile(data["list_intro_not"], re.I)
    return data


def _figures(text: str | None, role: str) -> list[Figure]:
    """Figures of a goal or status; a figure the parser cannot read must not cost the goal."""
    if not text:
        return []
    try:
        return find_figures(text, role=role)
    except ValueError:
        return []


def find_plan(*texts: str | None) -> tuple[str | None, int | None]:
    for text in texts:
        if not text:
            continue
        m = vocab()["plan_re"].search(text)
        if m:
            plan = m.group("plan")
            plan = plan[:1].upper() + plan[1:]
            for suffix in ("ene", "en"):
                if plan.lower().endswith(suffix) and len(plan) > len(suffix) + 3:
                    plan = plan[: -len(suffix)]
                    break
            return f"{plan} {m.group('year')}", int(m.group("year"))
    return None, None


def split_title(text: str) -> tuple[str | None, str]:
    """`Fokusmål samtaler At mindst 80 % …` → ("Fokusmål samtaler", "At mindst 80 % …")."""
    v = vocab()
    starters = set(v["statement_starters"])
    preps = set(v["prepositions"])
    tokens = text.split()
    for k in range(1, len(tokens)):
        tok = tokens[k].strip("(”\"")
        if not tok[:1].isupper():
            continue
        if len(tok) >= 2 and tok.isupper():
            continue  # FGU, IGU: acronyms inside a title
        prev = tokens[k - 1]
        if tok in starters or (prev[:1].islower() and prev.lower() not in preps):
            if tok == "I" and not (k + 1 < len(tokens) and tokens[k + 1][:1].isdigit()):
                continue
            return " ".join(tokens[:k]), " ".join(tokens[k:])
    return None, text


def _kind(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        low = text.lower()
        for kind in vocab()["kinds"]:
            if kind in low:
                return "lokalt mål" if kind.startswith("lokal") else kind
    return None


def _clean(text: str) -> str:
    return " ".join(text.split()).strip()


class _Block:
    """One goal being read from a table: header, statement, status and verdict lines."""

    def __init__(self, goal_id: str, header_rest: str, line: DocLine, in_cells: bool) -> None:
        self.goal_id = goal_id
        self.header = [header_rest] if header_rest else []
        self.text_parts: list[str] = []
        self.status: list[str] = []
        self.verdict: list[str] = []
        self.first = line
        self.last = line
        self.in_cells = in_cells
        self.state = "text"


def _cells(line: DocLine) -> list[str]:
    if line.is_table_row or "\t" in line.text:
        return [c.strip() for c in line.text.split("\t")]
    return [line.text.strip()]


def _is_heading_like(text: str) -> bool:
    t = text.strip()
    return 2 < len(t) < 120 and not t.endswith((".", ":", ",")) and t[:1].isupper()


def table_goals(lines: list[DocLine], item_title: str | None) -> list[Goal]:
    v = vocab()
    header_re, status_re, verdict_re = v["goal_header_re"], v["status_re"], v["verdict_re"]
    plan, plan_year = find_plan(item_title)
    theme: str | None = None
    pending_heading: list[str] = []
    blocks: list[tuple[_Block, str | None, str | None, int | None]] = []
    cur: _Block | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            blocks.append((cur, theme, plan, plan_year))
        cur = None

    for line in lines:
        raw = line.text.strip()
        if not raw:
            continue
        cells = _cells(line)
        first = cells[0]
        second = " ".join(c for c in cells[1:] if c)
        m = header_re.match(first)
        if m and (m.group("rest") or second or True):
            close()
            rest = _clean(m.group("rest") or "").lstrip(":. ")
            cur = _Block(m.group("id"), rest, line, len(cells) > 1)
            if second:
                cur.text_parts.append(second)
            if pending_heading:
                theme = pending_heading[-1]
                pending_heading = []
            continue
        sm = status_re.match(first)
        vm = verdict_re.match(first)
        if cur is not None and vm and (cur.state in ("status", "text")):
            cur.state = "verdict"
            cur.verdict.append(_clean(" ".join(filter(None, [vm.group("rest"), second]))))
            cur.last = line
            continue
        if cur is not None and sm and cur.state == "text":
            cur.state = "status"
            cur.status.append(_clean(" ".join(filter(None, [sm.group("rest"), second]))))
            cur.last = line
            continue
        # not a label: continuation, or a heading between goals
        p, y = find_plan(raw) if re.search(r"opfølgning|mål\s+i|plan\s+\d{4}", raw, re.I) else (None, None)
        if p and (len(cells) == 1 or not second) and _is_heading_like(raw):
            close()
            plan, plan_year = p, y
            pending_heading = []
            continue
        if cur is None:
            if _is_heading_like(first) and not second:
                pending_heading.append(_clean(first))
            else:
                pending_heading = []
            continue
        if cur.state == "text":
            if cur.in_cells and not second and len(cells) == 1 and line.is_table_row:
                close()
                pending_heading.append(_clean(first))
                continue
            cur.text_parts.append(_clean(" ".join(cells)))
            cur.last = line
        elif cur.state == "status":
            cur.status.append(_clean(" ".join(cells)))
            cur.last = line
        else:  # after the verdict: a lower-case continuation, else the table's next heading
            if raw[:1].islower() and not cur.verdict[-1].endswith("."):
                cur.verdict.append(_clean(raw))
                cur.last = line
            else:
                close()
                if _is_heading_like(first) and not second:
                    pending_heading.append(_clean(first))
    close()

    goals: list[Goal] = []
    for block, btheme, bplan, byear in blocks:
        if not block.status and not block.verdict:
            continue  # a "Mål 3.2" mentioned in prose is not a follow-up row
        header = " ".join(block.header)
        title: str | None = None
        if block.in_cells or block.text_parts and block.first.is_table_row:
            title_part = _DASH.sub("", header) if _DASH.match(header) else header
            title = title_part or None
            text = " ".join(block.text_parts)
        elif _DASH.match(header):
            title, text = split_title(_DASH.sub("", " ".join([header] + block.text_parts)))
        else:
            text = " ".join([header] + block.text_parts)
        text = _clean(text)
        if not text:
            continue
        status = _clean(" ".join(block.status)) or None
        verdict_text = _clean(" ".join(block.verdict)) or None
        verdict, expectation = normalise_verdict(verdict_text)
        reasons: list[str] = []
        confidence = 1.0
        if verdict_text and verdict is Verdict.none:
            reasons.append("verdict phrase not recognised")
            confidence -= 0.4
        if not verdict_text:
            reasons.append("no verdict given")
            confidence -= 0.2
        if not block.first.is_table_row:
            reasons.append("table read as lines")
            confidence -= 0.1
        if block.first.page != block.last.page:
            reasons.append("goal spans a page break")
            confidence -= 0.1
        goals.append(Goal(
            plan=bplan, plan_year=byear, goal_id=block.goal_id, kind=_kind(title, btheme), theme=btheme,
            title=title, text=text, status_text=status, verdict=verdict, verdict_text=verdict_text,
            expectation=expectation, figures=_figures(text, "target") + _figures(status, "observed"),
            confidence=round(max(confidence, 0.1), 2), confidence_reasons=reasons, layout="table",
            page=block.first.page, start=block.first.start, end=block.last.end))
    return goals


_COL_GOAL = re.compile(r"^(?:mål(?:sætning)?(?:en|et)?|delmål|indikator|målsætninger|politisk mål)$", re.I)
_COL_STATUS = re.compile(r"^(?:status|resultat|aktuel status|opfølgning|måling)\b", re.I)
_COL_VERDICT = re.compile(r"^(?:målopfyldelse|vurdering|målvurdering|opfyldt|opfyldelse|nået)\b", re.I)


def _column(cells: list[str], cols: dict[str, int], key: str) -> str | None:
    n = cols.get(key)
    return cells[n] if n is not None and n < len(cells) and cells[n] else None


def column_table_goals(lines: list[DocLine], item_title: str | None) -> list[Goal]:
    """Tables with a header row `Mål | Status | Målopfyldelse`: one goal per row, columns by header."""
    goals: list[Goal] = []
    plan, plan_year = find_plan(item_title)
    cols: dict[str, int] | None = None
    theme: str | None = None
    for line in lines:
        if not line.is_table_row and "\t" not in line.text:
            cols = None if line.text.strip() else cols
            continue
        cells = [c.strip() for c in line.text.split("\t")]
        found = {}
        for n, cell in enumerate(cells):
            if _COL_GOAL.match(cell):
                found.setdefault("goal", n)
            elif _COL_STATUS.match(cell):
                found.setdefault("status", n)
            elif _COL_VERDICT.match(cell):
                found.setdefault("verdict", n)
        if "goal" in found and ("status" in found or "verdict" in found):
            cols = found
            continue
        if cols is None:
            continue
        filled = [c for c in cells if c]
        if len(filled) == 1 and cells[0]:
            theme = cells[0]  # a heading row spanning the table
            continue
        text = _column(cells, cols, "goal")
        if not text:
            continue
        goal_id = None
        m = re.match(r"^(?:Mål\s+)?(\d{1,2}(?:\.\d{1,2}){0,3})[.:)]?\s+(.+)$", text)
        if m:
            goal_id, text = m.group(1), m.group(2)
        elif cols["goal"] > 0 and re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){0,3}\.?", cells[0]):
            goal_id = cells[0].rstrip(".")
        status, verdict_text = _column(cells, cols, "status"), _column(cells, cols, "verdict")
        verdict, expectation = normalise_verdict(verdict_text)
        if verdict is Verdict.none and status and not verdict_text:
            verdict, expectation = normalise_verdict(status)
        reasons = ["verdict phrase not recognised"] if verdict_text and verdict is Verdict.none else []
        goals.append(Goal(plan=plan, plan_year=plan_year, goal_id=goal_id, theme=theme, text=_clean(text),
                          status_text=status, verdict=verdict, verdict_text=verdict_text, expectation=expectation,
                          figures=_figures(text, "target") + _figures(status, "observed"),
                          confidence=0.9 - 0.4 * bool(reasons), confidence_reasons=reasons, layout="table",
                          page=line.page, start=line.start, end=line.end))
    return goals


def colon_list_goals(lines: list[DocLine]) -> list[Goal]:
    """`Mål 10: …` with indicators `10.1: …`, each maybe followed by a status line."""
    goals: list[Goal] = []
    heading: str | None = None
    doc_theme = next((ln.text.strip() for ln in lines if ln.text.strip()), None)
    content = [ln for ln in lines if ln.text.strip()]
    after_goal = False
    for k, line in enumerate(content):
        text = line.text.strip()
        m = re.match(r"^(?:Mål\s+)?(\d{1,2}(?:\.\d{1,2})?)\s*:\s+(\S.+)$", text)
        if not m:
            if _is_heading_like(text) and len(text) < 40 and not (after_goal and text.lower().startswith("se")):
                heading = text
            after_goal = False
            continue
        after_goal = True
        gid, body = m.group(1), m.group(2)
        nxt = content[k + 1].text.strip() if k + 1 < len(content) else ""
        status = nxt if nxt and not re.match(r"^(?:Mål\s+)?\d", nxt) and len(nxt) < 80 and \
            not _is_heading_like(nxt) else None
        if nxt.lower().startswith("se, hvordan"):
            status = nxt
        verdict, expectation = normalise_verdict(status)
        goals.append(Goal(goal_id=gid, theme=doc_theme, title=heading if "." in gid else None, text=body,
                          status_text=status if verdict is not Verdict.none else None, verdict=verdict,
                          verdict_text=(re.search(r"\(.*\)", status).group(0) if status and "(" in status else None)
                          if verdict is not Verdict.none else None,
                          expectation=expectation, figures=_figures(body, "target"), confidence=0.7,
                          confidence_reasons=["goal list without follow-up table"], layout="list",
                          page=line.page, start=line.start, end=line.end))
    return goals if any(g.goal_id and "." not in g.goal_id for g in goals) else []


def list_goals(lines: list[DocLine], item_title: str | None) -> list[Goal]:
    """Bulleted or numbered goals under a line that calls them goals ("To overordnede målsætninger")."""
    v = vocab()
    goals: list[Goal] = []
    content = [ln for ln in lines if ln.text.strip()]
    intro: DocLine | None = None
    intro_verdict: tuple[Verdict, str | None] = (Verdict.none, None)
    theme: str | None = None
    in_list = False
    def list_follows(k: int) -> bool:
        """The list starts right after the intro, or after one heading line."""
        nxt = [ln.text.strip() for ln in content[k + 1:k + 3]]
        return bool(nxt) and (bool(_BULLET.match(nxt[0])) or (
            len(nxt) > 1 and _is_heading_like(nxt[0]) and bool(_BULLET.match(nxt[1]))))

    for k, line in enumerate(content):
        text = line.text.strip()
        bullet = _BULLET.match(text)
        if bullet:
            if intro is None:
                continue
            body = _clean(text[bullet.end():])
            number = re.match(r"^\s*(\d{1,2})[.)]", text)
            if body.endswith(":") or len(body) < 12 or len(body) > 300 or body.lower().startswith("at "):
                in_list = True
                continue  # a sub-intro, a fragment, or an "at …" recommendation point
            in_list = True
            verdict, vtext = intro_verdict
            plan, year = find_plan(intro.text, item_title)
            goals.append(Goal(goal_id=number.group(1) if number and not theme else None, plan=plan, plan_year=year,
                              theme=theme or _clean(intro.text.rstrip(":")), text=body, verdict=verdict,
                              verdict_text=vtext, figures=_figures(body, "target"), confidence=0.6,
                              confidence_reasons=["goal found in a list, not a follow-up table"], layout="list",
                              page=line.page, start=line.start, end=line.end))
            continue
        if goals and in_list and text[:1].islower() and goals[-1].end == content[k - 1].end:
            goals[-1].text = _clean(f"{goals[-1].text} {text}")  # the bullet's text wrapped onto this line
            goals[-1].end = line.end
            continue
        last_sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
        names_goals = (bool(v["intro_re"].search(last_sentence)) and not v["intro_not_re"].search(last_sentence)) or (
            bool(re.search(r"\b(?:nedenstående|følgende)\s+(?:[\wæøå]+\s+)?mål", text, re.I)))
        if intro is not None and _is_heading_like(text) and len(text) < 90 and list_follows(k) and \
                (in_list or content[k - 1] is intro):
            theme = _clean(text)  # a sub-heading inside the list of goals
            continue
        if names_goals and list_follows(k):
            intro = line
            theme = None
            in_list = False
            verdict = classify_clause(text)
            intro_verdict = (verdict, _clean(text)) if verdict else (Verdict.none, None)
            continue
        if intro is not None and list_follows(k - 1) and k and content[k - 1] is intro:
            continue  # the one heading between intro and list
        intro = None
        in_list = False
    for goal in goals:
        goal.text = re.sub(r"\s*\((?:Hvis|hvis|jf\.|se)\b.*\)\s*$", "", goal.text)
    return goals


_ABBREV = {"ca", "pr", "nr", "kr", "mio", "mia", "fx", "jf", "inkl", "evt", "kl", "bl.a", "f.eks", "mht", "vedr",
           "ift", "pkt", "stk", "mdr", "t", "dvs", "mv", "m.v", "osv", "etc", "hhv", "ang", "iht", "pct"}


def paragraphs(lines: list[DocLine]) -> list[str]:
    """Lines joined into paragraphs; a blank line or a new list item starts the next one."""
    out: list[str] = []
    cur: list[str] = []
    for line in lines:
        text = line.text.strip()
        if not text or _BULLET.match(text) or line.is_table_row:
            if cur:
                out.append(" ".join(cur))
            cur = [text] if text and not line.is_table_row else []
            continue
        cur.append(text)
    if cur:
        out.append(" ".join(cur))
    return out


def sentences(paragraph: str) -> list[str]:
    """Split at . ! ? followed by a capital or digit, but not after abbreviations or inside numbers."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ”\"(])", paragraph):
        before = paragraph[start:m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if word in _ABBREV or re.fullmatch(r"\d{1,2}", word):
            continue
        out.append(paragraph[start:m.end()].strip())
        start = m.end()
    if paragraph[start:].strip():
        out.append(paragraph[start:].strip())
    return out


def prose_goals(lines: list[DocLine]) -> list[Goal]:
    v = vocab()
    goals: list[Goal] = []
    base = lines[0].start if lines else 0
    para_sentences = [sentences(p) for p in paragraphs(lines)]
    all_sentences = [(pi, si, s) for pi, ps in enumerate(para_sentences) for si, s in enumerate(ps)]
    for n, (pi, si, sentence) in enumerate(all_sentences):
        found: list[tuple[str, str]] = []
        for rx in v["prose_res"]:
            for m in rx.finditer(sentence):
                found.append((_clean(m.group("text")), sentence))
        if not found:
            continue
        if n + 1 < len(all_sentences):
            f = v["followup_re"].match(all_sentences[n + 1][2])
            if f:
                found += [(_clean(p), all_sentences[n + 1][2])
                          for p in re.split(r",?\s+samt\s+at\s+|,\s+og\s+at\s+", f.group("text"))]
        status, verdict_sentence = _followup_in_paragraph(para_sentences[pi][si + 1:])
        for goal_text, clause in found:
            goal_text = goal_text.rstrip(",;")
            if len(goal_text) < 15:
                continue
            judged = clause if re.search(r"nået|opfyld", clause) else verdict_sentence
            verdict, expectation = normalise_verdict(judged)
            plan, plan_year = find_plan(goal_text, clause)
            goals.append(Goal(text=goal_text, verdict=verdict, expectation=expectation, plan=plan, plan_year=plan_year,
                              status_text=(status or (judged if re.search(r"\d", judged) else None))
                              if verdict_sentence and judged is verdict_sentence else None,
                              verdict_text=judged if verdict is not Verdict.none else None,
                              figures=_figures(goal_text, "target") + _figures(status, "observed"), confidence=0.5,
                              confidence_reasons=["goal found in prose"], layout="prose",
                              page=lines[0].page if lines else None, start=base, end=lines[-1].end if lines else base))
    known = " ".join(g.text.lower() for g in goals)
    for goal in cue_goals(lines):
        if goal.text.lower()[:40] not in known and not any(g.text.lower()[:40] in goal.text.lower() for g in goals):
            goals.append(goal)
    return _merge_duplicates(goals)


def cue_goals(lines: list[DocLine]) -> list[Goal]:
    """Sentences with a target cue (`skal`, `forventes`, `Målet er, at`) or in italics, closed by a verdict.

    spaCy marks the cues and verdict sentences; a goal needs both, in one paragraph, so ordinary
    prose that merely says what "skal" happen is left alone.
    """
    goals: list[Goal] = []
    italic_text = " ".join(ln.text.strip() for ln in lines if ln.italic)
    for para in paragraphs(lines):
        if not re.search(r"nå|opfyld|tidligt|muligt|udgå", para, re.I):
            continue
        analysed = analyse(para)
        for k, (sentence, cues, is_verdict) in enumerate(analysed):
            italic = bool(italic_text) and sentence[:30] in italic_text
            if is_verdict or not ({"TARGET_MODAL", "TARGET_NOUN"} & cues or italic):
                continue
            rest = analysed[k + 1:]
            j = next((n for n, r in enumerate(rest) if r[2]), None)
            if j is None or any({"TARGET_NOUN"} & r[1] for r in rest[:j]):
                continue
            verdict_sentence = rest[j][0]
            verdict, expectation = normalise_verdict(verdict_sentence)
            if verdict is Verdict.none:
                continue
            status = " ".join(r[0] for r in rest[:j]) or None
            goals.append(Goal(text=sentence, status_text=status, verdict=verdict, expectation=expectation,
                              verdict_text=verdict_sentence,
                              figures=_figures(sentence, "target") + _figures(status, "observed"),
                              confidence=0.45 if not italic else 0.55,
                              confidence_reasons=["goal found in prose" + (" (italic)" if italic else "")],
                              layout="prose", page=lines[0].page if lines else None,
                              start=lines[0].start if lines else None, end=lines[-1].end if lines else None))
            break  # one goal per paragraph: the first cue sentence before its verdict
    return goals


def _followup_in_paragraph(rest: list[str]) -> tuple[str | None, str | None]:
    """Status sentences and the verdict sentence that close a prose goal's paragraph."""
    for k, sentence in enumerate(rest):
        if vocab()["prose_res"][2].search(sentence) or vocab()["prose_res"][0].search(sentence):
            return None, None  # the next goal starts before any verdict
        names_goal = re.match(r"^(?:Det\s+er|Dermed|Samlet)\b", sentence) or \
            re.search(r"\bmål(?:et|sætningen)\b", sentence, re.I)
        if names_goal and classify_clause(sentence):
            return (" ".join(rest[:k]) or None), sentence
    return None, None


def _figure_key(goal: Goal) -> tuple[str, ...]:
    return tuple(sorted(re.findall(r"\d+(?:[.,]\d+)?", goal.text)))


def _merge_duplicates(goals: list[Goal]) -> list[Goal]:
    """The same target restated later in an item ("Nu opfyldes målsætningen om, at 80% …") is one goal."""
    kept: list[Goal] = []
    for goal in goals:
        key = _figure_key(goal)
        twin = next((k for k in kept if key and _figure_key(k) == key), None)
        if twin is None:
            kept.append(goal)
        elif twin.verdict is Verdict.none and goal.verdict is not Verdict.none:
            twin.verdict, twin.verdict_text, twin.status_text = goal.verdict, goal.verdict_text, goal.verdict_text
    return kept


_SUMMARY_COUNT = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3})\s+(?:af\s+(?:de\s+)?\w+\s+)?mål\s+(?P<rest>(?:er|blev|har|kan|vurderes|forventes)\b(?:(?!\s\d{1,3}\s+mål\b)[^,.;:])*)",
    re.I)


def declared_summaries(lines: list[DocLine], item: str | None, plan_year: int | None) -> list[DeclaredSummary]:
    """Counts the item states about its own goals ("8 mål er nået", "3 mål er nået, 2 mål er ikke nået …")."""
    counts: dict[str, int] = {}
    texts: list[str] = []
    for para in paragraphs(lines):
        for m in _SUMMARY_COUNT.finditer(para):
            before = para[max(0, m.start() - 12):m.start()].lower()
            if re.search(r"(?:ud\s+)?af\s+(?:de\s+)?$", before):
                continue  # "ud af de 24 mål er 11 mål ikke nået": 24 is the total, not a verdict count
            rest = re.split(r"\s+og\s+\d", m.group("rest"))[0]
            verdict = classify_clause("Målet " + rest) or classify_clause(rest)
            if verdict is None:
                continue
            counts[verdict.value] = counts.get(verdict.value, 0) + int(m.group("n"))
            texts.append(_clean(m.group(0)))
    if sum(counts.values()) < 2:
        return []
    return [DeclaredSummary(agenda_item=item, plan_year=plan_year, counts=counts, text="\n".join(texts))]


def _item_goals(lines: list[DocLine], item: AgendaItem | None) -> tuple[list[Goal], list[DeclaredSummary]]:
    title = item.title if item else None
    goals = table_goals(lines, title) or column_table_goals(lines, title)
    if not goals:
        goals = colon_list_goals(lines)
    if not goals:
        listed = list_goals(lines, title)
        seen = " ".join(g.text.lower() for g in listed)
        goals = listed + [g for g in prose_goals(lines)
                          if not _BULLET.match(g.text) and g.text.lower()[:40] not in seen]
    number = item.number if item else None
    for g in goals:
        g.agenda_item = number
    plan_year = find_plan(title)[1] or next((g.plan_year for g in goals if g.plan_year), None)
    summaries = declared_summaries(lines, number, plan_year)
    for s in summaries:
        extracted: dict[str, int] = {}
        for g in goals:
            if g.layout == "table" and (s.plan_year is None or g.plan_year in (None, s.plan_year)):
                extracted[g.verdict.value] = extracted.get(g.verdict.value, 0) + 1
        s.extracted = extracted
        # a dropped goal has left the plan, so the item's own count no longer includes it
        compared = {k: v for k, v in extracted.items() if k != Verdict.dropped.value or k in s.counts}
        s.mismatch = bool(extracted) and compared != s.counts
        if s.mismatch:
            for g in goals:
                if g.layout == "table":
                    g.confidence_reasons.append("item's declared summary disagrees with its table")
    return goals, summaries


def extract_goals(doc: Document, items: list[AgendaItem]) -> tuple[list[Goal], list[DeclaredSummary]]:
    goals: list[Goal] = []
    summaries: list[DeclaredSummary] = []
    if not items:
        g, s = _item_goals(doc.lines, None)
        return g, s
    for item in items:
        lines = [ln for ln in doc.lines if item.start <= ln.start <= item.end]
        g, s = _item_goals(lines, item)
        goals += g
        summaries += s
    return goals, summaries
