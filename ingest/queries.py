"""Read side: the rows the exports and the terminal views show, as plain dicts."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlalchemy import Engine, bindparam, func, select, text
from sqlalchemy.orm import Session

from models import headline
from models.records import HEADLINE_FIELDS
from models.schema import (
    AgendaItemRow,
    CorrectionRow,
    DeclaredSummaryRow,
    DocumentPathRow,
    DocumentRow,
    FigureRow,
    FileOutcomeRow,
    GoalRow,
    MeetingRow,
)

ITEM_FIELDS = ["document", "municipality", "municipality_code", "body", "meeting_date",
               "number", "title", "case_number", "closed", "decision",
               "page_start", "page_end", "anchor", "evidence", "listed_only", "attachments"]
DOCUMENT_FIELDS = ["source", "name", "role", "sha256", "format", "pages", "municipality", "body", "meeting_date",
                   "publication", "item", "items", "goals"]
GOAL_FIELDS = ["document", "municipality", "municipality_code", "body", "meeting_date",
               "agenda_item", "plan", "plan_year", "goal_id", "kind",
               "theme", "title", "text", "status_text", "verdict", "verdict_text", "expectation", "confidence",
               "confidence_reasons", "summary_mismatch", "page", "figures", "review_state", *HEADLINE_FIELDS]


def _doc_names(session: Session) -> dict[int, str]:
    """Each document's first recorded file name (the one the scorer and the user know it by)."""
    names: dict[int, str] = {}
    for doc_id, name in session.execute(select(DocumentPathRow.document_id, DocumentPathRow.name)
                                        .order_by(DocumentPathRow.id)):
        names.setdefault(doc_id, name)
    return names


def _meetings(session: Session) -> dict[int, tuple[str | None, int | None]]:
    """Each document's committee and official municipality code (read from `meetings`, so the views
    stay as they are)."""
    return {r.document_id: (r.body, r.municipality_code) for r in session.execute(
        select(MeetingRow.document_id, MeetingRow.body, MeetingRow.municipality_code))}


