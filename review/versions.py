"""Optimistic concurrency for reviewers' writes: a save made from a form opened before someone else's
save is refused, never applied over it.

Every goal, item and goal link has a version in `review_versions` (migration 0011): for goals and
items the id of the audit row of the last accepted change, for links a count of decisions. A page
carries the version it was opened at; a write first takes the version row (`take`: an INSERT that
takes SQLite's write lock, then SELECT ... FOR UPDATE on PostgreSQL, so two writers of one goal run
one after the other), compares, and only then changes anything. A refused attempt is written to the
audit log (action `conflict`) with the values it would have set, so the log holds every accepted
and every refused save.

A page reads the version BEFORE the values it shows: should a save land in between, the form is
at worst refused needlessly, never accepted with values it did not show.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models.schema import AgendaItemRow, ReviewAuditRow, ReviewGoalRow, ReviewVersionRow
from review import overlay

NOT_CHANGES = ("conflict",)  # audit actions that record an attempt, not a change


def link_key(from_anchor: str, to_anchor: str) -> str:
    return f"{from_anchor} -> {to_anchor}"


def version_of(session: Session, target: str, anchor: str) -> int:
    return session.scalar(select(ReviewVersionRow.version).where(ReviewVersionRow.target == target,
                                                                 ReviewVersionRow.anchor == anchor)) or 0


def versions_of(session: Session, target: str, anchors: Iterable[str]) -> dict[str, int]:
    wanted = list(anchors)
    out = dict.fromkeys(wanted, 0)
    for i in range(0, len(wanted), 500):
        for anchor, version in session.execute(select(ReviewVersionRow.anchor, ReviewVersionRow.version)
                                               .where(ReviewVersionRow.target == target,
                                                      ReviewVersionRow.anchor.in_(wanted[i:i + 500]))):
            out[anchor] = version
    return out


def take(session: Session, target: str, anchor: str) -> ReviewVersionRow:
    """The anchor's version row, held for the rest of the transaction; call it before anything else.

    The INSERT comes first on purpose: on SQLite it takes the write lock before this transaction has
    read anything (a transaction that read first could not take the lock after another writer
    committed); on PostgreSQL FOR UPDATE makes a second writer of the same anchor wait here.
    """
    session.execute(text("INSERT INTO review_versions (target, anchor, version) VALUES (:t, :a, 0) "
                         "ON CONFLICT DO NOTHING"), {"t": target, "a": anchor})
    return session.scalars(select(ReviewVersionRow).where(ReviewVersionRow.target == target,
                                                          ReviewVersionRow.anchor == anchor)
                           .with_for_update().execution_options(populate_existing=True)).one()


def seen_version(value: str | None) -> int | None:
    """The version a form says it was opened at; None when it says none (an old page, a hand-made POST)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def bump(session: Session, row: ReviewVersionRow, user: str) -> int:
    """After an accepted write: the version becomes the id of the newest audit row of a change to
    the anchor (ours: the row is held). A write that changed nothing leaves it as it was."""
    session.flush()
    newest = session.scalar(select(func.max(ReviewAuditRow.id)).where(
        ReviewAuditRow.anchor == row.anchor, ReviewAuditRow.target == row.target,
        ReviewAuditRow.action.not_in(NOT_CHANGES))) or 0
    if newest > row.version:
        row.version, row.changed_by, row.changed_at = newest, user, overlay.now()
    return row.version


def count_up(row: ReviewVersionRow, user: str) -> int:
    """A link decision: its version counts decisions (link decisions have no field audit of their own)."""
    row.version, row.changed_by, row.changed_at = row.version + 1, user, overlay.now()
    return row.version


@dataclass
class FieldClash:
    field: str
    at_open: str | None  # the value when the refused form was opened
    yours: str | None
    now: str | None
    changed_since: bool  # someone else changed this field after the form was opened
    reapply: bool  # the refused form changed it, and it differs from now


@dataclass
class Conflict:
    """What a refused reviewer is shown: their values, the current ones, who changed them when."""

    target: str
    anchor: str
    seen: int | None
    version: int
    changed_by: str | None
    changed_at: datetime | None
    fields: list[FieldClash] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"conflict": True, "target": self.target, "anchor": self.anchor, "seen": self.seen,
                "version": self.version, "changed_by": self.changed_by,
                "changed_at": self.changed_at.isoformat() if self.changed_at else None,
                "fields": [f.__dict__ for f in self.fields], "changes": self.changes}


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.replace("\r\n", "\n").strip()
    return value or None


