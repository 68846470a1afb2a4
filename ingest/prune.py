"""Files deleted from the archive: found by `status`, removed by `prune`, never silently.

A stored document stays while any of its recorded paths exists; a path that is gone is
listed, and `maalspor prune` drops it (and the document with everything derived from it,
once no path is left) in one transaction. Recorded outcomes of paths that are gone go too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from ingest.pipeline import display_path
from models.links import close_gaps
from models.schema import DocumentPathRow, FileOutcomeRow, MeetingRow
from models.store import delete_document


@dataclass
class Missing:
    path: str
    document_id: int | None  # the stored document it names; None for a recorded outcome only
    last_path: bool = False  # no other path of the document exists: pruning removes the document


def path_exists(stored: str) -> bool:
    """Whether a recorded path still names a file.

    A name that is not valid UTF-8 is stored with `\\xNN` escapes (see `display_path`), which
    the file system does not know: such a path is looked up in its folder's listing, and
    when that cannot be done it counts as present, so nothing is pruned on a guess.
    """
    if os.path.lexists(stored):
        return True
    if "!/" in stored:  # a member of a ZIP archive (`archive.zip!/member`) lives while its archive does
        return path_exists(stored.split("!/", 1)[0])
    if "\\x" not in stored:
        return False
    folder = Path(stored).parent
    try:
        names = os.listdir(os.fsencode(folder))
    except OSError:
        return True
    return any(display_path(os.fsdecode(os.path.join(os.fsencode(folder), n))) == stored for n in names)


def missing_files(engine: Engine) -> list[Missing]:
    """Stored documents' paths and recorded outcomes whose file is gone, by path."""
    with Session(engine) as session:
        paths = session.execute(select(DocumentPathRow.document_id, DocumentPathRow.path)
                                .order_by(DocumentPathRow.path)).all()
        outcomes = session.scalars(select(FileOutcomeRow.path).order_by(FileOutcomeRow.path)).all()
    exists = {p: path_exists(p) for p in {p for _, p in paths} | set(outcomes)}
    alive: dict[int, int] = {}
    for doc_id, p in paths:
        alive[doc_id] = alive.get(doc_id, 0) + exists[p]
    found = [Missing(p, doc_id, alive[doc_id] == 0) for doc_id, p in paths if not exists[p]]
    named = {m.path for m in found}
    found += [Missing(p, None) for p in outcomes if not exists[p] and p not in named]
    return sorted(found, key=lambda m: m.path)


def prune(engine: Engine, dry_run: bool = False) -> list[Missing]:
    """Remove the rows of files that are gone (see `missing_files`); with `dry_run` only list them."""
    gone = missing_files(engine)
    if dry_run or not gone:
        return gone
    with Session(engine) as session, session.begin():
        gone = [m for m in gone if not path_exists(m.path)]  # put back meanwhile: keep it
        paths = [m.path for m in gone]
        session.execute(delete(DocumentPathRow).where(DocumentPathRow.path.in_(paths)))
        session.execute(delete(FileOutcomeRow).where(FileOutcomeRow.path.in_(paths)))
        municipalities: set[str | None] = set()
        for doc_id in {m.document_id for m in gone if m.document_id is not None}:
            left = session.scalars(select(DocumentPathRow.id).where(DocumentPathRow.document_id == doc_id)).first()
            if left is None:
                municipalities.add(session.scalar(select(MeetingRow.municipality)
                                                  .where(MeetingRow.document_id == doc_id)))
                delete_document(session, doc_id)
        close_gaps(session, municipalities)  # in the same transaction: no link is left pointing at a pruned goal
    return gone
