"""Goal history meets the reviewers' overlay: `goal_history` and `verdict_summary` read goals through
the effective `v_goals`, so a corrected verdict, a goal marked "not a goal" and a goal a reviewer added
(negative id in `v_goals`) all show in them; and the migration chain 0001→…→0006 goes down and up again
with every view restored as the revision below defined it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from ingest import pipeline
from models.db import alembic_config, make_engine
from models.schema import GoalRow
from review import overlay
from tests.conftest import corpus_path

DOC = "norddjurs_beskaeftigelsesraad_2024-08-29.txt"
CHAIN = ["0001", "0002", "0003", "0004", "0005", "0006"]


@pytest.fixture
def engine(any_db_url: str) -> sa.Engine:
    engine = make_engine(any_db_url)
    summary = pipeline.ingest_paths(engine, [corpus_path("text", DOC)])
    assert [r.outcome for r in summary.results] == ["ok"]
    return engine


def _summary(engine: sa.Engine, year: int) -> tuple[int, int, int]:
    with engine.connect() as c:
        return tuple(c.execute(text("SELECT goals, met, not_met FROM verdict_summary WHERE document = :d "
                                    "AND plan_year = :y"), {"d": DOC, "y": year}).one())


def test_corrections_and_added_goals_reach_history_and_verdict_summary(engine: sa.Engine) -> None:
    with Session(engine) as s:
        goals = s.scalars(select_goals(2023)).all()
        met = next(g for g in goals if g.verdict == "met")
        gone = next(g for g in goals if g is not met)
        sha = s.scalar(text("SELECT sha256 FROM documents"))
    before = _summary(engine, 2023)
    with Session(engine) as s, s.begin():
        overlay.set_field(s, "anna", "goal", met.anchor, "verdict", "not_met")
        overlay.set_field(s, "anna", "goal", gone.anchor, "not_goal", "1")
        added = overlay.add_goal(s, "anna", sha, "Et mål parseren overså", {"plan_year": "2023", "verdict": "met"})
    expected = dict(zip(("goals", "met", "not_met"), before, strict=True))
    expected["met"] -= 1  # corrected to not_met
    expected["not_met"] += 1
    expected["goals"] -= 1  # not a goal
    if gone.verdict in expected:
        expected[gone.verdict] -= 1
    expected["goals"] += 1  # the reviewer's goal
    expected["met"] += 1
    assert _summary(engine, 2023) == (expected["goals"], expected["met"], expected["not_met"])
    with engine.connect() as c:
        history = {r.anchor: r for r in c.execute(text("SELECT anchor, verdict, goal_row FROM goal_history"))}
    assert history[met.anchor].verdict == "not_met"
    assert gone.anchor not in history
    assert history[added].goal_row < 0 and history[added].verdict == "met"


def select_goals(year: int) -> sa.Select[tuple[GoalRow]]:
    return sa.select(GoalRow).where(GoalRow.plan_year == year).order_by(GoalRow.seq)


def _views(conn: sa.Connection) -> dict[str, list[str]]:
    inspector = sa.inspect(conn)
    return {n: [c["name"] for c in inspector.get_columns(n)] for n in sorted(inspector.get_view_names())}


def _goto(url: str, revision: str, down: bool) -> None:
    engine = make_engine(url, migrate=False)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


def test_migration_chain_is_linear_and_every_downgrade_restores_the_views_below(any_db_url: str) -> None:
    """On PostgreSQL a view cannot be dropped while another reads it (goal_history reads v_goals),
    so this also checks that every step drops dependants first."""
    url = any_db_url
    views: dict[str, dict[str, list[str]]] = {}
    for rev in CHAIN:  # the views as each revision leaves them on the way up
        _goto(url, rev, down=False)
        engine = make_engine(url, migrate=False)
        with engine.connect() as conn:
            views[rev] = _views(conn)
            # every view must run, not only exist
            for name in views[rev]:
                conn.exec_driver_sql(f"SELECT * FROM {name}").fetchall()
        engine.dispose()
    assert {"goal_history", "verdict_summary", "v_goal_corrections"} <= set(views["0005"])
    for rev in reversed(CHAIN[:-1]):  # and back down, one step at a time
        _goto(url, rev, down=True)
        engine = make_engine(url, migrate=False)
        with engine.connect() as conn:
            assert _views(conn) == views[rev], rev
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == rev
        engine.dispose()
    _goto(url, "head", down=False)
    engine = make_engine(url, migrate=False)
    with engine.connect() as conn:
        assert _views(conn) == views["0006"]
    engine.dispose()
