"""Meeting facts on web pages and portals: the gold facts and items of every corpus minutes document with
a committee, rendered as the openings sites serve (chrome, portal titles, header forms, the item list at the
top with and without bodies, FirstAgenda, one-line-a-page transcripts; text and HTML), parsed by the real
pipeline and compared fact by fact (municipality, committee, date). The terminal summary prints the
variant × fact table. MAALSPOR_MEETING_VARIANT_DIR=folder keeps the files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.records import RawDocument
from parsers.parse import parse_file, parse_raw
from parsers.readers.text import text_to_pages
from tests.conftest import CORPUS
from tests.meeting_variants import (
    FIELDS,
    MEETING_VARIANTS,
    REGION_VARIANTS,
    RESULTS,
    Facts,
    MeetingVariant,
    load_facts,
    regional,
)

FACTS_FLOOR = 0.95


def _facts() -> list[Facts]:
    found = [load_facts(p) for p in sorted((CORPUS / "gold").glob("*.gold.json"))]
    return [f for f in found if f is not None]


def _norm(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


@pytest.fixture(scope="session")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keep = os.environ.get("MAALSPOR_MEETING_VARIANT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("pages")  # a neutral folder: its name must not name a municipality


@pytest.mark.parametrize("variant", MEETING_VARIANTS, ids=[v.name for v in MEETING_VARIANTS])
def test_meeting_variant_facts(variant: MeetingVariant, out_dir: Path) -> None:
    cases = _facts()
    if not cases:
        pytest.skip("the corpus gold is not beside the project (../shared/corpus)")
    right = {f: 0 for f in FIELDS}
    total = {f: 0 for f in FIELDS}
    misses: list[str] = []
    for k, facts in enumerate(cases):
        if variant.name in REGION_VARIANTS:
            facts = regional(facts, k)
        path = out_dir / f"side{k}__{variant.name}.{variant.suffix}"  # the file name names no municipality
        path.write_text(variant.render(facts, k), encoding="utf-8")
        if variant.suffix == "txt":
            meeting = parse_raw(RawDocument(path=str(path), format="text", reader="text",
                                            pages=text_to_pages(path.read_text(encoding="utf-8"), "text"))).meeting
        else:
            meeting = parse_file(path).meeting
        for field, want in zip(FIELDS, (facts.municipality, facts.body, facts.date), strict=True):
            if want is None:
                continue
            total[field] += 1
            got = getattr(meeting, field)
            if _norm(got) == _norm(want):
                right[field] += 1
            else:
                misses.append(f"{path.name.split('__')[0]} {field} {got!r}≠{want!r}")
    share = sum(right.values()) / max(sum(total.values()), 1)
    RESULTS[variant.name] = {f: (right[f], total[f]) for f in FIELDS} | {"all": share, "misses": misses}
    for field in FIELDS:
        assert right[field] >= FACTS_FLOOR * total[field], f"{variant.name} {field}: " + "; ".join(misses)
