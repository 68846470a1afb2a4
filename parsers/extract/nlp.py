"""spaCy for sentence-level cues: a blank Danish pipeline with rule components, nothing downloaded.

`spacy.blank("da")` gives Danish tokenisation (with its abbreviation exceptions); a
sentencizer splits sentences; two Matcher components mark goal cues (`skal`, `forventes`,
`Målet er, at`, `mindst 80 %`) and verdict sentences (`Målet er ikke nået`, `Det er for tidligt`)
in their inflections. Patterns live in `parsers/patterns/*.jsonl`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # spaCy takes a second or more to import: loaded on the first paragraph that needs it
    from spacy.language import Language
    from spacy.tokens import Doc, Span

PATTERNS = Path(__file__).resolve().parent.parent / "patterns"


def _load(name: str) -> list[dict]:
    lines = (PATTERNS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


class _SpanMatcher:
    """Adds the matches of token patterns as a span group on the doc."""

    def __init__(self, nlp: Language, group: str, patterns_file: str) -> None:
        from spacy.matcher import Matcher

        self.group = group
        self.matcher = Matcher(nlp.vocab)
        for n, entry in enumerate(_load(patterns_file)):
            self.matcher.add(f"{entry['label']}_{n}", [entry["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span

        spans = []
        for match_id, start, end in self.matcher(doc):
            label = doc.vocab.strings[match_id].rsplit("_", 1)[0]
            spans.append(Span(doc, start, end, label=label))
        doc.spans[self.group] = spans
        return doc


def make_goal_cues(nlp: Language, name: str, patterns_file: str) -> _SpanMatcher:
    return _SpanMatcher(nlp, "goal_cues", patterns_file)


def make_verdicts(nlp: Language, name: str, patterns_file: str) -> _SpanMatcher:
    return _SpanMatcher(nlp, "verdicts", patterns_file)


@cache
def _register() -> Any:
    """spaCy, imported and our components registered on first use (never at import)."""
    import spacy
    from spacy.language import Language

    Language.factory("maalspor_goal_cues", default_config={"patterns_file": "goal_cues.jsonl"})(make_goal_cues)
    Language.factory("maalspor_verdicts", default_config={"patterns_file": "verdict_tokens.jsonl"})(make_verdicts)
    return spacy


@cache
def get_nlp() -> Language:
    nlp = _register().blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("maalspor_goal_cues")
    nlp.add_pipe("maalspor_verdicts")
    return nlp


def cue_labels(sent: Span) -> set[str]:
    doc = sent.doc
    return {s.label_ for s in doc.spans.get("goal_cues", []) if s.start >= sent.start and s.end <= sent.end}


def is_verdict_sentence(sent: Span) -> bool:
    doc = sent.doc
    return any(s.start >= sent.start and s.end <= sent.end for s in doc.spans.get("verdicts", []))


def _required_words(pattern: list[dict]) -> list[frozenset[str]]:
    """For each token a match cannot do without, the lower-case words it accepts."""
    required = []
    for token in pattern:
        if token.get("OP") in ("?", "*"):
            continue
        lower = token.get("LOWER")
        if isinstance(lower, str):
            required.append(frozenset([lower]))
        elif isinstance(lower, dict) and "IN" in lower:
            required.append(frozenset(lower["IN"]))
    return required


@cache
def _verdict_requirements() -> list[list[frozenset[str]]]:
    return [_required_words(entry["pattern"]) for entry in _load("verdict_tokens.jsonl")]


def may_state_verdict(text: str) -> bool:
    """False only when no verdict pattern can match: every word a pattern requires must be present.

    A cheap, exact pre-filter, derived from the patterns themselves, so that spaCy runs only
    on the paragraphs around a possible verdict sentence instead of on every paragraph.
    """
    words = set(re.findall(r"\w+", text.lower()))
    return any(all(options & words for options in req) for req in _verdict_requirements())


def analyse(text: str) -> list[tuple[str, set[str], bool]]:
    """Each sentence with its goal-cue labels and whether it states a verdict."""
    doc = get_nlp()(text)
    return [(sent.text.strip(), cue_labels(sent), is_verdict_sentence(sent)) for sent in doc.sents if sent.text.strip()]
