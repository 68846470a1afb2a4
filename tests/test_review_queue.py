"""The review queue pages in SQL: on the corpus PDFs (over a hundred goals, two municipalities) with
reviewers' corrections of every kind, each page, filter and count agrees with a brute-force pass over
every goal in Python, and the web app's page 2 exists and holds other goals than page 1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ingest import pipeline
from models.db import make_engine
from models.schema import DocumentRow, GoalRow
from review import overlay, queue
from tests.conftest import corpus_path

pytest.importorskip("fastapi", reason="the review extra (fastapi, jinja2, argon2-cffi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from review.app import create_app  # noqa: E402
from review.auth import add_user  # noqa: E402


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Every corpus PDF, then a reviewer's confirmations, corrections, rejections, a split and an added goal."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('queue') / 'queue.sqlite'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database()
    engine = make_engine(url)
    pdfs = sorted(corpus_path("pdf").glob("*.pdf"))
    assert pipeline.ingest_paths(engine, pdfs).exit_code == 0
    with Session(engine) as s, s.begin():
        goals = s.scalars(select(GoalRow).order_by(GoalRow.confidence, GoalRow.id)).all()
        assert len(goals) > queue.PAGE_SIZE, "the corpus should give the web app a second page"
        years = sorted({g.plan_year for g in goals if g.plan_year})
        for g in goals[::9]:
            overlay.set_field(s, "anna", "goal", g.anchor, "confirmed", "1")
        for g in goals[1::11]:
            overlay.set_field(s, "anna", "goal", g.anchor, "verdict", "not_met" if g.verdict != "not_met" else "met")
        for g in goals[2::13]:
            overlay.set_field(s, "anna", "goal", g.anchor, "plan_year", str(years[0] if g.plan_year != years[0]
                                                                           else years[-1]))
        for g in goals[3::17]:
            overlay.set_field(s, "anna", "goal", g.anchor, "not_goal", "1")
        for g in goals[4::19]:
            overlay.set_field(s, "anna", "goal", g.anchor, "goal_id", "9.9")
        doc = s.get(DocumentRow, goals[5].document_id)
        assert doc is not None
        overlay.split_goal(s, "anna", goals[5].anchor, "Første del.", "Anden del.")
        overlay.add_goal(s, "anna", doc.sha256, doc.text[100:180], {"plan_year": str(years[-1]), "verdict": "met"})
    add_user(engine, "anna", "reviewer", "korrekt hest batteri")
    yield engine
    engine.dispose()
    if request.param != "sqlite":
        server.drop_database(url)


def brute(every: list[dict[str, Any]], f: queue.Filters) -> list[dict[str, Any]]:
    """The filter by hand, over every goal with its effective values."""
    return [r for r in every
            if (not f.municipality or r["municipality"] == f.municipality)
            and (not f.document or r["document"] == f.document)
            and (f.plan_year is None or r["plan_year"] == f.plan_year)
            and (not f.verdict or r["verdict"] == f.verdict)
            and (not f.flag or f.flag in r["flags"])
            and (not f.state or r["state"] == f.state)]


def paged(s: Session, f: queue.Filters, size: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n = 1
    while rows := queue.goal_page(s, f, n, size):
        assert len(rows) <= size
        out += rows
        n += 1
    return out


def test_queue_filters_counts_and_pages_agree_with_brute_force(archive: Engine) -> None:
    with Session(archive) as s:
        every = queue.goal_queue(s)
        states = Counter(r["state"] for r in every)
        assert all(states[k] for k in queue.STATES), states  # the fixture reaches every state
        options = queue.goal_options(s)
        for key in ("municipality", "document", "plan_year", "verdict"):
            assert options[key] == sorted({str(r[key]) for r in every if r[key] not in (None, "")}), key
        cases = [queue.Filters()]
        cases += [queue.Filters(municipality=m) for m in options["municipality"]]
        cases += [queue.Filters(document=d) for d in options["document"]]
        cases += [queue.Filters(plan_year=int(y)) for y in options["plan_year"]]
        cases += [queue.Filters(verdict=v) for v in options["verdict"]]
        cases += [queue.Filters(flag=k) for k in queue.FLAGS]
        cases += [queue.Filters(state=k) for k in queue.STATES]
        cases += [queue.Filters(plan_year=int(y), state=k, verdict=v)
                  for y in options["plan_year"] for k in queue.STATES for v in options["verdict"][:2]]
        for f in cases:
            want = brute(every, f)
            got = paged(s, f, 7)
            assert [r["anchor"] for r in got] == [r["anchor"] for r in want], f
            assert got == want, f  # every shown value: effective fields, flags, state, document
            without_state = brute(every, queue.Filters(**{**f.__dict__, "state": None}))
            assert queue.goal_counts(s, f) == {k: sum(r["state"] == k for r in without_state)
                                               for k in queue.STATES}, f
        # a goal's neighbours in a filtered queue are the goals beside it there
        f = queue.Filters(state="unreviewed")
        want = brute(every, f)
        for i in (0, 1, len(want) - 1):
            prev, nxt, pos, total = queue.goal_neighbours(s, f, want[i]["anchor"])
            assert (pos, total) == (i + 1, len(want))
            assert prev == (want[i - 1]["anchor"] if i else None)
            assert nxt == (want[i + 1]["anchor"] if i + 1 < len(want) else None)
        rejected = next(r["anchor"] for r in every if r["state"] == "rejected")
        assert queue.goal_neighbours(s, f, rejected) == (None, want[0]["anchor"], 0, len(want))


def test_queue_page_two_is_other_goals(archive: Engine) -> None:
    client = TestClient(create_app(archive))
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": "anna", "password": "korrekt hest batteri", "csrf": token})

    def anchors(page: str) -> list[str]:
        return re.findall(r'data-href="/goal\?anchor=([^&"]+)', page)

    first = client.get("/").text
    assert 'id="next-page"' in first and 'id="prev-page"' not in first
    second = client.get("/", params={"page": 2}).text
    assert 'id="prev-page"' in second
    one, two = anchors(first), anchors(second)
    assert len(one) == queue.PAGE_SIZE and two and not set(one) & set(two)
    with Session(archive) as s:
        total = len(queue.goal_queue(s))
        year = queue.goal_options(s)["plan_year"][0]
    assert len(one) + len(two) == total and f"{total} goals" in first
    assert anchors(client.get("/", params={"page": 99}).text) == two  # past the end: the last page
    # a filter carries over to the next page's link
    page = client.get("/", params={"plan_year": year}).text
    assert all(f"plan_year={year}" in link for link in re.findall(r'href="(/\?[^"]*page=\d+)"', page))


def test_queue_of_an_empty_archive(tmp_path: Path) -> None:
    """An empty archive has one empty page, no next link, and counts of zero."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with Session(engine) as s:
        assert queue.goal_page(s, queue.Filters(), 1) == []
        assert queue.goal_counts(s, queue.Filters()) == dict.fromkeys(queue.STATES, 0)
        assert queue.goal_neighbours(s, queue.Filters(), "nothing") == (None, None, 0, 0)
