"""What reviewers see: goals and items with the overlay applied, their review state and flags.

Unlike `v_goals`, the queue keeps goals marked "not a goal" and false items (state `rejected`)
so a reviewer can find and undo them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    """Every goal (parser's and reviewers'), effective values, lowest confidence first."""
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
