"""The ingest progress bar: files done of all, pages per second, elapsed time and ETA."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ingest.pipeline import FileResult, display_path

OnFile = Callable[[Path | None, FileResult | None, int], None]


class PagesPerSecond(ProgressColumn):
    """Pages parsed (not skipped as unchanged) per second of the run so far."""

    def render(self, task: Task) -> Text:
        pages = task.fields.get("pages", 0)
        elapsed = time.monotonic() - task.fields.get("began", time.monotonic())
        return Text(f"{pages / elapsed:5.1f} pages/s" if elapsed > 0 and pages else "    – pages/s")


@contextmanager
def ingest_progress(console: Any, disable: bool = False) -> Iterator[OnFile]:
    with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), PagesPerSecond(),
                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.description}"),
                  console=console, disable=disable, transient=True) as progress:
        task = progress.add_task("", total=None, pages=0, began=time.monotonic())
        pages = 0

        def on_file(path: Path | None, result: FileResult | None, total: int) -> None:
            nonlocal pages
            if path is None:
                progress.update(task, total=total)
                return
            if result is not None and result.outcome == "ok":
                pages += result.pages
            progress.update(task, advance=1, pages=pages, description=escape(display_path(path.name)[:40]))

        yield on_file
