"""Layout profiles: how each minutes system marks where an agenda item starts.

A profile is data, not code (`patterns/minutes.yaml`): the item-start pattern and how confident a match must be
confirmed by what follows (a case number or a section heading). `choose_profile` picks the
profile whose pattern explains the document best; unknown layouts get the generic one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Profile:
    name: str
    item_start: re.Pattern[str]
    needs_body: bool  # a match counts only when a case number or section heading follows
    min_hits: int


MINUTES = yaml.safe_load((Path(__file__).resolve().parent.parent / "patterns" / "minutes.yaml").read_text("utf-8"))

PROFILES: tuple[Profile, ...] = tuple(
    Profile(p["name"], re.compile(p["item_start"], re.I if p["name"] != "numbered" else 0), p["needs_body"],
            p["min_hits"])
    for p in MINUTES["profiles"])

SECTION_WORDS: dict[str, str] = {word: kind for kind, words in MINUTES["section_words"].items() for word in words}
RECOMMENDATION_HEADING = re.compile(MINUTES["recommendation_heading"], re.I)
LIST_INTRO_AT = re.compile(MINUTES["list_intro_at"], re.I)
HEADER_LABEL = re.compile(r"^\s*(?:" + "|".join(map(re.escape, MINUTES["header_labels"])) + r")\b", re.I)
OPEN_CLOSED_LINE = re.compile(MINUTES["open_closed_line"], re.I)

DECISION_LINE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?\s*(?:Beslutning(?:er)?\s+(?:i|på|fra)\s+.+?(?:den|d\.)\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}"
    r"|.{3,80}?s\s+beslutning\s+den\s+\d{1,2}[-./]\d{1,2}[-./]\d{2,4}.*)\s*(?:\*\*)?\s*$",
    re.I,
)

CASE_NUMBER = re.compile(
    r"(?:(?:Sagsnr|Sagsnummer|Sags\s+nr|Sag\s+nr|Sagsid|Journalnr|Journalnummer|J\.\s?nr)\.?\s*:?\s*"
    r"(?P<sagsnr>[\w./-]*\d[\w./-]*))"
    r"|(?P<emn>\b[A-ZÆØÅ]{2,5}-\d{4}-\d{4,8}\b)"
    r"|(?P<kle>\b\d{2}\.\d{2}(?:\.\d{2})?(?:[.-]?[A-ZÆØÅ]\d{2})(?:-\d+-\d{2}|(?:\s+-)?\s+\d{2,4}/\d+)?)"
)

CLOSED = re.compile(r"\b(?:Lukket(?:\s+(?:sag|punkt|referat))?|Fortrolig)\b", re.I)
OPEN = re.compile(r"\bÅben\s+sag\b|\bÅbent\s+punkt\b", re.I)

AGENDA_LIST_HEADING = re.compile(MINUTES["agenda_list_heading"], re.I)
LIST_ENTRY_NOT_TITLE = re.compile(MINUTES["list_entry_not_title"], re.I)
CONTENTS_HEADING_WORDS = frozenset(MINUTES["contents_heading_words"])
AGENDA_LIST_SUBHEADING = re.compile(MINUTES["agenda_list_subheadings"], re.I)
ITEM_LABEL = re.compile(MINUTES["item_labels"], re.I)
CONTROL_WORDS = re.compile(
    r"(?:\s*(?:[|•·]\s*)?\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in MINUTES["control_words"])
    + r")\b\s*(?:…|\.{3})?)+\s*$", re.I)
CONTROL_LINE_WORDS = frozenset(MINUTES["control_line_words"])
TITLE_TIME_SLOT = re.compile(MINUTES["title_time_slot"], re.I)
PARTICIPANT_HEADING = re.compile(MINUTES["participant_headings"], re.I)
FLATTENED_LINE_CHARS: int = MINUTES["flattened_line_chars"]
LONE_ITEM_NUMBER = re.compile(MINUTES["lone_item_number"], re.I)
