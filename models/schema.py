"""SQLAlchemy tables mirroring the Pydantic records.

A document is its content (sha256); paths are a separate table so one content under two
names is stored once. Every derived row carries its document id and is replaced with it.
Offsets index `documents.text`, the normalised text the parsers saw. Strings go through
`models.types`, so every backend takes and keeps the same values.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.types import Bounded, CleanJSON, CleanText


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(Bounded(16))
    reader: Mapped[str] = mapped_column(Bounded(32))
    parser_version: Mapped[str] = mapped_column(Bounded(16))
    profile: Mapped[str] = mapped_column(Bounded(32))
    status: Mapped[str] = mapped_column(Bounded(16), default="ok")
    warnings: Mapped[list] = mapped_column(CleanJSON, default=list)
    text: Mapped[str] = mapped_column(CleanText)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    paths: Mapped[list[DocumentPathRow]] = relationship(back_populates="document", cascade="all, delete-orphan")


class DocumentPathRow(Base):
    __tablename__ = "document_paths"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    name: Mapped[str] = mapped_column(Bounded(512))
    # provenance inside an ESDH export or ZIP (migration 0010): minutes, item, attachment or publication
    # (NULL: a plain file); the publication's own path; the item number the document belongs to
    role: Mapped[str | None] = mapped_column(Bounded(16), nullable=True)
    publication: Mapped[str | None] = mapped_column(String(1024), nullable=True, index=True)
    item_number: Mapped[str | None] = mapped_column(Bounded(16), nullable=True)
    document: Mapped[DocumentRow] = relationship(back_populates="paths")


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    municipality: Mapped[str | None] = mapped_column(Bounded(128))
    body: Mapped[str | None] = mapped_column(Bounded(256))
    date: Mapped[str | None] = mapped_column(Bounded(10), index=True)
    municipality_code: Mapped[int | None] = mapped_column(Integer)
    municipality_printed: Mapped[str | None] = mapped_column(Bounded(128))
    time: Mapped[str | None] = mapped_column(Bounded(5))
    place: Mapped[str | None] = mapped_column(Bounded(256))
    participants: Mapped[list] = mapped_column(CleanJSON, default=list)
    absentees: Mapped[list] = mapped_column(CleanJSON, default=list)


class AgendaItemRow(Base):
    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(Bounded(16))
    title: Mapped[str] = mapped_column(CleanText)
    case_number: Mapped[str | None] = mapped_column(Bounded(64))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str | None] = mapped_column(CleanText)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(Bounded(128), index=True)
    evidence: Mapped[list] = mapped_column(CleanJSON, default=list, server_default="[]")
    listed_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Bounded(256))
    kind: Mapped[str] = mapped_column(Bounded(32))
    text: Mapped[str] = mapped_column(CleanText)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)


class GoalRow(Base):
    __tablename__ = "goals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(Bounded(160), index=True)
    plan: Mapped[str | None] = mapped_column(Bounded(256))
    plan_year: Mapped[int | None] = mapped_column(Integer, index=True)
    goal_id: Mapped[str | None] = mapped_column(Bounded(32))
    kind: Mapped[str | None] = mapped_column(Bounded(32))
    theme: Mapped[str | None] = mapped_column(CleanText)
    title: Mapped[str | None] = mapped_column(CleanText)
    text: Mapped[str] = mapped_column(CleanText)
    status_text: Mapped[str | None] = mapped_column(CleanText)
    verdict: Mapped[str] = mapped_column(Bounded(24), index=True)
    verdict_text: Mapped[str | None] = mapped_column(CleanText)
    expectation: Mapped[str | None] = mapped_column(Bounded(24))
    confidence: Mapped[float] = mapped_column(Float)
    confidence_reasons: Mapped[list] = mapped_column(CleanJSON, default=list)
    layout: Mapped[str] = mapped_column(Bounded(24))
    # headline measure (migration 0012): one target or direction, latest observed value, baseline
    target_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    target_unit: Mapped[str | None] = mapped_column(Bounded(32), nullable=True)
    target_comparison: Mapped[str | None] = mapped_column(Bounded(16), nullable=True)
    target_direction: Mapped[str | None] = mapped_column(Bounded(16), nullable=True)
    observed_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    observed_unit: Mapped[str | None] = mapped_column(Bounded(32), nullable=True)
    observed_period: Mapped[str | None] = mapped_column(Bounded(64), nullable=True)
    baseline_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    baseline_period: Mapped[str | None] = mapped_column(Bounded(64), nullable=True)
    page: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class FigureRow(Base):
    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(Bounded(16))
    raw: Mapped[str] = mapped_column(Bounded(256))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(Bounded(32))
    scale: Mapped[str | None] = mapped_column(Bounded(16))
    comparison: Mapped[str | None] = mapped_column(Bounded(16))
    period: Mapped[str | None] = mapped_column(Bounded(64))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class DeclaredSummaryRow(Base):
    __tablename__ = "declared_summaries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    plan_year: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict] = mapped_column(CleanJSON)
    extracted: Mapped[dict] = mapped_column(CleanJSON)
    mismatch: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(CleanText)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class FileOutcomeRow(Base):
    """The last outcome per input path, written only when it changes (so re-runs write nothing)."""

    __tablename__ = "file_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    sha256: Mapped[str | None] = mapped_column(Bounded(64))
    size: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(Bounded(16), index=True)
    message: Mapped[str] = mapped_column(CleanText)
    at: Mapped[datetime] = mapped_column(DateTime)
    # st_mtime_ns when the content was last hashed: with the size, lets a re-run skip the file unread
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


Index("ix_goals_series", GoalRow.goal_id, GoalRow.plan_year)


class ReviewUserRow(Base):
    """A reviewer (may correct) or analyst (reads only); the password is an argon2 hash."""

    __tablename__ = "review_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(Bounded(16))
    password_hash: Mapped[str] = mapped_column(Bounded(256))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CorrectionRow(Base):
    """One reviewer's value for one field of a goal or item, keyed by its anchor, never by row id.

    Parser rows are deleted and re-inserted on every re-ingest; the anchor is what survives.
    `state` is active or withdrawn; whether the anchor still resolves is computed on read.
    """

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(Bounded(8))
    anchor: Mapped[str] = mapped_column(String(160), index=True)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)
    # the file name at the time, so a correction can follow its goal into a changed file of that name
    document_name: Mapped[str | None] = mapped_column(Bounded(512))
    field: Mapped[str] = mapped_column(Bounded(32))
    old_value: Mapped[str | None] = mapped_column(CleanText)
    new_value: Mapped[str | None] = mapped_column(CleanText)
    state: Mapped[str] = mapped_column(Bounded(16))
    reason: Mapped[str | None] = mapped_column(CleanText)
    created_by: Mapped[str] = mapped_column(Bounded(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewGoalRow(Base):
    """A goal the parser missed, added by a reviewer from a span of the document."""

    __tablename__ = "review_goals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    anchor: Mapped[str] = mapped_column(String(160), unique=True)
    document_sha256: Mapped[str] = mapped_column(String(64), index=True)
    document_name: Mapped[str | None] = mapped_column(Bounded(512))
    item_number: Mapped[str | None] = mapped_column(Bounded(16))
    seq: Mapped[int] = mapped_column(Integer)
    plan: Mapped[str | None] = mapped_column(Bounded(256))
    plan_year: Mapped[int | None] = mapped_column(Integer)
    goal_id: Mapped[str | None] = mapped_column(Bounded(32))
    kind: Mapped[str | None] = mapped_column(Bounded(32))
    theme: Mapped[str | None] = mapped_column(CleanText)
    title: Mapped[str | None] = mapped_column(CleanText)
    text: Mapped[str] = mapped_column(CleanText)
    status_text: Mapped[str | None] = mapped_column(CleanText)
    verdict: Mapped[str] = mapped_column(Bounded(24))
    verdict_text: Mapped[str | None] = mapped_column(CleanText)
    expectation: Mapped[str | None] = mapped_column(Bounded(24))
    page: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Bounded(16))
    created_by: Mapped[str] = mapped_column(Bounded(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewVersionRow(Base):
    """The version a goal, item or link was last changed at (migration 0011): a save made from a form
    opened at an older version is refused, never applied over the newer change (review/versions.py)."""

    __tablename__ = "review_versions"
    target: Mapped[str] = mapped_column(String(8), primary_key=True)
    anchor: Mapped[str] = mapped_column(String(330), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReviewAuditRow(Base):
    """Append-only: who changed what, when, from which value to which, and why."""

    __tablename__ = "review_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = mapped_column(Bounded(64))
    action: Mapped[str] = mapped_column(Bounded(32))
    target: Mapped[str] = mapped_column(Bounded(8))
    anchor: Mapped[str] = mapped_column(String(160), index=True)
    field: Mapped[str | None] = mapped_column(Bounded(32))
    old_value: Mapped[str | None] = mapped_column(CleanText)
    new_value: Mapped[str | None] = mapped_column(CleanText)
    reason: Mapped[str | None] = mapped_column(CleanText)


class GoalLinkRow(Base):
    """A candidate link: goal `from_anchor` is carried on as `to_anchor` (see models/links.py).

    Keyed by anchors, not goal ids, so links and reviewers' decisions outlive re-ingest.
    """

    __tablename__ = "goal_links"
    __table_args__ = (UniqueConstraint("from_anchor", "to_anchor", name="uq_goal_links_pair"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_anchor: Mapped[str] = mapped_column(String(160), index=True)
    to_anchor: Mapped[str] = mapped_column(String(160), index=True)
    municipality: Mapped[str] = mapped_column(Bounded(128), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(CleanJSON, default=list)
    method: Mapped[str] = mapped_column(Bounded(16))
    state: Mapped[str] = mapped_column(Bounded(16), default="proposed", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class GoalSeriesRow(Base):
    """Which series a goal anchor belongs to; kept across re-ingest so series ids never change."""

    __tablename__ = "goal_series"
    anchor: Mapped[str] = mapped_column(String(160), primary_key=True)
    series: Mapped[str] = mapped_column(String(170), index=True)
    municipality: Mapped[str] = mapped_column(Bounded(128), index=True)
    # the goal version this occurrence prints, and its place in that version's chain (follow-up date
    # then anchor); position is NULL once the goal is gone (its series id is kept for its return)
    version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    position: Mapped[str | None] = mapped_column(String(200), nullable=True)


Index("ix_goal_series_version_position", GoalSeriesRow.version, GoalSeriesRow.position)


class GoalVersionRow(Base):
    """One goal as a plan year states it, however many documents reprint it (see models/links.py).

    Linking scores versions, not reprints; `rep_anchor` is the occurrence its next-plan links hang on.
    """

    __tablename__ = "goal_versions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    municipality: Mapped[str] = mapped_column(Bounded(128))
    plan_year: Mapped[int] = mapped_column(Integer)
    family: Mapped[str | None] = mapped_column(Bounded(256))
    goal_id: Mapped[str | None] = mapped_column(Bounded(32))
    theme: Mapped[str | None] = mapped_column(CleanText)
    title: Mapped[str | None] = mapped_column(CleanText)
    text: Mapped[str] = mapped_column(CleanText)
    targets: Mapped[list] = mapped_column(CleanJSON, default=list)
    rep_anchor: Mapped[str | None] = mapped_column(String(160), nullable=True)
    first_position: Mapped[str] = mapped_column(String(200))
    series: Mapped[str] = mapped_column(String(170))


Index("ix_goal_versions_municipality_year", GoalVersionRow.municipality, GoalVersionRow.plan_year)
