"""`maalspor sql`: analysts' own SELECTs, with no way to change the database.

Three locks, so that no one of them has to be perfect: the statement must start like a
query; SQLite is opened by the same opener as every reading command (`mode=ro`, `immutable=1` where
the folder cannot be written and no writer is present, `PRAGMA query_only`) plus an authorizer
that refuses writes, ATTACH and pragma assignments (`PRAGMA writable_schema=1`); PostgreSQL
and other servers run it inside a READ ONLY transaction that is rolled back. The database is
never migrated or created by this command.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import database_url, display_url, open_readonly, scrub, sqlite_readonly_connect

QUERY_STARTS = ("select", "with", "values", "explain", "pragma")
# pragmas that only read; any other pragma, and any pragma with a value, is refused
READ_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "foreign_key_list", "database_list",
                "table_list", "compile_options", "user_version", "schema_version", "page_count", "page_size",
                "encoding", "collation_list", "function_list", "pragma_list", "freelist_count"}
SETTABLE_PRAGMAS = {"user_version", "schema_version", "page_size", "encoding"}
WRITE_ACTIONS = {
    sqlite3.SQLITE_INSERT: "INSERT", sqlite3.SQLITE_UPDATE: "UPDATE", sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_ATTACH: "ATTACH", sqlite3.SQLITE_DETACH: "DETACH", sqlite3.SQLITE_CREATE_TABLE: "CREATE TABLE",
    sqlite3.SQLITE_CREATE_INDEX: "CREATE INDEX", sqlite3.SQLITE_CREATE_VIEW: "CREATE VIEW",
    sqlite3.SQLITE_CREATE_TRIGGER: "CREATE TRIGGER", sqlite3.SQLITE_CREATE_TEMP_TABLE: "CREATE TEMP TABLE",
    sqlite3.SQLITE_CREATE_TEMP_VIEW: "CREATE TEMP VIEW", sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "CREATE TEMP TRIGGER",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "CREATE TEMP INDEX", sqlite3.SQLITE_DROP_TABLE: "DROP TABLE",
    sqlite3.SQLITE_DROP_INDEX: "DROP INDEX", sqlite3.SQLITE_DROP_VIEW: "DROP VIEW",
    sqlite3.SQLITE_DROP_TRIGGER: "DROP TRIGGER", sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_REINDEX: "REINDEX", sqlite3.SQLITE_ANALYZE: "ANALYZE", sqlite3.SQLITE_CREATE_VTABLE: "CREATE VTABLE",
    sqlite3.SQLITE_DROP_VTABLE: "DROP VTABLE", sqlite3.SQLITE_TRANSACTION: "BEGIN/COMMIT",
    sqlite3.SQLITE_SAVEPOINT: "SAVEPOINT",
}


class Refused(Exception):
    """The statement would change the database (or is not a query): one line saying so."""


class QueryError(Exception):
    """The query is a query but the database could not run it (typo, unknown column)."""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def _refusal(what: str) -> Refused:
    return Refused(f"refused: maalspor sql only reads, and this statement would {what}; "
                   "nothing was changed (write a SELECT, or use maalspor's own commands to change data)")


def check_statement(sql: str) -> str:
    """The statement without comments and trailing semicolon; refuses what is plainly not one query."""
    stripped = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S).strip().rstrip(";").strip()
    if not stripped:
        raise Refused("refused: no statement given; pass a query such as \"SELECT * FROM goal_history LIMIT 5\"")
    if ";" in re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "", stripped):
        raise Refused("refused: one statement at a time; drop everything after the first `;`")
    first = stripped.split(None, 1)[0].lower()
    if first not in QUERY_STARTS:
        raise _refusal(f"run {first.upper()}")
    if first == "pragma":
        m = re.match(r"pragma\s+(?:\w+\.)?(\w+)\s*(=|\()?", stripped, flags=re.I)
        if not m or m.group(1).lower() not in READ_PRAGMAS or m.group(2) == "=":
            raise _refusal(f"set or run PRAGMA {m.group(1) if m else ''}".rstrip())
    return stripped


def _authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    if action in WRITE_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        # table_info(x) passes x as its argument; these settable ones must have none
        if name not in READ_PRAGMAS or (arg2 is not None and name in SETTABLE_PRAGMAS):
            return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _run_sqlite(path: str, sql: str) -> Result:
    file = Path(path)
    if not file.is_file():
        raise QueryError(f"no database at {path}: run `maalspor ingest` first, or pass --db")
    conn = sqlite_readonly_connect(file)
    try:
        conn.set_authorizer(_authorizer)
        try:
            cur = conn.execute(sql)
            rows = cur.fetchall()
        except sqlite3.DatabaseError as exc:
            msg = str(exc)
            if "not authorized" in msg or "readonly" in msg or "read-only" in msg or "query_only" in msg:
                raise _refusal("write to it or open another database") from exc
            raise QueryError(f"the query failed: {msg}") from exc
        return Result([d[0] for d in cur.description or []], rows)
    finally:
        conn.rollback()
        conn.close()


def _run_server(url: str, sql: str) -> Result:
    """The query on the driver's own cursor, without parameters, so a `%` in LIKE '%x%' stays a `%`."""
    engine = open_readonly(url, check_schema=False)  # a READ ONLY session, as every reading command opens it
    try:
        try:
            conn = engine.connect()
        except Exception as exc:
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise QueryError(f"cannot open the database {display_url(url)}: {scrub(detail[0] if detail else '', url)}"
                             ) from exc
        with conn:
            trans = conn.begin()
            try:
                conn.execute(text("SET TRANSACTION READ ONLY"))
                cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    cur.execute(sql)
                    columns = [d[0] for d in cur.description] if cur.description else []
                    rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
                except engine.dialect.dbapi.Error as exc:  # type: ignore[union-attr]
                    msg = str(exc)
                    if "read-only" in msg or "read only" in msg:
                        raise _refusal("write to it") from exc
                    raise QueryError(f"the query failed: {msg.splitlines()[0] if msg else exc}") from exc
                finally:
                    cur.close()
            finally:
                trans.rollback()
    finally:
        engine.dispose()
    return Result(columns, rows)


def run_query(sql: str, db: str | None = None) -> Result:
    """Run one read-only statement against the database at `db` (default as every command)."""
    statement = check_statement(sql)
    url = make_url(database_url(db))
    if url.drivername.startswith("sqlite"):
        if not url.database or url.database == ":memory:":
            raise QueryError("maalspor sql needs a database file; pass --db sqlite:///path/to/maalspor.sqlite")
        return _run_sqlite(url.database, statement)
    return _run_server(url.render_as_string(hide_password=False), statement)
