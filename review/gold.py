"""Reviewed documents as test cases: gold files in the scorer's format, and where the parser disagrees.

The gold is what every view shows (the effective layer), so a reviewed archive scores the next
parser against what reviewers accepted, not against what the last parser happened to produce.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models import headline
from models.schema import AgendaItemRow, CorrectionRow, DocumentPathRow, DocumentRow, GoalRow, ReviewGoalRow
from review import overlay


class UnknownDocument(LookupError):
    pass


def find_document(session: Session, ref: str) -> DocumentRow:
    """A document by file name, stem, path or sha256 prefix (at least 8 hex digits)."""
    ref = ref.strip()
    paths = [ref, str(Path(ref).resolve())]
    ids = set(session.scalars(select(DocumentPathRow.document_id).where(
        (DocumentPathRow.name == ref) | DocumentPathRow.path.in_(paths))))
    rows = [session.get(DocumentRow, i) for i in sorted(ids)]
    if not rows:
        stem = Path(ref).stem
        rows = [d for d in session.scalars(select(DocumentRow)) if any(Path(p.name).stem == stem for p in d.paths)]
    if not rows and len(ref) >= 8 and all(c in "0123456789abcdef" for c in ref.lower()):
        rows = list(session.scalars(select(DocumentRow).where(DocumentRow.sha256.startswith(ref.lower()))))
    if len(rows) != 1:
        what = "no document" if not rows else f"{len(rows)} documents"
        raise UnknownDocument(f"{what} match {ref!r}; give the file name as `maalspor export goals` prints it, "
                              "or a sha256 prefix")
    return rows[0]


def export_gold(engine: Engine, ref: str) -> tuple[dict[str, Any], int]:
    """The document in the gold format, plus how many of its goals and items nobody has reviewed yet."""
    with Session(engine) as session:
        doc = find_document(session, ref)
        name = sorted(doc.paths, key=lambda p: p.id)[0].name
        meeting = session.execute(text("SELECT municipality, body, date FROM meetings WHERE document_id = :d"),
                                  {"d": doc.id}).first()
        items = session.execute(text("SELECT number, title, decision, review_state FROM v_agenda_items "
                                     "WHERE document_id = :d ORDER BY seq"), {"d": doc.id}).mappings().all()
        goals = session.execute(text("SELECT * FROM v_goals WHERE document_id = :d ORDER BY seq, id"),
                                {"d": doc.id}).mappings().all()
        headlines = headline.effective(session)
    unreviewed = sum(1 for r in [*items, *goals] if r["review_state"] == "unreviewed")
    gold = {
        "doc": name,
        "municipality": meeting.municipality if meeting else None,
        "body": meeting.body if meeting else None,
        "meeting_date": meeting.date if meeting else None,
        "agenda_items": [{"number": i["number"], "title": i["title"], "decision": i["decision"]} for i in items],
        "goals": [{"goal_id": g["goal_id"], "plan": g["plan"], "plan_year": g["plan_year"], "theme": g["theme"],
                   "title": g["title"], "text": g["text"], "status_text": g["status_text"], "verdict": g["verdict"],
                   "verdict_alt": [g["verdict"]], "verdict_text": g["verdict_text"],
                   "agenda_item": g["agenda_item"],
                   "headline": headlines.get(g["id"], headline.empty())} for g in goals],
    }
    return gold, unreviewed


def diff(engine: Engine) -> list[dict[str, Any]]:
    """Every place where the parser's current rows differ from what reviewers accepted."""
    out: list[dict[str, Any]] = []
    with Session(engine) as session:
        names: dict[str, str] = {}
        for sha, name in session.execute(select(DocumentRow.sha256, DocumentPathRow.name).join(DocumentPathRow)
                                         .order_by(DocumentPathRow.id)):
            names.setdefault(sha, name)
        orphaned = {o["id"] for o in overlay.orphans(session) if o["kind"] == "correction"}
        for c in session.scalars(select(CorrectionRow).where(CorrectionRow.state == "active")
                                 .order_by(CorrectionRow.document_sha256, CorrectionRow.anchor)):
            doc = names.get(c.document_sha256, c.document_sha256[:16])
            if c.id in orphaned:
                out.append({"document": doc, "anchor": c.anchor, "what": f"reviewed {c.target} no longer found",
                            "parser": None, "reviewed": c.new_value, "field": c.field})
                continue
            table = GoalRow if c.target == "goal" else AgendaItemRow
            row = session.scalars(select(table).where(table.anchor == c.anchor)).first()
            if c.field == "confirmed":
                corrected = overlay.active(session, c.anchor)
                for field, seen in overlay.confirmed_values(c).items():
                    if field in corrected:
                        continue
                    value = overlay.as_text(getattr(row, field, None))
                    if value != seen:
                        out.append({"document": doc, "anchor": c.anchor, "field": field, "parser": value,
                                    "reviewed": seen, "what": f"confirmed {c.target} {field} changed"})
                continue
            if c.field in ("not_goal", "false_item"):
                out.append({"document": doc, "anchor": c.anchor, "field": c.field, "parser": "present",
                            "reviewed": "rejected", "what": f"parser finds a {c.target} reviewers rejected"})
                continue
            now_value = overlay.as_text(getattr(row, c.field, None)) if row is not None else None
            if c.field == "figures" and row is not None:
                now_value = json.dumps(overlay.parser_figures(session, row.id), ensure_ascii=False)
            if c.field == "headline" and isinstance(row, GoalRow):
                now_value = headline.canonical(headline.of_row(row))
            if now_value != c.new_value:
                out.append({"document": doc, "anchor": c.anchor, "field": c.field, "parser": now_value,
                            "reviewed": c.new_value, "what": f"{c.target} {c.field} differs"})
        for g in session.scalars(select(ReviewGoalRow).where(ReviewGoalRow.state == "active")):
            out.append({"document": names.get(g.document_sha256, g.document_sha256[:16]), "anchor": g.anchor,
                        "field": "text", "parser": None, "reviewed": g.text,
                        "what": "parser misses a goal reviewers added"})
    return out
