"""Pydantic records: the contract between pipeline stages.

Every stage takes one of these and returns the next, so each can be tested alone on a
string or a page and nothing downstream needs to know how the document was read.
Offsets (`start`, `end`) always index into `Document.text`, the normalised text.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Verdict(StrEnum):
    met = "met"
    not_met = "not_met"
    expected_met = "expected_met"
    expected_not_met = "expected_not_met"
    too_early = "too_early"
    not_measurable = "not_measurable"
    dropped = "dropped"
    partly_met = "partly_met"
    none = "none"


class ItemMark(BaseModel):
    """An agenda item start a reader saw in the document's structure (an HTML table row, a heading),
    so the splitter need not guess it from the text. `evidence` names the structure: `structure:firstagenda`,
    `structure:generic-heading`, ..."""

    model_config = ConfigDict(frozen=True)

    number: str
    title: str
    case_number: str | None = None
    closed: bool = False
    evidence: str = "structure"


class Line(BaseModel):
    """One line of text as a reader saw it.

    `cells` is set when the reader recognised a table row: each cell's text, in reading
    order, so a wrapped left column never interleaves with the right one.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    page: int
    bbox: tuple[float, float, float, float] | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None
    cells: tuple[str, ...] | None = None
    heading: int | None = None  # 1-6 for an HTML/Word heading of that level
    item: ItemMark | None = None  # this line starts an agenda item, by the document's structure


class Page(BaseModel):
    number: int
    lines: list[Line]
    width: float | None = None
    height: float | None = None
    chars: int = 0
    images: int = 0
    reader: str = ""


class RawDocument(BaseModel):
    """What a reader returns: pages of lines with provenance, before any clean-up."""

    path: str
    format: str
    pages: list[Page]
    reader: str
    warnings: list[str] = Field(default_factory=list)
    # what a web page says about its publisher outside its text: `title`, `url` (canonical or og:url),
    # `site` (og:site_name), `logo` (the logo's alt text and file name); meeting facts read it, the text never
    site: dict[str, str] = Field(default_factory=dict)


class PageSpan(BaseModel):
    page: int
    start: int
    end: int


class DocLine(BaseModel):
    """A cleaned line of the normalised document, with its place in `Document.text`."""

    text: str
    page: int
    start: int
    end: int
    bold: bool = False
    italic: bool = False
    size: float | None = None
    is_table_row: bool = False
    # left and right edge on the page where the reader knows them (PDF): a short last line ends a paragraph
    x0: float | None = None
    x1: float | None = None
    heading: int | None = None
    item: ItemMark | None = None  # carried from the reader's Line: an item start seen in the structure


class Document(BaseModel):
    """The normalised document: clean text plus a map back to pages.

    Table rows appear in `text` as cells joined by a tab, the same shape a tab-separated
    export has, so one parser serves both.
    """

    path: str
    format: str
    reader: str
    text: str
    lines: list[DocLine]
    page_count: int
    warnings: list[str] = Field(default_factory=list)
    running: list[str] = Field(default_factory=list)  # page 1's running header/footer lines, left out of `text`
    site: dict[str, str] = Field(default_factory=dict)  # the page's publisher evidence (RawDocument.site)

    def page_at(self, offset: int) -> int:
        """Page number holding character `offset` (1 for an empty document)."""
        page = 1
        for line in self.lines:
            if line.start > offset:
                break
            page = line.page
        return page


class Section(BaseModel):
    heading: str
    kind: str
    text: str
    start: int
    end: int
    page_start: int
    page_end: int


class AgendaItem(BaseModel):
    number: str
    title: str
    case_number: str | None = None
    closed: bool = False
    sections: list[Section] = Field(default_factory=list)
    decision: str | None = None
    start: int
    end: int
    page_start: int
    page_end: int
    # why this is an item: agenda_list, body_heading, case_number, sections, profile:<name>
    evidence: list[str] = Field(default_factory=list)
    listed_only: bool = False  # named in the document's agenda list; no body in this document


class Meeting(BaseModel):
    municipality: str | None = None  # canonical (`Norddjurs`), else the name as printed when not on the list
    municipality_code: int | None = None  # official kommunekode (707) or regionskode (1082)
    municipality_printed: str | None = None  # what the document printed (`Norrdjurs Kommune`)
    body: str | None = None
    date: str | None = None
    time: str | None = None
    place: str | None = None
    participants: list[str] = Field(default_factory=list)
    absentees: list[str] = Field(default_factory=list)
    profile: str = "generic"


class Figure(BaseModel):
    """A number as the source printed it, with its meaning made explicit.

    `value` is already scaled (`3,978 mio. kr.` → 3978000.0 with unit dkk, scale "mio.").
    """

    raw: str
    value: float
    unit: str | None = None
    scale: str | None = None
    comparison: str | None = None
    period: str | None = None
    role: str = "target"
    start: int | None = None
    end: int | None = None


# The headline measure of a goal: what parsers/extract/headline.py chooses, the store keeps in `goals`
# and reviewers may correct, field by field.
HEADLINE_FIELDS = ("target_value", "target_unit", "target_comparison", "target_direction", "observed_value",
                   "observed_unit", "observed_period", "baseline_value", "baseline_period")


class Goal(BaseModel):
    plan: str | None = None
    plan_year: int | None = None
    goal_id: str | None = None
    kind: str | None = None
    theme: str | None = None
    title: str | None = None
    text: str
    status_text: str | None = None
    verdict: Verdict = Verdict.none
    verdict_text: str | None = None
    expectation: Verdict | None = None
    figures: list[Figure] = Field(default_factory=list)
    # the headline measure (parsers/extract/headline.py): one target level or direction, the latest
    # observed value and its period, the baseline; the full figure list stays in `figures`
    target_value: float | None = None
    target_unit: str | None = None
    target_comparison: str | None = None  # at_least, at_most, equal
    target_direction: str | None = None  # increase, decrease, hold: a goal without a level
    observed_value: float | None = None
    observed_unit: str | None = None
    observed_period: str | None = None
    baseline_value: float | None = None
    baseline_period: str | None = None
    confidence: float = 1.0
    confidence_reasons: list[str] = Field(default_factory=list)
    layout: str = "table"
    agenda_item: str | None = None
    page: int | None = None
    start: int | None = None
    end: int | None = None


class DeclaredSummary(BaseModel):
    """Counts an item states about its own goals ("8 mål er nået"), kept verbatim."""

    agenda_item: str | None = None
    plan_year: int | None = None
    counts: dict[str, int]
    text: str
    extracted: dict[str, int] = Field(default_factory=dict)
    mismatch: bool = False
    start: int | None = None
    end: int | None = None


class ParsedDocument(BaseModel):
    """Everything the parsers learnt from one document; the store writes exactly this."""

    document: Document
    meeting: Meeting
    items: list[AgendaItem]
    goals: list[Goal] = Field(default_factory=list)
    summaries: list[DeclaredSummary] = Field(default_factory=list)
