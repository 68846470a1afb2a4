"""Batch ingest: discover → hash → skip or parse → store, one transaction per document.

Parsing happens outside any transaction, so a crash or Ctrl-C mid-batch leaves every
finished document committed and nothing half-written. Each file gets exactly one outcome.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.schema import DocumentPathRow, DocumentRow, FileOutcomeRow
from models.store import attach_path, record_outcome, store_parsed
from parsers import PARSER_VERSION
from parsers.parse import parse_file
from parsers.readers import SUPPORTED_SUFFIXES
from parsers.readers.errors import ReadError

GOOD = {"ok", "unchanged"}
DEFAULT_MAX_BYTES = 500 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    outcome: str
    message: str = ""
    sha256: str | None = None
    pages: int = 0
    items: int = 0
    goals: int = 0
    seconds: float = 0.0


@dataclass
class RunSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.outcome not in GOOD]


def discover(inputs: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files under the inputs, recursively, each real directory visited once (symlink loops end)."""
    files: list[Path] = []
    problems: list[FileResult] = []
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.abspath(p)
        if key not in seen_files:
            seen_files.add(key)
            files.append(p)

    for root in inputs:
        if not root.exists():
            problems.append(FileResult(str(root), "failed", f"{root}: no such file or folder"))
            continue
        if root.is_file():
            add(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real = os.path.realpath(dirpath)
            if real in seen_dirs:
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                p = Path(dirpath) / name
                if p.suffix.lower() in SUPPORTED_SUFFIXES:
                    add(p)
                else:
                    problems.append(FileResult(str(p), "unsupported",
                                               f"{p}: unsupported file type {p.suffix or '(none)'}; skipped"))
    return files, problems


def hash_file(path: Path) -> tuple[str, int]:
    """sha256 and size; refuses a file that changed while it was being read."""
    before = path.stat()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise ReadError("failed", "the file changed while it was being read; run the ingest again")
    return digest.hexdigest(), after.st_size


def ingest_file(engine: Engine, path: Path, force: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> FileResult:
    start = time.perf_counter()
    key = os.path.abspath(path)
    sha: str | None = None
    size: int | None = None
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError("too_large", f"the file is {size // (1024 * 1024)} MB, over the "
                                         f"{max_bytes // (1024 * 1024)} MB limit; raise --max-mb to read it")
        sha, size = hash_file(path)
        with Session(engine) as session:
            current = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha)).first()
            if current is not None and current.parser_version == PARSER_VERSION and not force:
                linked = session.scalars(select(DocumentPathRow).where(DocumentPathRow.path == key)).first()
                if linked is not None and linked.document_id == current.id:
                    return FileResult(key, "unchanged", "", sha, current.pages,
                                      seconds=time.perf_counter() - start)
                attach_path(session, current, key, path.name)
                record_outcome(session, key, sha, size, "ok", "")
                session.commit()
                return FileResult(key, "unchanged", "same content already stored under another name", sha,
                                  current.pages, seconds=time.perf_counter() - start)
            previous = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == key)).first()
            if previous is not None and previous.sha256 == sha and previous.outcome not in GOOD and not force:
                return FileResult(key, "unchanged", f"failed before: {previous.message}", sha,
                                  seconds=time.perf_counter() - start)
        parsed = parse_file(path)
        with Session(engine) as session, session.begin():
            store_parsed(session, parsed, sha, size, key, path.name, PARSER_VERSION)
            record_outcome(session, key, sha, size, "ok", "")
        return FileResult(key, "ok", "", sha, parsed.document.page_count, len(parsed.items), len(parsed.goals),
                          time.perf_counter() - start)
    except ReadError as exc:
        outcome, message = exc.kind, f"{path}: {exc.message}"
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a parser bug must cost one file, not the batch
        outcome, message = "failed", f"{path}: {type(exc).__name__}: {exc}"
    with Session(engine) as session, session.begin():
        record_outcome(session, key, sha, size, outcome, message)
    return FileResult(key, outcome, message, sha, seconds=time.perf_counter() - start)


def ingest_paths(engine: Engine, inputs: Iterable[Path], force: bool = False,
                 on_file: Callable[[Path | None, FileResult | None, int], None] | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> RunSummary:
    start = time.perf_counter()
    files, problems = discover(inputs)
    summary = RunSummary(results=list(problems))
    if on_file:
        on_file(None, None, len(files))
    for path in files:
        result = ingest_file(engine, path, force=force, max_bytes=max_bytes)
        summary.results.append(result)
        if on_file:
            on_file(path, result, len(files))
    summary.seconds = time.perf_counter() - start
    return summary


def failed_paths(engine: Engine) -> list[Path]:
    with Session(engine) as session:
        rows = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.outcome.not_in(GOOD))).all()
        return [Path(r.path) for r in rows if Path(r.path).exists()]
