"""Records of an ESDH publication, the contract between the XML readers and the ingest."""

from __future__ import annotations

from pydantic import BaseModel, Field

from models.records import Meeting


class FileRef(BaseModel):
    """A file the publication names: `names` are the places to look for it, relative to the
    publication's folder, best first (the numeric name the XML gives, then the readable copy)."""

    role: str  # minutes, item or attachment
    item: str | None = None
    names: list[str]
    title: str | None = None


class PubItem(BaseModel):
    number: str
    title: str
    case_number: str | None = None
    closed: bool = False
    committee: str | None = None
    fields: list[tuple[str, str]] = Field(default_factory=list)  # (caption, text) as the XML holds them


class Publication(BaseModel):
    system: str
    path: str
    meeting: Meeting
    items: list[PubItem]
    files: list[FileRef] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # other XML files the publication was read from (Acadre's agenda XML): part of its content
    sources: list[str] = Field(default_factory=list)
