"""Benchmark: does ingest cost, links and database size grow linearly with the archive?

Prints figures; asserts nothing. Builds archives the way a municipality's archive holds its minutes:
the corpus texts (text/ and pages/) copied as distinct files, each copy filed under a committee and a
quarter with a line of its own at the end (so each is its own document, as the same follow-up table
is in the agenda, the minutes and the minutes of two or three other committees, quarter after
quarter). For each size it runs `maalspor ingest --workers 1` on a fresh database (start-up
included) and prints time per document, links per goal and database bytes per goal, then the
ratios for each 4× step. On the largest archive it times the bulk commands: re-ingest of everything
unchanged, re-ingest of changed files, `link` for the whole archive, the exports, `history`, the
review queue (its first page with counts and filter options, a deep page of a filtered queue, and
what a goal page asks of it) and `prune`.

Usage: .venv/bin/python scripts/bench_scale.py [--sizes 100,400,1600] [--postgres | --db ADMIN_URL]
`--postgres` starts a throw-away PostgreSQL cluster (tests/pg.py); `--db` names a server and a role that
may create databases (one database per size is created and dropped).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
COMMITTEES = ("Beskæftigelsesudvalget", "Økonomiudvalget", "Byrådet", "Social- og Sundhedsudvalget")
CLI = [sys.executable, "-c", "from ingest.cli import main; main()"]


def sources() -> list[Path]:
    return sorted((CORPUS / "text").glob("*.txt")) + sorted((CORPUS / "pages").glob("*.txt"))


def build(folder: Path, size: int) -> list[Path]:
    """`size` distinct files: copy k of each source goes to committee k mod 4, quarter k div 4."""
    src = sources()
    texts = [p.read_text(encoding="utf-8") for p in src]
    out = []
    for n in range(size):
        i, k = n % len(src), n // len(src)
        quarter = f"{2019 + k // 16}-Q{k // 4 % 4 + 1}"
        committee = COMMITTEES[k % len(COMMITTEES)]
        path = folder / quarter / committee / src[i].name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{texts[i]}\n\nUdskrift til {committee}, {quarter}.\n", encoding="utf-8")
        out.append(path)
    return out


LAST_CPU = [0.0]  # CPU seconds (user + sys) of the last `run`: steadier than wall time on a shared machine


def run(args: list[str], url: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([*CLI, *args, "--db", url], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:] or done.stdout[-2000:]}")
    return seconds


def scalar(url: str, sql: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def db_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        with sqlite3.connect(path) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return scalar(url, "SELECT pg_database_size(current_database())")


class Databases:
    """A fresh database per archive: SQLite files in a temporary folder, or PostgreSQL databases."""

    def __init__(self, tmp: Path, postgres: bool, admin: str | None) -> None:
        self.tmp, self.server, self.urls = tmp, None, []
        if postgres or admin:
            from tests import pg

            if admin:
                os.environ[pg.SERVER_ENV] = admin
                from sqlalchemy.engine import make_url

                self.server = pg.Server(make_url(admin))
            else:
                self.server = pg.start_cluster()

    def new(self, name: str) -> str:
        if self.server is None:
            return f"sqlite:///{self.tmp / (name + '.sqlite')}"
        url = self.server.create_database()
        self.urls.append(url)
        return url

    def close(self) -> None:
        if self.server is not None:
            for url in self.urls:
                self.server.drop_database(url)
            if self.server.stop_command:
                self.server.stop()


QUEUE_VIEWS = {
    # what the queue page asks for: counts per state, the filter options, one page of goals
    "first": "queue.goal_counts(s, f)\n    queue.goal_options(s)\n    queue.goal_page(s, f, 1)\n",
    # the last page of the unreviewed goals of one plan year (OFFSET deep into the queue)
    "last": "f = queue.Filters(plan_year=2024, state='unreviewed')\n    n = queue.goal_counts(s, f)['unreviewed']\n"
            "    queue.goal_page(s, f, max(1, -(-n // queue.PAGE_SIZE)))\n",
    # what a goal page asks for: its neighbours and position in the queue, its document's goals
    "goal": "a = queue.goal_page(s, f, 2)[0]['anchor']\n    queue.goal_neighbours(s, f, a)\n"
            "    queue.goals_of_document(s, queue.document_of(s, a))\n",
}


def review_queue(url: str, view: str = "first") -> float:
    """One review-queue view as the web app builds it (in-process seconds; CPU is the process's)."""
    code = ("import sys, time\nfrom sqlalchemy.orm import Session\nfrom models.db import open_readonly\n"
            "from review import queue\n"
            "engine = open_readonly(sys.argv[1])\nf = queue.Filters()\nt = time.perf_counter()\n"
            "with Session(engine) as s:\n    " + QUEUE_VIEWS[view] +
            "print(time.perf_counter() - t)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, env=env, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_CPU[0] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return float("nan")
    return float(done.stdout.strip().splitlines()[-1])


def bulk(url: str, files: list[Path], tmp: Path) -> list[tuple[str, float]]:
    out = tmp / "out"
    out.mkdir(exist_ok=True)
    timings: list[tuple[str, float]] = []

    def timed(label: str, fn: Callable[[], float]) -> None:
        timings.append((label, fn()))
        print(f"  {label:<44} {timings[-1][1]:8.2f} s  {LAST_CPU[0]:6.2f} s CPU", flush=True)

    folder = str(files[0].parents[2])
    timed(f"re-ingest, {len(files)} files unchanged", lambda: run(["ingest", "-q", "--workers", "1", folder], url))
    changed = files[:: max(1, len(files) // 10)][:10]
    for p in changed:
        p.write_text(p.read_text(encoding="utf-8") + "Rettet.\n", encoding="utf-8")
    timed(f"re-ingest, {len(changed)} of them changed",
          lambda: run(["ingest", "-q", "--workers", "1", *map(str, changed)], url))
    timed("link (whole archive)", lambda: run(["link"], url))
    for what in ("links", "goals", "history", "items"):
        timed(f"export {what} (jsonl)", lambda w=what: run(["export", w, "-f", "jsonl", "-o", str(out / f"{w}.jsonl")],
                                                         url))
    timed("history beskæftigelse", lambda: run(["history", "beskæftigelse"], url))
    timed("review queue (page 1, counts, options)", lambda: review_queue(url))
    timed("review queue (last page, year + state)", lambda: review_queue(url, "last"))
    timed("review goal page (neighbours, siblings)", lambda: review_queue(url, "goal"))
    gone = files[1:: max(1, len(files) // 16)][:16]
    for p in gone:
        p.unlink()
    timed("prune --dry-run", lambda: run(["prune", "--dry-run"], url))
    timed(f"prune ({len(gone)} files gone)", lambda: run(["prune"], url))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,400,1600", help="archive sizes in documents (comma-separated)")
    parser.add_argument("--postgres", action="store_true", help="on a throw-away PostgreSQL cluster")
    parser.add_argument("--db", help="PostgreSQL admin URL (a role that may create databases)")
    parser.add_argument("--no-bulk", action="store_true", help="skip the bulk commands on the largest archive")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="maalspor-scale-"))
    dbs = Databases(tmp, args.postgres, args.db)
    rows = []
    try:
        backend = "PostgreSQL" if dbs.server else "SQLite"
        print(f"{backend}; {len(sources())} corpus texts copied as distinct files; `ingest --workers 1` per size",
              flush=True)
        header = (f"{'documents':>9} {'ingest s':>9} {'s/doc':>7} {'CPU s':>8} {'CPU/doc':>8} {'goals':>8} "
                  f"{'versions':>8} {'links':>8} {'links/goal':>10} {'db MB':>8} {'bytes/goal':>10}")
        print(header, flush=True)
        last_files: list[Path] = []
        last_url = ""
        for size in sizes:
            folder = tmp / f"archive-{size}"
            files = build(folder, size)
            url = dbs.new(f"scale{size}")
            seconds = run(["ingest", "-q", "--workers", "1", str(folder)], url)
            cpu = LAST_CPU[0]
            goals = scalar(url, "SELECT COUNT(*) FROM goals")
            links = scalar(url, "SELECT COUNT(*) FROM goal_links")
            versions = scalar(url, "SELECT COUNT(*) FROM goal_versions")
            size_b = db_bytes(url)
            rows.append((size, seconds, cpu, goals, size_b))
            print(f"{size:>9} {seconds:>9.1f} {seconds / size:>7.3f} {cpu:>8.1f} {cpu / size:>8.3f} {goals:>8} "
                  f"{versions:>8} {links:>8} "
                  f"{links / max(goals, 1):>10.2f} {size_b / 1e6:>8.1f} {size_b / max(goals, 1):>10.0f}", flush=True)
            last_files, last_url = files, url
        for (n1, t1, c1, _, b1), (n2, t2, c2, _, b2) in zip(rows, rows[1:], strict=False):
            print(f"{n1} → {n2} documents ({n2 / n1:.0f}×): ingest time {t2 / t1:.2f}× (CPU {c2 / c1:.2f}×), "
                  f"database {b2 / b1:.2f}×")
        if not args.no_bulk and last_files:
            print(f"bulk commands on the {len(last_files)}-document archive (wall and CPU time, start-up included):",
                  flush=True)
            bulk(last_url, last_files, tmp)
    finally:
        dbs.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
