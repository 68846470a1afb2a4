"""Reviewers' corrections as an overlay on the parser's rows.

Parser rows are deleted and re-inserted on every re-ingest, so nothing here points at a row id:
a correction names the anchor of a goal or item (document hash + plan year + goal id, else a
text fingerprint) and the field it changes. The views `v_goals` / `v_agenda_items` apply the
active corrections on read; a correction whose anchor no longer resolves stays in the table and
is listed by `orphans` until a reviewer re-applies or withdraws it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import headline
from models.records import HEADLINE_FIELDS, Verdict
from models.schema import (
    AgendaItemRow,
    CorrectionRow,
    DocumentPathRow,
    DocumentRow,
    FigureRow,
    GoalRow,
    ReviewAuditRow,
    ReviewGoalRow,
)

GOAL_FIELDS = ["text", "title", "theme", "goal_id", "plan", "plan_year", "kind", "status_text", "verdict",
               "verdict_text", "expectation"]
ITEM_FIELDS = ["number", "title", "case_number", "decision"]
FLAGS = {"goal": ["not_goal", "confirmed"], "item": ["false_item", "confirmed"]}
FIGURE_KEYS = ("role", "raw", "value", "unit", "scale", "comparison", "period")
ROLES = ("target", "observed", "window")
VERDICTS = [v.value for v in Verdict]


class ReviewError(ValueError):
    """A correction that cannot be applied as asked; the message says what to change."""


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def check_value(target: str, field: str, value: str | None) -> str | None:
    """Normalise a submitted value: blanks are NULL, verdicts closed, plan years integers."""
    allowed = (GOAL_FIELDS + ["figures", "headline"] if target == "goal" else ITEM_FIELDS) + FLAGS[target]
    if field not in allowed:
        raise ReviewError(f"{target} has no field {field!r}; use one of {', '.join(allowed)}")
    value = value.replace("\r\n", "\n").strip() if isinstance(value, str) else value  # browsers send CRLF
    if value == "":
        value = None
    if field == "verdict" and value not in VERDICTS:
        raise ReviewError(f"verdict {value!r} is not one of {', '.join(VERDICTS)}")
    if field == "plan_year" and value is not None:
        if not value.isdigit() or not 1900 <= int(value) <= 2200:
            raise ReviewError(f"plan year {value!r} is not a year like 2024")
    if field == "figures":
        return json.dumps(parse_figures_text(value or ""), ensure_ascii=False)
    if field == "headline":
        return parse_headline(json.loads(value) if value else {})
    if field in ("text", "number") and value is None:
        raise ReviewError(f"{field} cannot be empty; mark the {target} as not a goal / false item instead")
    return value


def parse_figures_text(text: str) -> list[dict[str, Any]]:
    """One figure a line, `target: 80 %`, `observed: 67,7 % i 2023` or `window: 12 måneder` (the period a
    figure is measured over), read by the parser's own figure reader."""
    from parsers.extract.figures import find_figures

    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        role, sep, rest = line.partition(":")
        role = role.strip().lower()
        if not sep or role not in ROLES:
            raise ReviewError(f"figure line {line.strip()!r}: start it with target:, observed: or window:")
        found = find_figures(rest.strip(), role)
        if not found:
            raise ReviewError(f"figure line {line.strip()!r}: no number found")
        out.extend({k: getattr(f, k) for k in FIGURE_KEYS} for f in found)
    return out


