"""SQLAlchemy tables mirroring the Pydantic records.

A document is its content (sha256); paths are a separate table so one content under two
names is stored once. Every derived row carries its document id and is replaced with it.
Offsets index `documents.text`, the normalised text the parsers saw.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(16))
    reader: Mapped[str] = mapped_column(String(32))
    parser_version: Mapped[str] = mapped_column(String(16))
    profile: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="ok")
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    paths: Mapped[list[DocumentPathRow]] = relationship(back_populates="document", cascade="all, delete-orphan")


class DocumentPathRow(Base):
    __tablename__ = "document_paths"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    document: Mapped[DocumentRow] = relationship(back_populates="paths")


class MeetingRow(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    municipality: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[str | None] = mapped_column(String(256))
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    time: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str | None] = mapped_column(String(256))
    participants: Mapped[list] = mapped_column(JSON, default=list)
    absentees: Mapped[list] = mapped_column(JSON, default=list)


class AgendaItemRow(Base):
    __tablename__ = "agenda_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    case_number: Mapped[str | None] = mapped_column(String(64))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(String(128), index=True)


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
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
    anchor: Mapped[str] = mapped_column(String(160), index=True)
    plan: Mapped[str | None] = mapped_column(String(256))
    plan_year: Mapped[int | None] = mapped_column(Integer, index=True)
    goal_id: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str | None] = mapped_column(String(32))
    theme: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    status_text: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(24), index=True)
    verdict_text: Mapped[str | None] = mapped_column(Text)
    expectation: Mapped[str | None] = mapped_column(String(24))
    confidence: Mapped[float] = mapped_column(Float)
    confidence_reasons: Mapped[list] = mapped_column(JSON, default=list)
    layout: Mapped[str] = mapped_column(String(24))
    page: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class FigureRow(Base):
    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(String(256))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    scale: Mapped[str | None] = mapped_column(String(16))
    comparison: Mapped[str | None] = mapped_column(String(16))
    period: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class DeclaredSummaryRow(Base):
    __tablename__ = "declared_summaries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    plan_year: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict] = mapped_column(JSON)
    extracted: Mapped[dict] = mapped_column(JSON)
    mismatch: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class FileOutcomeRow(Base):
    """The last outcome per input path, written only when it changes (so re-runs write nothing)."""

    __tablename__ = "file_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    # st_mtime_ns when the content was last hashed: with the size, lets a re-run skip the file unread
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


Index("ix_goals_series", GoalRow.goal_id, GoalRow.plan_year)
