"""What reviewers see: goals and items with the overlay applied, their review state and flags.

Unlike `v_goals`, the queue keeps goals marked "not a goal" and false items (state `rejected`)
so a reviewer can find and undo them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Text, case, cast, false, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from models.schema import (
    AgendaItemRow,
    CorrectionRow,
    DeclaredSummaryRow,
    DocumentPathRow,
    DocumentRow,
    GoalRow,
    MeetingRow,
    ReviewGoalRow,
)
from review.overlay import GOAL_FIELDS, ITEM_FIELDS

STATES = ("unreviewed", "confirmed", "corrected", "rejected")
FLAGS = {
    "summary_mismatch": "summary mismatch",
    "unrecognised_verdict": "unrecognised verdict",
    "page_break": "split over a page break",
    # "low_link": "low-confidence link" — goal-series links come with issue 8's goal_history; flag them here
}


@dataclass
class Filters:
    kind: str = "goal"
    municipality: str | None = None
    document: str | None = None
    plan_year: int | None = None
    verdict: str | None = None
    flag: str | None = None
    state: str | None = None

    def query(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _state(current: dict[str, CorrectionRow], rejected_flag: str) -> str:
    if rejected_flag in current:
        return "rejected"
    if set(current) - {"confirmed"}:
        return "corrected"
    return "confirmed" if "confirmed" in current else "unreviewed"


def _overlay(session: Session, target: str) -> dict[str, dict[str, CorrectionRow]]:
    out: dict[str, dict[str, CorrectionRow]] = {}
    for c in session.scalars(select(CorrectionRow).where(CorrectionRow.state == "active",
                                                         CorrectionRow.target == target)):
        out.setdefault(c.anchor, {})[c.field] = c
    return out


def _documents(session: Session) -> dict[int, dict[str, Any]]:
    names: dict[int, str] = {}
    for doc_id, name in session.execute(select(DocumentPathRow.document_id, DocumentPathRow.name)
                                        .order_by(DocumentPathRow.id)):
        names.setdefault(doc_id, name)
    meetings = {m.document_id: m for m in session.scalars(select(MeetingRow))}
    out = {}
    for d in session.execute(select(DocumentRow.id, DocumentRow.sha256, DocumentRow.format)):
        m = meetings.get(d.id)
        out[d.id] = {"name": names.get(d.id, d.sha256[:12]), "sha256": d.sha256, "format": d.format,
                     "municipality": m.municipality if m else None, "date": m.date if m else None}
    return out


def goal_queue(session: Session) -> list[dict[str, Any]]:
    """Every goal (parser's and reviewers'), effective values, lowest confidence first, built in Python.

    The app pages the queue in SQL (`goal_page`); this whole-queue build stays as the plain reference
    that the SQL pager is tested against, row for row (tests/test_review_queue.py)."""
    docs = _documents(session)
    by_sha = {d["sha256"]: i for i, d in docs.items()}
    items = {r.id: r.number for r in session.scalars(select(AgendaItemRow))}
    mismatched = {(r.item_id, r.plan_year) for r in session.scalars(
        select(DeclaredSummaryRow).where(DeclaredSummaryRow.mismatch.is_(True)))}
    overlay = _overlay(session, "goal")
    rows: list[dict[str, Any]] = []
    for g in session.scalars(select(GoalRow).order_by(GoalRow.document_id, GoalRow.seq)):
        current = overlay.get(g.anchor, {})
        row = {f: getattr(g, f) for f in GOAL_FIELDS}
        for f, c in current.items():
            if f in GOAL_FIELDS:
                row[f] = int(c.new_value) if f == "plan_year" and c.new_value else c.new_value
        reasons = g.confidence_reasons or []
        flags = []
        if (g.item_id, g.plan_year) in mismatched:
            flags.append("summary_mismatch")
        if any("not recognised" in r for r in reasons):
            flags.append("unrecognised_verdict")
        if any("page break" in r for r in reasons):
            flags.append("page_break")
        doc = docs.get(g.document_id, {})
        row.update(anchor=g.anchor, confidence=g.confidence, reasons=reasons, flags=flags, page=g.page,
                   document=doc.get("name"), municipality=doc.get("municipality"), meeting_date=doc.get("date"),
                   agenda_item=items.get(g.item_id or -1), state=_state(current, "not_goal"), source="parser",
                   corrected=sorted(set(current) - {"confirmed"}))
        rows.append(row)
    for r in session.scalars(select(ReviewGoalRow)):
        doc = docs.get(by_sha.get(r.document_sha256, -1), {})
        row = {f: getattr(r, f) for f in GOAL_FIELDS}
        row.update(anchor=r.anchor, confidence=1.0, reasons=["added by " + r.created_by], flags=[], page=r.page,
                   document=doc.get("name", f"(missing document {r.document_sha256[:12]})"),
                   municipality=doc.get("municipality"), meeting_date=doc.get("date"), agenda_item=r.item_number,
                   state="corrected" if r.state == "active" else "rejected", source="reviewer", corrected=["added"])
        rows.append(row)
    rows.sort(key=lambda r: (r["confidence"], r["document"] or "", r["plan_year"] or 0, r["goal_id"] or ""))
    return rows


def item_queue(session: Session) -> list[dict[str, Any]]:
    """Every agenda item with the overlay applied, in document order (items carry no confidence)."""
    docs = _documents(session)
    overlay = _overlay(session, "item")
    rows = []
    for i in session.scalars(select(AgendaItemRow).order_by(AgendaItemRow.document_id, AgendaItemRow.seq)):
        current = overlay.get(i.anchor, {})
        row = {f: getattr(i, f) for f in ITEM_FIELDS}
        row.update({f: c.new_value for f, c in current.items() if f in ITEM_FIELDS})
        doc = docs.get(i.document_id, {})
        row.update(anchor=i.anchor, confidence=None, flags=[], page=i.page_start, page_end=i.page_end,
                   document=doc.get("name"), municipality=doc.get("municipality"), meeting_date=doc.get("date"),
                   plan_year=None, verdict=None, state=_state(current, "false_item"),
                   corrected=sorted(set(current) - {"confirmed"}))
        rows.append(row)
    return rows


def filtered(rows: list[dict[str, Any]], f: Filters) -> list[dict[str, Any]]:
    def keep(r: dict[str, Any]) -> bool:
        return ((not f.municipality or (r["municipality"] or "") == f.municipality)
                and (not f.document or r["document"] == f.document)
                and (f.plan_year is None or r["plan_year"] == f.plan_year)
                and (not f.verdict or r["verdict"] == f.verdict)
                and (not f.flag or f.flag in r["flags"])
                and (not f.state or r["state"] == f.state))
    return [r for r in rows if keep(r)]


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(STATES, 0)
    for r in rows:
        out[r["state"]] += 1
    return out


# ----- the goal queue in SQL: filtered, ordered and paged by the database -----

PAGE_SIZE = 100


def _goal_rows() -> Any:
    """One row per goal (the parser's, with reviewers' corrections applied, and reviewers' own), as a subquery.

    The columns are the ones the queue filters and sorts on; the page's rows are then read in full
    by id. Corrections are grouped per anchor once (at most one active value per field).
    """
    c = CorrectionRow
    active = (c.target == "goal") & (c.state == "active")

    def value(field: str) -> Any:
        return func.max(case((c.field == field, c.new_value)))

    def has(condition: Any) -> Any:
        return func.max(case((condition, 1), else_=0))

    corr = (select(c.anchor.label("anchor"), value("plan_year").label("plan_year"), value("verdict").label("verdict"),
                   value("goal_id").label("goal_id"), has(c.field == "not_goal").label("not_goal"),
                   has(c.field != "confirmed").label("changed"), has(c.field == "confirmed").label("confirmed"))
            .where(active).group_by(c.anchor).subquery("corr"))
    first_path = (select(DocumentPathRow.document_id, func.min(DocumentPathRow.id).label("pid"))
                  .group_by(DocumentPathRow.document_id).subquery("first_path"))
    path = aliased(DocumentPathRow, name="first_name")
    mismatched = (select(DeclaredSummaryRow.item_id, DeclaredSummaryRow.plan_year)
                  .where(DeclaredSummaryRow.mismatch.is_(True)).distinct().subquery("mismatched"))
    g, d, m, item = GoalRow, DocumentRow, MeetingRow, AgendaItemRow
    reasons = cast(g.confidence_reasons, Text)
    parser = (
        select(literal("parser").label("source"), g.id.label("id"), g.anchor.label("anchor"),
               g.confidence.label("confidence"),
               func.coalesce(path.name, func.substr(d.sha256, 1, 12)).label("document"),
               m.municipality.label("municipality"), m.date.label("meeting_date"),
               item.number.label("agenda_item"),
               case((corr.c.anchor.is_(None), g.plan_year), (corr.c.plan_year.is_(None), g.plan_year),
                    else_=cast(func.nullif(corr.c.plan_year, ""), Integer)).label("plan_year"),
               func.coalesce(corr.c.verdict, g.verdict).label("verdict"),
               func.coalesce(corr.c.goal_id, g.goal_id).label("goal_id"),
               case((corr.c.not_goal == 1, "rejected"), (corr.c.changed == 1, "corrected"),
                    (corr.c.confirmed == 1, "confirmed"), else_="unreviewed").label("state"),
               case((mismatched.c.item_id.is_not(None), 1), else_=0).label("summary_mismatch"),
               case((reasons.like("%not recognised%"), 1), else_=0).label("unrecognised_verdict"),
               case((reasons.like("%page break%"), 1), else_=0).label("page_break"),
               literal(0).label("ord"), g.document_id.label("doc_order"), g.seq.label("seq"))
        .join(d, d.id == g.document_id)
        .outerjoin(first_path, first_path.c.document_id == g.document_id)
        .outerjoin(path, path.id == first_path.c.pid)
        .outerjoin(m, m.document_id == g.document_id)
        .outerjoin(item, item.id == g.item_id)
        .outerjoin(corr, corr.c.anchor == g.anchor)
        .outerjoin(mismatched, (mismatched.c.item_id == g.item_id)
                   & mismatched.c.plan_year.is_not_distinct_from(g.plan_year)))
    r = ReviewGoalRow
    rd, rm = aliased(DocumentRow, name="rd"), aliased(MeetingRow, name="rm")
    rfirst = aliased(first_path, name="rfirst")
    rpath = aliased(DocumentPathRow, name="rpath")
    added = (
        select(literal("reviewer"), r.id, r.anchor, literal(1.0),
               case((rd.id.is_(None), "(missing document " + func.substr(r.document_sha256, 1, 12) + ")"),
                    else_=func.coalesce(rpath.name, func.substr(rd.sha256, 1, 12))),
               rm.municipality, rm.date, r.item_number, r.plan_year, r.verdict, r.goal_id,
               case((r.state == "active", "corrected"), else_="rejected"),
               literal(0), literal(0), literal(0), literal(1), literal(0), r.id)
        .outerjoin(rd, rd.sha256 == r.document_sha256)
        .outerjoin(rfirst, rfirst.c.document_id == rd.id)
        .outerjoin(rpath, rpath.id == rfirst.c.pid)
        .outerjoin(rm, rm.document_id == rd.id))
    return union_all(parser, added).subquery("queue")


def _where(q: Any, f: Filters, state: bool = True) -> list[Any]:
    out = []
    if f.municipality:
        out.append(q.c.municipality == f.municipality)
    if f.document:
        out.append(q.c.document == f.document)
    if f.plan_year is not None:
        out.append(q.c.plan_year == f.plan_year)
    if f.verdict:
        out.append(q.c.verdict == f.verdict)
    if f.flag in FLAGS:
        out.append(q.c[f.flag] == 1)
    elif f.flag:
        out.append(false())
    if state and f.state:
        out.append(q.c.state == f.state)
    return out


def _order(q: Any) -> list[Any]:
    """Lowest confidence first, then as the old Python sort (document, year, id), then document order."""
    return [q.c.confidence, func.coalesce(q.c.document, ""), func.coalesce(q.c.plan_year, 0),
            func.coalesce(q.c.goal_id, ""), q.c.ord, q.c.doc_order, q.c.seq]


def goal_counts(session: Session, f: Filters) -> dict[str, int]:
    """Goals per review state under every filter but the state one (one GROUP BY)."""
    q = _goal_rows()
    out = dict.fromkeys(STATES, 0)
    for state, n in session.execute(select(q.c.state, func.count()).where(*_where(q, f, state=False))
                                    .group_by(q.c.state)):
        out[state] = n
    return out


def goal_options(session: Session) -> dict[str, list[str]]:
    """The values each filter can take, for the filter form.

    Read from the documents that have goals and from each field's distinct values (the parser's where
    no reviewer changed it, the reviewers' values, the added goals'), not by a pass over the queue:
    the form is on every queue page.
    """
    g, c = GoalRow, CorrectionRow
    q = _goal_rows()
    added = select(q).where(q.c.ord == 1).subquery("added")  # reviewers' goals: few
    with_goals = select(g.document_id).distinct().subquery("with_goals")
    first_path = (select(DocumentPathRow.document_id, func.min(DocumentPathRow.id).label("pid"))
                  .group_by(DocumentPathRow.document_id).subquery("first_path"))
    names = (select(func.coalesce(DocumentPathRow.name, func.substr(DocumentRow.sha256, 1, 12)))
             .select_from(with_goals).join(DocumentRow, DocumentRow.id == with_goals.c.document_id)
             .outerjoin(first_path, first_path.c.document_id == DocumentRow.id)
             .outerjoin(DocumentPathRow, DocumentPathRow.id == first_path.c.pid))
    towns = select(MeetingRow.municipality).join(with_goals, with_goals.c.document_id == MeetingRow.document_id)

    def field(name: str) -> Any:
        changed = select(c.anchor).where(c.target == "goal", c.state == "active", c.field == name)
        corrected = select(c.new_value).where(c.target == "goal", c.state == "active", c.field == name)
        as_parsed = select(getattr(g, name)).where(g.anchor.not_in(changed))
        return [as_parsed, corrected, select(added.c[name])]

    parts = {"municipality": [towns, select(added.c.municipality)], "document": [names, select(added.c.document)],
             "plan_year": field("plan_year"), "verdict": field("verdict")}
    out = {}
    for key, queries in parts.items():
        values = {v for query in queries for v in session.scalars(query.distinct())}
        out[key] = sorted({str(v) for v in values if v not in (None, "")})
    return out


def goal_page(session: Session, f: Filters, page: int = 1, size: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """One page of the filtered goal queue (1-based), each row with effective values and flags."""
    q = _goal_rows()
    hits = session.execute(select(q).where(*_where(q, f)).order_by(*_order(q))
                           .limit(size).offset(max(0, page - 1) * size)).mappings().all()
    return _full_rows(session, hits)


def goals_of_document(session: Session, document: str) -> list[dict[str, Any]]:
    """Every goal of one document (its name as the queue shows it), for the goal page's split/merge list."""
    q = _goal_rows()
    hits = session.execute(select(q).where(q.c.document == document).order_by(*_order(q))).mappings().all()
    return _full_rows(session, hits)


