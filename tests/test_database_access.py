"""Opening the database: concurrent first opens, read-only commands, credentials in messages.

The race test starts real processes at the same instant on a new SQLite file, as two
`maalspor` commands typed in two terminals would.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from models.db import head_revision

ROOT = Path(__file__).resolve().parent.parent
OPEN_AT = """
import sys, time
from models.db import make_engine
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
make_engine(sys.argv[1]).dispose()
"""


def test_processes_creating_a_new_database_at_once_do_not_race(tmp_path: Path) -> None:
    """Every write command migrates on open; three at once on a new file must all succeed."""
    for round_ in range(4):
        url = f"sqlite:///{tmp_path / f'new{round_}.sqlite'}"
        start = time.time() + 2.0  # after every interpreter has imported SQLAlchemy and Alembic
        procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT, url, repr(start)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err[-2000:]
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == \
                [head_revision()]
            assert conn.execute(sa.text("SELECT count(*) FROM documents")).scalar() == 0
        engine.dispose()