def parse_headline(values: dict[str, Any]) -> str:
    """The headline fields of the goal form, checked and in canonical JSON: numbers read the Danish way
    ("17,1", "3.978.000") or plain, comparison and direction from their closed lists, blanks NULL."""
    from parsers.extract.figures import parse_danish_number

    out: dict[str, Any] = {}
    for f in HEADLINE_FIELDS:
        v = values.get(f)
        v = " ".join(str(v).split()) if v is not None else None
        if not v:
            out[f] = None
        elif f in headline.VALUE_FIELDS:
            try:
                out[f] = parse_danish_number(v.replace(" ", ""))
            except ValueError:
                try:
                    out[f] = float(v)
                except ValueError:
                    raise ReviewError(f"{f.replace('_', ' ')} {v!r} is not a number like 17,1") from None
        elif f == "target_comparison" and v not in headline.COMPARISONS:
            raise ReviewError(f"target comparison {v!r} is not one of {', '.join(headline.COMPARISONS)}")
        elif f == "target_direction" and v not in headline.DIRECTIONS:
            raise ReviewError(f"target direction {v!r} is not one of {', '.join(headline.DIRECTIONS)}")
        else:
            out[f] = v
    return headline.canonical(out)


def headline_form(values: dict[str, Any]) -> dict[str, str]:
    """The headline as the form shows it: numbers the Danish way and unrounded ("3,978", "3978000"), so a
    form saved unchanged reads back as the same numbers; blanks for NULL."""
    out = {}
    for f in HEADLINE_FIELDS:
        v = values.get(f)
        if v is None:
            out[f] = ""
        elif f in headline.VALUE_FIELDS:
            out[f] = f"{float(v):.6f}".rstrip("0").rstrip(".").replace(".", ",")
        else:
            out[f] = str(v)
    return out


def figures_text(figures: list[dict[str, Any]]) -> str:
    """The form's text for a list of figures: `role: raw period` one a line."""
    return "\n".join(f"{f['role']}: {f['raw']}" + (f" {f['period']}" if f.get("period") else "") for f in figures)


def parser_figures(session: Session, goal_row_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(FigureRow).where(FigureRow.goal_id == goal_row_id).order_by(FigureRow.seq))
    return [{k: getattr(f, k) for k in FIGURE_KEYS} for f in rows]


def _base_row(session: Session, target: str, anchor: str) -> GoalRow | AgendaItemRow | None:
    table = GoalRow if target == "goal" else AgendaItemRow
    return session.scalars(select(table).where(table.anchor == anchor).order_by(table.id)).first()


def _sha_for(session: Session, row: GoalRow | AgendaItemRow) -> str:
    return session.scalar(select(DocumentRow.sha256).where(DocumentRow.id == row.document_id)) or ""


def _name_for(session: Session, document_id: int) -> str | None:
    return session.scalar(select(DocumentPathRow.name).where(DocumentPathRow.document_id == document_id)
                          .order_by(DocumentPathRow.id).limit(1))


def active(session: Session, anchor: str) -> dict[str, CorrectionRow]:
    rows = session.scalars(select(CorrectionRow).where(CorrectionRow.anchor == anchor,
                                                        CorrectionRow.state == "active"))
    return {r.field: r for r in rows}


def audit(session: Session, user: str, action: str, target: str, anchor: str, field: str | None = None,
          old: Any = None, new: Any = None, reason: str | None = None) -> None:
    session.add(ReviewAuditRow(at=now(), user_name=user, action=action, target=target, anchor=anchor, field=field,
                               old_value=as_text(old), new_value=as_text(new), reason=reason or None))


def set_field(session: Session, user: str, target: str, anchor: str, field: str, value: str | None,
              reason: str | None = None) -> bool:
    """Record the reviewer's value for one field; False when it equals what is shown already."""
    value = check_value(target, field, value)
    added = session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.anchor == anchor)).first()
    if added is not None:
        return _set_added(session, user, added, field, value, reason)
    row = _base_row(session, target, anchor)
    if row is None:
        raise ReviewError(f"no {target} with anchor {anchor} in the database; it may have been re-parsed away")
    current = active(session, anchor)
    parser_value = as_text(getattr(row, field, None)) if field not in FLAGS[target] else None
    if field == "figures":
        parser_value = json.dumps(parser_figures(session, row.id), ensure_ascii=False)
    if field == "headline":
        parser_value = headline.canonical(headline.of_row(row))  # type: ignore[arg-type]
    shown = current[field].new_value if field in current else parser_value
    if field in FLAGS[target]:
        shown = "1" if field in current else None
        if shown == ("1" if value is not None else None):
            return False
        if field == "confirmed" and value is not None:
            value = json.dumps(_snapshot(session, target, row, current), ensure_ascii=False, sort_keys=True)
    if shown == value:
        return False
    if field in current:
        current[field].state = "withdrawn"
    if value is not None and (field in FLAGS[target] or value != parser_value):
        session.add(CorrectionRow(target=target, anchor=anchor, document_sha256=_sha_for(session, row),
                                  document_name=_name_for(session, row.document_id), field=field,
                                  old_value=parser_value, new_value=value, state="active", reason=reason or None,
                                  created_by=user, created_at=now()))
    logged = ("1" if value is not None else None) if field == "confirmed" else value
    audit(session, user, "set" if field not in FLAGS[target] else field, target, anchor, field, shown, logged, reason)
    return True


