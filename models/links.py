"""Goal series: the same goal followed through plans and follow-ups of one municipality.

Every follow-up is an island until its goals are linked to the goals they continue. Links are
rows (`goal_links`) between goal ANCHORS, never goal ids: goal rows are deleted and inserted
again whenever a document is re-ingested, anchors are not. Each link keeps its score and the
reasons that made it, so a reviewer can see why it was proposed and confirm or reject it; a
rejected link is never proposed again, a confirmed one never dropped by a re-run.

Archives print one goal many times: the follow-up table sits in the agenda, the minutes and the
minutes of two or three other committees, quarter after quarter. Those reprints (same
municipality, plan year, goal number or near-identical statement) are one goal VERSION
(`goal_versions`) with several occurrences (`goal_series.version`, each keeping its document, page
and box). A version's occurrences form a chain in follow-up order (`same_plan`: each links to the
one before it, never to every earlier one), and a version links to the versions of the next plan
year of its plan family (`next_plan`: every later version takes its best earlier one and every
earlier one its best later one, so a goal split in two, or two merged, give two links). Links per
goal stay about one however often a table is reprinted.

Series are the connected components of versions over links that are not rejected. A series id
is stored per version and per anchor (`goal_series`) and handed on: a component keeps the id its
earliest member already had, so ingesting a later follow-up, re-ingesting a document or
relinking never renames a series. Linking a document reads that document's goals, the
municipality's versions (one per distinct goal, however many reprints) and a few indexed rows per
goal; candidate versions are blocked by plan year and goal number and scored with rapidfuzz's
`process.cdist` over the block.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from models.schema import FigureRow, GoalLinkRow, GoalRow, GoalSeriesRow, GoalVersionRow, MeetingRow

CONFIG = Path(__file__).with_name("links.yaml")
ACCEPTED_STATES = ("proposed", "confirmed")
STATES = ("proposed", "confirmed", "rejected")


@cache
def settings() -> dict[str, Any]:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class GoalPoint:
    """One goal as linking sees it: where it comes from and what it says."""

    anchor: str
    document_id: int
    municipality: str
    plan_family: str
    date: str
    plan_year: int
    goal_id: str | None
    theme: str | None
    title: str | None
    text: str
    targets: tuple[tuple[float, str | None], ...] = field(default=())

    @property
    def order(self) -> tuple[int, str, str]:
        return (self.plan_year, self.date, self.anchor)

    @property
    def content(self) -> GoalPoint:
        """The goal without where it was printed: reprints of one table score once."""
        return GoalPoint("", 0, self.municipality, self.plan_family, "", 0, self.goal_id, self.theme, self.title,
                         self.text, self.targets)


@dataclass(frozen=True)
class Candidate:
    from_anchor: str
    to_anchor: str
    municipality: str
    score: float
    reasons: tuple[str, ...]
    method: str


def municipality_key(name: str | None) -> str:
    """`Norddjurs Kommune`, `norddjurs` and `Norddjurs` are one municipality."""
    return re.sub(r"\s+kommunes?$", "", (name or "").strip(), flags=re.I).casefold()


def plan_family(plan: str | None) -> str:
    """`Beskæftigelsesplan 2024` and `Beskæftigelsesplan 2023` are one family; '' when unknown."""
    return " ".join(re.sub(r"[\d–-]+", " ", (plan or "").casefold()).split())


def same_family(a: GoalPoint, b: GoalPoint) -> bool:
    """Goals of an employment plan never link to goals of a health plan with the same numbers.

    An unknown family (no plan name printed) is compatible with any.
    """
    return _families_match(a.plan_family, b.plan_family)


@lru_cache(maxsize=4096)
def _families_match(a: str, b: str) -> bool:
    if not a or not b:
        return True
    return fuzz.ratio(a, b) >= settings()["same_family_ratio"]


@lru_cache(maxsize=65536)
def _words(text: str | None) -> str:
    stop = set(map(str, settings()["stopwords"]))
    words = re.sub(r"[^\wæøå%]+", " ", (text or "").casefold()).split()
    return " ".join(w for w in words if w not in stop)


def _similarity(a: str | None, b: str | None) -> float | None:
    """Word-set similarity of two texts (0-100), or None when either is missing.

    token_set catches one statement contained in a longer one (a goal split in two); the blend
    with token_sort keeps a short generic statement from matching every long one fully.
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return None
    return 0.6 * fuzz.token_set_ratio(wa, wb) + 0.4 * fuzz.token_sort_ratio(wa, wb)


def _title_in_text(a: GoalPoint, b: GoalPoint) -> float | None:
    """When only one goal has a title (`Jobformidling`), how well it is found in the other's statement.

    partial_ratio aligns the short title with the best window of the statement, so the title
    still matches inside a compound word (`jobformidlingsopgaver`).
    """
    titled, other = (a, b) if a.title else (b, a)
    if not titled.title:
        return None
    title, text = _words(titled.title), _words(other.text)
    if not title or not text:
        return None
    return float(fuzz.partial_ratio(title, text))


