"""The command line as a new user meets it: read-only commands that never write, usage errors
that are one line and exit 2, credentials that never show, an honest summary, Ctrl-C, prune.

Most tests run on the demo minutes in data/raw (part of the project), so they run without
the corpus beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from models.db import open_readonly
from tests.conftest import ROOT, corpus_path
from tests.test_crash_safety import corpus_folder, count_documents, maalspor_command

DEMO = ROOT / "data" / "raw"
PASSWORD = "hemmeligt-kodeord"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app_(), list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def app_():  # type: ignore[no-untyped-def]
    from ingest.cli import app

    return app


def one_error_line(stderr: str, *words: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo minutes ingested once; tests that change it take a copy."""
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    code, _, err = cli("ingest", "-q", "--db", f"sqlite:///{db}", str(DEMO))
    assert code == 0, err
    return db


def copy_db(src: Path, dst: Path) -> Path:
    """A copy with everything committed, whatever still sits in the source's WAL file."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def file_state(db: Path) -> tuple[str, int, list[str]]:
    return (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns,
            sorted(p.name for p in db.parent.iterdir()))


# --- bug 3: read-only commands ------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["goals"], ["export", "items"], ["export", "goals"]])
def test_read_only_commands_never_create_a_database(tmp_path: Path, command: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default database is relative: data/db/maalspor.sqlite here
    monkeypatch.delenv("MAALSPOR_DB", raising=False)
    code, out, err = cli(*command)
    assert code == 2
    one_error_line(err, str(tmp_path / "data" / "db" / "maalspor.sqlite"), "maalspor ingest")
    assert out == ""
    assert list(tmp_path.iterdir()) == [], "nothing may be created"


@pytest.mark.parametrize("command", [["status", "--all"], ["goals"], ["export", "items"], ["export", "goals"]])
def test_read_only_commands_leave_the_file_as_it_was(demo_db: Path, tmp_path: Path, command: list[str]) -> None:
    db = copy_db(demo_db, tmp_path / "copy.sqlite")
    before = file_state(db)
    code, out, err = cli(*command, "--db", f"sqlite:///{db}")
    assert code == 0, err
    assert out.strip()
    assert file_state(db)[:2] == before[:2]


def test_the_read_only_engine_cannot_write(demo_db: Path) -> None:
    engine = open_readonly(f"sqlite:///{demo_db}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM goals")).scalar() > 0
        with pytest.raises(sa.exc.OperationalError, match="readonly|read-only|query_only"):
            conn.execute(sa.text("DELETE FROM goals"))


def test_read_only_commands_ask_for_an_upgrade_instead_of_migrating(tmp_path: Path) -> None:
    from tests.test_migrations import first_migration_db

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    first_migration_db(url).dispose()
    for command in (["goals"], ["status"], ["export", "items"]):
        code, _, err = cli(*command, "--db", url)
        assert code == 2
        one_error_line(err, "run `maalspor db upgrade`")
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    assert cli("db", "upgrade", "--db", url)[0] == 0
    assert cli("goals", "--db", url)[0] == 0


# --- bug 4: credentials -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["goals"], ["export", "items"], ["ingest", str(DEMO)],
                                     ["db", "upgrade"], ["prune", "--dry-run"]])
def test_a_password_in_the_url_never_shows(command: list[str]) -> None:
    """Nothing listens on port 1: the connection is refused, and the error must not echo the password."""
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://analytiker:{PASSWORD}@127.0.0.1:1/maalspor"
    code, out, err = cli(*command, "--db", url)
    assert code == 2
    line = one_error_line(err, "analytiker:***@127.0.0.1:1/maalspor", "refused")
    assert PASSWORD not in line + out


# --- bug 5: export to a bad path ----------------------------------------------------------


def test_export_to_a_bad_path_is_one_line(demo_db: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{demo_db}"
    code, _, err = cli("export", "items", "--db", url, "-o", str(tmp_path / "missing" / "dir" / "x.csv"))
    assert code == 2
    one_error_line(err, "does not exist")
    code, _, err = cli("export", "goals", "--db", url, "-o", str(tmp_path))
    assert code == 2
    one_error_line(err, "is a folder")
    code, _, err = cli("export", "goals", "--db", url, "-f", "csv", "-o", str(tmp_path / "goals.csv"))
    assert code == 0, err
    assert (tmp_path / "goals.csv").read_text(encoding="utf-8").startswith("document,municipality")


# --- bug 8: goals -------------------------------------------------------------------------


def test_goals_footer_follows_the_filters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    norddjurs = corpus_path("text", "norddjurs_beskaeftigelsesraad_2024-08-29.txt")
    assert cli("ingest", "-q", "--db", url, str(DEMO), str(norddjurs))[0] == 0
    everything = cli("goals", "--db", url)[1]
    assert "MISMATCH eksempel" in everything and "MISMATCH norddjurs" in everything
    only_norddjurs = cli("goals", "--db", url, "--municipality", "norddjurs")[1]
    assert "MISMATCH norddjurs" in only_norddjurs and "MISMATCH eksempel" not in only_norddjurs
    assert "MISMATCH" not in cli("goals", "--db", url, "--year", "2023")[1]


def test_goals_verdict_is_checked_and_counts_read_right(demo_db: Path) -> None:
    url = f"sqlite:///{demo_db}"
    code, out, err = cli("goals", "--db", url, "--verdict", "bogus")
    assert code == 2 and "bogus" in err and "not_met" in err and out == ""
    exports = [json.loads(line) for line in cli("export", "goals", "--db", url)[1].splitlines()]
    met = sum(1 for r in exports if r["verdict"] == "met")
    assert met > 1
    assert f"\n{met} goals\n" in cli("goals", "--db", url, "--verdict", "met")[1]

    def hay(r: dict[str, str]) -> str:
        return " ".join(filter(None, [r["title"], r["text"], r["theme"], r["status_text"]])).lower()

    needle = next(r["text"][:40] for r in exports if sum(r["text"][:40].lower() in hay(x) for x in exports) == 1)
    assert "\n1 goal\n" in cli("goals", "--db", url, "--search", needle)[1]


# --- items export -------------------------------------------------------------------------


def test_export_items_carries_municipality_date_and_anchor(demo_db: Path) -> None:
    rows = [json.loads(line) for line in cli("export", "items", "--db", f"sqlite:///{demo_db}")[1].splitlines()]
    dated = [r for r in rows if r["document"] == "eksempel_beskaeftigelsesudvalget_2024-09-10.pdf"]
    assert dated and all(r["municipality"] == "Eksempel" and r["meeting_date"] == "2024-09-10" for r in dated)
    assert all(r["anchor"].endswith(f":item:{r['number']}") for r in rows)
    assert len({r["anchor"] for r in rows}) == len(rows)
    # why each item is one: a body heading (with its case number), the document's own agenda list, or the
    # structure its publishing system gave it (an HTML page's numbered headings)
    assert all(r["evidence"] and ("body_heading" in r["evidence"] or "agenda_list" in r["evidence"]
                                  or any(e.startswith("structure:") for e in r["evidence"])) for r in rows)
    assert all(r["evidence"] == ["agenda_list"] for r in rows if r["listed_only"])


def test_views_carry_the_meeting_context(demo_db: Path) -> None:
    with open_readonly(f"sqlite:///{demo_db}").connect() as conn:
        mismatch = conn.execute(sa.text("SELECT document, municipality, meeting_date, agenda_item, plan_year "
                                        "FROM v_summary_mismatches")).fetchall()
        assert [tuple(r) for r in mismatch] == [("eksempel_beskaeftigelsesudvalget_2024-09-10.pdf", "Eksempel",
                                                  "2024-09-10", "52", 2024)]
        figures = conn.execute(sa.text("SELECT document, meeting_date, goal_anchor FROM v_figures")).fetchall()
        assert figures and all(doc and anchor for doc, _, anchor in figures)
        meetings = {tuple(r) for r in conn.execute(sa.text("SELECT document, meeting_date FROM v_goals"))}
        assert {(doc, date) for doc, date, _ in figures} <= meetings
        assert ("eksempel_beskaeftigelsesudvalget_2024-09-10.pdf", "2024-09-10") in {f[:2] for f in figures}


# --- the rest of the first day ------------------------------------------------------------


def test_version() -> None:
    from importlib.metadata import version

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"maalspor {version('maalspor')}"


def test_a_mistyped_path_is_a_usage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    code, out, err = cli("ingest", "--db", url, str(tmp_path / "dta" / "raw"))
    assert code == 2
    one_error_line(err, str(tmp_path / "dta" / "raw"), "no such file or folder")
    assert not (tmp_path / "m.sqlite").exists(), "a typo must not leave a database or a `failed` outcome"


def test_summary_tells_this_run_from_the_database(demo_db: Path, tmp_path: Path) -> None:
    db = copy_db(demo_db, tmp_path / "s.sqlite")
    code, out, err = cli("ingest", "-q", "--db", f"sqlite:///{db}", str(DEMO / "eksempel_aeldreudvalget_2025-02-04.md"))
    assert code == 0, err
    docs = len(list(DEMO.iterdir()))
    assert "this run: 1 file: 1 unchanged" in err
    assert f"database now: {docs} documents, {docs} meetings" in err
    assert "this run" in out  # the table's title


def test_help_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("TERMINAL_WIDTH", raising=False)
    for command in ([], ["ingest"], ["goals"], ["status"], ["prune"], ["export"], ["export", "items"],
                    ["export", "goals"], ["db", "upgrade"]):
        result = CliRunner().invoke(app_(), [*command, "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0
        for line in result.stdout.splitlines():
            assert len(line) <= 80, line
            assert "…" not in line, f"cut short in `maalspor {' '.join(command)} --help`: {line}"


def test_ctrl_c_says_what_was_stored_and_exits_130(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path)
    total = len(list(folder.iterdir()))
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    cmd = [*maalspor_command(), "ingest", "-q", "--db", db, str(folder)]
    # A job started in the background by a non-interactive shell (as `make test` may be) inherits
    # SIGINT ignored, and Python then never turns it into KeyboardInterrupt: give the child the
    # default disposition, as a terminal's foreground process has.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and count_documents(db) < 1:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest finished before Ctrl-C"
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    stored = count_documents(db)
    assert 1 <= stored < total
    said = re.search(rf"interrupted: (\d+) of {total} files stored; run the same command again to continue", err)
    assert said, err
    # the count is of finished files: one whose commit had just landed when Ctrl-C came may be left out
    assert int(said[1]) in (stored, stored - 1)
    assert "Traceback" not in err
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{stored} unchanged" in done.stderr and count_documents(db) == total


def test_status_lists_missing_files_and_prune_removes_them(tmp_path: Path) -> None:
    archive = tmp_path / "arkiv"
    shutil.copytree(DEMO, archive)
    (archive / "kopi.md").write_bytes((archive / "eksempel_aeldreudvalget_2025-02-04.md").read_bytes())
    (archive / "brudt.pdf").write_bytes(b"%PDF-1.4 brudt")
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    assert cli("ingest", "-q", "--db", url, str(archive))[0] == 1  # the broken PDF is not stored
    docs = len(list(DEMO.iterdir()))
    gone_doc = archive / "eksempel_kommunalbestyrelsen_2025-01-28.html"
    gone_copy = archive / "eksempel_aeldreudvalget_2025-02-04.md"  # same content as kopi.md, which stays
    for p in (gone_doc, gone_copy, archive / "brudt.pdf"):
        p.unlink()

    code, out, _ = cli("status", "--db", url)
    assert code == 0
    missing = [line for line in out.splitlines() if " missing " in line]
    assert len(missing) == 3 and all(str(archive) in line for line in missing)
    assert "3 files gone from the archive" in out

    code, out, _ = cli("prune", "--dry-run", "--db", url)
    assert code == 0 and "would remove 3 missing files (1 document)" in out
    assert cli("status", "--db", url)[1].count(" missing ") == 3, "--dry-run removed something"

    code, out, _ = cli("prune", "--db", url)
    assert code == 0
    assert f"removed: {gone_doc} (document, items and goals)" in out
    assert f"removed: {gone_copy} (path)" in out
    with open_readonly(url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar() == docs - 1
        assert conn.execute(sa.text("SELECT count(*) FROM v_goals WHERE document LIKE '%kommunalbestyrelsen%'"))\
            .scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM file_outcomes")).scalar() == docs - 1  # the rest + kopi
    assert "missing" not in cli("status", "--db", url)[1]
    assert "nothing to prune" in cli("prune", "--db", url)[1]
    assert cli("ingest", "-q", "--db", url, str(archive))[0] == 0  # what is left is all unchanged


def test_bench_script_help_and_an_empty_folder(tmp_path: Path) -> None:
    """`scripts/bench_ingest.py --help` read `--help` as a folder and divided by zero."""
    script = [sys.executable, str(ROOT / "scripts" / "bench_ingest.py")]
    shown = subprocess.run([*script, "--help"], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and shown.stdout.startswith("usage:"), shown.stderr
    empty = subprocess.run([*script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert empty.returncode == 0 and "no .pdf" in empty.stdout, empty.stderr
    typo = subprocess.run([*script, str(tmp_path / "nosuch")], capture_output=True, text=True, timeout=120)
    assert typo.returncode == 2 and "not a folder" in typo.stderr


def test_ingest_with_its_progress_bar_runs(tmp_path: Path) -> None:
    """Regression: `make run` (ingest without -q, so with the progress bar) crashed on the lazily made
    console; every other test ran with -q. Run as a user does, in a real process."""
    src = tmp_path / "raw"
    src.mkdir()
    shutil.copy(ROOT / "data" / "raw" / "eksempel_statusnotat_ungeindsats_2024.txt", src)
    done = subprocess.run([*maalspor_command(), "ingest", str(src), "--db", f"sqlite:///{tmp_path / 'p.sqlite'}"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1 ok" in done.stdout + done.stderr
