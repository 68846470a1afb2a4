"""Parse on a dask.distributed cluster: `maalspor ingest --executor dask [--scheduler tcp://host:8786]`.

Each file's bytes travel with its task, so workers need no shared disk; a worker writes them to
a temporary file of the same name (readers tell formats by content and suffix), parses it and
sends the parsed document back. This process stores the results as they come in, batch by
batch, with the same per-file outcomes and idempotency as a local run. Without `--scheduler` a
LocalCluster of `--workers` processes is started here. Dask runs tasks in worker threads, where
the per-file `--timeout` alarm cannot fire; a cluster's own limits apply instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ingest.pipeline import Pending, parse_file

INSTALL = "dask is not installed: pip install 'maalspor[dask]' (dask[distributed])"


def missing() -> str | None:
    """Why `--executor dask` cannot run here, or None."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return INSTALL
    return None


def parse_bytes(name: str, data: bytes, key: str, ocr: bool, timeout: float | None) -> Any:
    """Runs on a dask worker: `parse_file` on a private copy of the file."""
    with tempfile.TemporaryDirectory(prefix="maalspor-") as tmp:
        path = Path(tmp) / (name or "document")
        path.write_bytes(data)
        parsed, note = parse_file(path, key, ocr, timeout)
    if parsed is not None:
        parsed.document.path = key
    return parsed, note


class DaskExecutor:
    """A dask.distributed client on `scheduler`, or on a LocalCluster it starts and stops."""

    def __init__(self, scheduler: str | None, workers: int) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        threads = sum(self.client.nthreads().values()) or workers
        self.slots = 2 * threads

    def submit(self, job: Pending, ocr: bool, timeout: float | None) -> Any:
        return self.client.submit(parse_bytes, job.path.name, job.path.read_bytes(), job.key, ocr, timeout,
                                  pure=False)

    def wait_any(self, futures: set[Any]) -> set[Any]:
        from distributed import wait

        return set(wait(list(futures), return_when="FIRST_COMPLETED").done)

    def close(self, cancel: bool) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
