"""The `maalspor` command: thin typer wrappers over the pipeline and the queries.

Everything heavy (the pipeline with pdfium, pdfplumber and spaCy, SQLAlchemy, rich's tables) is
imported inside the command that needs it, so `maalspor --help` starts in well under 0.3 s.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ingest import pipeline

# Kept equal to ingest.pipeline.DEFAULT_TIMEOUT (tests/test_startup.py checks), which is too heavy to import here.
DEFAULT_TIMEOUT = 300.0

app = typer.Typer(help="Goals that Danish councils set and follow up on, from their minutes.",
                  no_args_is_help=True, add_completion=False)
export_app = typer.Typer(help="Export items or goals as JSON Lines or CSV.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")


class _LazyConsole:
    """rich's Console on stderr, made on first use."""

    _console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            _LazyConsole._console = Console(stderr=True)
        return getattr(self._console, name)


console = _LazyConsole()

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL (default: $MAALSPOR_DB or "
                                              "sqlite:///data/db/maalspor.sqlite).")]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class ExecutorName(StrEnum):
    local = "local"
    dask = "dask"


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    from models.db import database_url, make_engine

    try:
        return make_engine(db)
    except Exception as exc:
        raise typer.BadParameter(f"cannot open database {database_url(db)}: {exc}", param_hint="--db") from exc


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (recursive).")] = None,
    db: DbOption = None,
    force: Annotated[bool, typer.Option(help="Re-parse even unchanged files.")] = False,
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

    Every file gets one outcome (ok, unchanged, empty, needs_ocr, encrypted, corrupt, unsupported,
    too_large, failed), recorded in the database and listed at the end with what to do. Exit
    status: 0 when every file is ok or unchanged, 1 when any is not (the others are stored all
    the same), 2 for a usage error.

    Example: maalspor ingest data/raw --db sqlite:///data/db/maalspor.sqlite --workers 4
    """
    from ingest import ocr as ocr_tool
    from ingest import pipeline
    from ingest.progress import ingest_progress

    if scheduler and executor != ExecutorName.dask:
        raise typer.BadParameter("--scheduler needs --executor dask", param_hint="--scheduler")
    if executor == ExecutorName.dask:
        from ingest.dask_executor import missing

        if (reason := missing()) is not None:
            raise typer.BadParameter(reason, param_hint="--executor")
    engine = _engine(db)
    inputs = list(paths or [Path("data/raw")])
    if retry_failed:
        for gone in pipeline.forget_missing_failures(engine):
            console.print(f"forgotten: {gone} (no longer exists)", markup=False, highlight=False, soft_wrap=True)
        inputs = pipeline.failed_paths(engine) + (list(paths) if paths else [])
        if not inputs:
            console.print("no failed files to retry")
            raise typer.Exit(0)
    if ocr and (reason := ocr_tool.missing()) is not None:
        console.print(f"--ocr: {reason}; scanned PDFs will be reported as needs_ocr", markup=False,
                      highlight=False, soft_wrap=True)
    with ingest_progress(console, disable=quiet) as on_file:
        summary = pipeline.ingest_paths(engine, inputs, force=force, on_file=on_file, max_bytes=max_mb << 20,
                                        retry=retry_failed, ocr=ocr, timeout=timeout or None,
                                        workers=workers or _cpus(), executor=executor.value, scheduler=scheduler)
    _print_summary(engine, summary, verbose)
    raise typer.Exit(summary.exit_code)


def _say(text: str, style: str | None = None) -> None:
    """One line on stderr, never wrapped and never read as markup: file names may hold `[`."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def _print_summary(engine, summary: pipeline.RunSummary, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Every file that needs attention, one line each with what to do, then the counts."""
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
    counts = queries.database_counts(engine)
    table = Table(title="maalspor ingest", show_header=True)
    for col in ("files ok", "unchanged", "failed", "meetings", "agenda items", "goals", "pages", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(str(summary.count("ok")), str(summary.count("unchanged")), str(len(summary.failed)),
                  str(counts["meetings"]), str(counts["agenda_items"]), str(counts["goals"]), str(counts["pages"]),
                  f"{summary.seconds:.1f}")
    Console().print(table)
    by_outcome = ", ".join(f"{summary.count(o)} {o}" for o in pipeline.OUTCOMES if summary.count(o))
    n = len(summary.results)
    _say(f"{n} file{'s' if n != 1 else ''}: {by_outcome or 'none found'}")
    if summary.failed:
        repeated = sum(1 for r in summary.failed if r.repeated)
        again = f" ({repeated} as recorded before, not read again)" if repeated else ""
        _say(f"{len(summary.failed)} not stored{again}: fix them as said above, then run "
             "`maalspor ingest --retry-failed`; `maalspor status` lists them again")


@export_app.command("items")
def export_items(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Agenda items: document, number, title, case_number, decision, page_start, page_end."""
    from ingest import queries

    engine = _engine(db)
    _write(queries.item_rows(engine), fmt, output, queries.ITEM_FIELDS)


@export_app.command("goals")
def export_goals(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Goals with verdicts and figures (figures nested in JSONL, flattened in CSV)."""
    from ingest import queries

    engine = _engine(db)
    _write(queries.goal_rows(engine), fmt, output, queries.GOAL_FIELDS)


def _write(rows, fmt: Format, output: Path | None, fields: list[str]) -> None:  # type: ignore[no-untyped-def]
    from ingest import queries

    if output is None:
        queries.write_rows(rows, fmt.value, sys.stdout, fields)
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        n = queries.write_rows(rows, fmt.value, fh, fields)
    console.print(f"wrote {n} rows to {output}")


@app.command()
def goals(
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    year: Annotated[int | None, typer.Option(help="Plan year.")] = None,
    verdict: Annotated[str | None, typer.Option(help="met, not_met, too_early, …")] = None,
    search: Annotated[str | None, typer.Option(help="Text in title, goal, theme or status.")] = None,
    db: DbOption = None,
) -> None:
    """Goals as a table in the terminal; flagged summary mismatches are shown under it.

    Example: maalspor goals --municipality Norddjurs --year 2024 --search samtaler
    """
    from rich.console import Console
    from rich.table import Table

    from ingest import queries

    engine = _engine(db)
    rows = list(queries.goal_rows(engine, municipality, year, verdict, search))
    table = Table(show_lines=False)
    for col in ("municipality", "year", "id", "title / goal", "verdict", "conf."):
        table.add_column(col)
    for r in rows:
        label = r["title"] or r["text"]
        table.add_row(r["municipality"] or "", str(r["plan_year"] or ""), r["goal_id"] or "",
                      (label[:70] + "…") if len(label) > 71 else label, r["verdict"], f"{r['confidence']:.2f}")
    out = Console()
    out.print(table)
    out.print(f"{len(rows)} goals")
    for s in queries.summary_rows(engine):
        if s["mismatch"]:
            out.print(f"[yellow]MISMATCH[/yellow] {s['document']} item {s['agenda_item']} ({s['plan_year']}): "
                      f"declared {s['declared']} but the table says {s['extracted']}")


@app.command()
def status(db: DbOption = None, all_files: Annotated[bool, typer.Option("--all", help="Every recorded file, "
                                                                        "not only failures.")] = False) -> None:
    """Files whose last ingest did not succeed, newest first, with what to do about them."""
    from rich.console import Console

    from ingest import pipeline, queries

    engine = _engine(db)
    rows = queries.outcome_rows(engine, only_failed=not all_files)
    out = Console(soft_wrap=True, markup=False, highlight=False)
    if not rows:
        out.print("no failures recorded" if not all_files else "no files recorded")
        return
    for r in rows:
        out.print(f"{r['at'][:16].replace('T', ' ')}  {r['outcome']:>11}  {r['message'] or r['path']}")
    failed = sum(1 for r in rows if r["outcome"] not in pipeline.GOOD)
    if failed:
        out.print(f"{failed} file{'s' if failed != 1 else ''} not stored: fix them as said, then run "
                  "`maalspor ingest --retry-failed`")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending Alembic migrations."""
    from rich.console import Console

    from models.db import database_url, make_engine, upgrade

    engine = make_engine(db, migrate=False)
    upgrade(engine)
    Console().print(f"database at {database_url(db)} is up to date")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
