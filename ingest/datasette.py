"""Where the Datasette metadata shipped with the package lives (titles, units, facets, canned queries)."""

from __future__ import annotations

from pathlib import Path


def metadata_path() -> Path:
    return Path(__file__).with_name("data") / "datasette-metadata.yaml"
