"""Goal series: the same goal followed through plans and follow-ups of one municipality.

Every follow-up is an island until its goals are linked to the goals they continue. Links are
rows (`goal_links`) between goal ANCHORS, never goal ids: goal rows are deleted and inserted
again whenever a document is re-ingested, anchors are not. Each link keeps its score and the
reasons that made it, so a reviewer can see why it was proposed and confirm or reject it; a
rejected link is never proposed again, a confirmed one never dropped by a re-run.

Two kinds of links:
- `same_plan`: the same plan year in two documents (spring and autumn follow-ups, or the same
  table printed twice) — two observations of one goal, linked earlier → later.
- `next_plan`: plan year Y to the next plan year of that municipality present in the archive,
  scored on statement, title, theme and target figures. Every later goal takes its best earlier
  goal and every earlier goal its best later goal, when the score reaches the threshold: one goal
  split in two, or two merged into one, both come out as two links.

Series are the connected components of links that are not rejected. A series id is stored per
anchor (`goal_series`) and handed on: a component keeps the id its earliest member already had,
so ingesting a later follow-up, re-ingesting a document or relinking never renames a series.
Linking only ever looks at one municipality, and, when a document arrives, only at the plan
years its goals touch — the archive is not relinked from scratch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from models.schema import FigureRow, GoalLinkRow, GoalRow, GoalSeriesRow, MeetingRow

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


def load_points(session: Session, municipality: str | None = None) -> list[GoalPoint]:
    """Every goal with a municipality and a plan year (the two things a series needs).

    With `municipality`, only its goals are read: the spellings of the name that share its key
    are looked up first, so linking one document never scans the whole archive.
    """
    query = (select(GoalRow.id, GoalRow.anchor, GoalRow.document_id, MeetingRow.municipality, MeetingRow.date,
                    GoalRow.plan, GoalRow.plan_year, GoalRow.goal_id, GoalRow.theme, GoalRow.title, GoalRow.text)
             .join(MeetingRow, MeetingRow.document_id == GoalRow.document_id)
             .where(GoalRow.plan_year.is_not(None), MeetingRow.municipality.is_not(None))
             .order_by(GoalRow.document_id, GoalRow.seq))
    if municipality is not None:
        names = [n for n in session.scalars(select(MeetingRow.municipality).distinct()
                                            .where(MeetingRow.municipality.is_not(None)))
                 if municipality_key(n) == municipality]
        if not names:
            return []
        query = query.where(MeetingRow.municipality.in_(names))
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


Scored = tuple[float, tuple[str, ...], GoalPoint, GoalPoint]


def _best(scored: list[Scored], key: int, threshold: float) -> dict[str, Scored]:
    """For each goal on side `key` (2 = earlier, 3 = later), its best pair at or above the threshold.

    Ties go to the pair from one document, then to the nearest follow-up, then to anchor order,
    so the choice does not depend on insertion order.
    """
    best: dict[str, Scored] = {}
    for item in scored:
        s, _, a, b = item
        if s < threshold:
            continue
        own = item[key].anchor
        rank = (s, a.document_id == b.document_id, a.date, b.date, a.anchor, b.anchor)
        old = best.get(own)
        if old is None or rank > (old[0], old[2].document_id == old[3].document_id, old[2].date, old[3].date,
                                  old[2].anchor, old[3].anchor):
            best[own] = item
    return best


def _by_content(points: Iterable[GoalPoint]) -> dict[GoalPoint, list[GoalPoint]]:
    groups: dict[GoalPoint, list[GoalPoint]] = {}
    for p in points:
        groups.setdefault(p.content, []).append(p)
    return groups


def _scored(left: list[GoalPoint], right: list[GoalPoint], accept: Any, threshold: float) -> list[Scored]:
    """Every pair (earlier, later) that `accept`s and scores at least `threshold`.

    Each distinct pair of contents is scored once, and only pairs that reach the threshold are
    spelled out per goal: reprints of one table (an annex filed with every meeting) cost one
    score, not one per copy.
    """
    out: list[Scored] = []
    right_groups = _by_content(right)
    for ca, lefts in _by_content(left).items():
        for cb, rights in right_groups.items():
            if not accept(ca, cb):
                continue
            s, reasons = _score(ca, cb)
            if s >= threshold:
                out.extend((s, reasons, a, b) for a in lefts for b in rights)
    return out


def _numbered_alike(a: GoalPoint, b: GoalPoint) -> bool:
    return bool(a.goal_id and a.goal_id == b.goal_id) and same_family(a, b)


def _unnumbered_alike(a: GoalPoint, b: GoalPoint) -> bool:
    return not (a.goal_id and b.goal_id) and same_family(a, b)


def candidates(points: list[GoalPoint], new: set[str] | None = None) -> list[Candidate]:
    """Proposed links among the goals of one municipality.

    With `new` (anchors of a document just stored), only links touching those goals and only
    the plan-year pairs they take part in are computed.
    """
    municipalities = sorted({p.municipality for p in points})
    if len(municipalities) > 1:  # never across municipalities, whatever the caller hands in
        return sorted((c for m in municipalities for c in candidates([p for p in points if p.municipality == m], new)),
                      key=lambda c: (c.from_anchor, c.to_anchor))
    cfg = settings()
    by_year: dict[int, list[GoalPoint]] = {}
    for p in points:
        by_year.setdefault(p.plan_year, []).append(p)
    years = sorted(by_year)
    touched = {p.plan_year for p in points if new is None or p.anchor in new}
    out: dict[tuple[str, str], Candidate] = {}

    def keep(s: float, reasons: tuple[str, ...], a: GoalPoint, b: GoalPoint, method: str) -> None:
        if new is not None and a.anchor not in new and b.anchor not in new:
            return
        out[(a.anchor, b.anchor)] = Candidate(a.anchor, b.anchor, a.municipality, s, reasons, method)

    for year in years:
        if year not in touched:
            continue
        # same plan year in two documents: observations of one goal, earlier follow-up first
        group = sorted(by_year[year], key=lambda p: p.order)
        docs = sorted({p.document_id for p in group}, key=lambda d: min(p.order for p in group if p.document_id == d))
        for i, da in enumerate(docs):
            for db in docs[i + 1:]:
                left = [p for p in group if p.document_id == da]
                right = [p for p in group if p.document_id == db]
                if new is not None and not any(p.anchor in new for p in left + right):
                    continue
                # numbered on both sides: the same number is the same goal unless the words disagree
                # outright; unnumbered goals must read alike
                for accept, threshold in ((_numbered_alike, cfg["same_plan_same_id_threshold"]),
                                          (_unnumbered_alike, cfg["same_plan_threshold"])):
                    scored = _scored(left, right, accept, threshold)
                    for item in {**_best(scored, 3, threshold), **_best(scored, 2, threshold)}.values():
                        keep(item[0], item[1], item[2], item[3], "same_plan")
    # the next plan year is the next one of the same plan family: an employment plan 2024 goes on
    # in employment plan 2025 even when a health plan 2025 sits in between (goals of no known family
    # take part in every family)
    families = sorted({p.plan_family for p in points if p.plan_family}) or [""]
    for family in families:
        members = [p for p in points if not family or p.plan_family in ("", family)]
        family_years: dict[int, list[GoalPoint]] = {}
        for p in members:
            family_years.setdefault(p.plan_year, []).append(p)
        ordered = sorted(family_years)
        for y1, y2 in zip(ordered, ordered[1:], strict=False):
            if y1 not in touched and y2 not in touched:
                continue
            scored = _scored(family_years[y1], family_years[y2], same_family, cfg["threshold"])
            for item in [*_best(scored, 3, cfg["threshold"]).values(),
                         *_best(scored, 2, cfg["threshold"]).values()]:
                keep(item[0], item[1], item[2], item[3], "next_plan")
    return sorted(out.values(), key=lambda c: (c.from_anchor, c.to_anchor))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def store_candidates(session: Session, found: Iterable[Candidate], scope: set[str]) -> int:
    """Upsert machine proposals; the reviewer's confirmed and rejected links stay as they are.

    Proposed links that touch `scope` and were not found again (the document was re-parsed and
    says something else now) are dropped. Returns how many links were added. Plain rows, not ORM
    objects: an archive adds thousands of links per municipality.
    """
    found = list(found)
    keys = {(c.from_anchor, c.to_anchor) for c in found}
    link = GoalLinkRow.__table__
    existing: dict[tuple[str, str], Any] = {}
    scope_list = sorted(scope)
    for chunk in range(0, len(scope_list), 400):
        part = scope_list[chunk:chunk + 400]
        for row in session.execute(select(link.c.id, link.c.from_anchor, link.c.to_anchor, link.c.state,
                                          link.c.score, link.c.reasons, link.c.method)
                                   .where(or_(link.c.from_anchor.in_(part), link.c.to_anchor.in_(part)))):
            existing[(row.from_anchor, row.to_anchor)] = row
    gone = [row.id for key, row in existing.items() if row.state == "proposed" and key not in keys]
    for chunk in range(0, len(gone), 400):
        session.execute(delete(link).where(link.c.id.in_(gone[chunk:chunk + 400])))
    now = _now()
    added = [{"from_anchor": c.from_anchor, "to_anchor": c.to_anchor, "municipality": c.municipality,
              "score": c.score, "reasons": list(c.reasons), "method": c.method, "state": "proposed",
              "created_at": now, "updated_at": now}
             for c in found if (c.from_anchor, c.to_anchor) not in existing]
    if added:
        session.execute(insert(link), added)
    for c in found:
        row = existing.get((c.from_anchor, c.to_anchor))
        if row is not None and row.state == "proposed" and (row.score, list(row.reasons or []), row.method) != \
                (c.score, list(c.reasons), c.method):
            session.execute(update(link).where(link.c.id == row.id)
                            .values(score=c.score, reasons=list(c.reasons), method=c.method, updated_at=now))
    session.expire_all()  # ORM copies of links (a reviewer's session) must see these rows
    return len(added)


def assign_series(session: Session, points: list[GoalPoint]) -> None:
    """Series = connected components of accepted links; each keeps the id it had (see module doc)."""
    anchors = {p.anchor for p in points}
    if not anchors:
        return
    parent = {a: a for a in anchors}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for f, t in session.execute(select(GoalLinkRow.from_anchor, GoalLinkRow.to_anchor)
                                .where(GoalLinkRow.state.in_(ACCEPTED_STATES))):
        if f in anchors and t in anchors:
            parent[find(f)] = find(t)
    table = GoalSeriesRow.__table__
    known: dict[str, str] = {}
    anchor_list = sorted(anchors)
    for chunk in range(0, len(anchor_list), 400):
        part = anchor_list[chunk:chunk + 400]
        for anchor, series in session.execute(select(table.c.anchor, table.c.series)
                                              .where(table.c.anchor.in_(part))):
            known[anchor] = series
    components: dict[str, list[GoalPoint]] = {}
    for p in points:
        components.setdefault(find(p.anchor), []).append(p)
    used: set[str] = set()
    new_rows: list[dict[str, str]] = []
    renamed: dict[str, list[str]] = {}
    # oldest series first, so when a series splits the part holding its earliest goal keeps the id
    for members in sorted(components.values(), key=lambda ms: min(m.order for m in ms)):
        members.sort(key=lambda m: m.order)
        series = next((known[m.anchor] for m in members if m.anchor in known
                       and known[m.anchor] not in used), None) or members[0].anchor
        if series in used:  # the earliest anchor already names another series (it was split off)
            series = f"{members[0].anchor}#{len(used)}"
        used.add(series)
        for m in members:
            old = known.get(m.anchor)
            if old is None:
                new_rows.append({"anchor": m.anchor, "series": series, "municipality": m.municipality})
            elif old != series:
                renamed.setdefault(series, []).append(m.anchor)
    if new_rows:
        session.execute(insert(table), new_rows)
    for series, members in renamed.items():
        for chunk in range(0, len(members), 400):
            session.execute(update(table).where(table.c.anchor.in_(members[chunk:chunk + 400])).values(series=series))
    session.expire_all()


def link_document(session: Session, document_id: int) -> int:
    """Link the goals of one stored document into its municipality's series; returns links added.

    Called by the ingest inside the transaction that stored the document, so a document and its
    links are committed together.
    """
    muni = session.scalar(select(MeetingRow.municipality).where(MeetingRow.document_id == document_id))
    if not muni:
        return 0
    points = load_points(session, municipality_key(muni))
    new = {p.anchor for p in points if p.document_id == document_id}
    if not new:
        return 0
    added = store_candidates(session, candidates(points, new), new)
    _drop_stale_proposals(session, municipality_key(muni), {p.anchor for p in points})
    assign_series(session, points)
    return added


def _drop_stale_proposals(session: Session, municipality: str, alive: set[str]) -> None:
    """Machine proposals whose goal is gone (its document was replaced by a new version) go too.

    Confirmed, rejected and manual links stay: a reviewer's decision comes back into force if
    the document does.
    """
    link = GoalLinkRow.__table__
    stale = [row.id for row in session.execute(select(link.c.id, link.c.from_anchor, link.c.to_anchor)
                                                .where(link.c.municipality == municipality,
                                                       link.c.state == "proposed"))
             if row.from_anchor not in alive or row.to_anchor not in alive]
    for chunk in range(0, len(stale), 400):
        session.execute(delete(link).where(link.c.id.in_(stale[chunk:chunk + 400])))
    if stale:
        session.expire_all()


def link_archive(session: Session, municipality: str | None = None) -> dict[str, int]:
    """Link every municipality (or one) from what is stored: `maalspor link`. Idempotent."""
    points = load_points(session, municipality_key(municipality) if municipality else None)
    by_muni: dict[str, list[GoalPoint]] = {}
    for p in points:
        by_muni.setdefault(p.municipality, []).append(p)
    added = 0
    for muni_points in by_muni.values():
        scope = {p.anchor for p in muni_points}
        added += store_candidates(session, candidates(muni_points), scope)
        assign_series(session, muni_points)
    total = session.query(GoalLinkRow).count()
    return {"municipalities": len(by_muni), "goals": len(points), "added": added, "links": total}


def set_state(session: Session, from_anchor: str, to_anchor: str, state: str) -> GoalLinkRow:
    """A reviewer's decision on a link (adding it when it was not proposed), then series again."""
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
    assign_series(session, load_points(session, row.municipality))
    return row



def link_unlinked(session: Session) -> list[str]:
    """Link every municipality that has goals without a series (an archive from before linking
    existed, upgraded in place); returns those municipalities. Writes nothing when there are none,
    so a re-run over unchanged files stays a no-op."""
    names = session.scalars(
        select(MeetingRow.municipality).distinct()
        .join(GoalRow, GoalRow.document_id == MeetingRow.document_id)
        .outerjoin(GoalSeriesRow, GoalSeriesRow.anchor == GoalRow.anchor)
        .where(GoalRow.plan_year.is_not(None), MeetingRow.municipality.is_not(None),
               GoalSeriesRow.anchor.is_(None))).all()
    keys = sorted({municipality_key(n) for n in names if n})
    for key in keys:
        link_archive(session, key)
    return keys
