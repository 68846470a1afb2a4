"""The `maalspor` command: thin typer wrappers over the pipeline and the queries."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest import pipeline, queries
from models.db import database_url, make_engine, upgrade

app = typer.Typer(help="Goals that Danish councils set and follow up on, from their minutes.",
                  no_args_is_help=True, add_completion=False)
export_app = typer.Typer(help="Export items or goals as JSON Lines or CSV.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")
console = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL (default: $MAALSPOR_DB or "
                                              "sqlite:///data/db/maalspor.sqlite).")]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _engine(db: str | None):  # type: ignore[no-untyped-def]
    try:
        return make_engine(db)
    except Exception as exc:
        raise typer.BadParameter(f"cannot open database {database_url(db)}: {exc}", param_hint="--db") from exc


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (recursive).")] = None,
    db: DbOption = None,
    force: Annotated[bool, typer.Option(help="Re-parse even unchanged files.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Retry files that failed before.")] = False,
    max_mb: Annotated[int, typer.Option(help="Refuse files larger than this many MB.")] = 500,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Read minutes into the database; unchanged files are skipped.

    Example: maalspor ingest data/raw --db sqlite:///data/db/maalspor.sqlite
    """
    engine = _engine(db)
    inputs = list(paths or [Path("data/raw")])
    if retry_failed:
        inputs = pipeline.failed_paths(engine) + (list(paths) if paths else [])
        force = True
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, disable=quiet, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_file(path: Path | None, result: pipeline.FileResult | None, total: int) -> None:
            if path is None:
                progress.update(task, total=total)
                return
            progress.update(task, advance=1, description=path.name[:50])

        summary = pipeline.ingest_paths(engine, inputs, force=force, on_file=on_file, max_bytes=max_mb << 20)
    _print_summary(engine, summary)
    raise typer.Exit(1 if summary.failed else 0)


def _print_summary(engine, summary: pipeline.RunSummary) -> None:  # type: ignore[no-untyped-def]
    for r in summary.failed:
        console.print(f"[red]{r.outcome:>11}[/red] {r.message}")
    counts = queries.database_counts(engine)
    table = Table(title="maalspor ingest", show_header=True)
    for col in ("files ok", "unchanged", "failed", "meetings", "agenda items", "goals", "pages", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(str(summary.count("ok")), str(summary.count("unchanged")), str(len(summary.failed)),
                  str(counts["meetings"]), str(counts["agenda_items"]), str(counts["goals"]), str(counts["pages"]),
                  f"{summary.seconds:.1f}")
    Console().print(table)


@export_app.command("items")
def export_items(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Agenda items: document, number, title, case_number, decision, page_start, page_end."""
    engine = _engine(db)
    _write(queries.item_rows(engine), fmt, output, queries.ITEM_FIELDS)


@export_app.command("goals")
def export_goals(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Goals with verdicts and figures (figures nested in JSONL, flattened in CSV)."""
    engine = _engine(db)
    _write(queries.goal_rows(engine), fmt, output, queries.GOAL_FIELDS)


def _write(rows, fmt: Format, output: Path | None, fields: list[str]) -> None:  # type: ignore[no-untyped-def]
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
def status(db: DbOption = None, all_files: Annotated[bool, typer.Option("--all")] = False) -> None:
    """Files whose last ingest did not succeed, with what to do about them."""
    engine = _engine(db)
    rows = queries.outcome_rows(engine, only_failed=not all_files)
    out = Console()
    if not rows:
        out.print("no failures recorded")
        return
    for r in rows:
        out.print(f"{r['outcome']:>11}  {r['message'] or r['path']}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Apply pending Alembic migrations."""
    engine = make_engine(db, migrate=False)
    upgrade(engine)
    Console().print(f"database at {database_url(db)} is up to date")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