def _figure_similarity(a: GoalPoint, b: GoalPoint) -> tuple[float | None, str | None]:
    if not a.targets or not b.targets:
        return None, None
    for va, ua in a.targets:
        for vb, ub in b.targets:
            if ua == ub and abs(va - vb) < 1e-9:
                return 100.0, f"same target {vb:g}{' ' + ub if ub else ''}"
    units_a, units_b = {u for _, u in a.targets}, {u for _, u in b.targets}
    if units_a & units_b - {None}:
        return 50.0, f"same target unit {sorted(u for u in units_a & units_b if u)[0]}"
    return 0.0, None


def score(a: GoalPoint, b: GoalPoint) -> tuple[float, tuple[str, ...]]:
    """How likely `b` carries on goal `a` (0-100), with the reasons in words."""
    return _score(a.content, b.content)


@lru_cache(maxsize=262144)
def _score(a: GoalPoint, b: GoalPoint) -> tuple[float, tuple[str, ...]]:
    cfg = settings()
    weights: dict[str, float] = cfg["weights"]
    parts: dict[str, float] = {}
    reasons: list[str] = []
    statement = _similarity(a.text, b.text)
    if statement is not None:
        parts["statement"] = statement
    title = _similarity(a.title, b.title) if (a.title and b.title) else _title_in_text(a, b)
    if title is not None:
        parts["title"] = title
    theme = _similarity(a.theme, b.theme)
    if theme is not None:
        parts["theme"] = theme
    fig, fig_reason = _figure_similarity(a, b)
    if fig is not None:
        parts["figures"] = fig
    total_weight = sum(weights[k] for k in parts) or 1.0
    value = sum(weights[k] * v for k, v in parts.items()) / total_weight
    for key, v in parts.items():
        if key != "figures":
            reasons.append(f"{key} {v:.0f}")
    if fig_reason:
        reasons.append(fig_reason)
    if a.goal_id and a.goal_id == b.goal_id:
        value += cfg["bonus"]["same_goal_id"]
        reasons.append(f"same goal id {a.goal_id}")
    elif a.goal_id and b.goal_id:
        reasons.append(f"renumbered {a.goal_id} → {b.goal_id}")
    return round(min(value, 100.0), 1), tuple(reasons)


def version_key(p: GoalPoint) -> str:
    """The key every reprint of one goal shares: municipality, plan family and year, number, words."""
    raw = "|".join((p.municipality, p.plan_family, str(p.plan_year), p.goal_id or "", _words(p.text)))
    return "v" + hashlib.sha1(raw.encode()).hexdigest()[:24]


def position(p: GoalPoint) -> str:
    """Where an occurrence sits in its version's chain: by follow-up date, then anchor."""
    return f"{p.date or ''}|{p.anchor}"


def _point_query() -> Any:
    return (select(GoalRow.id, GoalRow.anchor, GoalRow.document_id, MeetingRow.municipality, MeetingRow.date,
                   GoalRow.plan, GoalRow.plan_year, GoalRow.goal_id, GoalRow.theme, GoalRow.title, GoalRow.text)
            .join(MeetingRow, MeetingRow.document_id == GoalRow.document_id)
            .where(GoalRow.plan_year.is_not(None), MeetingRow.municipality.is_not(None))
            .order_by(GoalRow.document_id, GoalRow.seq))


def _points(session: Session, query: Any) -> list[GoalPoint]:
    rows = session.execute(query).all()
    targets: dict[int, list[tuple[float, str | None]]] = {}
    ids = [r.id for r in rows]
    for chunk in range(0, len(ids), 500):
        for f in session.execute(select(FigureRow.goal_id, FigureRow.value, FigureRow.unit)
                                 .where(FigureRow.goal_id.in_(ids[chunk:chunk + 500]), FigureRow.role == "target")):
            targets.setdefault(f.goal_id, []).append((f.value, f.unit))
    seen: set[str] = set()
    points = []
    for r in rows:
        if r.anchor in seen:  # one goal printed twice in one document is one point
            continue
        seen.add(r.anchor)
        points.append(GoalPoint(r.anchor, r.document_id, municipality_key(r.municipality), plan_family(r.plan),
                                r.date or "", r.plan_year, r.goal_id, r.theme, r.title, r.text,
                                tuple(targets.get(r.id, []))))
    return points


def _names(session: Session, municipality: str) -> list[str]:
    return [n for n in session.scalars(select(MeetingRow.municipality).distinct()
                                       .where(MeetingRow.municipality.is_not(None)))
            if municipality_key(n) == municipality]


