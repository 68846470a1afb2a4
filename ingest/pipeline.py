"""Batch ingest: discover → hash → skip or parse → store, one transaction per document.

Parsing happens outside any transaction, so a crash, a `kill -9` or Ctrl-C mid-batch leaves
every finished document committed and nothing half-written. Each file gets exactly one
outcome, recorded per path in `file_outcomes` and returned for the end-of-run report:

    ok, unchanged, empty, needs_ocr, encrypted, corrupt, unsupported, too_large, failed

Bad input costs one file, never the batch: every reader problem becomes an outcome with a
one-line message that names the file and says what to do; a parser bug becomes `failed`; a
file that hangs a reader is stopped after `timeout` seconds. Only a database that cannot be
written at all stops the run, since nothing after it could be stored either.

Two runs on the same database at once (or a reviewer's session) are safe: SQLite waits for
the other writer (WAL and a busy timeout, see `models.db`), and the unique keys on content
(`documents.sha256`) and on path (`document_paths.path`, `file_outcomes.path`) turn a race
into an IntegrityError, after which the file is decided again on what is stored now, so
content parsed by both runs is stored once. On PostgreSQL the second writer waits on the first
one's row locks instead; a deadlock or serialization failure there is retried like a lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ingest import ocr as ocr_tool
from models.links import link_document, link_unlinked
from models.records import ParsedDocument, RawDocument
from models.schema import DocumentPathRow, DocumentRow, FileOutcomeRow, GoalRow
from models.store import attach_path, record_outcome, store_parsed
from parsers import PARSER_VERSION
from parsers.readers import SUPPORTED_SUFFIXES, read_document
from parsers.readers.errors import ATTENTION, ReadError, one_line

OUTCOMES = ("ok", "unchanged", "empty", "needs_ocr", "encrypted", "corrupt", "unsupported", "too_large", "failed")
GOOD = {"ok", "unchanged"}
# Outcomes that are facts about the bytes of a file: while its sha256 is the same, a rerun
# reports them again without reading the file (`--retry-failed` reads it anyway). `failed`
# (a parser bug, a timeout, a file that changed under us) and `too_large` (depends on
# --max-mb) are always tried again.
STICKY = {"empty", "needs_ocr", "encrypted", "corrupt", "unsupported"}
DEFAULT_MAX_BYTES = 500 * 1024 * 1024
DEFAULT_TIMEOUT = 300.0
_DB_ATTEMPTS = 6
PATH_LIMIT = FileOutcomeRow.__table__.c.path.type.length
CHANGED_WHILE_READ = "the file changed while it was being read; run the ingest again once it is complete"

T = TypeVar("T")


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
    repeated: bool = False  # the outcome was recorded by an earlier run and the file not read again


@dataclass
class RunSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    aborted: str | None = None  # why the run stopped early (the database could not be written)
    interrupted: bool = False  # stopped by Ctrl-C (SIGINT); what was stored before it stays stored
    total: int = 0  # files found, including the ones not reached when the run stopped early

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.outcome not in GOOD]

    @property
    def stored(self) -> int:
        return sum(1 for r in self.results if r.outcome in GOOD)

    @property
    def exit_code(self) -> int:
        """0 when every file is stored (ok or unchanged), 1 when any is not or the run stopped,
        130 (the shell's code for SIGINT) when Ctrl-C stopped it."""
        if self.interrupted:
            return 130
        return 1 if self.failed or self.aborted else 0


class DatabaseUnavailable(Exception):
    """The database cannot be written (locked for too long, disk full, not a database)."""


class ParseTimeout(BaseException):
    """Raised by the alarm when reading one file takes too long.

    A BaseException so that the readers' own `except Exception` fallbacks cannot swallow it.
    """


def display_path(path: Path | str) -> str:
    """The path as text that can be stored and printed.

    A file name that is not valid UTF-8 (an old Latin-1 `æ`) reaches Python as lone
    surrogates, which SQLite and a UTF-8 terminal refuse; they become `\\xe6` escapes.
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(inputs: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files under the inputs, recursively, each real directory visited once (symlink loops end).

    Hidden files and folders are skipped; files with an unsupported suffix and folders that
    cannot be listed come back as problems, so they are reported rather than silently missed.
    """
    from ingest import archives  # imports this module

    files: list[Path] = []
    problems: list[FileResult] = []
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.abspath(p)
        if key not in seen_files:
            seen_files.add(key)
            files.append(p)

    def walk_error(exc: OSError) -> None:
        where = display_path(os.path.abspath(exc.filename or "?"))
        problems.append(FileResult(where, "failed", f"{where}: cannot list the folder ({exc.strerror}); "
                                                    "check its permissions"))

    for root in inputs:
        if not root.exists():
            where = display_path(os.path.abspath(root))
            why = "a broken symbolic link" if root.is_symlink() else "no such file or folder"
            problems.append(FileResult(where, "failed", f"{where}: {why}; check the path"))
            continue
        if not root.is_dir():
            add(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=walk_error):
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
                if p.suffix.lower() in SUPPORTED_SUFFIXES or archives.wanted(p):
                    add(p)
                elif archives.side_file(p):
                    continue
                else:
                    where = display_path(os.path.abspath(p))
                    problems.append(FileResult(where, "unsupported", f"{where}: unsupported file type "
                                               f"{p.suffix or '(no suffix)'}; skipped (convert it to PDF, HTML or "
                                               "text to read it)"))
    return files, problems


# Files SQLite (and our migration lock) keep beside a database: `<db>-wal`, `<db>-shm`, ...
DATABASE_SIDECARS = ("", "-wal", "-shm", "-journal", "-migrate.lock")


def _database_file(engine: Engine) -> str | None:
    """The SQLite file this engine writes, if it is a file at all."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _without_database_files(engine: Engine, files: list[Path], problems: list[FileResult]
                            ) -> tuple[list[Path], list[FileResult]]:
    """An archive folder may hold the database it is ingested into; the database file and its
    sidecars are the tool's own, never documents, so they are left out quietly wherever they sit."""
    database = _database_file(engine)
    if database is None:
        return files, problems
    base = os.path.realpath(database)
    own = {base + suffix for suffix in DATABASE_SIDECARS}
    return ([f for f in files if os.path.realpath(f) not in own],
            [p for p in problems if os.path.realpath(p.path) not in own])


def _forget_database_files(session: Session) -> None:
    """Outcomes an older maalspor recorded for the database's own files (`unsupported`) go, once."""
    bind = session.get_bind()
    database = _database_file(bind) if isinstance(bind, Engine) else None
    if database is None:
        return
    own = {display_path(os.path.abspath(database) + suffix) for suffix in DATABASE_SIDECARS}
    own |= {display_path(os.path.realpath(database) + suffix) for suffix in DATABASE_SIDECARS}
    with session.begin():
        stale = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path.in_(sorted(own)))).all()
        for row in stale:
            session.delete(row)


