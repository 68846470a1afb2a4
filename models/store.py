"""Writing one parsed document: all its rows in one transaction, replacing what it had."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.records import HEADLINE_FIELDS, ParsedDocument
from models.schema import (
    AgendaItemRow,
    DeclaredSummaryRow,
    DocumentPathRow,
    DocumentRow,
    FigureRow,
    FileOutcomeRow,
    GoalRow,
    MeetingRow,
    SectionRow,
)


def text_fingerprint(text: str) -> str:
    """Short hash of the words of a text: survives re-wrapping and re-hyphenation."""
    words = re.sub(r"[^\wæøå]+", " ", text.lower()).split()
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:12]


def goal_anchor(sha256: str, plan_year: int | None, goal_id: str | None, text: str) -> str:
    if goal_id:
        return f"{sha256[:16]}:goal:{plan_year or '-'}:{goal_id}"
    return f"{sha256[:16]}:goal:{plan_year or '-'}:t{text_fingerprint(text)}"


def delete_document(session: Session, document_id: int) -> None:
    """Delete a document and everything derived from it (explicitly, so it works without FK cascades)."""
    item_ids = select(AgendaItemRow.id).where(AgendaItemRow.document_id == document_id)
    goal_ids = select(GoalRow.id).where(GoalRow.document_id == document_id)
    session.execute(delete(FigureRow).where(FigureRow.goal_id.in_(goal_ids)))
    session.execute(delete(DeclaredSummaryRow).where(DeclaredSummaryRow.document_id == document_id))
    session.execute(delete(GoalRow).where(GoalRow.document_id == document_id))
    session.execute(delete(SectionRow).where(SectionRow.item_id.in_(item_ids)))
    session.execute(delete(AgendaItemRow).where(AgendaItemRow.document_id == document_id))
    session.execute(delete(MeetingRow).where(MeetingRow.document_id == document_id))
    session.execute(delete(DocumentPathRow).where(DocumentPathRow.document_id == document_id))
    session.execute(delete(DocumentRow).where(DocumentRow.id == document_id))


def attach_path(session: Session, document: DocumentRow, path: str, name: str) -> None:
    """Point `path` at `document`, dropping the document it pointed at before if nothing else uses it."""
    row = session.scalars(select(DocumentPathRow).where(DocumentPathRow.path == path)).first()
    if row is not None and row.document_id == document.id:
        return
    if row is not None:
        old = row.document_id
        session.delete(row)
        session.flush()
        remaining = session.scalars(select(DocumentPathRow).where(DocumentPathRow.document_id == old)).first()
        if remaining is None:
            delete_document(session, old)
    session.add(DocumentPathRow(document_id=document.id, path=path, name=name))


def store_parsed(session: Session, parsed: ParsedDocument, sha256: str, size: int, path: str, name: str,
                 parser_version: str) -> DocumentRow:
    existing = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).first()
    keep_paths: list[tuple[str, str]] = []
    if existing is not None:
        keep_paths = [(p.path, p.name) for p in existing.paths]
        delete_document(session, existing.id)
        session.flush()
        session.expunge_all()
    doc = parsed.document
    row = DocumentRow(
        sha256=sha256, size=size, pages=doc.page_count, format=doc.format, reader=doc.reader,
        parser_version=parser_version, profile=parsed.meeting.profile, status="ok", warnings=doc.warnings,
        text=doc.text, ingested_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    )
    session.add(row)
    session.flush()
    for p, n in keep_paths:
        if p != path:
            session.add(DocumentPathRow(document_id=row.id, path=p, name=n))
    attach_path(session, row, path, name)
    m = parsed.meeting
    session.add(MeetingRow(document_id=row.id, municipality=m.municipality, body=m.body, date=m.date, time=m.time,
                           place=m.place, participants=m.participants, absentees=m.absentees,
                           municipality_code=m.municipality_code, municipality_printed=m.municipality_printed))
    # rows of one kind are flushed together (one batched INSERT each), not one round trip per row
    item_rows = [AgendaItemRow(
        document_id=row.id, seq=seq, number=item.number, title=item.title, case_number=item.case_number,
        closed=item.closed, decision=item.decision, start=item.start, end=item.end,
        page_start=item.page_start, page_end=item.page_end, anchor=f"{sha256[:16]}:item:{item.number}",
        evidence=item.evidence, listed_only=item.listed_only)
        for seq, item in enumerate(parsed.items)]
    session.add_all(item_rows)
    session.flush()
    item_ids: dict[str, int] = {}
    for item, irow in zip(parsed.items, item_rows, strict=True):
        item_ids.setdefault(item.number, irow.id)
        for sseq, sec in enumerate(item.sections):
            session.add(SectionRow(item_id=irow.id, seq=sseq, heading=sec.heading[:256], kind=sec.kind,
                                   text=sec.text, start=sec.start, end=sec.end, page_start=sec.page_start,
                                   page_end=sec.page_end))
    goal_rows = [GoalRow(
        document_id=row.id, item_id=item_ids.get(goal.agenda_item or ""), seq=seq,
        anchor=goal_anchor(sha256, goal.plan_year, goal.goal_id, goal.text), plan=goal.plan,
        plan_year=goal.plan_year, goal_id=goal.goal_id, kind=goal.kind, theme=goal.theme, title=goal.title,
        text=goal.text, status_text=goal.status_text, verdict=goal.verdict.value, verdict_text=goal.verdict_text,
        expectation=goal.expectation.value if goal.expectation else None, confidence=goal.confidence,
        confidence_reasons=goal.confidence_reasons, layout=goal.layout, page=goal.page, start=goal.start,
        end=goal.end, **{f: getattr(goal, f) for f in HEADLINE_FIELDS}) for seq, goal in enumerate(parsed.goals)]
    session.add_all(goal_rows)
    session.flush()
    for goal, grow in zip(parsed.goals, goal_rows, strict=True):
        for fseq, fig in enumerate(goal.figures):
            session.add(FigureRow(goal_id=grow.id, seq=fseq, role=fig.role, raw=fig.raw[:256], value=fig.value,
                                  unit=fig.unit, scale=fig.scale, comparison=fig.comparison, period=fig.period,
                                  start=fig.start, end=fig.end))
    for summ in parsed.summaries:
        session.add(DeclaredSummaryRow(
            document_id=row.id, item_id=item_ids.get(summ.agenda_item or ""), plan_year=summ.plan_year,
            counts=summ.counts, extracted=summ.extracted, mismatch=summ.mismatch, text=summ.text,
            start=summ.start, end=summ.end))
    return row


def record_outcome(session: Session, path: str, sha256: str | None, size: int | None, outcome: str,
                   message: str, mtime_ns: int | None = None) -> None:
    """Remember the last outcome for a path; writes nothing when it is what we already have.

    `mtime_ns` is kept only with a content hash (it says when that content was seen); a new
    value alone is written too, so the next run can skip the file by (path, size, mtime).
    """
    row = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == path)).first()
    mtime_ns = mtime_ns if sha256 is not None else None
    if row is not None and (row.sha256, row.outcome, row.message) == (sha256, outcome, message) \
            and (mtime_ns is None or (row.mtime_ns, row.size) == (mtime_ns, size)):
        return
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if row is None:
        session.add(FileOutcomeRow(path=path, sha256=sha256, size=size, outcome=outcome, message=message, at=now,
                                   mtime_ns=mtime_ns))
    else:
        row.sha256, row.size, row.outcome, row.message, row.at = sha256, size, outcome, message, now
        row.mtime_ns = mtime_ns