def _snapshot(session: Session, target: str, row: GoalRow | AgendaItemRow,
              current: dict[str, CorrectionRow]) -> dict[str, Any]:
    """What the reviewer saw when confirming, so `review diff` notices when a later parser changes it."""
    fields = GOAL_FIELDS if target == "goal" else ITEM_FIELDS
    out = {f: as_text(getattr(row, f)) for f in fields}
    out.update({f: c.new_value for f, c in current.items() if f in fields})
    return out


def confirmed_values(correction: CorrectionRow) -> dict[str, Any]:
    try:
        data = json.loads(correction.new_value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _set_added(session: Session, user: str, added: ReviewGoalRow, field: str, value: str | None,
               reason: str | None) -> bool:
    """A reviewer's own goal is reviewer data: edit it in place (with the audit), 'not a goal' withdraws it."""
    if field == "confirmed":
        return False
    if field in ("figures", "headline"):
        raise ReviewError(f"a goal added by a reviewer carries no {field}; put them in its statement")
    if field == "not_goal":
        if added.state == "withdrawn" or value is None:
            return False
        added.state = "withdrawn"
        audit(session, user, "not_goal", "goal", added.anchor, "not_goal", None, "1", reason)
        return True
    old = as_text(getattr(added, field))
    if old == value:
        return False
    setattr(added, field, int(value) if field == "plan_year" and value is not None else value)
    audit(session, user, "set", "goal", added.anchor, field, old, value, reason)
    return True


def add_goal(session: Session, user: str, document_sha256: str, text: str, fields: dict[str, Any] | None = None,
             page: int | None = None, start: int | None = None, end: int | None = None,
             reason: str | None = None) -> str:
    """A goal the parser missed, from a span of the document; returns its anchor (stable, random)."""
    if not text.strip():
        raise ReviewError("a goal needs its statement: select the span of the document that states it")
    fields = dict(fields or {})
    item_number = as_text(fields.pop("item_number", None))
    fields = {k: check_value("goal", k, as_text(v)) for k, v in fields.items() if k != "text"}
    doc_id = session.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == document_sha256))
    if doc_id is None:
        raise ReviewError(f"no document {document_sha256[:16]} in the database")
    anchor = f"{document_sha256[:16]}:added:{uuid.uuid4().hex[:12]}"
    seq = 1_000_000 + (session.scalar(select(func.count()).select_from(ReviewGoalRow)) or 0)
    plan_year = fields.pop("plan_year", None)
    session.add(ReviewGoalRow(
        anchor=anchor, document_sha256=document_sha256, document_name=_name_for(session, doc_id),
        item_number=item_number, seq=seq,
        plan_year=int(plan_year) if plan_year else None, text=text.strip(),
        verdict=fields.pop("verdict", None) or "none", page=page, start=start, end=end, state="active",
        created_by=user, created_at=now(), **{k: v for k, v in fields.items() if k in GOAL_FIELDS}))
    audit(session, user, "add_goal", "goal", anchor, "text", None, text.strip(), reason)
    return anchor


