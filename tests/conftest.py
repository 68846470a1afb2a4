"""Shared fixtures: where the real corpus lives, and fresh databases per test."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests import pg

# `make test` must pass or fail the same way every run: derandomized examples and no example database
# (a failure saved in .hypothesis/ would otherwise fail every later run of that checkout). Open-ended
# fuzzing lives in scripts/fuzz_pdfs.py; set HYPOTHESIS_PROFILE=explore to draw fresh examples here.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SCORER = ROOT.parent / "shared" / "tools" / "score_goals.py"


def corpus_path(*parts: str) -> Path:
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus file {path} is not beside the project (../shared/corpus)")
    return path


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The variation suites' tables (goal layouts, item structures, item layouts, meeting facts), when they ran."""
    from tests.item_variants import table as text_item_table
    from tests.meeting_variants import table as meeting_table
    from tests.variants.summary import item_table, table

    for title, lines in (
            ("layout variants: goal and item F1 against the rendered gold", table()),
            ("item variants: publishing systems' structure, item F1 against the gold", item_table()),
            ("agenda-item variants: item F1 against the rendered gold", text_item_table()),
            ("meeting-fact variants: web pages and portals, facts right against the gold", meeting_table())):
        if lines:
            terminalreporter.section(title)
            for line in lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def scorer() -> Any:
    """shared/tools/score_goals.py as a module: the variation suites score against the corpus gold with it."""
    if not SCORER.exists() or not (CORPUS / "gold").exists():
        pytest.skip("corpus gold and scorer are not beside the project (../shared)")
    spec = importlib.util.spec_from_file_location("score_goals", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.Server]:
    """One PostgreSQL server for the session (a throw-away cluster unless $MAALSPOR_TEST_PG names one)."""
    context = pg.server()
    try:
        server = context.__enter__()
    except pg.Unavailable as exc:
        pytest.skip(f"PostgreSQL variant not run: {exc}")
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


@pytest.fixture
def pg_url(pg_server: pg.Server) -> Iterator[str]:
    """A fresh, empty PostgreSQL database per test, dropped afterwards."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend the project supports: the storage tests run on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return request.getfixturevalue("pg_url")
