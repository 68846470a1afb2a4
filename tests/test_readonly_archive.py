"""An archive as analysts get it: a read-only share or a mounted snapshot, and an archive folder that
holds its own database.

The tests run as root, for whom a chmod'ed folder is still writable, so the read-only folder is a
real read-only bind mount (`mount --bind` + `mount -o remount,ro,bind`); where mounting is not
permitted (no CAP_SYS_ADMIN, a container without it) those tests skip and say so.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ingest import pipeline
from ingest.cli import app
from models.db import make_engine
from models.store import record_outcome
from tests.conftest import corpus_path

FILES = ("norddjurs_beskaeftigelsesraad_2024-08-29.txt", "norddjurs_opfoelgning_2023-2024_tabel.txt")


def _mount_readonly(source: Path, target: Path) -> None:
    target.mkdir()
    try:
        subprocess.run(["mount", "--bind", str(source), str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        target.rmdir()
        pytest.skip(f"cannot make a read-only bind mount here ({getattr(exc, 'stderr', b'') or exc!s}); "
                    "run the tests as root with mount permitted")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        subprocess.run(["umount", str(target)], check=False)
        pytest.skip(f"cannot remount the bind mount read-only: {exc.stderr.decode(errors='replace').strip()}")


@pytest.fixture(scope="module")
def readonly_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two follow-up documents ingested into archive/maalspor.sqlite, seen through a read-only mount."""
    base = tmp_path_factory.mktemp("ro")
    archive = base / "archive"
    archive.mkdir()
    for name in FILES:
        shutil.copy(corpus_path("text", name), archive / name)
    engine = make_engine(f"sqlite:///{archive / 'maalspor.sqlite'}")
    assert pipeline.ingest_paths(engine, [archive]).exit_code == 0
    engine.dispose()  # checkpoints the WAL into the file and removes -wal and -shm, as a closed archive is
    mounted = base / "share"
    _mount_readonly(archive, mounted)
    try:
        with pytest.raises(OSError):
            (mounted / "probe").write_text("x")  # really read-only, even for root
        yield mounted / "maalspor.sqlite"
    finally:
        # lazily: an engine a command left in this process may still hold the file open (EBUSY)
        subprocess.run(["umount", "-l", str(mounted)], check=False)


@pytest.mark.parametrize("args", [
    ["sql", "SELECT plan_year, goal_id, verdict FROM goal_history WHERE statement LIKE '%gymnasial uddannelse%'"],
    ["sql", "--format", "json", "SELECT count(*) AS n FROM v_goals"],
    ["goals", "--year", "2024"],
    ["export", "goals", "--format", "csv"],
    ["status"],
    ["history", "gymnasial uddannelse"],
    ["chart", "gymnasial uddannelse", "-o", "{tmp}/series.svg"],
    ["chart", "--overview", "-o", "{tmp}/overview.png"],
    ["review", "log"],
], ids=lambda a: " ".join(a[:2]))
def test_reading_commands_work_on_a_read_only_folder(readonly_archive: Path, tmp_path: Path, args: list[str]) -> None:
    before = hashlib.sha256(readonly_archive.read_bytes()).hexdigest()
    names = {p.name for p in readonly_archive.parent.iterdir()}
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, [*argv, "--db", f"sqlite:///{readonly_archive}"])
    assert result.exit_code == 0, result.output
    assert "unable to open" not in result.output and "read-only" not in result.output
    if args[0] == "sql" and "json" not in args:
        assert "5.5" in result.output and "6.5" in result.output
    if args[0] == "chart":
        assert Path(argv[-1]).stat().st_size > 0
    assert {p.name for p in readonly_archive.parent.iterdir()} == names
    assert hashlib.sha256(readonly_archive.read_bytes()).hexdigest() == before


def test_sql_still_refuses_writes_on_a_read_only_folder(readonly_archive: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "--db", f"sqlite:///{readonly_archive}", "DELETE FROM goals"])
    assert result.exit_code == 2 and result.output.startswith("refused:"), result.output


def test_an_archive_folder_holding_its_database_reingests_unchanged(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The database, its -wal and -shm (kept by an open reader) and the migration lock are never documents."""
    archive = tmp_path / "arkiv"
    (archive / "sub").mkdir(parents=True)
    for name in FILES:
        shutil.copy(corpus_path("text", name), archive / "sub" / name)
    url = "sqlite:///arkiv/maalspor.sqlite"  # relative, as typed in the archive's parent folder
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    first = runner.invoke(app, ["ingest", "--db", url, "arkiv/"])
    assert first.exit_code == 0, first.output
    assert "2 files: 2 ok" in first.output
    reader = sqlite3.connect(archive / "maalspor.sqlite")  # a reviewer's open session keeps -wal and -shm
    reader.execute("SELECT count(*) FROM goals").fetchall()
    try:
        sidecars = {p.name for p in archive.iterdir()} - {"sub"}
        assert {"maalspor.sqlite", "maalspor.sqlite-wal", "maalspor.sqlite-shm"} <= sidecars
        engine = make_engine(url)  # what an older maalspor recorded for the database's own files
        with Session(engine) as session, session.begin():
            for name in ("maalspor.sqlite", "maalspor.sqlite-wal"):
                record_outcome(session, str((archive / name).resolve()), None, None, "unsupported",
                               f"{name}: unsupported file type")
        engine.dispose()
        assert "unsupported" in runner.invoke(app, ["status", "--db", url]).output
        second = runner.invoke(app, ["ingest", "--db", url, "arkiv/"])
        assert second.exit_code == 0, second.output
        assert "unsupported" not in runner.invoke(app, ["status", "--db", url]).output  # forgotten, once
        before = runner.invoke(app, ["sql", "--db", url, "--format", "csv",
                                     "SELECT count(*) FROM goals UNION ALL SELECT count(*) FROM file_outcomes"])
        second = runner.invoke(app, ["ingest", "--db", url, "arkiv/"])
        assert second.exit_code == 0, second.output
        assert "2 files: 2 unchanged" in second.output and "unsupported" not in second.output
        after = runner.invoke(app, ["sql", "--db", url, "--format", "csv",
                                    "SELECT count(*) FROM goals UNION ALL SELECT count(*) FROM file_outcomes"])
        assert before.output == after.output
        # named explicitly, the database is still not a document
        third = runner.invoke(app, ["ingest", "--db", url, "arkiv/maalspor.sqlite", "arkiv/sub"])
        assert third.exit_code == 0 and "2 files: 2 unchanged" in third.output, third.output
    finally:
        reader.close()
