"""The whole parse of one file, read → normalise → split → extract, with no database in sight."""

from __future__ import annotations

from pathlib import Path

from models.records import ParsedDocument, RawDocument
from parsers.extract.goals import extract_goals
from parsers.extract.headline import with_headline
from parsers.layout import normalise
from parsers.meeting import extract_meeting
from parsers.readers import read_document
from parsers.split import split_items


def parse_raw(raw: RawDocument) -> ParsedDocument:
    doc = normalise(raw)
    profile, items = split_items(doc)
    meeting = extract_meeting(doc, items, profile)
    goals, summaries = extract_goals(doc, items)
    goals = [with_headline(goal) for goal in goals]  # one headline measure each, beside the figure list
    return ParsedDocument(document=doc, meeting=meeting, items=items, goals=goals, summaries=summaries)


def parse_file(path: Path) -> ParsedDocument:
    return parse_raw(read_document(path))
