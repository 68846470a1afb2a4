"""Column types whose values every supported database accepts, so SQLite and PostgreSQL hold the same rows.

SQLite stores any string in any column; PostgreSQL refuses a NUL character in text (and in JSON
it is asked to take apart) and a string longer than its VARCHAR(n). PDFs do put NULs in their
text (a bullet glyph without a Unicode mapping reads as U+0000), and a meeting header can run
past a column's width: either would make PostgreSQL refuse the whole document. So on the way in,
NUL becomes U+FFFD (one character for one, so offsets into `documents.text` still hold) and a
string is cut to its column's width, on every backend alike. The types work for ORM and Core
inserts both; raw SQL bypasses them.

Unique keys (paths, content hashes) stay plain `String`: two long paths cut to one width would
become one path, so the pipeline refuses such a path instead (see `ingest.pipeline`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NUL, REPLACEMENT = "\x00", "\ufffd"


def without_nul(value: Any) -> Any:
    """`value` with every NUL in its strings (JSON keys included) replaced by U+FFFD."""
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT) if NUL in value else value
    if isinstance(value, list | tuple):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


class Bounded(TypeDecorator[str]):
    """VARCHAR(n) that never refuses a value: NUL replaced, cut to n characters."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        value = without_nul(value)
        length = self.impl_instance.length
        return value[:length] if length else value


class CleanText(TypeDecorator[str]):
    """TEXT without NUL characters."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else without_nul(value)


class CleanJSON(TypeDecorator[Any]):
    """JSON whose strings hold no NUL (PostgreSQL stores `\\u0000` in json but cannot read it back as text)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return without_nul(value)