def load_points(session: Session, municipality: str | None = None, document_id: int | None = None) -> list[GoalPoint]:
    """Goals with a municipality and a plan year (the two things a series needs): of one
    municipality, of one document, or all. Linking one document reads only that document."""
    query = _point_query()
    if document_id is not None:
        query = query.where(GoalRow.document_id == document_id)
    if municipality is not None:
        names = _names(session, municipality)
        if not names:
            return []
        query = query.where(MeetingRow.municipality.in_(names))
    return _points(session, query)


# --- choosing a version and the next plan's links: pure functions over small blocks -------------

@dataclass
class Version:
    """One goal as printed (possibly many times) in one plan year; `rep` is the occurrence its
    next-plan links hang on, `first` the earliest occurrence's position (names its series)."""

    id: str
    point: GoalPoint
    rep: str | None
    first: str
    series: str

    @property
    def order(self) -> tuple[int, str]:
        return (self.point.plan_year, self.first)


def _numbered_alike(a: GoalPoint, b: GoalPoint) -> bool:
    return bool(a.goal_id and a.goal_id == b.goal_id) and same_family(a, b)


def _unnumbered_alike(a: GoalPoint, b: GoalPoint) -> bool:
    return not (a.goal_id and b.goal_id) and same_family(a, b)


def _statement_matrix(left: list[GoalPoint], right: list[GoalPoint]) -> Any:
    """Statement similarity of every pair of a block at once (rapidfuzz cdist, the same blend as `_similarity`)."""
    from rapidfuzz import process  # brings numpy: only when a block is scored

    a = [_words(p.text) for p in left]
    b = [_words(p.text) for p in right]
    matrix = 0.6 * process.cdist(a, b, scorer=fuzz.token_set_ratio) + \
        0.4 * process.cdist(a, b, scorer=fuzz.token_sort_ratio)
    # no words on one side: `_score` leaves the statement out, so it bounds nothing
    matrix[[i for i, w in enumerate(a) if not w], :] = 100.0
    matrix[:, [j for j, w in enumerate(b) if not w]] = 100.0
    return matrix


def _reachable(statement: float, threshold: float) -> bool:
    """Whether a pair with this statement score can still reach `threshold` on the other parts."""
    w = settings()["weights"]["statement"]
    return w * statement + (1 - w) * 100 + settings()["bonus"]["same_goal_id"] >= threshold


def choose_version(p: GoalPoint, block: list[Version], excluded: set[str]) -> Version | None:
    """The version of plan year `p.plan_year` that `p` reprints or follows up, if any.

    Numbered on both sides: the same number is the same goal unless the words disagree outright;
    unnumbered goals must read alike. `block` holds the municipality's versions of that year.
    """
    cfg = settings()
    best: tuple[Any, ...] | None = None
    chosen = None
    numbered = [v for v in block if v.id not in excluded and _numbered_alike(v.point, p)]
    unnumbered = [v for v in block if v.id not in excluded and _unnumbered_alike(v.point, p)]
    if unnumbered:
        matrix = _statement_matrix([p], [v.point for v in unnumbered])[0]
        unnumbered = [v for v, s in zip(unnumbered, matrix, strict=True)
                      if _reachable(float(s), cfg["same_plan_threshold"])]
    for group, threshold in ((numbered, cfg["same_plan_same_id_threshold"]),
                             (unnumbered, cfg["same_plan_threshold"])):
        for v in group:
            s, _ = _score(v.point.content, p.content)
            rank = (s, tuple(-ord(c) for c in v.first))
            if s >= threshold and (best is None or rank > best):
                best, chosen = rank, v
        if chosen is not None:
            return chosen
    return None


def next_plan_pairs(versions: list[Version], years: set[int] | None,
                    rejected: set[tuple[str, str]]) -> tuple[set[tuple[int, int]], dict[tuple[str, str], Candidate]]:
    """Links from each version to the versions of the next plan year of its plan family.

    Every later version takes its best earlier one and every earlier one its best later one when
    the score reaches the threshold (a goal split in two, or two merged, both give two links).
    Only the year pairs touching `years` (None: all) are computed; returns those pairs and the
    links by (from version, to version). A version pair a reviewer rejected is never proposed.
    """
    cfg = settings()
    threshold = cfg["threshold"]
    live = [v for v in versions if v.rep is not None]
    families = sorted({v.point.plan_family for v in live if v.point.plan_family}) or [""]
    pairs: set[tuple[int, int]] = set()
    out: dict[tuple[str, str], Candidate] = {}
    for family in families:
        by_year: dict[int, list[Version]] = {}
        for v in live:
            if not family or v.point.plan_family in ("", family):
                by_year.setdefault(v.point.plan_year, []).append(v)
        ordered = sorted(by_year)
        for y1, y2 in zip(ordered, ordered[1:], strict=False):
            if years is not None and y1 not in years and y2 not in years:
                continue
            pairs.add((y1, y2))
            left, right = by_year[y1], by_year[y2]
            matrix = _statement_matrix([v.point for v in left], [v.point for v in right])
            scored: list[tuple[float, tuple[str, ...], Version, Version]] = []
            for i, a in enumerate(left):
                for j, b in enumerate(right):
                    if not _reachable(float(matrix[i][j]), threshold) or (a.id, b.id) in rejected \
                            or not same_family(a.point, b.point):
                        continue
                    s, reasons = _score(a.point.content, b.point.content)
                    if s >= threshold:
                        scored.append((s, reasons, a, b))
            for side in (3, 2):
                best: dict[str, tuple[Any, ...]] = {}
                for item in scored:
                    rank = (item[0], item[2].first, item[3].first)
                    own = item[side].id
                    if own not in best or rank > best[own][0]:
                        best[own] = (rank, item)
                for _, (s, reasons, a, b) in best.values():
                    out[(a.id, b.id)] = Candidate(a.rep or "", b.rep or "", a.point.municipality, s, reasons,
                                                  "next_plan")
    return pairs, out


