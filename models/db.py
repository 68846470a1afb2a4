"""Engine set-up and migrations: every command opens the database through here.

SQLite gets WAL and a busy timeout so a second ingest or a reviewer's session waits
instead of failing; the schema is brought to the newest Alembic revision on open.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

DEFAULT_URL = "sqlite:///data/db/maalspor.sqlite"
_MIGRATION_ATTEMPTS = 5
_MIGRATION_LOCK = 0x6D61616C  # "maal": the PostgreSQL advisory lock key migrations hold
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("MAALSPOR_DB") or DEFAULT_URL


def printable_url(url: str | None = None) -> str:
    """The database URL for messages: the password, if any, shown as ***."""
    text = database_url(url)
    try:
        return make_url(text).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: say so without echoing what might be a secret
        return "(an unreadable --db URL)"


def without_password(message: str, url: str | None = None) -> str:
    """`message` (a driver's error, say) with the URL's password and the raw URL masked."""
    text = database_url(url)
    try:
        password = make_url(text).password
    except Exception:
        return message.replace(text, printable_url(text))
    message = message.replace(text, printable_url(text))
    return message.replace(str(password), "***") if password else message


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None, migrate: bool = True) -> Engine:
    url = database_url(url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    connect_args: dict[str, object] = {"timeout": 30} if sqlite else {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["application_name"] = "maalspor"  # how a DBA sees these sessions in pg_stat_activity
    try:  # pre-ping: a long run outlives a server restart or an idle timeout on its pooled connections
        engine = create_engine(url, connect_args=connect_args, pool_pre_ping=not sqlite)
    except ModuleNotFoundError as exc:
        extra = " (pip install 'maalspor[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        raise ModuleNotFoundError(f"the database driver {exc.name} is not installed{extra}") from exc
    if parsed.drivername.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if migrate:
        upgrade(engine)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`, also when other processes open the same new database at once.

    Every command migrates on open, so two ingests started together on an empty database would
    both create the schema and one would fail on a table that exists. On PostgreSQL an advisory
    lock makes the second wait and then find the schema made; on SQLite the loser's transaction
    fails and is rolled back whole, and the next attempt finds the schema made.
    """
    with engine.connect() as conn:  # a database that cannot be reached fails here, at once
        for attempt in range(_MIGRATION_ATTEMPTS):
            try:
                _upgrade_once(conn, revision)
                return
            except DBAPIError:
                if attempt == _MIGRATION_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))


def _upgrade_once(conn: Connection, revision: str) -> None:
    """Run migrations; on SQLite with foreign keys off while they run.

    SQLite cannot alter a column in place, so Alembic's batch mode copies a table, drops the
    old one and renames the copy. With foreign keys enforced that DROP would cascade-delete
    every child row (meetings, items, goals). The pragma only takes effect outside a
    transaction, so it is set before the migration transaction and checked after it.
    """
    cfg = alembic_config(str(conn.engine.url.render_as_string(hide_password=False)))
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
    try:
        with conn.begin():
            if conn.dialect.name == "postgresql":  # held until this transaction ends
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
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