def _in_name_order(session: Session, names: dict[int, str], sql: str, params: dict[str, Any],
                   order: str) -> Iterator[Any]:
    """Rows of `sql` by document file name, then id, then `order`: an export reads the same whatever
    order the workers stored documents in, on SQLite and PostgreSQL alike (names are compared here,
    not by the server's collation). One query per 500 documents, not one per document."""
    ids = sorted(names, key=lambda doc_id: (names[doc_id], doc_id))
    query = text(f"{sql} AND document_id IN :ids ORDER BY document_id, {order}").bindparams(
        bindparam("ids", expanding=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rank = {doc_id: n for n, doc_id in enumerate(chunk)}
        rows = session.execute(query, {**params, "ids": chunk}).mappings().all()
        yield from sorted(rows, key=lambda row: rank[row["document_id"]])  # stable: `order` holds within


def item_rows(engine: Engine) -> Iterator[dict[str, Any]]:
    """Agenda items as reviewers left them (`v_agenda_items` applies corrections and hides false items),
    with the municipality and date of their meeting (an analyst's first filter) and the anchor, the key
    that survives re-ingesting the document."""
    with Session(engine) as session:
        names = _doc_names(session)
        meetings = _meetings(session)
        attached = _attachments(session)
        # why each item is one (agenda list, body heading, case number, …): from the table, so the view stays as is
        why = {r.id: (r.evidence, r.listed_only) for r in session.execute(
            select(AgendaItemRow.id, AgendaItemRow.evidence, AgendaItemRow.listed_only))}
        for row in _in_name_order(session, names, "SELECT * FROM v_agenda_items WHERE 1 = 1", {}, "seq"):
            body, code = meetings.get(row["document_id"], (None, None))
            evidence, listed_only = why.get(row["id"], ([], False))
            yield {"document": names.get(row["document_id"], ""), "municipality": row["municipality"],
                   "municipality_code": code, "body": body,
                   "meeting_date": row["meeting_date"], "number": row["number"], "title": row["title"],
                   "case_number": row["case_number"], "closed": bool(row["closed"]), "decision": row["decision"],
                   "page_start": row["page_start"], "page_end": row["page_end"], "anchor": row["anchor"],
                   "evidence": list(evidence or []), "listed_only": bool(listed_only),
                   "attachments": attached.get((row["document_id"], row["number"]), [])}


def _attachments(session: Session) -> dict[tuple[int, str], list[str]]:
    """Per (publication document, item number): the sources of the bilag an ESDH export ties to that item."""
    paths = session.execute(select(DocumentPathRow.document_id, DocumentPathRow.path, DocumentPathRow.role,
                                   DocumentPathRow.publication, DocumentPathRow.item_number)
                            .where(DocumentPathRow.publication.is_not(None))
                            .order_by(DocumentPathRow.path)).all()
    publication_doc = {p.path: p.document_id for p in paths if p.role == "publication"}
    out: dict[tuple[int, str], list[str]] = {}
    for p in paths:
        doc = publication_doc.get(p.publication or "")
        if p.role == "attachment" and p.item_number and doc is not None:
            out.setdefault((doc, p.item_number), []).append(p.path)
    return out


def document_rows(engine: Engine) -> Iterator[dict[str, Any]]:
    """Every stored document under each name it was found by: a path, or `archive.zip!/member` inside a
    ZIP; its role in an ESDH export (`minutes`, `item`, `attachment`, `publication`; a plain file is
    `minutes`), its meeting and the item it belongs to. The same bytes under two names are one document
    listed twice."""
    with Session(engine) as session:
        docs = {d.id: d for d in session.execute(select(DocumentRow.id, DocumentRow.sha256, DocumentRow.format,
                                                        DocumentRow.pages)).all()}
        meetings = {m.document_id: m for m in session.scalars(select(MeetingRow))}
        items = dict(session.execute(select(AgendaItemRow.document_id, func.count()).group_by(
            AgendaItemRow.document_id)).all())
        goals = dict(session.execute(select(GoalRow.document_id, func.count()).group_by(GoalRow.document_id)).all())
        rows = session.execute(select(DocumentPathRow).order_by(DocumentPathRow.path)).scalars().all()
        for p in rows:
            d = docs.get(p.document_id)
            if d is None:
                continue
            m = meetings.get(p.document_id)
            yield {"source": p.path, "name": p.name, "role": p.role or "minutes", "sha256": d.sha256,
                   "format": d.format, "pages": d.pages, "municipality": m.municipality if m else None,
                   "body": m.body if m else None, "meeting_date": m.date if m else None,
                   "publication": p.publication, "item": p.item_number, "items": items.get(p.document_id, 0),
                   "goals": goals.get(p.document_id, 0)}


def goal_rows(engine: Engine, municipality: str | None = None, year: int | None = None,
              verdict: str | None = None, search: str | None = None) -> Iterator[dict[str, Any]]:
    """Effective goals: `v_goals` applies reviewers' corrections, hides "not a goal" and adds missed goals."""
    with Session(engine) as session:
        names = _doc_names(session)
        meetings = _meetings(session)
        reasons = dict(session.execute(select(GoalRow.id, GoalRow.confidence_reasons)).all())
        mismatched = {(r.item_id, r.plan_year) for r in session.scalars(
            select(DeclaredSummaryRow).where(DeclaredSummaryRow.mismatch.is_(True)))}
        figures: dict[int, list[dict[str, Any]]] = {}
        for f in session.scalars(select(FigureRow).order_by(FigureRow.goal_id, FigureRow.seq)):
            figures.setdefault(f.goal_id, []).append(
                {"role": f.role, "raw": f.raw, "value": f.value, "unit": f.unit, "scale": f.scale,
                 "comparison": f.comparison, "period": f.period})
        fixed = {c.anchor: json.loads(c.new_value or "[]") for c in session.scalars(select(CorrectionRow).where(
            CorrectionRow.state == "active", CorrectionRow.target == "goal", CorrectionRow.field == "figures"))}
        headlines = headline.effective(session)
        sql, params = "SELECT * FROM v_goals WHERE 1 = 1", {}
        if year is not None:
            sql, params["year"] = sql + " AND plan_year = :year", year
        if verdict:
            sql, params["verdict"] = sql + " AND verdict = :verdict", verdict
        for g in _in_name_order(session, names, sql, params, "seq, id"):
            muni = g["municipality"]
            if municipality and (muni or "").lower() != municipality.lower():
                continue
            hay = " ".join(filter(None, [g["title"], g["text"], g["theme"], g["status_text"]])).lower()
            if search and search.lower() not in hay:
                continue
            body, code = meetings.get(g["document_id"], (None, None))
            yield {"document": names.get(g["document_id"], ""), "municipality": muni, "municipality_code": code,
                   "body": body, "meeting_date": g["meeting_date"], "agenda_item": g["agenda_item"], "plan": g["plan"],
                   "plan_year": g["plan_year"], "goal_id": g["goal_id"], "kind": g["kind"], "theme": g["theme"],
                   "title": g["title"], "text": g["text"], "status_text": g["status_text"], "verdict": g["verdict"],
                   "verdict_text": g["verdict_text"], "expectation": g["expectation"],
                   "confidence": float(g["confidence"]), "confidence_reasons": reasons.get(g["id"], []),
                   "summary_mismatch": (g["item_id"], g["plan_year"]) in mismatched, "page": g["page"],
                   "figures": fixed.get(g["anchor"], figures.get(g["id"], [])), "review_state": g["review_state"],
                   **headlines.get(g["id"], headline.empty())}


def summary_rows(engine: Engine, municipality: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """Declared summaries, filtered like `goal_rows` so that a filtered goal list is followed
    only by the mismatches that belong to it."""
    with Session(engine) as session:
        names = _doc_names(session)
        items = {r.id: r.number for r in session.scalars(select(AgendaItemRow))}
        meetings = {r.document_id: r for r in session.scalars(select(MeetingRow))}
        query = select(DeclaredSummaryRow).order_by(DeclaredSummaryRow.document_id, DeclaredSummaryRow.id)
        if year is not None:
            query = query.where(DeclaredSummaryRow.plan_year == year)
        rows = []
        for r in session.scalars(query):
            meeting = meetings.get(r.document_id)
            muni = meeting.municipality if meeting else None
            if municipality and (muni or "").lower() != municipality.lower():
                continue
            rows.append({"document": names.get(r.document_id, ""), "municipality": muni,
                         "meeting_date": meeting.date if meeting else None, "agenda_item": items.get(r.item_id or -1),
                         "plan_year": r.plan_year, "declared": r.counts, "extracted": r.extracted,
                         "mismatch": r.mismatch, "text": r.text})
        return rows


def database_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            "documents": session.scalar(select(func.count()).select_from(DocumentRow)) or 0,
            # an ESDH export's referat, item PDFs and bilag carry its meeting; the meeting is counted once
            "meetings": session.scalar(select(func.count()).select_from(MeetingRow).where(
                MeetingRow.document_id.not_in(select(DocumentPathRow.document_id).where(
                    DocumentPathRow.role.in_(["minutes", "item", "attachment"]))))) or 0,
            "agenda_items": session.scalar(select(func.count()).select_from(AgendaItemRow)) or 0,
            "goals": session.scalar(select(func.count()).select_from(GoalRow)) or 0,
            "pages": session.scalar(select(func.coalesce(func.sum(DocumentRow.pages), 0))) or 0,
        }


def outcome_rows(engine: Engine, only_failed: bool = True) -> list[dict[str, Any]]:
    with Session(engine) as session:
        query = select(FileOutcomeRow).order_by(FileOutcomeRow.at.desc(), FileOutcomeRow.path)
        if only_failed:
            query = query.where(FileOutcomeRow.outcome.not_in(["ok", "unchanged"]))
        return [{"path": r.path, "outcome": r.outcome, "message": r.message, "at": r.at.isoformat()}
                for r in session.scalars(query)]


def _flat(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten_figures(row: dict[str, Any]) -> dict[str, Any]:
    """CSV cannot nest: figures become `figure_1_value`, `figure_1_unit`, … columns."""
    out = {k: v for k, v in row.items() if k != "figures"}
    for n, fig in enumerate(row.get("figures") or [], start=1):
        for key in ("role", "raw", "value", "unit", "scale", "comparison", "period"):
            out[f"figure_{n}_{key}"] = fig.get(key)
    return out


def write_rows(rows: Iterable[dict[str, Any]], fmt: str, out: IO[str], fields: list[str]) -> int:
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n
    materialised = [flatten_figures(r) if "figures" in r else r for r in rows]
    extra = sorted({k for r in materialised for k in r if k not in fields},
                   key=lambda k: (int(k.split("_")[1]) if k.startswith("figure_") else 0, k))
    writer = csv.DictWriter(out, fieldnames=[f for f in fields if f != "figures"] + extra)
    writer.writeheader()
    for row in materialised:
        writer.writerow({k: _flat(v) for k, v in row.items()})
        n += 1
    return n


def write_parquet(rows: Iterable[dict[str, Any]], path: Any, fields: list[str]) -> int:
    """Rows to one Parquet file; nested values (figures, reasons) stay nested as lists and structs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    materialised = [{k: r.get(k) for k in fields} for r in rows]
    table = pa.Table.from_pylist(materialised) if materialised else pa.table({k: pa.array([], pa.null())
                                                                                for k in fields})
    pq.write_table(table, path)
    return len(materialised)
