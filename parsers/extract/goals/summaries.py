"""Counts a document declares about its own goals ("8 mål er nået"), compared with the table.
"""

from __future__ import annotations

import re

from models.records import AgendaItem, DeclaredSummary, DocLine, Document, Goal, Verdict
from parsers.extract.goals.common import Context, _clean, find_plan
from parsers.extract.goals.paragraphs import paragraph_spans, paragraphs
from parsers.extract.verdicts import classify_clause

_SUMMARY_COUNT = re.compile(
    r"(?<![\d.,])(?P<n>\d{1,3})\s+(?:af\s+(?:de\s+)?\w+\s+)?mål\s+(?P<rest>(?:er|blev|har|kan|vurderes|forventes)\b(?:(?!\s\d{1,3}\s+mål\b)[^,.;:])*)",
    re.I)


def _summary_counts(text: str) -> tuple[dict[str, int], list[str]]:
    counts: dict[str, int] = {}
    texts: list[str] = []
    for m in _SUMMARY_COUNT.finditer(text):
        before = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"(?:ud\s+)?af\s+(?:de\s+)?$", before):
            continue  # "ud af de 24 mål er 11 mål ikke nået": 24 is the total, not a verdict count
        rest = re.split(r"\s+og\s+\d", m.group("rest"))[0]
        verdict = classify_clause("Målet " + rest) or classify_clause(rest)
        if verdict is None:
            continue
        counts[verdict.value] = counts.get(verdict.value, 0) + int(m.group("n"))
        texts.append(_clean(m.group(0)))
    return counts, texts


def declared_summaries(lines: list[DocLine], item: str | None, plan_year: int | None) -> list[DeclaredSummary]:
    """Counts a text states about its own goals ("8 mål er nået", "3 mål er nået, 2 mål er ikke nået …")."""
    counts: dict[str, int] = {}
    texts: list[str] = []
    for para in paragraphs(lines):
        c, t = _summary_counts(para)
        for key, value in c.items():
            counts[key] = counts.get(key, 0) + value
        texts += t
    if sum(counts.values()) < 2:
        return []
    return [DeclaredSummary(agenda_item=item, plan_year=plan_year, counts=counts, text="\n".join(texts))]


def _item_at(items: list[AgendaItem], offset: int | None) -> AgendaItem | None:
    if offset is None:
        return None
    return next((it for it in items if it.start <= offset <= it.end), None)


def _summaries(doc: Document, items: list[AgendaItem], goals: list[Goal], ctx: Context) -> list[DeclaredSummary]:
    """Declared counts found anywhere, grouped by agenda item and plan year, compared with the table goals.

    The comparison pairs a summary with the table goals of its plan year (or, with no year, of its
    own item): a summary never depends on the item split to find the goals it speaks of.
    """
    groups: dict[tuple[str | None, int | None], tuple[dict[str, int], list[str]]] = {}
    for para in paragraph_spans(doc.lines):
        counts, texts = _summary_counts(para.text)
        if not counts:
            continue
        item = _item_at(items, para.first.start)
        year = (find_plan(item.title)[1] if item else None) or ctx.plan_at(para.first.start)[1]
        key = (item.number if item else None, year)
        total, all_texts = groups.setdefault(key, ({}, []))
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        all_texts += texts
    out: list[DeclaredSummary] = []
    tables = [g for g in goals if g.layout == "table"]
    for (number, year), (counts, texts) in groups.items():
        if sum(counts.values()) < 2:
            continue
        if year is not None:
            judged = [g for g in tables
                      if g.plan_year in (None, year) and (g.plan_year == year or g.agenda_item == number)]
        else:
            judged = [g for g in tables if g.agenda_item == number]
        extracted: dict[str, int] = {}
        for g in judged:
            extracted[g.verdict.value] = extracted.get(g.verdict.value, 0) + 1
        # a dropped goal has left the plan, so the text's own count no longer includes it
        compared = {k: v for k, v in extracted.items() if k != Verdict.dropped.value or k in counts}
        mismatch = bool(extracted) and compared != counts
        if mismatch:
            for g in judged:
                g.confidence_reasons.append("the declared summary disagrees with the table")
        out.append(DeclaredSummary(agenda_item=number, plan_year=year, counts=counts, text="\n".join(texts),
                                   extracted=extracted, mismatch=mismatch))
    return out
