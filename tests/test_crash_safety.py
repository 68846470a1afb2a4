"""Crash safety and concurrency: a killed run loses nothing, a rerun finishes the job, and two
runs at once store every document exactly once.

The kill test runs the real `maalspor ingest` in a subprocess and sends it SIGKILL right after
a document is committed (and again later, wherever it is), so whatever was being written at
that moment is cut off; the database must then hold only whole documents, and a rerun must
end with exactly what one clean run stores.

The crash, race and concurrency tests run on SQLite and on PostgreSQL (`any_db_url`); the ones
about SQLite's locking (WAL, busy timeout) run on SQLite only. Either backend is compared with
one clean SQLite store, so the backends are also checked against each other.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ingest import pipeline
from models.db import make_engine
from models.schema import DocumentPathRow, DocumentRow
from tests.conftest import corpus_path

CHILD_TABLES = {  # table -> how its rows point at their document
    "document_paths": "document_id IN (SELECT id FROM documents)",
    "meetings": "document_id IN (SELECT id FROM documents)",
    "agenda_items": "document_id IN (SELECT id FROM documents)",
    "goals": "document_id IN (SELECT id FROM documents)",
    "declared_summaries": "document_id IN (SELECT id FROM documents)",
    "sections": "item_id IN (SELECT id FROM agenda_items)",
    "figures": "goal_id IN (SELECT id FROM goals)",
}


def maalspor_command() -> list[str]:
    exe = Path(sys.executable).with_name("maalspor")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ingest.cli"]


def corpus_folder(tmp_path: Path) -> Path:
    """Copies of the corpus (without the slow 28-page Aarhus PDF), a 15-page PDF right after
    the first document so that a kill after the first commit lands in the middle of a parse."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt"), folder / "00_slides.txt")
    shutil.copy(corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf"), folder / "01_ballerup.pdf")
    n = 2
    for sub in ("pdf", "text", "pages"):
        for src in sorted(corpus_path(sub).iterdir()):
            if src.suffix in (".pdf", ".txt") and not src.name.startswith("norddjurs_arbejds"):
                shutil.copy(src, folder / f"{n:02d}_{src.name}")
                n += 1
    return folder


def _read_only(url: str) -> str:
    """The URL a reviewer's read-only session would use (for SQLite: never creates the file)."""
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return url


def count_documents(url: str) -> int:
    """Documents committed so far, read the way a reviewer's session would (read-only)."""
    engine = create_engine(_read_only(url), connect_args={"timeout": 5} if url.startswith("sqlite") else {})
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM documents")).scalar() or 0
    except DBAPIError:  # not created yet, or the schema is still being made
        return 0
    finally:
        engine.dispose()


def kill_after(cmd: list[str], db: str, documents: int, limit: float = 120.0) -> int:
    """Start `cmd`, SIGKILL it as soon as `documents` documents are committed; returns the count then."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + limit
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if count_documents(db) >= documents:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return count_documents(db)


def check_whole(url: str) -> None:
    """Only whole documents: every derived row has its parent, every document its meeting."""
    engine = create_engine(url)
    with engine.connect() as conn:
        def one(sql: str) -> Any:
            return conn.execute(text(sql)).scalar()

        if conn.dialect.name == "sqlite":  # PostgreSQL checks its pages and foreign keys itself
            assert one("PRAGMA integrity_check") == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        for table, parent in CHILD_TABLES.items():
            orphans = one(f"SELECT count(*) FROM {table} WHERE NOT ({parent})")
            assert orphans == 0, f"{orphans} rows in {table} point to a missing parent"
        lonely = one("SELECT count(*) FROM documents WHERE id NOT IN (SELECT document_id FROM meetings)"
                     " OR id NOT IN (SELECT document_id FROM document_paths)")
        assert lonely == 0, "a document without its meeting or path row"
        assert one("SELECT count(*) - count(DISTINCT sha256) FROM documents") == 0
    engine.dispose()


def fingerprint(url: str) -> dict[str, tuple[int, ...]]:
    """Per document (by content hash): how many rows of each kind it has; equal for equal stores."""
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {}
        for doc_id, sha in conn.execute(text("SELECT id, sha256 FROM documents")).fetchall():
            out[sha] = tuple(conn.execute(text(q), {"d": doc_id}).scalar() for q in (
                "SELECT count(*) FROM meetings WHERE document_id = :d",
                "SELECT count(*) FROM agenda_items WHERE document_id = :d",
                "SELECT count(*) FROM goals WHERE document_id = :d",
                "SELECT count(*) FROM declared_summaries WHERE document_id = :d",
                "SELECT count(*) FROM sections WHERE item_id IN (SELECT id FROM agenda_items WHERE document_id = :d)",
                "SELECT count(*) FROM figures WHERE goal_id IN (SELECT id FROM goals WHERE document_id = :d)",
                "SELECT count(*) FROM document_paths WHERE document_id = :d",
                "SELECT pages FROM documents WHERE id = :d",
            ))
    engine.dispose()
    return out


def _scalar(url: str, sql: str) -> Any:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar()
    engine.dispose()
    return value


@pytest.fixture(scope="module")
def clean_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The corpus folder and (the URL of) an SQLite database that one uninterrupted run filled from it."""
    tmp = tmp_path_factory.mktemp("clean")
    folder = corpus_folder(tmp)
    db = f"sqlite:///{tmp / 'clean.sqlite'}"
    summary = pipeline.ingest_paths(make_engine(db), [folder])
    assert not summary.failed, [r.message for r in summary.failed]
    return folder, db


def test_kill_9_mid_batch_then_rerun(clean_store: tuple[Path, str], any_db_url: str) -> None:
    folder, clean_db = clean_store
    files = sorted(folder.iterdir())
    db = any_db_url
    cmd = [*maalspor_command(), "ingest", "-q", "--db", db, str(folder)]

    first = kill_after(cmd, db, 1)
    assert 1 <= first < len(files)
    check_whole(db)
    # killed again later in the batch, wherever it is then (perhaps in the middle of a commit)
    second = kill_after(cmd, db, first + 3)
    assert first < second < len(files)
    check_whole(db)

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    check_whole(db)
    assert fingerprint(db) == fingerprint(clean_db)
    assert _scalar(db, "SELECT count(*) FROM document_paths") == len(files)
    assert _scalar(db, "SELECT count(*) FROM file_outcomes WHERE outcome != 'ok'") == 0


def test_two_ingests_at_once_store_everything_once(clean_store: tuple[Path, str], any_db_url: str) -> None:
    folder, clean_db = clean_store
    db = any_db_url
    make_engine(db).dispose()  # schema first, so both runs start on the same footing
    cmd = [*maalspor_command(), "ingest", "-q", "--db", db, str(folder)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, out + err
    check_whole(db)
    assert fingerprint(db) == fingerprint(clean_db)


def _copy_with_other_name(src: Path, name: str) -> Path:
    dst = src.with_name(name)
    shutil.copy(src, dst)
    return dst


@pytest.fixture()
def two_engines(any_db_url: str) -> tuple[Engine, Engine]:
    """Two engines on one database: two processes' worth of connections."""
    return make_engine(any_db_url), make_engine(any_db_url)


def _docs_and_paths(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(DocumentRow)) or 0,
                s.scalar(select(func.count()).select_from(DocumentPathRow)) or 0)


def test_integrity_error_means_decide_again(any_db_url: str) -> None:
    """Two runs both see no row for a path and both insert one: the unique key refuses the
    second, which then decides again on what is stored now (here: updates the row)."""
    from models.schema import FileOutcomeRow
    from models.store import record_outcome

    engine = make_engine(any_db_url)
    with Session(engine) as s, s.begin():
        record_outcome(s, "/x/a.pdf", None, None, "failed", "the other run's outcome")
    attempts: list[int] = []

    def work(session: Session) -> None:
        attempts.append(1)
        with session.begin():
            if len(attempts) == 1:  # what a run does that looked before the other one committed
                session.add(FileOutcomeRow(path="/x/a.pdf", sha256=None, size=None, outcome="ok", message="",
                                           at=FileOutcomeRow.at.type.python_type.now()))
            else:
                record_outcome(session, "/x/a.pdf", None, None, "ok", "")

    pipeline._with_db(engine, work)
    assert len(attempts) == 2
    with Session(engine) as s:
        assert [r.outcome for r in s.scalars(select(FileOutcomeRow))] == ["ok"]


def test_race_lost_before_insert_stores_one_document(two_engines: tuple[Engine, Engine], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The other run commits the same content after our check that it is new: still one document."""
    ours, theirs = two_engines
    mine = tmp_path / "a.txt"
    shutil.copy(corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt"), mine)
    other = _copy_with_other_name(mine, "b.txt")
    real = pipeline.store_parsed
    raced: list[pipeline.FileResult] = []

    def store_after_the_other_run(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not raced:
            monkeypatch.setattr(pipeline, "store_parsed", real)
            raced.append(pipeline.ingest_file(theirs, other))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "store_parsed", store_after_the_other_run)
    result = pipeline.ingest_file(ours, mine)
    assert raced[0].outcome == "ok" and result.outcome == "ok"
    assert _docs_and_paths(ours) == (1, 2)
    check_whole(ours.url.render_as_string(hide_password=False))


def test_race_lost_while_parsing_is_unchanged(two_engines: tuple[Engine, Engine], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = two_engines
    mine = tmp_path / "a.txt"
    shutil.copy(corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt"), mine)
    real = pipeline.parse_raw

    def parse_while_the_other_run_stores(raw):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(pipeline, "parse_raw", real)
        assert pipeline.ingest_file(theirs, mine).outcome == "ok"  # same path, same content
        return real(raw)

    monkeypatch.setattr(pipeline, "parse_raw", parse_while_the_other_run_stores)
    result = pipeline.ingest_file(ours, mine)
    assert result.outcome == "unchanged" and "stored meanwhile by another ingest run" in result.message
    assert _docs_and_paths(ours) == (1, 1)


def test_wal_and_busy_timeout(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_ingest_waits_for_another_writer_and_a_reader(tmp_path: Path) -> None:
    """A reviewer's open read and another program's write lock make the ingest wait, not fail."""
    db = tmp_path / "w.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    path = tmp_path / "a.txt"
    shutil.copy(corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt"), path)

    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM documents").fetchone()  # holds a read snapshot throughout
    writer = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # holds the write lock until the timer releases it
    released = threading.Event()

    def release() -> None:
        writer.execute("COMMIT")
        released.set()

    timer = threading.Timer(1.0, release)
    timer.start()
    try:
        result = pipeline.ingest_file(engine, path)
    finally:
        timer.join()
        reader.execute("COMMIT")
        reader.close()
        writer.close()
    assert released.is_set()
    assert result.outcome == "ok"
    assert _docs_and_paths(engine) == (1, 1)


def test_a_database_that_cannot_be_written_stops_the_run(tmp_path: Path, any_db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input costs one file; a broken database (disk full, I/O error) stops the run, since
    nothing after it could be stored either, and says so."""
    from sqlalchemy.exc import OperationalError
    from typer.testing import CliRunner

    from ingest.cli import app

    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        shutil.copy(corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt"), folder / name)
        (folder / name).write_text((folder / name).read_text(encoding="utf-8") + name, encoding="utf-8")

    def disk_full(*_a: object, **_k: object) -> None:
        raise OperationalError("INSERT INTO documents", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(pipeline, "store_parsed", disk_full)
    url = any_db_url
    summary = pipeline.ingest_paths(make_engine(url), [folder])
    assert summary.aborted is not None and "database or disk is full" in summary.aborted
    assert summary.results == [] and summary.exit_code == 1
    out = CliRunner().invoke(app, ["ingest", "-q", "--db", url, str(folder)])
    assert out.exit_code == 1
    assert "stopped early: the database cannot be written (database or disk is full)" in out.output


@pytest.mark.postgresql
def test_a_postgresql_deadlock_is_tried_again(pg_url: str) -> None:
    """Two runs that lock the same two rows in opposite order: PostgreSQL aborts one of them with
    "deadlock detected", and that one runs its transaction again instead of stopping the batch."""
    from models.schema import FileOutcomeRow
    from models.store import record_outcome

    engine = make_engine(pg_url)
    with Session(engine) as s, s.begin():
        for path in ("/x/a.pdf", "/x/b.pdf"):
            record_outcome(s, path, None, None, "failed", "before")
    both_hold_one = threading.Barrier(2, timeout=30)
    attempts: list[str] = []
    errors: list[BaseException] = []

    def run(first: str, second: str) -> None:
        def work(session: Session) -> None:
            attempts.append(first)
            with session.begin():
                for n, path in enumerate((first, second)):
                    row = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == path)
                                          .with_for_update()).one()
                    row.message = f"written by the run that started with {first}"
                    session.flush()
                    if n == 0 and attempts.count(first) == 1:
                        both_hold_one.wait()

        try:
            pipeline._with_db(engine, work)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in (("/x/a.pdf", "/x/b.pdf"),
                                                                     ("/x/b.pdf", "/x/a.pdf"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(attempts) == 3, "one of the two ran again"
    with Session(engine) as s:
        assert len({r.message for r in s.scalars(select(FileOutcomeRow))}) == 1, "the later run wrote both rows"