def effective_goal(session: Session, anchor: str) -> dict[str, Any] | None:
    """The goal as every view shows it: parser values with the active corrections on top."""
    added = session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.anchor == anchor)).first()
    if added is not None:
        out = {f: getattr(added, f) for f in GOAL_FIELDS}
        out.update(figures=[], headline=headline.empty())
        out.update(anchor=anchor, document_sha256=added.document_sha256, page=added.page, start=added.start,
                   end=added.end, agenda_item=added.item_number, source="reviewer", not_goal=added.state != "active",
                   confirmed=False, corrected_fields=["text"], confidence=1.0, confidence_reasons=[],
                   layout="review")
        return out
    row = _base_row(session, "goal", anchor)
    if row is None:
        return None
    current = active(session, anchor)
    out = {f: getattr(row, f) for f in GOAL_FIELDS}
    for f, c in current.items():
        if f in GOAL_FIELDS:
            out[f] = int(c.new_value) if f == "plan_year" and c.new_value else c.new_value
    item = session.get(AgendaItemRow, row.item_id) if row.item_id else None
    out.update(anchor=anchor, document_sha256=_sha_for(session, row), page=row.page, start=row.start, end=row.end,
               agenda_item=item.number if item else None, source="parser", not_goal="not_goal" in current,
               confirmed="confirmed" in current, corrected_fields=sorted(set(current) - {"confirmed"}),
               confidence=row.confidence, confidence_reasons=row.confidence_reasons, layout=row.layout,
               parser={f: getattr(row, f) for f in GOAL_FIELDS})
    parsed = parser_figures(session, row.id)
    out["figures"] = json.loads(current["figures"].new_value or "[]") if "figures" in current else parsed
    out["parser"]["figures"] = parsed
    out["parser"]["headline"] = headline.of_row(row)
    out["headline"] = (headline.empty() | json.loads(current["headline"].new_value or "{}")
                       if "headline" in current else out["parser"]["headline"])
    return out


def split_goal(session: Session, user: str, anchor: str, first: str, second: str, reason: str | None = None) -> str:
    """Two goals printed as one: the first keeps the anchor with the first part, the second is added."""
    goal = effective_goal(session, anchor)
    if goal is None:
        raise ReviewError(f"no goal with anchor {anchor}")
    if not first.strip() or not second.strip():
        raise ReviewError("both parts of a split need text")
    set_field(session, user, "goal", anchor, "text", first, reason or "split")
    keep = {k: goal[k] for k in ("plan", "plan_year", "kind", "theme", "verdict", "status_text", "verdict_text")}
    keep["item_number"] = goal["agenda_item"]
    return add_goal(session, user, goal["document_sha256"], second, keep, goal["page"], reason=reason or "split")


def merge_goals(session: Session, user: str, anchor: str, other: str, reason: str | None = None) -> None:
    """One goal printed as two: the first gets both statements, the second is marked not a goal."""
    a, b = effective_goal(session, anchor), effective_goal(session, other)
    if a is None or b is None:
        raise ReviewError("both goals of a merge must exist")
    set_field(session, user, "goal", anchor, "text", f"{a['text']} {b['text']}", reason or f"merged with {other}")
    set_field(session, user, "goal", other, "not_goal", "1", reason or f"merged into {anchor}")


def has_corrections(session: Session) -> bool:
    return bool(session.scalar(select(CorrectionRow.id).limit(1)) or session.scalar(select(ReviewGoalRow.id).limit(1)))


def orphans(session: Session) -> list[dict[str, Any]]:
    """Active corrections (and added goals) whose goal, item or document is no longer in the database."""
    live = {"goal": set(session.scalars(select(GoalRow.anchor).distinct())),
            "item": set(session.scalars(select(AgendaItemRow.anchor).distinct()))}
    out: list[dict[str, Any]] = []
    for c in session.scalars(select(CorrectionRow).where(CorrectionRow.state == "active").order_by(CorrectionRow.id)):
        if c.anchor in live[c.target]:
            continue
        out.append({"kind": "correction", "id": c.id, "target": c.target, "anchor": c.anchor, "field": c.field,
                    "old_value": c.old_value, "new_value": c.new_value, "by": c.created_by,
                    "at": c.created_at.isoformat()})
    shas = select(DocumentRow.sha256)
    for g in session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.state == "active",
                                                         ReviewGoalRow.document_sha256.not_in(shas))):
        out.append({"kind": "added_goal", "id": g.id, "target": "goal", "anchor": g.anchor, "field": "text",
                    "old_value": None, "new_value": g.text, "by": g.created_by, "at": g.created_at.isoformat()})
    return out


