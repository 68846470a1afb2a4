"""A throw-away PostgreSQL cluster for the test session, so the storage tests run on PostgreSQL
as well as SQLite without any server set up beforehand.

Debian's `postgresql` package (which `make test` installs when it runs as root) ships `initdb`
and `pg_ctl` under /usr/lib/postgresql/<version>/bin. The cluster lives in a temporary directory,
listens on a free local port and on a unix socket in that directory, trusts local connections
and runs with fsync off: it holds nothing worth keeping and is deleted at the end of the session.
PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package creates.

Set MAALSPOR_TEST_PG to a server URL (`postgresql+psycopg://user:pw@host/postgres`, a role that may
create databases) to use an existing server instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

SERVER_ENV = "MAALSPOR_TEST_PG"
SUPERUSER = "postgres"


class Unavailable(Exception):
    """Why PostgreSQL cannot be used here; the tests that need it skip with this reason."""


@dataclass
class Server:
    admin_url: URL
    stop_command: list[str] | None = None
    directory: Path | None = None
    watchdog: subprocess.Popen[bytes] | None = None

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def stop(self) -> None:
        if self.watchdog is not None:
            self.watchdog.kill()
            self.watchdog.wait(timeout=10)
        if self.stop_command:
            subprocess.run(self.stop_command, capture_output=True, timeout=60, check=False)
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def _driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise Unavailable("psycopg is not installed (pip install -e '.[dev]' or '.[postgres]')") from exc


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise Unavailable(f"PostgreSQL's {name} is not installed (apt-get install postgresql; `make test` does it "
                      "when run as root)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_cluster_user(directory: Path) -> list[str]:
    """The command prefix that runs PostgreSQL's tools as a user it accepts (never root)."""
    if os.geteuid() != 0:
        return []
    try:
        user = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise Unavailable("running as root and there is no `postgres` user to run PostgreSQL as") from exc
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root and `runuser` is missing, so PostgreSQL cannot run as `postgres`")
    os.chown(directory, user.pw_uid, user.pw_gid)
    return [runuser, "-u", "postgres", "--"]


def start_cluster() -> Server:
    """initdb into a temporary directory and start it; raises `Unavailable` with the reason."""
    _driver()
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    directory = Path(tempfile.mkdtemp(prefix="maalspor-pg-"))
    try:
        prefix = _as_cluster_user(directory)
        data, port = directory / "data", _free_port()
        subprocess.run([*prefix, initdb, "-D", str(data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                        "-E", "UTF8", "--locale=C"], capture_output=True, text=True, timeout=180, check=True)
        options = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -F -c full_page_writes=off "
                   "-c synchronous_commit=off -c max_connections=60")
        subprocess.run([*prefix, pg_ctl, "start", "-w", "-t", "120", "-D", str(data), "-l",
                        str(directory / "server.log"), "-o", options],
                       capture_output=True, text=True, timeout=180, check=True)
    except subprocess.CalledProcessError as exc:
        log = directory / "server.log"
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["no output"]
        if log.exists():
            detail += log.read_text(errors="replace").strip().splitlines()[-1:]
        shutil.rmtree(directory, ignore_errors=True)
        raise Unavailable(f"the throw-away PostgreSQL cluster did not start: {' / '.join(detail)}") from exc
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    url = URL.create("postgresql+psycopg", username=SUPERUSER, database="postgres",
                     query={"host": str(directory), "port": str(port)})
    stop = [*prefix, pg_ctl, "stop", "-m", "immediate", "-D", str(data)]
    return Server(url, stop, directory, _watchdog(stop, directory))


def _watchdog(stop: list[str], directory: Path) -> subprocess.Popen[bytes]:
    """A shell that stops the cluster once this process is gone, even when it is killed (a CI
    timeout, kill -9) before the session's finalizers run; stopped itself on a normal exit."""
    script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 2; done; "
              f"{shlex.join(stop)} >/dev/null 2>&1; rm -rf {shlex.quote(str(directory))}")
    return subprocess.Popen(["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


@contextlib.contextmanager
def server() -> Iterator[Server]:
    """The server named by $MAALSPOR_TEST_PG, else a throw-away cluster stopped on exit."""
    configured = os.environ.get(SERVER_ENV)
    if configured:
        _driver()
        yield Server(make_url(configured))
        return
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
