"""Every example query in docs/schema.md runs on a corpus-built database and returns what its
`-- expect` lines say (the expected rows are backed by the corpus gold, not by this extractor)."""

from __future__ import annotations

import re

import pytest

from ingest import pipeline
from ingest.sql import run_query
from models.db import make_engine
from tests.conftest import ROOT, corpus_path

DOC = ROOT / "docs" / "schema.md"


def examples() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("schema") / "corpus.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    summary = pipeline.ingest_paths(engine, [corpus_path("text"), corpus_path("pages")])
    assert summary.exit_code == 0
    engine.dispose()
    return f"sqlite:///{path}"


def test_the_schema_doc_names_every_table_and_view(corpus_db: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    objects = run_query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                        "AND name NOT LIKE 'sqlite_%'", corpus_db).rows
    missing = [name for (name,) in objects if f"`{name}`" not in text]
    assert not missing
    assert len(examples()) >= 5


@pytest.mark.parametrize("query", examples(), ids=lambda q: q.split("SELECT")[1][:40].strip())
def test_documented_query(corpus_db: str, query: str) -> None:
    check_example(query, corpus_db)


def check_example(query: str, url: str) -> None:
    """Run one documented query and check its `-- expect` lines (also used on PostgreSQL)."""
    result = run_query(query, url)
    got = [" | ".join("" if v is None else str(v) for v in row) for row in result.rows]
    for kind, value in re.findall(r"-- expect(?: (row))?: (.*)", query):
        if kind == "row":
            assert any(line.startswith(value.strip()) for line in got), (value, got)
            continue
        m = re.fullmatch(r"(at least )?(\d+) rows?", value.strip())
        assert m, value
        n = int(m.group(2))
        assert (len(got) >= n) if m.group(1) else (len(got) == n), (value, got)
