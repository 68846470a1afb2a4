"""`maalspor --help` must start fast: no heavy library is imported until a command needs it.

Timing lives in scripts/bench_ingest.py; here the cause is checked: which modules `--help` loads.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


INGEST_PROBE = """
import sys
sys.argv = ["maalspor", "ingest", "-q", "--workers", "1", "--db", sys.argv[1], sys.argv[2]]
import ingest.cli
try:
    ingest.cli.main()
except SystemExit as exc:
    assert exc.code == 0, exc.code
print("LOADED:" + " ".join(sorted(m for m in sys.modules if m.split(".")[0] in
                                  ("alembic", "spacy", "pdfplumber", "pypdfium2", "docx", "mako"))))
"""


def test_ingesting_a_text_table_imports_no_pdf_reader_spacy_or_alembic(tmp_path: Path) -> None:
    """A handful of text files into a current database: no second spent on imports it does not need
    (the follow-up table has no prose verdict paragraph, so spaCy is not needed either)."""
    from models.db import make_engine
    from tests.conftest import corpus_path

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    make_engine(url).dispose()  # created and migrated: the ingest only checks the version
    table = corpus_path("text", "norddjurs_opfoelgning_2023-2024_tabel.txt")
    out = subprocess.run([sys.executable, "-c", INGEST_PROBE, url, str(table)], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    assert [ln for ln in out.splitlines() if ln.startswith("LOADED:")] == ["LOADED:"]