def megabytes(size: int) -> str:
    """A size as people say it, rounded down so that it never crosses a limit: a 1.5 MB file
    is "1.5 MB", not "2 MB" over a 1 MB limit."""
    mb = size / (1 << 20)
    if mb < 0.1:
        return f"{size // 1024} kB"
    return f"{math.floor(mb * 10 + 1e-9) / 10:g} MB" if mb < 100 else f"{math.floor(mb)} MB"


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def _stat_regular(path: Path) -> os.stat_result:
    """stat() that turns every way a path can fail to be a readable file into a `ReadError`."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise ReadError("failed", "a broken symbolic link (its target does not exist); fix or remove "
                                      "the link") from exc
        raise ReadError("failed", "the file disappeared before it could be read; run the ingest again") from exc
    except PermissionError as exc:
        raise ReadError("failed", "permission denied; check the file's permissions") from exc
    except OSError as exc:  # ELOOP: a symbolic link that points at itself, ENAMETOOLONG, …
        raise ReadError("failed", f"cannot open it ({exc.strerror or exc}); fix or remove the path") from exc
    if not stat.S_ISREG(st.st_mode):
        raise ReadError("unsupported", "not a regular file (a pipe, socket or device); skipped")
    return st


def hash_file(path: Path) -> tuple[str, int]:
    """sha256 and size; refuses a file that changed while it was being read.

    Reads no more than the size it had at the start, so a file that keeps growing (a copy
    or download still running) is refused instead of being read forever.
    """
    before = path.stat()
    digest = hashlib.sha256()
    left = before.st_size
    with path.open("rb") as fh:
        while left > 0:
            chunk = fh.read(min(1 << 20, left))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
    after = path.stat()
    if _signature(before) != _signature(after):
        raise ReadError("failed", CHANGED_WHILE_READ)
    return digest.hexdigest(), after.st_size


@contextlib.contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise `ParseTimeout` in this block after `seconds` (main thread on POSIX only; elsewhere
    no limit). Readers are pure Python apart from short pdfium calls, so the alarm lands."""
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer") \
            or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(_signum: int, _frame: Any) -> None:
        raise ParseTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# PostgreSQL's "try again" states: serialization failure, deadlock detected, lock not available
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