def candidates(points: list[GoalPoint]) -> list[Candidate]:
    """The links a set of goals gets, computed in memory (what the database linking stores).

    Goals join versions in document order; each occurrence links to the one before it in its
    version (`same_plan`), and versions to the next plan's (`next_plan`). Never across municipalities.
    """
    out: list[Candidate] = []
    by_muni: dict[str, list[GoalPoint]] = {}
    for p in points:
        by_muni.setdefault(p.municipality, []).append(p)
    for muni_points in by_muni.values():
        versions: dict[str, Version] = {}
        members: dict[str, list[GoalPoint]] = {}
        by_year: dict[int, list[Version]] = {}
        for doc in sorted({p.document_id for p in muni_points}):
            taken: set[str] = set()
            for p in (q for q in muni_points if q.document_id == doc):
                v = versions.get(version_key(p))
                if v is None or v.id in taken:
                    v = choose_version(p, by_year.get(p.plan_year, []), taken)
                if v is None:
                    v = Version(version_key(p) if version_key(p) not in versions else f"{version_key(p)}:{p.anchor}",
                                p, p.anchor, position(p), p.anchor)
                    versions[v.id] = v
                    by_year.setdefault(p.plan_year, []).append(v)
                taken.add(v.id)
                members.setdefault(v.id, []).append(p)
        for ms in members.values():
            ms.sort(key=position)
            for a, b in zip(ms, ms[1:], strict=False):
                s, reasons = _score(a.content, b.content)
                out.append(Candidate(a.anchor, b.anchor, a.municipality, s, reasons, "same_plan"))
        out.extend(next_plan_pairs(list(versions.values()), None, set())[1].values())
    return sorted(out, key=lambda c: (c.from_anchor, c.to_anchor))


# --- the database side ----------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _chunks(items: Iterable[Any], size: int = 400) -> Iterator[list[Any]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


