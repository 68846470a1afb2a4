"""`--executor dask`: parse on a dask.distributed LocalCluster of 2 workers, store here; the rows
must be those of a local run, and a re-run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import pipeline, workers
from models.db import make_engine
from tests.conftest import corpus_path
from tests.test_crash_safety import check_whole, fingerprint
from tests.test_parallel import _url, rows

pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'maalspor[dask]')")

ROOT = Path(__file__).resolve().parent.parent


def test_dask_local_cluster_stores_what_a_local_run_stores(tmp_path: Path) -> None:
    inputs = [ROOT / "data" / "raw", corpus_path("pdf", "norddjurs_opfoelgning_2023-2024_tabel.pdf"),
              corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf")]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    inputs.append(broken)
    local_db, dask_db = tmp_path / "local.sqlite", tmp_path / "dask.sqlite"
    local = pipeline.ingest_paths(make_engine(f"sqlite:///{local_db}"), inputs, workers=1)
    engine = make_engine(f"sqlite:///{dask_db}")
    remote = workers.ingest_paths(engine, inputs, workers=2, executor="dask")
    outcomes = sorted((r.path, r.outcome, r.message) for r in remote.results)
    assert outcomes == sorted((r.path, r.outcome, r.message) for r in local.results)
    assert ("ok" in {o for _, o, _ in outcomes}) and remote.count("corrupt") == 1
    check_whole(_url(dask_db))
    assert fingerprint(_url(dask_db)) == fingerprint(_url(local_db))
    assert rows(dask_db) == rows(local_db)
    again = workers.ingest_paths(engine, inputs, workers=2, executor="dask")
    assert again.count("ok") == 0 and again.count("unchanged") == local.count("ok")
