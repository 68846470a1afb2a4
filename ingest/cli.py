"""The `maalspor` command: thin typer wrappers over the pipeline and the queries.

Write commands (ingest, prune, db upgrade) open the database with `make_engine`, which
migrates; the others open it read-only. Every problem with the command line or the database
is one line on stderr and exit status 2.

Everything heavy (the pipeline with pdfium, pdfplumber and spaCy, SQLAlchemy, pydantic, rich's
tables, the review app, matplotlib, pyarrow) is imported inside the command that needs it, so
`maalspor --help` starts in well under 0.3 s (tests/test_startup.py checks which modules it loads).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ingest import pipeline

# Kept equal to ingest.pipeline.DEFAULT_TIMEOUT (tests/test_startup.py checks), which is too heavy to import here.
DEFAULT_TIMEOUT = 300.0

app = typer.Typer(help="Goals that Danish councils set and follow up on, from their minutes.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")
export_app = typer.Typer(help="Export items, goals, links or history as JSON Lines, CSV or Parquet.",
                         no_args_is_help=True, rich_markup_mode="markdown")
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True, rich_markup_mode="markdown")
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")
review_app = typer.Typer(help="QA review: the web app for reviewers, accounts, the audit log, gold export.")
app.add_typer(review_app, name="review")


class _LazyConsole:
    """rich's Console on stderr, made on first use."""

    _console: Console | None = None

    def real(self) -> Console:
        """The Console itself, for rich objects (a progress bar) that enter it as a context manager."""
        if self._console is None:
            from rich.console import Console

            _LazyConsole._console = Console(stderr=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


console = _LazyConsole()

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL, SQLite or PostgreSQL (see README); "
                                              "default $MAALSPOR_DB, else the file data/db/maalspor.sqlite.")]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class VerdictName(StrEnum):
    """models.records.Verdict without importing pydantic (tests/test_startup.py checks they agree)."""

    met = "met"
    not_met = "not_met"
    expected_met = "expected_met"
    expected_not_met = "expected_not_met"
    too_early = "too_early"
    not_measurable = "not_measurable"
    dropped = "dropped"
    partly_met = "partly_met"
    none = "none"


class ExecutorName(StrEnum):
    local = "local"
    dask = "dask"


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"maalspor {version('maalspor')}")
        except PackageNotFoundError:
            typer.echo("maalspor (not installed: run `make run` or `pip install -e .`)")
        raise typer.Exit(0)


@app.callback()
def main_options(
    _version_flag: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False,
) -> None:
    """Goals that Danish councils set and follow up on, from their minutes."""


