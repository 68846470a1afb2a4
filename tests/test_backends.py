"""What one backend takes and another refuses: both store the same values, and a database URL's
password never reaches a message.

PostgreSQL refuses a NUL character in text and a string wider than its VARCHAR(n), both of which
SQLite stores; real PDFs put NULs in their text (the Norddjurs PDF's bullets read as U+0000).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from models.db import make_engine
from models.schema import DocumentRow, GoalRow, MeetingRow
from models.store import store_parsed
from parsers.parse import parse_raw
from parsers.readers import read_document
from tests.conftest import corpus_path

NUL, REPLACEMENT = "\x00", "\ufffd"


def test_nul_characters_and_overlong_values_are_stored_alike(any_db_url: str) -> None:
    parsed = parse_raw(read_document(corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt")))
    assert parsed.goals, "the follow-up table has goals"
    at = parsed.document.text.index(" ")
    parsed.document.text = parsed.document.text[:at] + NUL + parsed.document.text[at + 1:]
    parsed.meeting.municipality = "Norddjurs" + NUL + "x" * 300
    parsed.meeting.participants = [*parsed.meeting.participants, "Anne" + NUL + "Hansen"]
    parsed.goals[0].text += NUL
    parsed.goals[0].confidence_reasons = [*parsed.goals[0].confidence_reasons, "grund" + NUL]
    length = len(parsed.document.text)

    engine = make_engine(any_db_url)
    with Session(engine) as session, session.begin():
        store_parsed(session, parsed, "a" * 64, 1, "/x/referat.txt", "referat.txt", "test")
    with Session(engine) as session:
        doc = session.scalars(select(DocumentRow)).one()
        meeting = session.scalars(select(MeetingRow)).one()
        goal = session.scalars(select(GoalRow).order_by(GoalRow.seq)).first()
        assert goal is not None
        assert len(doc.text) == length and doc.text[at] == REPLACEMENT, "offsets into the text still hold"
        assert meeting.municipality == ("Norddjurs" + REPLACEMENT + "x" * 300)[:128]
        assert meeting.participants[-1] == "Anne" + REPLACEMENT + "Hansen"
        assert goal.text.endswith(REPLACEMENT) and goal.confidence_reasons[-1] == "grund" + REPLACEMENT
    with engine.connect() as conn:  # and the analysts' views read them back
        assert conn.execute(text("SELECT municipality FROM v_goals")).scalars().first() == meeting.municipality


def test_a_real_pdf_with_nul_in_its_text_is_stored(any_db_url: str) -> None:
    pdf = corpus_path("pdf", "norddjurs_beskaeftigelsesraad_2024-08-29.pdf")
    engine = make_engine(any_db_url)
    summary = pipeline.ingest_paths(engine, [pdf])
    assert summary.aborted is None and [r.outcome for r in summary.results] == ["ok"]
    with Session(engine) as session:
        assert NUL not in session.scalars(select(DocumentRow.text)).one()


def test_a_path_too_long_to_record_fails_alone(any_db_url: str, tmp_path: Path) -> None:
    """A path longer than the database keeps cannot be stored (cut short it could name another
    file); it fails with what to do, and the rest of the batch is stored."""
    deep = tmp_path.joinpath(*["mappe-med-et-meget-langt-navn-" * 6] * 7)
    deep.mkdir(parents=True)
    good = corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt")
    (deep / "referat.txt").write_bytes(good.read_bytes())
    (tmp_path / "kort.txt").write_bytes(good.read_bytes() + b"\nkort\n")
    assert len(str(deep / "referat.txt")) > pipeline.PATH_LIMIT
    summary = pipeline.ingest_paths(make_engine(any_db_url), [tmp_path])
    assert summary.aborted is None
    outcomes = {Path(r.path).name: r for r in summary.results}
    assert outcomes["kort.txt"].outcome == "ok"
    assert outcomes["referat.txt"].outcome == "failed"
    assert "move the file to a shorter path" in outcomes["referat.txt"].message


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is None, reason="psycopg is not installed")
@pytest.mark.parametrize("command", [["status"], ["db", "upgrade"], ["export", "goals"], ["ingest", "-q"]])
def test_password_never_in_messages(command: list[str], tmp_path: Path) -> None:
    secret = "hemmeligt-kodeord"
    url = f"postgresql+psycopg://maalspor:{secret}@127.0.0.1:1/maalspor?connect_timeout=5"
    result = CliRunner().invoke(app, [*command, "--db", url, *([str(tmp_path)] if command[0] == "ingest" else [])])
    assert result.exit_code == 2, result.output
    assert secret not in result.output
    assert "postgresql+psycopg://maalspor:***@127.0.0.1:1/maalspor" in " ".join(result.output.split())


@pytest.mark.postgresql
def test_postgresql_sessions_say_they_are_maalspor(pg_url: str) -> None:
    """A DBA looking at pg_stat_activity on a shared server sees which sessions are ours."""
    with make_engine(pg_url).connect() as conn:
        assert conn.execute(text("SELECT current_setting('application_name')")).scalar() == "maalspor"
