"""Goal extraction (placeholder until the extractor lands)."""

from __future__ import annotations

from models.records import AgendaItem, DeclaredSummary, Document, Goal


def extract_goals(doc: Document, items: list[AgendaItem]) -> tuple[list[Goal], list[DeclaredSummary]]:
    return [], []