def _say(text: str, style: str | None = None) -> None:
    """One line on stderr, never wrapped and never read as markup: file names may hold `[`."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def _usage_error(message: str) -> NoReturn:
    _say(f"error: {message}", "red")
    raise typer.Exit(2)


def _engine(db: str | None, write: bool = False):  # type: ignore[no-untyped-def]
    """The database for a command: migrated for writing, or read-only (never created)."""
    from models.db import DatabaseProblem, display_url, make_engine, open_readonly, scrub
    from parsers.readers.errors import one_line

    try:
        return make_engine(db) if write else open_readonly(db)
    except DatabaseProblem as exc:
        _usage_error(str(exc))
    except Exception as exc:
        detail = one_line(getattr(exc, "orig", None) or exc)
        _usage_error(f"cannot open the database {display_url(db)}: {scrub(detail, db)}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (recursive); default data/raw.",
                                                       show_default=False)] = None,
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Re-parse even unchanged files.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Read again every file whose last "
                                               "ingest failed (and any PATHS given).")] = False,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs with OCRmyPDF (the `ocr` extra or "
                                      "Debian's ocrmypdf, plus tesseract-ocr-dan).")] = False,
    max_mb: Annotated[int, typer.Option(min=1, help="Refuse files larger than this many MB.")] = 500,
    timeout: Annotated[float, typer.Option(min=0, help="Stop reading one file after this many seconds "
                                           "(0: no limit).")] = DEFAULT_TIMEOUT,
    workers: Annotated[int | None, typer.Option("--workers", "-j", min=1, help="Parse in this many processes "
                                                "(default: one per CPU; 1 parses in this process).")] = None,
    executor: Annotated[ExecutorName, typer.Option("--executor", help="local: a process pool here; dask: a "
                                                   "dask.distributed cluster (the `dask` extra).")] =
        ExecutorName.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. "
                                                  "tcp://host:8786 (default: start a local cluster).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every file's outcome, not only the "
                                          "ones that need attention.")] = False,
) -> None:
    """Read minutes into the database; unchanged files are skipped.

    Every file gets one outcome (ok, unchanged, empty, needs_ocr, encrypted, corrupt,
    unsupported, too_large, failed), recorded in the database and listed at the end with
    what to do. Exit status: 0 when every file is ok or unchanged, 1 when any is not (the
    others are stored all the same), 2 for a usage error, 130 after Ctrl-C (what was stored
    stays stored: run the same command again to continue).

    Example: `maalspor ingest data/raw --db sqlite:///data/db/maalspor.sqlite --workers 4`
    """
    from ingest import ocr as ocr_tool
    from ingest import pipeline
    from ingest.progress import ingest_progress
    from ingest.workers import ingest_paths

    if scheduler and executor != ExecutorName.dask:
        _usage_error("--scheduler needs --executor dask")
    if executor == ExecutorName.dask:
        from ingest.dask_executor import missing

        if (reason := missing()) is not None:
            _usage_error(f"--executor dask: {reason}")
    for p in paths or []:
        if not p.exists() and not p.is_symlink():  # a typo; a broken link is the file's own outcome
            _usage_error(f"{pipeline.display_path(p)}: no such file or folder; check the path")
    inputs = list(paths or [Path("data/raw")])
    if not paths and not inputs[0].is_dir():
        _usage_error("no PATH given and no data/raw folder here: give the files or folders to read")
    engine = _engine(db, write=True)
    if retry_failed:
        for gone in pipeline.forget_missing_failures(engine):
            _say(f"forgotten: {gone} (no longer exists)")
        inputs = pipeline.failed_paths(engine) + (list(paths) if paths else [])
        if not inputs:
            _say("no failed files to retry")
            raise typer.Exit(0)
    if ocr and (reason := ocr_tool.missing()) is not None:
        _say(f"--ocr: {reason}; scanned PDFs will be reported as needs_ocr")
    with ingest_progress(console.real(), disable=quiet) as on_file:
        summary = ingest_paths(engine, inputs, force=force, on_file=on_file, max_bytes=max_mb << 20,
                               retry=retry_failed, ocr=ocr, timeout=timeout or None,
                               workers=workers or _cpus(), executor=executor.value, scheduler=scheduler)
    _print_summary(engine, summary, verbose)
    _follow_corrections(engine)
    raise typer.Exit(summary.exit_code)


def _print_summary(engine, summary: pipeline.RunSummary, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Every file that needs attention, one line each with what to do, then this run's counts
    and, apart from them, what the database holds now."""
    from rich.console import Console
    from rich.table import Table

    from ingest import pipeline, queries

    for r in summary.results:
        if r.outcome not in pipeline.GOOD:
            _say(f"{r.outcome:>11}  {r.message or r.path}", "red")
        elif r.message and (r.outcome == "ok" or verbose):
            _say(f"{r.outcome:>11}  {r.message}", "yellow" if r.outcome == "ok" else None)
        elif verbose:
            _say(f"{r.outcome:>11}  {r.path}")
    if summary.aborted:
        _say(f"stopped early: {summary.aborted}", "bold red")
    table = Table(title="this run", show_header=True)
    for col in ("files", "ok", "unchanged", "not stored", "agenda items", "goals", "pages", "seconds"):
        table.add_column(col, justify="right")
    ok = [r for r in summary.results if r.outcome == "ok"]
    table.add_row(str(len(summary.results)), str(len(ok)), str(summary.count("unchanged")), str(len(summary.failed)),
                  str(sum(r.items for r in ok)), str(sum(r.goals for r in ok)), str(sum(r.pages for r in ok)),
                  f"{summary.seconds:.1f}")
    Console().print(table)
    by_outcome = ", ".join(f"{summary.count(o)} {o}" for o in pipeline.OUTCOMES if summary.count(o))
    _say(f"this run: {_plural(len(summary.results), 'file')}: {by_outcome or 'none found'}")
    counts = queries.database_counts(engine)
    _say(f"database now: {_plural(counts['documents'], 'document')}, {_plural(counts['meetings'], 'meeting')}, "
         f"{counts['agenda_items']} agenda items, {_plural(counts['goals'], 'goal')}, "
         f"{_plural(counts['pages'], 'page')}")
    if summary.failed:
        repeated = sum(1 for r in summary.failed if r.repeated)
        again = f" ({repeated} as recorded before, not read again)" if repeated else ""
        _say(f"{len(summary.failed)} not stored{again}: fix them as said above, then run "
             "`maalspor ingest --retry-failed`; `maalspor status` lists them again")
    if summary.interrupted:
        _say(f"interrupted: {summary.stored} of {_plural(summary.total, 'file')} stored; run the same command "
             "again to continue", "bold red")