def _shown(target: str, field_name: str, value: str | None) -> str | None:
    """An audit or correction value as the form shows it (figures as `role: raw` lines)."""
    if field_name == "figures" and value:
        try:
            return _norm(overlay.figures_text(json.loads(value)))
        except (ValueError, TypeError, KeyError):
            return _norm(value)
    if field_name == "confirmed" and value:
        return "1"
    return _norm(value)


def current_values(session: Session, target: str, anchor: str) -> dict[str, str | None]:
    """Every field of a goal or item as the review page shows it now, flags as "1" or None."""
    fields = overlay.GOAL_FIELDS if target == "goal" else overlay.ITEM_FIELDS
    if target == "goal":
        added = session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.anchor == anchor)).first()
        if added is not None:
            out = {f: _norm(overlay.as_text(getattr(added, f))) for f in fields}
            out.update(not_goal="1" if added.state != "active" else None, confirmed=None)
            return out
        goal = overlay.effective_goal(session, anchor)
        if goal is None:
            return {}
        out = {f: _norm(overlay.as_text(goal[f])) for f in fields}
        out.update(figures=_norm(overlay.figures_text(goal["figures"])), not_goal="1" if goal["not_goal"] else None,
                   confirmed="1" if goal["confirmed"] else None)
        return out
    row = session.scalars(select(AgendaItemRow).where(AgendaItemRow.anchor == anchor)
                          .order_by(AgendaItemRow.id)).first()
    if row is None:
        return {}
    out = {f: _norm(overlay.as_text(getattr(row, f))) for f in fields}
    active = overlay.active(session, anchor)
    out.update({f: _norm(c.new_value) for f, c in active.items() if f in fields})
    out.update({f: "1" if f in active else None for f in overlay.FLAGS["item"]})
    return out


def changes_since(session: Session, target: str, anchor: str, seen: int | None) -> list[dict[str, Any]]:
    query = (select(ReviewAuditRow).where(ReviewAuditRow.anchor == anchor, ReviewAuditRow.target == target,
                                          ReviewAuditRow.action.not_in(NOT_CHANGES))
             .order_by(ReviewAuditRow.id))
    if seen is not None:
        query = query.where(ReviewAuditRow.id > seen)
    return [{"id": r.id, "at": r.at.isoformat(), "user": r.user_name, "action": r.action, "field": r.field,
             "old": _shown(target, r.field or "", r.old_value), "new": _shown(target, r.field or "", r.new_value),
             "reason": r.reason} for r in session.scalars(query)]


def conflict(session: Session, row: ReviewVersionRow, seen: int | None, attempt: dict[str, str | None]) -> Conflict:
    """The refused attempt, field by field against now; `attempt` holds the submitted values."""
    now = current_values(session, row.target, row.anchor)
    changes = changes_since(session, row.target, row.anchor, seen)
    out = Conflict(row.target, row.anchor, seen, row.version, row.changed_by, row.changed_at, changes=changes)
    for name, raw in attempt.items():
        yours = _norm(raw)
        touched = [c for c in changes if c["field"] == name]
        at_open = touched[0]["old"] if touched else now.get(name)
        flag = name in overlay.FLAGS[row.target]
        edited = flag or yours != at_open
        if not edited and not touched:
            continue
        out.fields.append(FieldClash(name, at_open, yours, now.get(name), bool(touched),
                                     edited and yours != now.get(name)))
    return out


def record_refusal(session: Session, user: str, found: Conflict, action: str) -> None:
    """The refused attempt in the audit log: what it would have set, against what is there now."""
    mine = {f.field: f.yours for f in found.fields if f.reapply}
    theirs = {f.field: f.now for f in found.fields if f.reapply}
    overlay.audit(session, user, "conflict", found.target, found.anchor, action[:32],
                  json.dumps(theirs, ensure_ascii=False, sort_keys=True),
                  json.dumps(mine, ensure_ascii=False, sort_keys=True),
                  f"refused: opened at version {found.seen if found.seen is not None else '(none)'}, "
                  f"now {found.version}" + (f" ({found.changed_by}, {found.changed_at:%Y-%m-%d %H:%M:%S})"
                                            if found.changed_by and found.changed_at else ""))