def _locked(exc: OperationalError) -> bool:
    """Another writer is in the way (SQLite's lock, PostgreSQL's deadlock or serialization
    failure): the transaction can simply run again."""
    if getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES:
        return True
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "locked" in text or "busy" in text


def _with_db(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a fresh session, again when another run won a race.

    IntegrityError means another process stored the same content or path first: deciding
    again sees its rows. "database is locked" past SQLite's own busy timeout is retried a few
    times more before the run gives up with `DatabaseUnavailable`.
    """
    for attempt in range(_DB_ATTEMPTS):
        last = attempt == _DB_ATTEMPTS - 1
        try:
            with Session(engine) as session:
                return work(session)
        except IntegrityError:
            if last:
                raise
        except DataError:  # a value this document holds that the database refuses: costs the file only
            raise
        except OperationalError as exc:
            if not _locked(exc):
                raise DatabaseUnavailable(f"the database cannot be written ({one_line(str(exc.orig))}); "
                                          "check the disk and the --db path, then run again") from exc
            if last:
                raise DatabaseUnavailable(f"the database stayed locked by another program "
                                          f"({one_line(str(exc.orig))}); close it and run again") from exc
            time.sleep(0.5 * (attempt + 1))
        except DBAPIError as exc:
            raise DatabaseUnavailable(f"the database cannot be used ({one_line(str(exc.orig))}); check the "
                                      "--db path, or restore it from a backup") from exc
    raise AssertionError("unreachable")


def _previous(session: Session, key: str, sha: str, force: bool, retry: bool, ocr: bool,
              mtime_ns: int | None = None) -> FileResult | None:
    """What is already known about this content at this path, or None when it must be parsed."""
    with session.begin():
        current = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha)).first()
        if current is not None and current.parser_version == PARSER_VERSION and not force:
            linked = session.scalars(select(DocumentPathRow).where(DocumentPathRow.path == key)).first()
            record_outcome(session, key, sha, current.size, "ok", "", mtime_ns)
            if linked is not None and linked.document_id == current.id:
                return FileResult(key, "unchanged", "", sha, current.pages)
            others = [p.path for p in current.paths if p.path != key]
            attach_path(session, current, key, display_path(Path(key).name))
            where = f" as {others[0]}" if others else ""
            return FileResult(key, "unchanged", f"{key}: same content already stored{where}; not stored twice",
                              sha, current.pages)
        previous = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == key)).first()
        if previous is not None and previous.sha256 == sha and previous.outcome in STICKY and not retry \
                and not (ocr and previous.outcome == "needs_ocr"):
            if mtime_ns is not None and previous.mtime_ns != mtime_ns:
                previous.mtime_ns = mtime_ns
            return FileResult(key, previous.outcome, previous.message, sha, repeated=True)
        return None


def _store(session: Session, parsed: ParsedDocument, key: str, name: str, sha: str, size: int,
           force: bool, note: str, mtime_ns: int | None = None) -> FileResult:
    """Write the parsed document, unless a concurrent run stored the same content meanwhile."""
    with session.begin():
        current = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha)).first()
        if current is not None and current.parser_version == PARSER_VERSION and not force:
            attach_path(session, current, key, name)
            record_outcome(session, key, sha, size, "ok", "", mtime_ns)
            return FileResult(key, "unchanged", f"{key}: stored meanwhile by another ingest run", sha,
                              current.pages)
        # a document replaced here (new content at a known path, or re-parsed content) may take goals with
        # it, whose chains the linker closes; a new file takes none
        replaced = {current.id if current is not None else None,
                    session.scalar(select(DocumentPathRow.document_id).where(DocumentPathRow.path == key).limit(1))}
        ids = [d for d in replaced if d is not None]
        old_goals = set(session.scalars(select(GoalRow.anchor).where(GoalRow.document_id.in_(ids)))) if ids else set()
        row = store_parsed(session, parsed, sha, size, key, name, PARSER_VERSION)
        session.flush()
        link_document(session, row.id, old_goals)  # same transaction: a document never lands without its links
        record_outcome(session, key, sha, size, "ok", note, mtime_ns)
    return FileResult(key, "ok", note, sha, parsed.document.page_count, len(parsed.items), len(parsed.goals))


def _read_ocr(path: Path, force: bool, timeout: float | None) -> RawDocument:
    """OCR a copy of `path` and read that copy, labelled as the original."""
    reason = ocr_tool.missing()
    if reason is not None:
        raise ReadError("needs_ocr", f"scanned PDF without text layer, and --ocr cannot run here: {reason}")
    with tempfile.TemporaryDirectory(prefix="maalspor-ocr-") as tmp:
        out = Path(tmp) / "ocr.pdf"
        try:
            ocr_tool.ocr_pdf(path, out, force=force, timeout=max(1800.0, 10 * (timeout or 0)))
        except ocr_tool.OcrError as exc:
            raise ReadError("needs_ocr", f"scanned PDF, and OCR failed: {exc}; OCR it by hand "
                                         "(ocrmypdf -l dan --force-ocr IN OUT) and ingest the result") from exc
        try:
            with _deadline(timeout):
                raw = read_document(out)
        except ReadError as exc:
            if exc.kind in ("needs_ocr", "empty"):
                raise ReadError("needs_ocr", "scanned PDF, but OCR found no text in it: check that the scan "
                                             "is legible (and upright)") from exc
            raise
    raw.path = str(path)
    raw.reader = f"ocrmypdf+{raw.reader}"[:32]
    raw.warnings = [w for w in raw.warnings if not w.startswith(f"{ATTENTION}page")]
    raw.warnings.insert(0, f"text layer made by OCR (ocrmypdf -l {ocr_tool.LANGUAGE}"
                           f"{' --force-ocr' if force else ' --skip-text'}): check names and figures")
    return raw


def parse_raw(raw: RawDocument) -> ParsedDocument:
    """`parsers.parse.parse_raw`, imported on first use: spaCy and the extractors take seconds to
    import, which a re-run over unchanged files never needs."""
    from parsers.parse import parse_raw as parse

    return parse(raw)


def _scanned_pages(pages: Any) -> Any:
    from parsers.readers.pdf import scanned_pages  # imported with the PDF readers, on the first PDF

    return scanned_pages(pages)


def _parse(path: Path, ocr: bool, timeout: float | None) -> tuple[ParsedDocument, str]:
    """Read and parse one file (with OCR when asked and needed); returns the note for the report."""
    try:
        with _deadline(timeout):
            raw = read_document(path)
    except ReadError as exc:
        if exc.kind != "needs_ocr" or not ocr:
            raise
        raw = _read_ocr(path, force=True, timeout=timeout)
    else:
        if ocr and raw.format == "pdf" and _scanned_pages(raw.pages):
            try:
                raw = _read_ocr(path, force=False, timeout=timeout)
            except ReadError as exc:  # keep the text we have; say that the scanned pages are still missing
                raw.warnings.append(f"{ATTENTION}OCR of the scanned pages failed: {exc.message}")
    with _deadline(timeout):
        parsed = parse_raw(raw)
    notes = [w.removeprefix(ATTENTION) for w in raw.warnings if w.startswith(ATTENTION)]
    if raw.reader.startswith("ocrmypdf"):
        notes.insert(0, "text from OCR")
    return parsed, "; ".join(notes)


@dataclass
class Pending:
    """A file hashed and found new or changed: it must be parsed, then stored by `finish`."""

    path: Path
    key: str
    sha: str
    size: int
    before: os.stat_result
    start: float


def _failure(exc: BaseException, key: str, timeout: float | None) -> tuple[str, str] | None:
    """The outcome and one-line message for an error about one file; None for what must stop the run."""
    if isinstance(exc, ReadError):
        return exc.kind, f"{key}: {one_line(exc.message)}"
    if isinstance(exc, ParseTimeout):
        return "failed", (f"{key}: reading took longer than {timeout:g} s and was stopped; the file may be "
                          "damaged: raise --timeout to give it longer")
    if isinstance(exc, KeyboardInterrupt | DatabaseUnavailable) or not isinstance(exc, Exception):
        return None
    if isinstance(exc, MemoryError):
        return "failed", f"{key}: out of memory while reading it; lower --max-mb or read it alone"
    if isinstance(exc, OSError):  # unreadable after all (permissions changed, I/O error on a network share)
        return "failed", (f"{key}: cannot read it ({exc.strerror or type(exc).__name__}); check that it is "
                          "readable and the disk or share is healthy, then run again")
    return "failed", (f"{key}: {type(exc).__name__}: {one_line(str(exc))[:300]} (a bug in maalspor: please "
                      "report it with the file)")


def _failed(engine: Engine, key: str, sha: str | None, size: int | None, outcome: str, message: str,
            start: float, mtime_ns: int | None = None) -> FileResult:
    recorded_sha = sha if outcome in STICKY else None
    _with_db(engine, lambda s: _record(s, key, recorded_sha, size, outcome, message, mtime_ns))
    return FileResult(key, outcome, message, sha, seconds=time.perf_counter() - start)


def prepare(engine: Engine, path: Path, force: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
            retry: bool = False, ocr: bool = False) -> FileResult | Pending:
    """Stat and hash one file and decide on what is stored: its final result, or `Pending` to parse."""
    start = time.perf_counter()
    key = display_path(os.path.abspath(path))
    if len(key) > PATH_LIMIT:  # cannot even be recorded (cut short it could name another file)
        return FileResult(key, "failed", f"{key}: the path is {len(key)} characters long, more than the "
                          f"{PATH_LIMIT} the database keeps; move the file to a shorter path")
    sha: str | None = None
    size: int | None = None
    try:
        before = _stat_regular(path)
        size = before.st_size
        if size > max_bytes:
            shown = megabytes(size) if megabytes(size) != megabytes(max_bytes) else f"{size:,} bytes"
            raise ReadError("too_large", f"the file is {shown}, over the {megabytes(max_bytes)} limit; raise "
                                         "--max-mb to read it")
        sha, size = hash_file(path)
        known = _with_db(engine, lambda s: _previous(s, key, sha, force, retry, ocr, before.st_mtime_ns))
        if known is not None:
            known.seconds = time.perf_counter() - start
            return known
        return Pending(path, key, sha, size, before, start)
    except BaseException as exc:
        failure = _failure(exc, key, None)
        if failure is None:
            raise
        return _failed(engine, key, sha, size, *failure, start)


def parse_file(path: Path, key: str, ocr: bool = False,
               timeout: float | None = DEFAULT_TIMEOUT) -> tuple[ParsedDocument, str] | tuple[None, tuple[str, str]]:
    """Read and parse one file: (parsed, note), or (None, (outcome, message)). Runs in a worker process
    as well as in-process; raises only KeyboardInterrupt."""
    try:
        return _parse(path, ocr, timeout)
    except BaseException as exc:
        failure = _failure(exc, key, timeout)
        if failure is None:
            raise
        return None, failure


def finish(engine: Engine, job: Pending, parsed: ParsedDocument | None, note_or_failure: str | tuple[str, str],
           force: bool = False) -> FileResult:
    """Store what `parse_file` returned for `job` (or record why it could not be read)."""
    mtime_ns = job.before.st_mtime_ns
    try:
        if parsed is None:
            assert isinstance(note_or_failure, tuple)
            return _failed(engine, job.key, job.sha, job.size, *note_or_failure, job.start, mtime_ns)
        try:
            after = job.path.stat()
        except OSError as exc:
            raise ReadError("failed", "the file disappeared while it was being read; run the ingest "
                                      "again") from exc
        if _signature(after) != _signature(job.before):
            raise ReadError("failed", CHANGED_WHILE_READ)
        name = display_path(job.path.name)
        note = f"{job.key}: {note_or_failure}" if note_or_failure else ""
        result = _with_db(engine, lambda s: _store(s, parsed, job.key, name, job.sha, job.size, force, note,
                                                   mtime_ns))
        result.seconds = time.perf_counter() - job.start
        return result
    except BaseException as exc:
        failure = _failure(exc, job.key, None)
        if failure is None:
            raise
        return _failed(engine, job.key, job.sha, job.size, *failure, job.start)


def ingest_file(engine: Engine, path: Path, force: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
                retry: bool = False, ocr: bool = False, timeout: float | None = DEFAULT_TIMEOUT) -> FileResult:
    """Ingest one file and record its outcome; never raises for anything about the file itself.

    `force` re-parses content that is already stored; `retry` reads again a file whose last
    outcome was a sticky failure with the same content; `ocr` runs OCRmyPDF on scans.
    Raises `DatabaseUnavailable` when the database cannot be written, and lets
    KeyboardInterrupt through.
    """
    job = prepare(engine, path, force=force, max_bytes=max_bytes, retry=retry, ocr=ocr)
    if isinstance(job, FileResult):
        return job
    parsed, note = parse_file(job.path, job.key, ocr, timeout)
    return finish(engine, job, parsed, note, force)


def _record(session: Session, key: str, sha: str | None, size: int | None, outcome: str, message: str,
            mtime_ns: int | None = None) -> None:
    with session.begin():
        record_outcome(session, key, sha, size, outcome, message, mtime_ns)


def _known_signatures(engine: Engine, keys: list[str]) -> dict[str, tuple[int | None, int | None, str, str, str,
                                                                           int | None]]:
    """Per path: size, mtime_ns, outcome, message, sha256 and pages of what the last run stored, for the
    paths whose content is current (parser version) and still linked to them; one query per batch."""
    with Session(engine) as session:
        rows = session.execute(
            select(FileOutcomeRow.path, FileOutcomeRow.size, FileOutcomeRow.mtime_ns, FileOutcomeRow.outcome,
                   FileOutcomeRow.message, FileOutcomeRow.sha256, DocumentRow.pages, DocumentRow.parser_version,
                   DocumentPathRow.id)
            .outerjoin(DocumentRow, DocumentRow.sha256 == FileOutcomeRow.sha256)
            .outerjoin(DocumentPathRow, (DocumentPathRow.path == FileOutcomeRow.path)
                       & (DocumentPathRow.document_id == DocumentRow.id))
            .where(FileOutcomeRow.path.in_(keys), FileOutcomeRow.mtime_ns.is_not(None),
                   FileOutcomeRow.sha256.is_not(None))).all()
    known = {}
    for path, size, mtime_ns, outcome, message, sha, pages, version, linked in rows:
        if outcome == "ok" and (version != PARSER_VERSION or linked is None):
            continue
        known[path] = (size, mtime_ns, outcome, message, sha, pages)
    return known


def unchanged_by_signature(files: Iterable[Path], engine: Engine, force: bool = False, retry: bool = False,
                           ocr: bool = False, batch: int = 500) -> Iterator[tuple[Path, FileResult | None]]:
    """Each file with its result when (path, size, mtime) match what the last run hashed and stored,
    so it is neither read nor hashed again; None when it must go through `prepare`."""
    chunk: list[Path] = []

    def decide(paths: list[Path]) -> Iterator[tuple[Path, FileResult | None]]:
        if force:
            yield from ((p, None) for p in paths)
            return
        keys = [display_path(os.path.abspath(p)) for p in paths]
        known = _known_signatures(engine, keys)
        for p, key in zip(paths, keys, strict=True):
            row = known.get(key)
            if row is None:
                yield p, None
                continue
            size, mtime_ns, outcome, message, sha, pages = row
            try:
                st = os.stat(p)
            except OSError:
                yield p, None
                continue
            if (st.st_size, st.st_mtime_ns) != (size, mtime_ns) or not stat.S_ISREG(st.st_mode):
                yield p, None
            elif outcome == "ok":
                yield p, FileResult(key, "unchanged", "", sha, pages or 0)
            elif outcome in STICKY and not retry and not (ocr and outcome == "needs_ocr"):
                yield p, FileResult(key, outcome, message, sha, repeated=True)
            else:
                yield p, None

    for path in files:
        chunk.append(path)
        if len(chunk) >= batch:
            yield from decide(chunk)
            chunk = []
    if chunk:
        yield from decide(chunk)


def ingest_paths(engine: Engine, inputs: Iterable[Path], force: bool = False,
                 on_file: Callable[[Path | None, FileResult | None, int], None] | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, retry: bool = False, ocr: bool = False,
                 timeout: float | None = DEFAULT_TIMEOUT, workers: int = 1, executor: str = "local",
                 scheduler: str | None = None, parallel: Callable[..., None] | None = None) -> RunSummary:
    """Ingest every file under `inputs`; one outcome per file, the batch goes on past bad files.

    `workers` > 1 parses in a process pool (`executor="dask"`: on a dask.distributed cluster)
    while this process hashes, decides and stores, so the database sees one writer. The pool is
    `parallel` (`ingest.workers.ingest_paths` hands in its own): executors depend on this module,
    never the reverse.
    Stops early when the database cannot be written (`RunSummary.aborted` says why) and on
    Ctrl-C (`RunSummary.interrupted`): every document finished before it stays stored, and the
    summary says how far the run got, so the caller can tell the user to run it again.
    """
    from ingest import archives  # imports this module

    start = time.perf_counter()
    files, problems = discover(inputs)
    files, problems = _without_database_files(engine, files, problems)
    files, zips, exports = archives.split(files)  # ESDH publications and ZIPs: ingest/archives.py
    summary = RunSummary(results=list(problems), total=len(problems) + len(files) + len(zips) + len(exports))

    def done(path: Path, result: FileResult) -> None:
        summary.results.append(result)
        if on_file:
            on_file(path, result, len(files))

    try:
        _with_db(engine, _forget_database_files)
        for r in problems:
            _with_db(engine, lambda s, r=r: _record(s, r.path, None, None, r.outcome, r.message))
        if on_file:
            on_file(None, None, len(files))
        for path, result in archives.ingest_archives(engine, zips, exports, archives.Options(
                force=force, max_bytes=max_bytes, retry=retry, ocr=ocr, timeout=timeout)):
            done(path, result)
        todo: list[Path] = []
        for path, known in unchanged_by_signature(files, engine, force=force, retry=retry, ocr=ocr):
            if known is not None:
                done(path, known)
            elif workers <= 1 and executor == "local":
                done(path, ingest_file(engine, path, force=force, max_bytes=max_bytes, retry=retry, ocr=ocr,
                                       timeout=timeout))
            else:
                todo.append(path)
        if todo:
            if parallel is None:
                raise ValueError("workers > 1 or executor='dask' need a pool: call ingest.workers.ingest_paths")
            parallel(engine, todo, done, force=force, max_bytes=max_bytes, retry=retry, ocr=ocr,
                     timeout=timeout, workers=workers, executor=executor, scheduler=scheduler)
        _with_db(engine, _link_unlinked)
    except DatabaseUnavailable as exc:
        summary.aborted = str(exc)
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.seconds = time.perf_counter() - start
    return summary


def _link_unlinked(session: Session) -> None:
    """Goals stored before linking existed (an upgraded archive) join their series on the next run."""
    with session.begin():
        link_unlinked(session)


def failed_paths(engine: Engine) -> list[Path]:
    """Files whose last outcome was not ok and that still exist, for `--retry-failed`."""
    with Session(engine) as session:
        rows = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.outcome.not_in(GOOD))
                               .order_by(FileOutcomeRow.path)).all()
        return [Path(r.path) for r in rows if Path(r.path).exists()]


def forget_missing_failures(engine: Engine) -> list[str]:
    """Drop recorded failures of paths that no longer exist (deleted, renamed), so `status`
    stops listing what cannot be retried; returns those paths."""
    with Session(engine) as session, session.begin():
        rows = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.outcome.not_in(GOOD))).all()
        gone = [r.path for r in rows if not Path(r.path).exists()]
        if gone:
            session.execute(delete(FileOutcomeRow).where(FileOutcomeRow.path.in_(gone)))
        return gone