def _check_output(output: Path | None) -> None:
    """A bad -o is a usage error before any work is done, not a traceback after it."""
    if output is None:
        return
    if output.is_dir():
        _usage_error(f"-o {output}: is a folder; give a file name, e.g. -o {output / 'export.jsonl'}")
    if not output.parent.is_dir():
        _usage_error(f"-o {output}: the folder {output.parent} does not exist; create it or choose another")


def _follow_corrections(engine) -> None:  # type: ignore[no-untyped-def]
    """Reviewers' corrections after a re-import: moved into changed files where their goal is found, else listed."""
    from sqlalchemy.orm import Session

    from review.overlay import has_corrections, orphans, reanchor

    with Session(engine) as session, session.begin():
        if not has_corrections(session):
            return
        moved = reanchor(session)
        lost = orphans(session)
    if moved:
        _say(f"{len(moved)} review correction{'s' if len(moved) != 1 else ''} followed their goal or item into a "
             "changed file")
    if lost:
        _say(f"{len(lost)} review correction{'s' if len(lost) != 1 else ''} no longer resolve (kept): "
             "`maalspor review orphans` lists them", "yellow")


@export_app.command("items")
def export_items(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Agenda items: document, municipality, meeting_date, number, title, case_number, closed,
    decision, page_start, page_end, anchor, attachments (the bilag an ESDH export ties to the item)."""
    from ingest import queries

    _check_output(output)
    engine = _engine(db)
    _write(queries.item_rows(engine), fmt, output, queries.ITEM_FIELDS)


@export_app.command("documents")
def export_documents(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Stored documents, one row per name: source (path, or archive.zip!/member), role (minutes, item,
    attachment, publication), sha256, format, pages, municipality, body, meeting_date, publication, item."""
    from ingest import queries

    _check_output(output)
    engine = _engine(db)
    _write(queries.document_rows(engine), fmt, output, queries.DOCUMENT_FIELDS)


@export_app.command("goals")
def export_goals(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Goals with verdicts and figures (figures nested in JSONL and Parquet, flattened in CSV)."""
    from ingest import queries

    _check_output(output)
    engine = _engine(db)
    _write(queries.goal_rows(engine), fmt, output, queries.GOAL_FIELDS)


def _write(rows, fmt: Format, output: Path | None, fields: list[str]) -> None:  # type: ignore[no-untyped-def]
    from ingest import queries

    if fmt is Format.parquet:
        if output is None:
            raise typer.BadParameter("parquet is binary: give a file with -o FILE.parquet", param_hint="--format")
        _check_output(output)
        try:
            n = queries.write_parquet(rows, output, fields)
        except OSError as exc:
            _usage_error(f"-o {output}: cannot write it ({exc.strerror or exc}); choose another file")
        _say(f"wrote {_plural(n, 'row')} to {output}")
        return
    if output is None:
        queries.write_rows(rows, fmt.value, sys.stdout, fields)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            n = queries.write_rows(rows, fmt.value, fh, fields)
    except OSError as exc:
        _usage_error(f"-o {output}: cannot write it ({exc.strerror or exc}); choose another file")
    _say(f"wrote {_plural(n, 'row')} to {output}")


@export_app.command("links")
def export_links(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Links between goals: from/to document, plan year and goal id, score, state, method, reasons, series."""

    from ingest import history

    _check_output(output)
    engine = _engine(db)
    _write(history.link_rows(engine), fmt, output, history.LINK_FIELDS)


@export_app.command("history")
def export_history(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    search: Annotated[str | None, typer.Option(help="Only series with a goal whose title, statement or id "
                                               "holds this.")] = None,
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    db: DbOption = None,
) -> None:
    """Every goal with its series id, follow-up date, verdict and target/observed figure (the goal_history view)."""
    from ingest import history

    _check_output(output)
    engine = _engine(db)
    _write(history.iter_history_rows(engine, search, municipality), fmt, output, history.HISTORY_FIELDS)


@app.command()
def link(
    municipality: Annotated[str | None, typer.Option(help="Only this municipality.")] = None,
    db: DbOption = None,
) -> None:
    """Link goals across plans and follow-ups for the whole archive (ingest links each new document itself).

    Re-running changes nothing; links a reviewer confirmed or rejected are kept as they are.

    Example: maalspor link --municipality Norddjurs
    """
    from sqlalchemy.orm import Session

    from models.links import link_archive

    engine = _engine(db, write=True)
    with Session(engine) as session, session.begin():
        counts = link_archive(session, municipality)
    _say(f"{counts['goals']} goals in {counts['municipalities']} municipalities: {counts['added']} links added, "
         f"{counts['links']} links stored")


class LinkState(StrEnum):
    confirmed = "confirmed"
    rejected = "rejected"
    proposed = "proposed"


@app.command("link-set")
def link_set(
    from_anchor: Annotated[str, typer.Argument(help="Anchor of the earlier goal (see `export links`).")],
    to_anchor: Annotated[str, typer.Argument(help="Anchor of the later goal.")],
    state: Annotated[LinkState, typer.Argument(help="confirmed, rejected, or proposed again.")],
    version: Annotated[int | None, typer.Option(
        "--version", help="The link's version as you saw it (`export links`, column version); a link decided "
                          "since is left alone.")] = None,
    user: Annotated[str | None, typer.Option(help="Who decides, for the audit log (default: your login).")] = None,
    db: DbOption = None,
) -> None:
    """A reviewer's decision on a link, or a link the linker missed; series are recomputed.

    Rejected links never join a series and are not proposed again; confirmed ones are never dropped.
    A decision never replaces another reviewer's unseen: with --version it is refused when the link
    changed since that version, and without it when someone else decided the link last (exit 1).

    Example: maalspor link-set 88a95ef411a554ca:goal:2023:1.2 88a95ef411a554ca:goal:2024:2.2 confirmed
    """
    import getpass

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from models.links import set_state
    from models.schema import GoalLinkRow, GoalRow
    from review import overlay, versions

    who = user or os.environ.get("USER") or getpass.getuser()
    engine = _engine(db, write=True)
    with Session(engine) as session, session.begin():
        held = versions.take(session, "link", versions.link_key(from_anchor, to_anchor))  # first: see versions.py
        for anchor in (from_anchor, to_anchor):
            if not session.scalar(select(func.count()).select_from(GoalRow).where(GoalRow.anchor == anchor)):
                _say(f"no goal with anchor {anchor}: copy anchors from `maalspor export links` or goal_history",
                     "red")
                raise typer.Exit(2)
        before = session.scalar(select(GoalLinkRow.state).where(GoalLinkRow.from_anchor == from_anchor,
                                                                GoalLinkRow.to_anchor == to_anchor))
        stale = (version is not None and version != held.version) or \
                (version is None and held.version > 0 and held.changed_by not in (None, who))
        when = f"{held.changed_at:%Y-%m-%d %H:%M:%S}" if held.changed_at else "?"
        by, current = held.changed_by, held.version
        if stale:  # logged, and committed, as every refused attempt is; nothing else changes
            overlay.audit(session, who, "conflict", "link", from_anchor, "state", before, state.value,
                          f"to {to_anchor}: refused, seen version {version if version is not None else '(none)'}, "
                          f"now {held.version} ({held.changed_by}, {when})")
        else:
            row = set_state(session, from_anchor, to_anchor, state.value)
            overlay.audit(session, who, "link", "link", from_anchor, "state", before, row.state, f"to {to_anchor}")
            current = versions.count_up(held, who)
            done = f"link {from_anchor} → {to_anchor} is now {row.state} ({row.method}, score {row.score:g}; " \
                   f"version {current})"
    if stale:
        _say(f"not changed: {by} set link {from_anchor} → {to_anchor} to {before} at {when} "
             f"(version {current}{'' if version is None else f', you saw {version}'}); to put {state.value} "
             f"over it, run the same command with --version {current}", "red")
        raise typer.Exit(1)
    _say(done)


@app.command()
def history(
    search: Annotated[str, typer.Argument(help="Text in a goal's title, statement or id, e.g. samtaler.")],
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    db: DbOption = None,
) -> None:
    """A goal's series as a timeline: plan year, follow-up, goal id as numbered then, verdict, target vs observed.

    Example: maalspor history "gymnasial" --municipality Norddjurs
    """
    from rich.console import Console
    from rich.table import Table

    from ingest import history as hist

    engine = _engine(db)
    series = hist.series_of(hist.history_rows(engine, search, municipality))
    out = Console()
    if not series:
        out.print(f"no goal matches {search!r}", markup=False)
        raise typer.Exit(1)
    for sid, points in series.items():
        head = points[-1]
        table = Table(title=f"{head['municipality']}: {(head['title'] or head['statement'])[:90]}",
                      caption=f"series {sid}", title_justify="left")
        for col in ("plan year", "follow-up", "goal", "verdict", "target", "observed", "document"):
            table.add_column(col)
        for p in points:
            table.add_row(str(p["plan_year"] or ""), p["follow_up_date"] or "", p["goal_id"] or "", p["verdict"],
                          hist.figure_text(p["target_value"], p["target_unit"], p["target_raw"]),
                          hist.figure_text(p["observed_value"], p["observed_unit"], p["observed_raw"]),
                          p["document"] or "")
        out.print(table)
    out.print(f"{len(series)} series")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One SELECT (or WITH …, EXPLAIN, read-only PRAGMA).")],
    fmt: Annotated[SqlFormat, typer.Option("--format", "-f")] = SqlFormat.table,
    db: DbOption = None,
) -> None:
    """Run a read-only query; anything that would change the database is refused and changes nothing.

    Example: maalspor sql "SELECT plan_year, goal_id, verdict FROM goal_history WHERE municipality = 'Norddjurs'"
    """
    import csv
    import json

    from rich.console import Console
    from rich.table import Table

    from ingest.sql import QueryError, Refused, run_query
    from models.db import scrub

    try:
        result = run_query(query, db)
    except (Refused, QueryError) as exc:
        _say(scrub(str(exc), db), "red")
        raise typer.Exit(2) from None
    if fmt is SqlFormat.json:
        print(json.dumps([dict(zip(result.columns, r, strict=True)) for r in result.rows], ensure_ascii=False,
                         indent=1, default=str))
    elif fmt is SqlFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    else:
        table = Table()
        for col in result.columns:
            table.add_column(col)
        for r in result.rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        Console().print(table)
        _say(f"{len(result.rows)} rows")


@app.command()
def chart(
    search: Annotated[str | None, typer.Argument(help="Text in a goal's title, statement or id.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Image file: .png or .svg.")] = Path("chart.png"),
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    overview: Annotated[bool, typer.Option("--overview", help="Verdict shares per plan year per "
                                           "municipality instead of one series.")] = False,
    db: DbOption = None,
) -> None:
    """Draw a series' observed figure against its target over time (or --overview of verdicts) to PNG or SVG.

    Example: maalspor chart "gymnasial" --municipality Norddjurs -o gymnasial.png
    """
    from ingest import charts

    if output.suffix.lower() not in (".png", ".svg"):
        raise typer.BadParameter("the image must end in .png or .svg", param_hint="-o")
    if not overview and not search:
        raise typer.BadParameter("give a search text, or --overview", param_hint="SEARCH")
    engine = _engine(db)
    try:
        points = charts.draw_overview(engine, output, municipality) if overview \
            else charts.draw_series(engine, search or "", output, municipality)
    except charts.NothingToDraw as exc:
        _say(str(exc), "red")
        raise typer.Exit(1) from None
    _say(f"wrote {output} ({points} points)")


@app.command("serve-datasette")
def serve_datasette(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8001,
) -> None:
    """Browse the SQLite database in Datasette with the project's metadata (needs the `datasette` extra).

    Example: pip install 'maalspor[datasette]' && maalspor serve-datasette
    """
    import shutil
    import subprocess
    import tempfile

    from sqlalchemy.engine import make_url

    from ingest.datasette import write_metadata
    from models.db import database_url

    url = make_url(database_url(db))
    if not url.drivername.startswith("sqlite") or not url.database:
        raise typer.BadParameter("Datasette reads SQLite files only; pass --db sqlite:///…", param_hint="--db")
    exe = shutil.which("datasette")
    if exe is None:
        _say("datasette is not installed: pip install 'maalspor[datasette]' (or pip install datasette)", "red")
        raise typer.Exit(2)
    database = Path(url.database)
    if not database.is_file():
        _say(f"no database at {database}: run `maalspor ingest` first, or pass --db", "red")
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory(prefix="maalspor-datasette-") as tmp:
        meta = write_metadata(database, Path(tmp) / "metadata.json")
        code = subprocess.call([exe, "serve", "--immutable", str(database), "--metadata", str(meta),
                                "--port", str(port)])
    raise typer.Exit(code)


@app.command()
def goals(
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    year: Annotated[int | None, typer.Option(help="Plan year.")] = None,
    verdict: Annotated[VerdictName | None, typer.Option(metavar="VERDICT", show_choices=False, help=(
        f"One of {', '.join(v.value for v in VerdictName)}."))] = None,
    search: Annotated[str | None, typer.Option(help="Text in title, goal, theme or status.")] = None,
    db: DbOption = None,
) -> None:
    """Goals as a table in the terminal; flagged summary mismatches among them are shown under it.

    Example: `maalspor goals --municipality Norddjurs --year 2024 --search samtaler`
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ingest import queries

    engine = _engine(db)
    rows = list(queries.goal_rows(engine, municipality, year, verdict.value if verdict else None, search))
    table = Table(show_lines=False)
    for col in ("municipality", "year", "id", "title / goal", "verdict", "conf."):
        table.add_column(col)
    for r in rows:
        label = r["title"] or r["text"]
        table.add_row(r["municipality"] or "", str(r["plan_year"] or ""), r["goal_id"] or "",
                      (label[:70] + "…") if len(label) > 71 else label, r["verdict"], f"{r['confidence']:.2f}")
    out = Console()
    out.print(table)
    out.print(_plural(len(rows), "goal"))
    shown = {(r["document"], r["agenda_item"], r["plan_year"]) for r in rows}
    for s in queries.summary_rows(engine, municipality, year):
        # with --verdict or --search, only the tallies of items whose goals are listed
        if s["mismatch"] and (not (verdict or search) or (s["document"], s["agenda_item"], s["plan_year"]) in shown):
            out.print(f"[yellow]MISMATCH[/yellow] {escape(s['document'])} item {s['agenda_item']} ({s['plan_year']}): "
                      f"declared {s['declared']} but the table says {s['extracted']}", soft_wrap=True)


@app.command()
def status(db: DbOption = None, all_files: Annotated[bool, typer.Option("--all", help="Every recorded file, "
                                                                        "not only failures.")] = False) -> None:
    """Files whose last ingest did not succeed, newest first, with what to do about them, and
    stored files that are gone from the archive (`maalspor prune` removes them)."""
    from rich.console import Console

    from ingest import pipeline, queries
    from ingest import prune as pruning

    engine = _engine(db)
    rows = queries.outcome_rows(engine, only_failed=not all_files)
    missing = pruning.missing_files(engine)
    out = Console(soft_wrap=True, markup=False, highlight=False)
    if not rows:
        out.print("no failures recorded" if not all_files else "no files recorded")
    for r in rows:
        out.print(f"{r['at'][:16].replace('T', ' ')}  {r['outcome']:>11}  {r['message'] or r['path']}")
    failed = sum(1 for r in rows if r["outcome"] not in pipeline.GOOD)
    if failed:
        out.print(f"{_plural(failed, 'file')} not stored: fix them as said, then run "
                  "`maalspor ingest --retry-failed`")
    for m in missing:
        out.print(f"{'':16}  {'missing':>11}  {m.path}: {_gone_what(m)}")
    if missing:
        out.print(f"{_plural(len(missing), 'file')} gone from the archive: `maalspor prune --dry-run` shows what "
                  "`maalspor prune` would remove")


def _gone_what(m) -> str:  # type: ignore[no-untyped-def]
    if m.document_id is None:
        return "no longer exists (only its recorded outcome is left)"
    if m.last_path:
        return "no longer exists; its document and goals are still stored"
    return "no longer exists; its document is still stored under another path"


@app.command()
def prune(
    db: DbOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
) -> None:
    """Remove the rows of files deleted from the archive, listing each one.

    A document goes with its items, goals and figures once none of its paths exists;
    recorded outcomes of paths that are gone go too. `maalspor status` lists them first.
    """
    from rich.console import Console

    from ingest import prune as pruning

    engine = _engine(db, write=not dry_run)
    gone = pruning.prune(engine, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    out = Console(soft_wrap=True, markup=False, highlight=False)
    for m in gone:
        what = "document, items and goals" if m.last_path else ("path" if m.document_id else "recorded outcome")
        out.print(f"{verb}: {m.path} ({what})")
    docs = sum(1 for m in gone if m.last_path)
    if not gone:
        out.print("nothing to prune: every recorded file still exists")
    else:
        out.print(f"{verb} {_plural(len(gone), 'missing file')} ({_plural(docs, 'document')})"
                  + ("; run without --dry-run to remove them" if dry_run else ""))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its schema to the newest version (Alembic migrations)."""
    from rich.console import Console

    from models.db import display_url, scrub, upgrade
    from parsers.readers.errors import one_line

    engine = _engine_unmigrated(db)
    try:
        upgrade(engine)
    except Exception as exc:
        detail = one_line(getattr(exc, "orig", None) or exc)
        _usage_error(f"cannot upgrade the database {display_url(db)}: {scrub(detail, db)}")
    Console().print(f"database at {display_url(db)} is up to date", markup=False, highlight=False)


def _engine_unmigrated(db: str | None):  # type: ignore[no-untyped-def]
    from models.db import display_url, make_engine, scrub
    from parsers.readers.errors import one_line

    try:
        return make_engine(db, migrate=False)
    except Exception as exc:
        _usage_error(f"cannot open the database {display_url(db)}: {scrub(one_line(exc), db)}")


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to bind; other hosts than localhost expose the app.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Serve the review web app (queue, side-by-side source, corrections) on http://HOST:PORT.

    Example: maalspor review add-user anna --role reviewer < pw.txt && maalspor review --port 8000
    """

    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    _review().serve(_engine(db, write=True), host, port, _say)


def _review():  # type: ignore[no-untyped-def]
    """The review commands, or one line saying how to install what they need."""
    try:
        from review import commands
    except ImportError as exc:
        _say(f"maalspor review needs the review extra ({exc.name} is missing): pip install -e '.[review]'", "red")
        raise typer.Exit(2) from exc
    return commands


def _review_db(ctx: typer.Context, db: str | None) -> str | None:
    """`maalspor review --db X add-user …` and `maalspor review add-user … --db X` both work."""
    return db or (ctx.obj or {}).get("db")


@review_app.command("add-user")
def review_add_user(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="reviewer (may correct) or analyst (reads only).")] = "reviewer",
    db: DbOption = None,
) -> None:
    """Create an account (or set a new password); the password is read from standard input."""
    raise typer.Exit(_review().add_user(_engine(_review_db(ctx, db), write=True), name, role, _say))


@review_app.command("log")
def review_log(
    ctx: typer.Context,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=0, help="Newest N entries (0: all).")] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, jsonl or csv.")] = "text",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
) -> None:
    """The audit log: who changed what, when, old and new value, reason (newest first)."""
    raise typer.Exit(_review().print_log(_engine(_review_db(ctx, db)), limit, fmt, output, _say))


@review_app.command("orphans")
def review_orphans(ctx: typer.Context, db: DbOption = None) -> None:
    """Corrections whose goal or item no longer resolves after a re-import; kept until withdrawn."""
    raise typer.Exit(_review().print_orphans(_engine(_review_db(ctx, db))))


@review_app.command("export-gold")
def review_export_gold(
    ctx: typer.Context,
    document: Annotated[str, typer.Argument(help="File name, stem or sha256 prefix of a stored document.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Gold file to write, e.g. x.gold.json.")],
    db: DbOption = None,
) -> None:
    """Write a reviewed document in the scorer's gold format (effective values: what reviewers accepted)."""
    raise typer.Exit(_review().write_gold(_engine(_review_db(ctx, db)), document, output, _say))


@review_app.command("diff")
def review_diff(ctx: typer.Context, db: DbOption = None) -> None:
    """Where the current parser disagrees with what reviewers accepted; exit 1 when it does anywhere."""
    raise typer.Exit(_review().print_diff(_engine(_review_db(ctx, db))))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
