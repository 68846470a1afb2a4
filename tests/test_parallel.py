"""Parallel and incremental ingest: a process pool stores what one process stores, re-runs skip
unchanged files without reading them, and Ctrl-C stops a pooled run with whole documents only."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from ingest import pipeline, queries, workers
from models.db import make_engine
from tests.test_crash_safety import check_whole, corpus_folder, count_documents, fingerprint, maalspor_command

ROOT = Path(__file__).resolve().parent.parent


def _url(db: Path) -> str:
    """The crash-safety helpers take URLs (they run on PostgreSQL too)."""
    return f"sqlite:///{db}"


def rows(db: Path) -> tuple[list[dict], list[dict]]:
    engine = make_engine(f"sqlite:///{db}")
    key = repr
    return (sorted(queries.goal_rows(engine), key=key), sorted(queries.item_rows(engine), key=key))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_folder(tmp_path_factory.mktemp("parallel"))


@pytest.fixture(scope="module")
def one_worker(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("one") / "one.sqlite"
    summary = pipeline.ingest_paths(make_engine(f"sqlite:///{db}"), [inbox, ROOT / "data" / "raw"], workers=1)
    assert not summary.failed, [r.message for r in summary.failed]
    return db


def test_two_workers_store_what_one_worker_stores(inbox: Path, one_worker: Path, tmp_path: Path) -> None:
    db = tmp_path / "two.sqlite"
    summary = workers.ingest_paths(make_engine(f"sqlite:///{db}"), [inbox, ROOT / "data" / "raw"], workers=2)
    assert not summary.failed, [r.message for r in summary.failed]
    assert summary.count("ok") == len(summary.results)
    check_whole(_url(db))
    assert fingerprint(_url(db)) == fingerprint(_url(one_worker))
    assert rows(db) == rows(one_worker)


def test_rerun_skips_unchanged_files_without_hashing(inbox: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for src in sorted(inbox.iterdir())[:4]:
        (folder / src.name).write_bytes(src.read_bytes())
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert pipeline.ingest_paths(engine, [folder], workers=1).count("ok") == 4

    hashed: list[str] = []
    real_hash = pipeline.hash_file

    def counting_hash(path: Path) -> tuple[str, int]:
        hashed.append(path.name)
        return real_hash(path)

    monkeypatch.setattr(pipeline, "hash_file", counting_hash)
    again = pipeline.ingest_paths(engine, [folder])
    assert again.count("unchanged") == 4 and hashed == []

    touched, grown = sorted(folder.iterdir())[:2]
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same bytes, new mtime: hashed, unchanged
    grown.write_bytes(grown.read_bytes() + b"\n")  # new content: read again
    third = pipeline.ingest_paths(engine, [folder])
    by_name = {Path(r.path).name: r.outcome for r in third.results}
    assert sorted(hashed) == sorted([touched.name, grown.name])
    assert by_name[touched.name] == "unchanged" and by_name[grown.name] == "ok"
    hashed.clear()
    assert pipeline.ingest_paths(engine, [folder]).count("unchanged") == 4 and hashed == []
    assert pipeline.ingest_paths(engine, [folder], force=True).count("ok") == 4


def test_sticky_failure_is_repeated_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "tom.pdf"
    bad.write_bytes(b"%PDF-1.4\n%%EOF\n")
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    first = pipeline.ingest_paths(engine, [bad]).results[0]
    assert first.outcome in pipeline.STICKY
    monkeypatch.setattr(pipeline, "hash_file", lambda p: pytest.fail("hashed an unchanged file"))
    again = pipeline.ingest_paths(engine, [bad]).results[0]
    assert (again.outcome, again.message, again.repeated) == (first.outcome, first.message, True)


def test_ctrl_c_stops_a_pooled_run_and_a_rerun_completes(inbox: Path, one_worker: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    cmd = [*maalspor_command(), "ingest", "-q", "--workers", "2", "--db", f"sqlite:///{db}", str(inbox)]
    # a job started in the background by a non-interactive shell (`nohup make test &`) inherits SIGINT
    # ignored, and the ingest would never see the Ctrl-C: give it a terminal's default disposition
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and count_documents(_url(db)) < 1:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole process group gets it
    try:
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    stored = count_documents(_url(db))
    assert 1 <= stored < len(list(inbox.iterdir()))
    check_whole(_url(db))
    done = subprocess.run([*cmd[:-1], str(inbox), str(ROOT / "data" / "raw")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    check_whole(_url(db))
    assert fingerprint(_url(db)) == fingerprint(_url(one_worker))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM file_outcomes WHERE outcome != 'ok'").fetchone()[0] == 0
