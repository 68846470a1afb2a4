"""Verdict phrases → the closed vocabulary, keeping both halves of "ikke nået, men forventes opfyldt"."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from models.records import Verdict

PATTERNS = Path(__file__).resolve().parent.parent / "patterns" / "verdicts.yaml"
_EXPECT = {Verdict.expected_met, Verdict.expected_not_met}


@cache
def _rules() -> list[tuple[Verdict, list[re.Pattern[str]]]]:
    data = yaml.safe_load(PATTERNS.read_text(encoding="utf-8"))
    return [(Verdict(e["verdict"]), [re.compile(p, re.I | re.M) for p in e["patterns"]]) for e in data]


def classify_clause(text: str) -> Verdict | None:
    for verdict, patterns in _rules():
        if any(p.search(text) for p in patterns):
            return verdict
    return None


def normalise_verdict(text: str | None) -> tuple[Verdict, Verdict | None]:
    """(verdict, expectation). A later "men forventes …" clause becomes the expectation."""
    if not text or not text.strip():
        return Verdict.none, None
    clauses = re.split(r",?\s+men\s+|;\s*", text, maxsplit=1)
    first = classify_clause(clauses[0]) or classify_clause(text)
    if first is None:
        return Verdict.none, None
    expectation = classify_clause(clauses[1]) if len(clauses) > 1 else None
    if expectation is not None and expectation not in _EXPECT:
        expectation = None
    return first, expectation