class Linker:
    """Links goals of one municipality into its versions, chains and series, touching only what changes.

    Holds the municipality's versions (one row per distinct goal, not per reprint, so small);
    occurrences are looked up by index (version, position), never scanned.
    """

    def __init__(self, session: Session, municipality: str) -> None:
        self.session, self.muni = session, municipality
        self._last_id = session.scalar(select(func.max(GoalLinkRow.id))) or 0
        self.dirty_years: set[int] = set()
        self.series_dirty = False
        self.versions: dict[str, Version] = {}
        self.by_year: dict[int, list[Version]] = {}
        self.fresh: set[str] = set()  # versions new in this run: their series id is not known yet
        self._put: dict[tuple[str, str], tuple[float, tuple[str, ...], str]] = {}
        self._drop: set[tuple[str, str]] = set()
        self._contents: dict[str, GoalPoint | None] = {}
        table = GoalVersionRow.__table__
        for r in session.execute(select(table).where(table.c.municipality == municipality)):
            p = GoalPoint(r.rep_anchor or "", 0, municipality, r.family or "", "", r.plan_year, r.goal_id, r.theme,
                          r.title, r.text, tuple((float(v), u) for v, u in (r.targets or [])))
            self._add(Version(r.id, p, r.rep_anchor, r.first_position, r.series))

    @property
    def added(self) -> int:
        """Links stored now that were not before (a chain link made and closed over meanwhile is not)."""
        self._flush()
        return self.session.scalar(select(func.count()).select_from(GoalLinkRow)
                                   .where(GoalLinkRow.id > self._last_id)) or 0

    def _add(self, v: Version) -> None:
        self.versions[v.id] = v
        self.by_year.setdefault(v.point.plan_year, []).append(v)

    # links ------------------------------------------------------------------------------------
    # Link writes are buffered (the last word on a pair wins) and written by `_flush` in a few
    # statements: a document's goals touch a few dozen pairs, each read and written once.
    def _link(self, a: str, b: str, score: float, reasons: tuple[str, ...], method: str) -> None:
        self._drop.discard((a, b))
        self._put[(a, b)] = (score, tuple(reasons), method)

    def _unlink(self, a: str, b: str) -> None:
        self._put.pop((a, b), None)
        self._drop.add((a, b))

    def _flush(self) -> None:
        if not self._put and not self._drop:
            return
        link = GoalLinkRow.__table__
        pairs = set(self._put) | self._drop
        existing: dict[tuple[str, str], Any] = {}
        for part in _chunks({a for a, _ in pairs}):
            for r in self.session.execute(select(link.c.id, link.c.from_anchor, link.c.to_anchor, link.c.state,
                                                 link.c.score, link.c.reasons, link.c.method)
                                          .where(link.c.from_anchor.in_(part))):
                if (r.from_anchor, r.to_anchor) in pairs:
                    existing[(r.from_anchor, r.to_anchor)] = r
        gone = [existing[k].id for k in self._drop
                if k in existing and existing[k].state == "proposed" and existing[k].method != "manual"]
        for part in _chunks(gone):
            self.session.execute(delete(link).where(link.c.id.in_(part)))
        now = _now()
        new = [{"from_anchor": a, "to_anchor": b, "municipality": self.muni, "score": score, "reasons": list(reasons),
                "method": method, "state": "proposed", "created_at": now, "updated_at": now}
               for (a, b), (score, reasons, method) in sorted(self._put.items()) if (a, b) not in existing]
        if new:
            self.session.execute(insert(link), new)
        for key, (score, reasons, method) in self._put.items():
            row = existing.get(key)
            if row is not None and row.state == "proposed" and (row.score, list(row.reasons or []), row.method) != \
                    (score, list(reasons), method):
                self.session.execute(update(link).where(link.c.id == row.id)
                                     .values(score=score, reasons=list(reasons), method=method, updated_at=now))
        self._put, self._drop = {}, set()

    def _chain_link(self, a: str | None, b: str | None, version: Version | None) -> None:
        """Link two consecutive occurrences of a version; an end not read in this run is scored as
        its version reads (a reprint), so no goal row is fetched for it."""
        if a is None or b is None:
            return
        fallback = version.point.content if version is not None else None
        pa, pb = self._contents.get(a, fallback), self._contents.get(b, fallback)
        s, reasons = _score(pa, pb) if pa is not None and pb is not None else (100.0, ())
        self._link(a, b, s, reasons, "same_plan")

    def _neighbours(self, version: str, pos: str) -> tuple[str | None, str | None]:
        t = GoalSeriesRow.__table__
        before = self.session.scalar(select(t.c.anchor).where(t.c.version == version, t.c.position < pos)
                                     .order_by(t.c.position.desc()).limit(1))
        after = self.session.scalar(select(t.c.anchor).where(t.c.version == version, t.c.position > pos)
                                    .order_by(t.c.position).limit(1))
        return before, after

    # occurrences ------------------------------------------------------------------------------
    def retire(self, anchors: Iterable[str]) -> None:
        """Take occurrences out of their chains (their document is gone, or a reviewer said no):
        the chain closes over them, a version's links move to its next occurrence. Their series
        id stays on record, so a document that comes back gets its series again."""
        t = GoalSeriesRow.__table__
        for anchor in anchors:
            row = self.session.execute(select(t.c.version, t.c.position).where(t.c.anchor == anchor)).first()
            if row is None or row.position is None:
                continue
            self.session.execute(update(t).where(t.c.anchor == anchor).values(position=None))
            before, after = self._neighbours(row.version, row.position)
            self._unlink_all(anchor)
            self._chain_link(before, after, self.versions.get(row.version))
            v = self.versions.get(row.version)
            if v is not None and v.rep == anchor:
                first = self.session.execute(select(t.c.anchor).where(t.c.version == v.id, t.c.position.is_not(None))
                                             .order_by(t.c.position).limit(1)).scalar()
                self._move_rep(v, first)
        self._flush()

    def _unlink_all(self, anchor: str) -> None:
        self._flush()
        link = GoalLinkRow.__table__
        self.session.execute(delete(link).where(or_(link.c.from_anchor == anchor, link.c.to_anchor == anchor),
                                                link.c.state == "proposed", link.c.method != "manual"))

    def _move_rep(self, v: Version, anchor: str | None) -> None:
        self._flush()
        link = GoalLinkRow.__table__
        old = v.rep
        v.rep = anchor
        self.session.execute(update(GoalVersionRow.__table__).where(GoalVersionRow.__table__.c.id == v.id)
                             .values(rep_anchor=anchor))
        if old is not None:  # its next-plan proposals are recomputed for the year below
            self.session.execute(delete(link).where(or_(link.c.from_anchor == old, link.c.to_anchor == old),
                                                    link.c.method == "next_plan", link.c.state == "proposed"))
        self.dirty_years.add(v.point.plan_year)
        self.series_dirty = True

    def retire_dead(self) -> None:
        """Occurrences whose goal row is gone (a replaced or pruned document)."""
        t = GoalSeriesRow.__table__
        dead = self.session.scalars(select(t.c.anchor).where(
            t.c.municipality == self.muni, t.c.position.is_not(None),
            ~select(GoalRow.id).where(GoalRow.anchor == t.c.anchor).exists())).all()
        self.retire(dead)

    def join(self, points: list[GoalPoint]) -> None:
        """Give each goal of one document its version and its place in that version's chain."""
        self._contents.update({p.anchor: p.content for p in points})
        t = GoalSeriesRow.__table__
        known: dict[str, Any] = {}
        for part in _chunks(p.anchor for p in points):
            for r in self.session.execute(select(t.c.anchor, t.c.version, t.c.position, t.c.series)
                                          .where(t.c.anchor.in_(part))):
                known[r.anchor] = r
        excluded = self._rejected_versions([p.anchor for p in points])
        taken: set[str] = set()
        for p in points:
            row = known.get(p.anchor)
            if row is not None and row.position is not None and row.version in self.versions:
                taken.add(row.version)
                continue
            v = self.versions.get(row.version) if row is not None and row.version else None
            if v is None:
                v = self.versions.get(version_key(p))
                if v is not None and (v.id in taken or v.id in excluded.get(p.anchor, ())):
                    v = None
                if v is None:
                    v = choose_version(p, self.by_year.get(p.plan_year, []), taken | excluded.get(p.anchor, set()))
            if v is None:
                vid = version_key(p)
                if vid in self.versions:
                    vid = f"{vid}:{hashlib.sha1(p.anchor.encode()).hexdigest()[:12]}"
                series = row.series if row is not None else p.anchor
                v = Version(vid, p, None, position(p), series)
                self._add(v)
                if row is None:
                    self.fresh.add(vid)
                self.session.execute(insert(GoalVersionRow.__table__).values(
                    id=vid, municipality=self.muni, plan_year=p.plan_year, family=p.plan_family, goal_id=p.goal_id,
                    theme=p.theme, title=p.title, text=p.text, targets=[list(x) for x in p.targets],
                    rep_anchor=None, first_position=v.first, series=series))
                self.series_dirty = True
            taken.add(v.id)
            pos = position(p)
            before, after = self._neighbours(v.id, pos)
            if before is not None and after is not None:
                self._unlink(before, after)
            self._chain_link(before, p.anchor, v)
            self._chain_link(p.anchor, after, v)
            values = {"version": v.id, "position": pos, "municipality": self.muni}
            if row is None:
                self.session.execute(insert(t).values(anchor=p.anchor, series=v.series, **values))
            else:
                self.session.execute(update(t).where(t.c.anchor == p.anchor).values(**values))
                if row.series != v.series:
                    self.series_dirty = True
            if pos < v.first:
                v.first = pos
                self.session.execute(update(GoalVersionRow.__table__).where(GoalVersionRow.__table__.c.id == v.id)
                                     .values(first_position=pos))
                self.series_dirty = True
            if v.rep is None:
                self._move_rep(v, p.anchor)
        self._flush()

    def _version_of(self, anchors: Iterable[str]) -> dict[str, str]:
        t = GoalSeriesRow.__table__
        out: dict[str, str] = {}
        for part in _chunks(set(anchors)):
            for r in self.session.execute(select(t.c.anchor, t.c.version).where(t.c.anchor.in_(part),
                                                                              t.c.version.is_not(None))):
                out[r.anchor] = r.version
        return out

    def _rejected_versions(self, anchors: list[str]) -> dict[str, set[str]]:
        """For each anchor, the versions a reviewer said it does not belong to."""
        self._flush()
        link = GoalLinkRow.__table__
        pairs: list[tuple[str, str]] = []
        for part in _chunks(anchors):
            for r in self.session.execute(select(link.c.from_anchor, link.c.to_anchor).where(
                    link.c.state == "rejected", or_(link.c.from_anchor.in_(part), link.c.to_anchor.in_(part)))):
                pairs.append((r.from_anchor, r.to_anchor))
        versions = self._version_of(a for pair in pairs for a in pair)
        out: dict[str, set[str]] = {}
        for a, b in pairs:
            if b in versions:
                out.setdefault(a, set()).add(versions[b])
            if a in versions:
                out.setdefault(b, set()).add(versions[a])
        return out

    # versions and series -----------------------------------------------------------------------
    def _decided(self) -> list[tuple[str, str, str]]:
        """Links a reviewer decided or added, and the next-plan proposals: the edges between versions."""
        self._flush()
        link = GoalLinkRow.__table__
        return [(r.from_anchor, r.to_anchor, r.state) for r in self.session.execute(
            select(link.c.from_anchor, link.c.to_anchor, link.c.state).where(
                link.c.municipality == self.muni,
                or_(link.c.state != "proposed", link.c.method.in_(("next_plan", "manual")))))]

    def relink_years(self, years: set[int] | None) -> None:
        """Next-plan proposals for the year pairs that touch `years` (None: every year)."""
        if years is not None and not years:
            return
        decided = self._decided()
        versions = self._version_of(a for f, t, _ in decided for a in (f, t))
        rejected = {(versions[f], versions[t]) for f, t, s in decided
                    if s == "rejected" and f in versions and t in versions}
        pairs, found = next_plan_pairs(list(self.versions.values()), years, rejected)
        year_of = {v.rep: v.point.plan_year for v in self.versions.values() if v.rep}
        link = GoalLinkRow.__table__
        wanted = {(c.from_anchor, c.to_anchor) for c in found.values()}
        for r in self.session.execute(select(link.c.id, link.c.from_anchor, link.c.to_anchor).where(
                link.c.municipality == self.muni, link.c.method == "next_plan", link.c.state == "proposed")):
            if (r.from_anchor, r.to_anchor) in wanted:
                continue
            if (year_of.get(r.from_anchor), year_of.get(r.to_anchor)) in pairs or r.from_anchor not in year_of \
                    or r.to_anchor not in year_of:
                self.session.execute(delete(link).where(link.c.id == r.id))
        for c in sorted(found.values(), key=lambda c: (c.from_anchor, c.to_anchor)):
            self._link(c.from_anchor, c.to_anchor, c.score, c.reasons, c.method)
        self._flush()
        self.series_dirty = True

    def assign_series(self) -> None:
        """Series = connected components of versions over accepted links; each keeps the id its
        earliest version already had (see the module doc)."""
        parent = {v: v for v in self.versions}

        def find(a: str) -> str:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        decided = self._decided()
        versions = self._version_of(a for f, t, _ in decided for a in (f, t))
        for f, t, state in decided:
            if state in ACCEPTED_STATES and versions.get(f) in parent and versions.get(t) in parent:
                parent[find(versions[f])] = find(versions[t])
        components: dict[str, list[Version]] = {}
        for v in self.versions.values():
            components.setdefault(find(v.id), []).append(v)
        used: set[str] = set()
        table, series_table = GoalVersionRow.__table__, GoalSeriesRow.__table__
        for members in sorted(components.values(), key=lambda ms: min(m.order for m in ms)):
            members.sort(key=lambda m: m.order)
            series = next((m.series for m in members if m.id not in self.fresh and m.series not in used), None)
            if series is None:
                earliest = members[0].first.split("|", 1)[1]
                series = earliest if earliest not in used else f"{earliest}#{len(used)}"
            used.add(series)
            for m in members:
                if m.series != series:
                    m.series = series
                    self.session.execute(update(table).where(table.c.id == m.id).values(series=series))
                    self.session.execute(update(series_table).where(series_table.c.version == m.id)
                                         .values(series=series))

    def finish(self) -> None:
        self.relink_years(self.dirty_years)
        if self.series_dirty:
            self.assign_series()
        self._flush()
        self.dirty_years, self.series_dirty, self.fresh = set(), False, set()
        self.session.expire_all()  # ORM copies of links (a reviewer's session) must see these rows


