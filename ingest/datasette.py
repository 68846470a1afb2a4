"""The Datasette metadata shipped with the package (titles, descriptions, facets, canned queries).

Datasette keys a database's settings by the file's stem, so the shipped block (written for
`maalspor.sqlite`) is re-keyed for whatever file is served.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

SHIPPED_NAME = "maalspor"


def metadata_path() -> Path:
    return Path(__file__).with_name("data") / "datasette-metadata.yaml"


def metadata_for(database: Path) -> dict[str, Any]:
    meta = yaml.safe_load(metadata_path().read_text(encoding="utf-8"))
    meta["databases"] = {database.stem: meta["databases"][SHIPPED_NAME]}
    return meta


def write_metadata(database: Path, out: Path) -> Path:
    out.write_text(json.dumps(metadata_for(database), ensure_ascii=False, indent=1), encoding="utf-8")
    return out
