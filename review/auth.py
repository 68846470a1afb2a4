"""Reviewer accounts, sessions, CSRF tokens and the login rate limit.

Sessions live in memory: a restart logs everyone out, which is fine for a small team's tool
and keeps session tokens out of the database. Passwords are argon2id hashes (argon2-cffi).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.schema import ReviewUserRow
from review.overlay import now

ROLES = ("reviewer", "analyst")
SESSION_SECONDS = 12 * 3600
LOGIN_WINDOW = 300.0
LOGIN_FAILURES = 5
_hasher = PasswordHasher()
# verified against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY = _hasher.hash("not a password")


def add_user(engine: Engine, name: str, role: str, password: str) -> bool:
    """Create or re-password an account; True when it is new."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 64:
        raise ValueError("the user name must be 1-64 characters")
    if len(password) < 8:
        raise ValueError("the password must be at least 8 characters")
    with Session(engine) as session, session.begin():
        row = session.scalars(select(ReviewUserRow).where(ReviewUserRow.name == name)).first()
        if row is not None:
            row.role, row.password_hash = role, _hasher.hash(password)
            return False
        session.add(ReviewUserRow(name=name, role=role, password_hash=_hasher.hash(password), created_at=now()))
        return True


def check_password(engine: Engine, name: str, password: str) -> str | None:
    """The user's role when the password is right, else None."""
    with Session(engine) as session:
        row = session.scalars(select(ReviewUserRow).where(ReviewUserRow.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return row.role if row else None


@dataclass
class UserSession:
    user: str
    role: str
    csrf: str
    expires: float


@dataclass
class Sessions:
    """Token → session, plus recent login failures per client and per name."""

    by_token: dict[str, UserSession] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, user: str, role: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.by_token[token] = UserSession(user, role, secrets.token_urlsafe(32), time.time() + SESSION_SECONDS)
        return token

    def get(self, token: str | None) -> UserSession | None:
        if not token:
            return None
        with self.lock:
            s = self.by_token.get(token)
            if s is not None and s.expires < time.time():
                del self.by_token[token]
                return None
            return s

    def close(self, token: str | None) -> None:
        with self.lock:
            self.by_token.pop(token or "", None)

    def limited(self, *keys: str) -> bool:
        """True when any key (client address, user name) failed LOGIN_FAILURES times in the window."""
        cutoff = time.time() - LOGIN_WINDOW
        with self.lock:
            for key in keys:
                recent = [t for t in self.failures.get(key, []) if t > cutoff]
                self.failures[key] = recent
                if len(recent) >= LOGIN_FAILURES:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.setdefault(key, []).append(time.time())


def csrf_ok(session: UserSession, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, token or "")