def link_document(session: Session, document_id: int, gone: set[str] | None = None) -> int:
    """Link the goals of one stored document into its municipality's series; returns links added.

    Called by the ingest inside the transaction that stored the document, so a document and its
    links are committed together. Reads the document's goals, the municipality's versions and
    a handful of indexed rows per goal: the cost does not grow with the archive. `gone`: anchors of
    the goals of the document(s) this one replaced; those no longer stored leave their chains
    (None: look for such goals in the whole municipality).
    """
    if gone:
        _retire_gone(session, gone)
    muni = session.scalar(select(MeetingRow.municipality).where(MeetingRow.document_id == document_id))
    if not muni:
        return 0
    points = load_points(session, document_id=document_id)
    if not points:
        return 0
    linker = Linker(session, municipality_key(muni))
    if gone is None:
        linker.retire_dead()
    linker.join(points)
    linker.finish()
    return linker.added


def _retire_gone(session: Session, anchors: set[str]) -> None:
    """Goals of a replaced document that are no longer stored leave their chains, in whichever
    municipality they were (a file may now hold another municipality's minutes)."""
    alive: set[str] = set()
    for part in _chunks(anchors):
        alive.update(session.scalars(select(GoalRow.anchor).where(GoalRow.anchor.in_(part))))
    table = GoalSeriesRow.__table__
    by_muni: dict[str, list[str]] = {}
    for part in _chunks(sorted(anchors - alive)):
        for anchor, muni in session.execute(select(table.c.anchor, table.c.municipality)
                                            .where(table.c.anchor.in_(part))):
            by_muni.setdefault(muni, []).append(anchor)
    for muni, dead in sorted(by_muni.items()):
        linker = Linker(session, muni)
        linker.retire(dead)
        linker.finish()


