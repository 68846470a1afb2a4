"""The `maalspor` command: thin typer wrappers over the pipeline and the queries."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest import ocr as ocr_tool
from ingest import pipeline, queries
from models.db import database_url, make_engine, upgrade

app = typer.Typer(help="Goals that Danish councils set and follow up on, from their minutes.",
                  no_args_is_help=True, add_completion=False)
export_app = typer.Typer(help="Export items, goals, links or history as JSON Lines, CSV or Parquet.",
                         no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")
console = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL (default: $MAALSPOR_DB or "
                                              "sqlite:///data/db/maalspor.sqlite).")]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


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
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Read again every file whose last "
                                               "ingest failed (and any PATHS given).")] = False,
    ocr: Annotated[bool, typer.Option("--ocr", help="OCR scanned PDFs with OCRmyPDF (the `ocr` extra or "
                                      "Debian's ocrmypdf, plus tesseract-ocr-dan).")] = False,
    max_mb: Annotated[int, typer.Option(min=1, help="Refuse files larger than this many MB.")] = 500,
    timeout: Annotated[float, typer.Option(min=0, help="Stop reading one file after this many seconds "
                                           "(0: no limit).")] = pipeline.DEFAULT_TIMEOUT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every file's outcome, not only the "
                                          "ones that need attention.")] = False,
) -> None:
    """Read minutes into the database; unchanged files are skipped.

    Every file gets one outcome (ok, unchanged, empty, needs_ocr, encrypted, corrupt, unsupported,
    too_large, failed), recorded in the database and listed at the end with what to do. Exit
    status: 0 when every file is ok or unchanged, 1 when any is not (the others are stored all
    the same), 2 for a usage error.

    Example: maalspor ingest data/raw --db sqlite:///data/db/maalspor.sqlite
    """
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
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, disable=quiet, transient=True) as progress:
        task = progress.add_task("", total=None)

        def on_file(path: Path | None, result: pipeline.FileResult | None, total: int) -> None:
            if path is None:
                progress.update(task, total=total)
                return
            progress.update(task, advance=1, description=escape(pipeline.display_path(path.name)[:50]))

        summary = pipeline.ingest_paths(engine, inputs, force=force, on_file=on_file, max_bytes=max_mb << 20,
                                        retry=retry_failed, ocr=ocr, timeout=timeout or None)
    _print_summary(engine, summary, verbose)
    raise typer.Exit(summary.exit_code)


def _say(text: str, style: str | None = None) -> None:
    """One line on stderr, never wrapped and never read as markup: file names may hold `[`."""
    console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


def _print_summary(engine, summary: pipeline.RunSummary, verbose: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Every file that needs attention, one line each with what to do, then the counts."""
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
    engine = _engine(db)
    _write(queries.item_rows(engine), fmt, output, queries.ITEM_FIELDS)


@export_app.command("goals")
def export_goals(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Goals with verdicts and figures (figures nested in JSONL and Parquet, flattened in CSV)."""
    engine = _engine(db)
    _write(queries.goal_rows(engine), fmt, output, queries.GOAL_FIELDS)


def _write(rows, fmt: Format, output: Path | None, fields: list[str]) -> None:  # type: ignore[no-untyped-def]
    if fmt is Format.parquet:
        if output is None:
            raise typer.BadParameter("parquet is binary: give a file with -o FILE.parquet", param_hint="--format")
        n = queries.write_parquet(rows, output, fields)
        console.print(f"wrote {n} rows to {output}")
        return
    if output is None:
        queries.write_rows(rows, fmt.value, sys.stdout, fields)
        return
    with output.open("w", encoding="utf-8", newline="") as fh:
        n = queries.write_rows(rows, fmt.value, fh, fields)
    console.print(f"wrote {n} rows to {output}")


@export_app.command("links")
def export_links(
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.jsonl,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default: stdout).")] = None,
    db: DbOption = None,
) -> None:
    """Links between goals: from/to document, plan year and goal id, score, state, method, reasons, series."""
    from ingest import history

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

    engine = _engine(db)
    _write(history.history_rows(engine, search, municipality), fmt, output, history.HISTORY_FIELDS)


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

    engine = _engine(db)
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
    db: DbOption = None,
) -> None:
    """A reviewer's decision on a link, or a link the linker missed; series are recomputed.

    Rejected links never join a series and are not proposed again; confirmed ones are never dropped.

    Example: maalspor link-set 88a95ef411a554ca:goal:2023:1.2 88a95ef411a554ca:goal:2024:2.2 confirmed
    """
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from models.links import set_state
    from models.schema import GoalRow

    engine = _engine(db)
    with Session(engine) as session, session.begin():
        for anchor in (from_anchor, to_anchor):
            if not session.scalar(select(func.count()).select_from(GoalRow).where(GoalRow.anchor == anchor)):
                _say(f"no goal with anchor {anchor}: copy anchors from `maalspor export links` or goal_history",
                     "red")
                raise typer.Exit(2)
        row = set_state(session, from_anchor, to_anchor, state.value)
        _say(f"link {from_anchor} → {to_anchor} is now {row.state} ({row.method}, score {row.score:g})")


@app.command()
def history(
    search: Annotated[str, typer.Argument(help="Text in a goal's title, statement or id, e.g. samtaler.")],
    municipality: Annotated[str | None, typer.Option(help="e.g. Norddjurs")] = None,
    db: DbOption = None,
) -> None:
    """A goal's series as a timeline: plan year, follow-up, goal id as numbered then, verdict, target vs observed.

    Example: maalspor history "gymnasial" --municipality Norddjurs
    """
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

    from ingest.sql import QueryError, Refused, run_query

    try:
        result = run_query(query, db)
    except (Refused, QueryError) as exc:
        _say(str(exc), "red")
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
def status(db: DbOption = None, all_files: Annotated[bool, typer.Option("--all", help="Every recorded file, "
                                                                        "not only failures.")] = False) -> None:
    """Files whose last ingest did not succeed, newest first, with what to do about them."""
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
    engine = make_engine(db, migrate=False)
    upgrade(engine)
    Console().print(f"database at {database_url(db)} is up to date")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