def goal_neighbours(session: Session, f: Filters, anchor: str) -> tuple[str | None, str | None, int, int]:
    """The goals before and after `anchor` in the filtered queue, its 1-based position and the total.

    Not in the queue (filtered out): no previous, the first goal as next, position 0.
    """
    q = _goal_rows()
    ranked = select(q.c.anchor, func.row_number().over(order_by=_order(q)).label("n"),
                    func.count().over().label("total")).where(*_where(q, f)).cte("ranked")
    me = select(ranked.c.n).where(ranked.c.anchor == anchor).limit(1).scalar_subquery()
    near = session.execute(select(ranked.c.n, ranked.c.anchor, ranked.c.total)
                           .where(ranked.c.n.between(me - 1, me + 1))).all()  # one sort for all three
    at = {n: a for n, a, _ in near}
    pos = next((n for n, a, _ in near if a == anchor), None)
    if pos is None:
        first = session.execute(select(ranked.c.anchor, ranked.c.total).where(ranked.c.n == 1)).first()
        return (None, first[0], 0, first[1]) if first else (None, None, 0, 0)
    return at.get(pos - 1), at.get(pos + 1), pos, near[0][2]


def _full_rows(session: Session, hits: list[Any]) -> list[dict[str, Any]]:
    """The queue's rows for these hits: effective fields from the goal and its active corrections."""
    parser_ids = [h["id"] for h in hits if h["source"] == "parser"]
    added_ids = [h["id"] for h in hits if h["source"] == "reviewer"]
    goals = {g.id: g for g in session.scalars(select(GoalRow).where(GoalRow.id.in_(parser_ids)))} \
        if parser_ids else {}
    added = {r.id: r for r in session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.id.in_(added_ids)))} \
        if added_ids else {}
    overlay: dict[str, dict[str, CorrectionRow]] = {}
    anchors = [g.anchor for g in goals.values()]
    if anchors:
        for c in session.scalars(select(CorrectionRow).where(CorrectionRow.state == "active",
                                                             CorrectionRow.target == "goal",
                                                             CorrectionRow.anchor.in_(anchors))
                                 .order_by(CorrectionRow.id)):
            overlay.setdefault(c.anchor, {})[c.field] = c
    rows = []
    for h in hits:
        common = dict(anchor=h["anchor"], confidence=h["confidence"], document=h["document"],
                      municipality=h["municipality"], meeting_date=h["meeting_date"], agenda_item=h["agenda_item"],
                      state=h["state"], source=h["source"])
        if h["source"] == "parser":
            g = goals[h["id"]]
            current = overlay.get(g.anchor, {})
            row = {f: getattr(g, f) for f in GOAL_FIELDS}
            for f, c in current.items():
                if f in GOAL_FIELDS:
                    row[f] = int(c.new_value) if f == "plan_year" and c.new_value else c.new_value
            row.update(common, reasons=g.confidence_reasons or [], page=g.page,
                       flags=[k for k in FLAGS if h[k]], corrected=sorted(set(current) - {"confirmed"}))
        else:
            a = added[h["id"]]
            row = {f: getattr(a, f) for f in GOAL_FIELDS}
            row.update(common, reasons=["added by " + a.created_by], page=a.page, flags=[], corrected=["added"])
        rows.append(row)
    return rows


def document_of(session: Session, anchor: str) -> str | None:
    """The document name the queue shows for one goal (its first path's name)."""
    q = _goal_rows()
    return session.scalar(select(q.c.document).where(q.c.anchor == anchor).limit(1))