def close_gaps(session: Session, municipalities: Iterable[str | None]) -> None:
    """After documents were deleted (`prune`): their goals leave their chains, which close over
    them, and versions whose first printing went hang their links on the next one."""
    for key in sorted({municipality_key(m) for m in municipalities if m}):
        linker = Linker(session, key)
        linker.retire_dead()
        linker.finish()


def link_archive(session: Session, municipality: str | None = None) -> dict[str, int]:
    """Link every municipality (or one) from what is stored: `maalspor link`. Idempotent.

    Goals already in a version keep it; the others join in document order; every year's
    next-plan links are computed again. One pass over the goals, document by document.
    """
    keys = sorted({municipality_key(n) for n in session.scalars(
        select(MeetingRow.municipality).distinct().where(MeetingRow.municipality.is_not(None)))})
    if municipality:
        keys = [k for k in keys if k == municipality_key(municipality)]
    added = goals = 0
    for key in keys:
        points = load_points(session, key)
        goals += len(points)
        linker = Linker(session, key)
        linker.retire_dead()
        series = GoalSeriesRow.__table__
        placed = {anchor for anchor, version in session.execute(
            select(series.c.anchor, series.c.version).where(series.c.municipality == key,
                                                            series.c.position.is_not(None)))
                  if version in linker.versions}
        by_doc: dict[int, list[GoalPoint]] = {}
        for p in points:  # only goals outside a chain (or whose version is gone) join
            if p.anchor not in placed:
                by_doc.setdefault(p.document_id, []).append(p)
        for doc in sorted(by_doc):
            linker.join(by_doc[doc])
        linker.relink_years(None)
        linker.assign_series()
        linker.finish()
        added += linker.added
    total = session.scalar(select(func.count()).select_from(GoalLinkRow)) or 0
    return {"municipalities": len(keys), "goals": goals, "added": added, "links": total}