def reanchor(session: Session) -> list[tuple[str, str]]:
    """Follow corrections into a changed file: same file name, same goal id + plan year (or same text
    fingerprint, or same item number) under the new document hash. Only a unique match moves a
    correction; everything else stays an orphan for a reviewer. Returns (old, new) anchors."""
    moved: list[tuple[str, str]] = []
    by_name: dict[str, list[tuple[int, str]]] = {}
    for doc_id, sha, name in session.execute(select(DocumentRow.id, DocumentRow.sha256, DocumentPathRow.name)
                                             .join(DocumentPathRow)):
        by_name.setdefault(name, []).append((doc_id, sha))
    lost = {o["id"] for o in orphans(session) if o["kind"] == "correction"}
    for c in session.scalars(select(CorrectionRow).where(CorrectionRow.id.in_(lost))):
        candidates = by_name.get(c.document_name or "", [])
        if len(candidates) != 1:
            continue
        doc_id, sha = candidates[0]
        new_anchor = f"{sha[:16]}:{c.anchor.split(':', 1)[1]}"
        table = GoalRow if c.target == "goal" else AgendaItemRow
        hits = session.scalar(select(func.count()).select_from(table).where(table.document_id == doc_id,
                                                                            table.anchor == new_anchor))
        if hits != 1 or c.field in active(session, new_anchor):
            continue
        audit(session, "maalspor", "reanchor", c.target, new_anchor, c.field, c.anchor, new_anchor,
              f"{c.document_name} changed; the same {c.target} was found in the new version")
        moved.append((c.anchor, new_anchor))
        c.anchor, c.document_sha256 = new_anchor, sha
    shas = select(DocumentRow.sha256)
    for g in session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.state == "active",
                                                         ReviewGoalRow.document_sha256.not_in(shas))):
        candidates = by_name.get(g.document_name or "", [])
        if len(candidates) == 1:
            sha = candidates[0][1]
            new_anchor = f"{sha[:16]}:{g.anchor.split(':', 1)[1]}"
            audit(session, "maalspor", "reanchor", "goal", new_anchor, "text", g.anchor, new_anchor,
                  f"{g.document_name} changed; the added goal moves to the new version")
            moved.append((g.anchor, new_anchor))
            g.anchor, g.document_sha256 = new_anchor, sha
    session.flush()
    return moved


def withdraw(session: Session, user: str, correction_id: int, reason: str | None = None) -> None:
    """Retire a correction (e.g. an orphan a reviewer has dealt with); it stays in the table and the log."""
    c = session.get(CorrectionRow, correction_id)
    if c is None or c.state != "active":
        raise ReviewError(f"no active correction {correction_id}")
    c.state = "withdrawn"
    audit(session, user, "withdraw", c.target, c.anchor, c.field, c.new_value, None, reason)


def audit_rows(session: Session, limit: int | None = None, anchor: str | None = None) -> list[dict[str, Any]]:
    query = select(ReviewAuditRow).order_by(ReviewAuditRow.id.desc())
    if anchor is not None:
        query = query.where(ReviewAuditRow.anchor == anchor)
    if limit:
        query = query.limit(limit)
    return [{"at": r.at.isoformat(), "user": r.user_name, "action": r.action, "target": r.target,
             "anchor": r.anchor, "field": r.field, "old": r.old_value, "new": r.new_value, "reason": r.reason}
            for r in session.scalars(query)]
