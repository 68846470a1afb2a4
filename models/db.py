"""Engine set-up and migrations: every command opens the database through here.

Write commands (`ingest`, `prune`, `db upgrade`) open with `make_engine`, which brings the
schema to the newest Alembic revision; two processes doing that at once on a new database
are serialised by a lock (a file lock beside a SQLite file, an advisory lock on PostgreSQL)
and the second one finds the schema already made. Read-only commands (`goals`, `export`,
`status`, `history`, `chart`, `sql`, ...) open with `open_readonly` (`sql` with its opener
`sqlite_readonly_connect`): a SQLite file is opened `mode=ro` with `query_only`, so
they work for a user who may only read the file, never create a database where there was
none, and ask for `maalspor db upgrade` instead of migrating an old schema.

SQLite gets WAL and a busy timeout so a second ingest or a reviewer's session waits instead
of failing. Every URL shown to a user goes through `display_url`, which hides the password.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

if TYPE_CHECKING:  # Alembic (with Mako and Pygments) takes most of a second to import: only to migrate
    from alembic.config import Config

DEFAULT_URL = "sqlite:///data/db/maalspor.sqlite"
_MIGRATION_ATTEMPTS = 5
MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_HINT = "run `maalspor db upgrade`"
# Any constant shared by every maalspor process: the key of the PostgreSQL advisory lock.
_PG_LOCK_KEY = 0x6D61616C  # "maal"


class DatabaseProblem(Exception):
    """The database cannot be used as asked; the message is one line that says what to do."""


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("MAALSPOR_DB") or DEFAULT_URL


def display_url(url: str | URL | None = None) -> str:
    """The URL as it may be printed or logged: the password masked as `***`."""
    try:
        parsed = url if isinstance(url, URL) else make_url(database_url(url))
    except ArgumentError:
        return "(an invalid database URL)"
    return parsed.render_as_string(hide_password=True)


def scrub(message: str, url: str | URL | None) -> str:
    """A driver's error text with the password taken out, should the driver have echoed it."""
    try:
        parsed = url if isinstance(url, URL) else make_url(database_url(url))
    except ArgumentError:
        return message
    if parsed.password:
        message = message.replace(str(parsed.password), "***")
        message = message.replace(quote(str(parsed.password), safe=""), "***")
    return message


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _is_current(engine: Engine) -> bool:
    """Whether the schema is at the newest revision, read without importing Alembic: the stored
    version against the one revision in migrations/versions that no other revision follows."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if (rev := re.search(r'^revision\s*=\s*["\']([^"\']+)', source, re.M)) is not None:
            revisions.add(rev.group(1))
        followed.update(re.findall(r'^down_revision\s*=\s*["\']([^"\']+)', source, re.M))
    heads = revisions - followed
    if len(heads) != 1:
        return False
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return False
    return stored == list(heads)


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_file(parsed: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.database.startswith("file:"):  # a URI filename (`?uri=true`): leave it to SQLite
        return None
    return Path(parsed.database)


def make_engine(url: str | None = None, migrate: bool = True) -> Engine:
    """An engine for writing; with `migrate` the schema is brought to the newest revision."""
    url = database_url(url)
    parsed = make_url(url)
    if (path := _sqlite_file(parsed)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    connect_args: dict[str, object] = {"timeout": 30} if sqlite else {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["application_name"] = "maalspor"  # how a DBA sees these sessions in pg_stat_activity
    try:  # pre-ping: a long run outlives a server restart or an idle timeout on its pooled connections
        engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=not sqlite)
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(f"the database driver {exc.name} is not installed{_driver_hint(parsed)}") from exc
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine, only_if_behind=True)
    return engine


def sqlite_readonly_connect(path: Path) -> sqlite3.Connection:
    """The one way every reading command opens a SQLite file: `mode=ro`, `query_only`, and
    `immutable=1` where nothing can be writing.

    A WAL database needs its -shm file; where a reader cannot create it (a folder it may not
    write to: a read-only share, a mounted snapshot) and no writer has left one, nothing can be
    writing, so it is read as immutable. A writer that is present keeps its -shm beside the file.
    """
    where = str(path.resolve())
    shm = Path(f"{where}-shm")
    immutable = not shm.exists() and not os.access(path.resolve().parent, os.W_OK)
    uri = f"file:{quote(where)}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA query_only=ON")
    return conn


def open_readonly(url: str | None = None, check_schema: bool = True) -> Engine:
    """An engine that cannot write, for the commands that only read.

    Raises `DatabaseProblem` when a SQLite file does not exist (nothing is created) or, with
    `check_schema`, when the schema is not the newest one.
    """
    url = database_url(url)
    parsed = make_url(url)
    path = _sqlite_file(parsed)
    if path is not None:
        if not path.is_file():
            raise DatabaseProblem(f"no database at {path.resolve()}: run `maalspor ingest` first, "
                                  "or give the right one with --db")

        def connect() -> sqlite3.Connection:
            return sqlite_readonly_connect(path)

        engine = create_engine(parsed, creator=connect)
        event.listen(engine, "connect", _sqlite_read_pragmas)
    elif parsed.drivername.startswith("sqlite"):
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_read_pragmas)
    else:
        postgres = parsed.get_backend_name() == "postgresql"
        try:
            engine = create_engine(parsed, execution_options={"postgresql_readonly": True} if postgres else {},
                                   connect_args={"application_name": "maalspor"} if postgres else {},
                                   pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(f"the database driver {exc.name} is not installed{_driver_hint(parsed)}"
                                      ) from exc
    if check_schema:
        check_current(engine)
    return engine


def _driver_hint(parsed: URL) -> str:
    return " (pip install 'maalspor[postgres]')" if parsed.get_backend_name() == "postgresql" else ""


def check_current(engine: Engine) -> None:
    """Raise `DatabaseProblem` unless the schema is at the newest revision."""
    if _is_current(engine):
        return
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    if current == head:
        return
    where = display_url(engine.url)
    if current is None:
        raise DatabaseProblem(f"{where} holds no maalspor tables yet: {UPGRADE_HINT} or `maalspor ingest`")
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        script.get_revision(current)
    except Exception as exc:
        raise DatabaseProblem(f"{where} was made by a newer maalspor (schema {current}, this one knows up to "
                              f"{head}): upgrade maalspor") from exc
    raise DatabaseProblem(f"the schema of {where} is older than this maalspor ({current}, newest {head}): "
                          f"{UPGRADE_HINT}")


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """On a SQLite file: an exclusive `flock` on a file beside it, held until the migration's
    transaction has committed. (SQLite's own locking cannot cover Alembic's version check:
    both processes would read "no schema" and both create tables.)"""
    path = _sqlite_file(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    import fcntl

    with open(f"{path}-migrate.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head", only_if_behind: bool = False) -> None:
    """Bring the schema to `revision`, also when other processes open the same new database at once.

    Every writing command migrates on open. The lock (`_file_lock` beside a SQLite file, an
    advisory lock on PostgreSQL) makes a second process wait; Alembic reads the current version
    after the lock is held, so it finds the first one's work done and does nothing. Should a
    migration still lose a race (a server error, a lock timeout), its transaction is rolled back
    whole and tried again. `only_if_behind` skips the lock when the schema is already current
    (every command's open, the common case).
    """
    if only_if_behind and revision == "head":
        if _is_current(engine):
            return
        with engine.connect() as conn:
            if current_revision(conn) == head_revision():
                return
    for attempt in range(_MIGRATION_ATTEMPTS):
        try:
            _upgrade_once(engine, revision)
            return
        except DBAPIError:
            if attempt == _MIGRATION_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _upgrade_once(engine: Engine, revision: str) -> None:
    """Run migrations under the lock; on SQLite with foreign keys off while they run.

    SQLite cannot alter a column in place, so Alembic's batch mode copies a table, drops the
    old one and renames the copy. With foreign keys enforced that DROP would cascade-delete
    every child row (meetings, items, goals). The pragma only takes effect outside a
    transaction, so it is set before the migration transaction and checked after it.
    """
    from alembic import command

    cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with _file_lock(engine), conn.begin():
                if engine.dialect.name == "postgresql":  # released when this transaction ends
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                conn.commit()
                if broken:
                    raise RuntimeError(f"migration left {len(broken)} rows pointing at missing parents: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