def set_state(session: Session, from_anchor: str, to_anchor: str, state: str) -> GoalLinkRow:
    """A reviewer's decision on a link (adding it when it was not proposed), then series again.

    Rejecting the link between two occurrences of one version takes the later one out of that
    version: it joins another version or starts its own.
    """
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    row = session.scalars(select(GoalLinkRow).where(GoalLinkRow.from_anchor == from_anchor,
                                                    GoalLinkRow.to_anchor == to_anchor)).first()
    now = _now()
    if row is None:
        muni = session.scalar(select(MeetingRow.municipality)
                              .join(GoalRow, GoalRow.document_id == MeetingRow.document_id)
                              .where(GoalRow.anchor == from_anchor))
        row = GoalLinkRow(from_anchor=from_anchor, to_anchor=to_anchor, municipality=municipality_key(muni),
                          score=0.0, reasons=["added by a reviewer"], method="manual", state=state,
                          created_at=now, updated_at=now)
        session.add(row)
    else:
        row.state, row.updated_at = state, now
    session.flush()
    muni_key = row.municipality
    linker = Linker(session, muni_key)
    versions = linker._version_of((from_anchor, to_anchor))
    if state == "rejected" and versions.get(from_anchor) and versions.get(from_anchor) == versions.get(to_anchor):
        table = GoalSeriesRow.__table__
        linker.retire([to_anchor])
        session.execute(update(table).where(table.c.anchor == to_anchor).values(version=None))
        linker.join(_points(session, _point_query().where(GoalRow.anchor == to_anchor).limit(1)))
    linker.relink_years({v.point.plan_year for v in linker.versions.values()
                         if v.id in (versions.get(from_anchor), versions.get(to_anchor))})
    linker.assign_series()
    linker.finish()
    session.expire_all()
    return session.scalars(select(GoalLinkRow).where(GoalLinkRow.from_anchor == from_anchor,
                                                     GoalLinkRow.to_anchor == to_anchor)).one()


def link_unlinked(session: Session) -> list[str]:
    """Link every municipality that has goals outside any version (an archive from before linking,
    or from before versions, upgraded in place); returns those municipalities. Writes nothing when
    there are none, so a re-run over unchanged files stays a no-op."""
    names = session.scalars(
        select(MeetingRow.municipality).distinct()
        .join(GoalRow, GoalRow.document_id == MeetingRow.document_id)
        .outerjoin(GoalSeriesRow, GoalSeriesRow.anchor == GoalRow.anchor)
        .where(GoalRow.plan_year.is_not(None), MeetingRow.municipality.is_not(None),
               GoalSeriesRow.position.is_(None))).all()
    keys = sorted({municipality_key(n) for n in names if n})
    for key in keys:
        link_archive(session, key)
    return keys
