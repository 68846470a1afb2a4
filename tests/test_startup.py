"""`maalspor --help` must start fast: no heavy library is imported until a command needs it.

Timing lives in scripts/bench_ingest.py; here the cause is checked: which modules `--help` loads.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "alembic", "pdfplumber", "pypdfium2", "spacy", "pydantic", "ingest.pipeline",
         "ingest.queries", "parsers", "distributed", "dask", "fastapi", "matplotlib", "pyarrow")

PROBE = """
import sys
sys.argv = ["maalspor", "--help"]
import ingest.cli
try:
    ingest.cli.main()
except SystemExit:
    pass
print("LOADED:" + " ".join(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY or m in HEAVY)))
"""


def test_help_imports_no_heavy_library() -> None:
    out = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}"], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    lines = [ln for ln in out.splitlines() if ln.startswith("LOADED:")]
    assert lines == ["LOADED:"], f"--help imported {lines}"


def test_cli_default_timeout_is_the_pipelines() -> None:
    from ingest import cli, pipeline

    assert cli.DEFAULT_TIMEOUT == pipeline.DEFAULT_TIMEOUT


def test_cli_verdict_choices_are_the_records_verdicts() -> None:
    from ingest import cli
    from models.records import Verdict

    assert [v.value for v in cli.VerdictName] == [v.value for v in Verdict]
