"""Archives as municipalities export them: ESDH publications (SBSYS, eDoc, Acadre) and ZIP files.

Discovery hands every file to `split`, which takes out the publications (the XML and the files it
names) and the ZIPs; the rest goes through the ordinary pipeline. One publication is one meeting:
its XML is stored as a document (role `publication`) whose items are the XML's items, and each
file it names is stored as a document of its own (role `minutes`, `item` or `attachment`, with the
item it belongs to) carrying that meeting, but no items of its own, so the referat and the items'
PDFs never add a meeting or an item. Goals are found once: in the referat when there is one, else
in the items' PDFs, else in the XML's text; always in the bilag.

A ZIP is unpacked into a temporary folder, member by member with caps on count, size and
compression ratio (a ZIP bomb is refused in one line), and its members are ingested under the
name `archive.zip!/member`; an encrypted member or a ZIP inside the ZIP gets one line and the rest
goes on. Each document is still one transaction, with the same skip-or-store rules as a plain file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ingest import pipeline
from ingest.pipeline import FileResult, display_path
from models.records import Document, Meeting, ParsedDocument
from models.schema import DocumentPathRow, DocumentRow, FileOutcomeRow, MeetingRow
from models.store import delete_document, record_outcome
from parsers import PARSER_VERSION
from parsers.esdh import FileRef, Publication, detect, read_publication
from parsers.readers import SUPPORTED_SUFFIXES
from parsers.readers.errors import ReadError

# Files exports carry beside the documents: Windows' download marks, thumbnails, folder settings.
_SIDE_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
ARCHIVE_SUFFIXES = {".zip", ".xml"}
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # uncompressed / compressed, past which a large member counts as a ZIP bomb
RATIO_FLOOR = 8 << 20  # members smaller than this are never refused for their ratio

Keyer = Callable[[Path], str]


def side_file(path: Path) -> bool:
    """A file an export carries beside its documents, skipped without a word."""
    name = path.name.lower()
    return name in _SIDE_NAMES or name.endswith(":zone.identifier") or name.endswith(".zone.identifier")


def wanted(path: Path) -> bool:
    return path.suffix.lower() in ARCHIVE_SUFFIXES


@dataclass
class Options:
    force: bool = False
    max_bytes: int = pipeline.DEFAULT_MAX_BYTES
    retry: bool = False
    ocr: bool = False
    timeout: float | None = pipeline.DEFAULT_TIMEOUT


@dataclass
class Member:
    path: Path
    ref: FileRef
    primary: bool  # the first name found for its reference; the others are copies of the same document


@dataclass
class Export:
    xml: Path
    system: str
    publication: Publication | None = None
    error: ReadError | None = None
    members: list[Member] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    side: list[Path] = field(default_factory=list)


def _norm(rel: str) -> str:
    return unicodedata.normalize("NFC", rel.replace("\\", "/")).lower()


def _index(folder: Path, subfolders: set[str]) -> dict[str, Path]:
    """The files of `folder` and of the named subfolders (recursively) by their relative path, compared
    the way Windows exports mean them (case-insensitively, in one Unicode form). Only the folders the
    XML names are walked: an Acadre folder holds hundreds of exports side by side."""
    found: dict[str, Path] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    wanted_dirs = {_norm(d) for d in subfolders}
    for entry in sorted(entries, key=lambda e: e.name):
        p = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            found.setdefault(_norm(entry.name), p)
        elif entry.is_dir() and _norm(entry.name) in wanted_dirs:
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    q = Path(dirpath) / name
                    found.setdefault(_norm(q.relative_to(folder).as_posix()), q)
    return found


def resolve(xml: Path, system: str) -> Export:
    """Read the publication and find the files it names beside it."""
    export = Export(xml=xml, system=system)
    try:
        pub = read_publication(xml, system)
    except ReadError as exc:
        export.error = exc
        return export
    except OSError as exc:
        export.error = ReadError("failed", f"cannot read it ({exc.strerror or exc})")
        return export
    export.publication = pub
    root = xml.parent
    subfolders = {PurePosixPath(n).parts[0] for r in pub.files for n in r.names if "/" in n}
    subfolders |= {Path(p).parent.name for p in pub.sources if Path(p).parent.parent == root}
    files = _index(root, subfolders)
    claimed: set[Path] = {xml}
    for ref in pub.files:
        hits = []
        for name in ref.names:
            p = files.get(_norm(PurePosixPath(name).as_posix()))
            if p is not None and p not in hits:
                hits.append(p)
        if not hits:
            export.missing.append(ref.names[0])
        for n, p in enumerate(hits):
            if p in claimed:
                continue
            claimed.add(p)
            export.members.append(Member(p, ref, primary=n == 0))
    # The export's own folders (eDoc's and SBSYS's folder, Acadre's Files_ folder) hold only this meeting:
    # a document there that the XML does not name is still one of its documents (an attachment of no
    # particular item), never a meeting of its own; its metadata files are read or skipped, never reported.
    own = {m.path.parent for m in export.members} | (
        {Path(p).parent for p in pub.sources} if system == "acadre" else {root})
    for p in files.values():
        if p in claimed:
            continue
        if side_file(p):
            export.side.append(p)
        elif p.parent in own and p.suffix.lower() == ".xml":
            if detect(p) is None:
                export.side.append(p)
        elif p.parent in own and p.suffix.lower() in SUPPORTED_SUFFIXES:
            rel = p.relative_to(root).as_posix()
            export.members.append(Member(p, FileRef(role="attachment", names=[rel]), primary=True))
    return export


def split(files: list[Path]) -> tuple[list[Path], list[Path], list[Export]]:
    """(plain files, ZIP files, publications) among discovered files; a publication's members and
    side files leave the plain list, so they are stored once, as that meeting's documents."""
    zips = [f for f in files if f.suffix.lower() == ".zip"]
    exports = []
    for f in files:
        system = detect(f) if f.suffix.lower() == ".xml" else None
        if system is not None:
            exports.append(resolve(f, system))

    def unclaimed() -> list[Path]:
        taken = {os.path.abspath(p) for e in exports for p in [e.xml, *(m.path for m in e.members), *e.side]}
        return [f for f in files if f.suffix.lower() != ".zip" and os.path.abspath(f) not in taken
                and not side_file(f)]

    plain = unclaimed()
    # A bilag given alone (`--retry-failed`, or named on the command line) is still its export's: the
    # publication beside it (or above it: Acadre's Files_ folder) is read, and the file stored as its member.
    known = {os.path.abspath(e.xml) for e in exports}
    wanted_paths = {os.path.abspath(f) for f in plain}
    for folder in sorted({d for f in plain for d in (f.parent, f.parent.parent)}):
        for x in _publications_in(folder):
            if os.path.abspath(x) in known:
                continue
            known.add(os.path.abspath(x))
            export = resolve(x, detect(x) or "")
            if any(os.path.abspath(m.path) in wanted_paths for m in export.members):
                exports.append(export)
    return unclaimed(), zips, exports


def _publications_in(folder: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / n for n in names if n.lower().endswith(".xml") and detect(folder / n) is not None]


# ---------------------------------------------------------------- storing one unit


@dataclass
class Unit:
    """One document to store: a file on disk (perhaps unpacked from a ZIP) under the name `key`."""

    path: Path
    key: str
    role: str | None = None
    publication: str | None = None
    item: str | None = None
    mtime_ns: int | None = None
    extra: tuple[Path, ...] = ()  # more files whose bytes are part of this document (Acadre's agenda XML)


def _set_provenance(session: Session, unit: Unit) -> None:
    with session.begin():
        row = session.scalars(select(DocumentPathRow).where(DocumentPathRow.path == unit.key)).first()
        if row is not None and (row.role, row.publication, row.item_number) != (unit.role, unit.publication,
                                                                                unit.item):
            row.role, row.publication, row.item_number = unit.role, unit.publication, unit.item


def _hash(path: Path, *extra: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for n, p in enumerate((path, *extra)):
        if n:
            digest.update(b"\0" + p.name.encode("utf-8", "surrogateescape") + b"\0")
        with p.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return digest.hexdigest(), size


def store_unit(engine: Engine, unit: Unit, opts: Options,
               parse: Callable[[], tuple[ParsedDocument, str]] | None = None,
               adjust: Callable[[ParsedDocument], None] | None = None) -> FileResult:
    """Hash, skip or parse, store and tag one unit; one outcome, never an exception about the file.

    `parse` replaces reading the file (the publication's XML); `adjust` changes the parse before
    it is stored (no items of its own, the publication's meeting)."""
    start = time.perf_counter()
    sha: str | None = None
    size: int | None = None
    try:
        if len(unit.key) > pipeline.PATH_LIMIT:
            raise ReadError("failed", f"the name is {len(unit.key)} characters long, more than the "
                                      f"{pipeline.PATH_LIMIT} the database keeps; move the archive to a shorter path")
        size = unit.path.stat().st_size
        if size > opts.max_bytes:
            raise ReadError("too_large", f"the file is {pipeline.megabytes(size)}, over the "
                                         f"{pipeline.megabytes(opts.max_bytes)} limit; raise --max-mb to read it")
        sha, size = _hash(unit.path, *unit.extra)
        known = pipeline._with_db(engine, lambda s: pipeline._previous(s, unit.key, sha, opts.force, opts.retry,
                                                                        opts.ocr, unit.mtime_ns))
        if known is not None:
            if known.outcome in pipeline.GOOD:
                pipeline._with_db(engine, lambda s: _set_provenance(s, unit))
            known.seconds = time.perf_counter() - start
            return known
        if parse is None:
            parsed, note = pipeline.parse_file(unit.path, unit.key, opts.ocr, opts.timeout)
        else:
            try:
                with pipeline._deadline(opts.timeout):
                    parsed, note = parse()
            except BaseException as exc:
                failure = pipeline._failure(exc, unit.key, opts.timeout)
                if failure is None:
                    raise
                parsed, note = None, failure
        if parsed is None and isinstance(note, tuple) and note[0] == "empty" and unit.role in ("item", "attachment"):
            parsed, note = _blank(unit)
        if parsed is None:
            assert isinstance(note, tuple)
            return pipeline._failed(engine, unit.key, sha, size, *note, start, unit.mtime_ns)
        assert isinstance(note, str)
        if adjust is not None:
            adjust(parsed)
        message = f"{unit.key}: {note}" if note else ""
        name = display_path(PurePosixPath(unit.key.replace("!/", "/")).name)

        def work(session: Session) -> FileResult:
            result = pipeline._store(session, parsed, unit.key, name, sha, size, opts.force, message,
                                     unit.mtime_ns)
            _set_provenance(session, unit)
            return result

        result = pipeline._with_db(engine, work)
        result.seconds = time.perf_counter() - start
        return result
    except BaseException as exc:
        failure = pipeline._failure(exc, unit.key, None)
        if failure is None:
            raise
        return pipeline._failed(engine, unit.key, sha, size, *failure, start)


def _blank(unit: Unit) -> tuple[ParsedDocument, str]:
    """A bilag with blank pages (exports hold placeholders for what was not published) is still that
    item's bilag: stored without text, so the item lists it and the report says why it is empty."""
    pages = 0
    if unit.path.suffix.lower() == ".pdf":
        try:
            import pypdfium2

            with contextlib.closing(pypdfium2.PdfDocument(str(unit.path))) as pdf:
                pages = len(pdf)
        except Exception:  # noqa: BLE001 - the page count is only a nicety here
            pages = 0
    doc = Document(path=str(unit.path), format=unit.path.suffix.lower().lstrip(".")[:16] or "unknown",
                   reader="blank", text="", lines=[], page_count=pages,
                   warnings=["no text on any page (a placeholder, or text drawn as outlines)"])
    what = f"item {unit.item}'s" if unit.item else "the meeting's"
    return (ParsedDocument(document=doc, meeting=Meeting(), items=[]),
            f"blank: no text on its {pages} page(s); stored without text as {what} {unit.role}")


# ---------------------------------------------------------------- one publication


def _merge(xml: Meeting, parsed: Meeting) -> Meeting:
    """The XML's meeting, with what only the referat says (the municipality, who took part) filled in."""
    update = {k: getattr(parsed, k) for k in ("municipality", "body", "date", "time", "place")
              if getattr(xml, k) is None and getattr(parsed, k)}
    if not xml.participants and parsed.participants:
        update["participants"] = parsed.participants
    if not xml.absentees and parsed.absentees:
        update["absentees"] = parsed.absentees
    return xml.model_copy(update=update)


def _stored_meeting(engine: Engine, key: str) -> Meeting | None:
    with Session(engine) as session:
        row = session.execute(select(MeetingRow).join(DocumentPathRow, DocumentPathRow.document_id
                                                      == MeetingRow.document_id)
                              .where(DocumentPathRow.path == key)).scalars().first()
        if row is None:
            return None
        return Meeting(municipality=row.municipality, body=row.body, date=row.date, time=row.time, place=row.place,
                       participants=list(row.participants or []), absentees=list(row.absentees or []))


def _municipality_from_text(pub: Publication) -> str | None:
    """Where neither the XML nor a referat names the municipality, the items' own text may
    ("Ballerup Kommune"); the same reading the referat's header gets."""
    from parsers.esdh.document import publication_document
    from parsers.meeting import extract_meeting

    parsed = publication_document(pub, goals=False)
    return extract_meeting(parsed.document, [], pub.system).municipality


def ingest_export(engine: Engine, export: Export, opts: Options,
                  keyer: Keyer = lambda p: display_path(os.path.abspath(p))) -> Iterator[tuple[Path, FileResult]]:
    """Store one publication and its files; yields each file's result as it is decided."""
    xml_key = keyer(export.xml)
    pub = export.publication
    if pub is None:
        assert export.error is not None
        exc = export.error
        message = f"{xml_key}: {exc.message}"
        yield export.xml, pipeline._failed(engine, xml_key, None, None, exc.kind, message, time.perf_counter())
        return
    minutes = [m for m in export.members if m.ref.role == "minutes"]
    items = [m for m in export.members if m.ref.role == "item"]
    meeting = pub.meeting

    def member_adjust(member: Member, base: Meeting, goals: bool) -> Callable[[ParsedDocument], None]:
        def adjust(parsed: ParsedDocument) -> None:
            parsed.items = []
            parsed.meeting = base.model_copy(update={"profile": parsed.meeting.profile})
            if not goals:
                parsed.goals, parsed.summaries = [], []
            for goal in parsed.goals:
                goal.agenda_item = None
            for summ in parsed.summaries:
                summ.agenda_item = None
        return adjust

    def unit(member: Member) -> Unit:
        return Unit(member.path, keyer(member.path), member.ref.role, xml_key, member.ref.item,
                    _mtime(member.path))

    # the referat first: the municipality and the participants are printed there, not in the XML
    for member in minutes:
        holder: list[Meeting] = []

        def adjust_minutes(parsed: ParsedDocument, member: Member = member, holder: list[Meeting] = holder) -> None:
            merged = _merge(pub.meeting, parsed.meeting)
            holder.append(merged)
            member_adjust(member, merged, member.primary)(parsed)

        u = unit(member)
        result = store_unit(engine, u, opts, adjust=adjust_minutes)
        found = holder[0] if holder else (_stored_meeting(engine, u.key) if result.outcome in pipeline.GOOD else None)
        if found is not None and member.primary:
            meeting = _merge(meeting, found)
        yield member.path, result
    if meeting.municipality is None:
        meeting = meeting.model_copy(update={"municipality": _municipality_from_text(pub)})
    goals_in_xml = not minutes and not items
    notes = list(pub.warnings)
    if export.missing:
        shown = ", ".join(export.missing[:5]) + (f" and {len(export.missing) - 5} more" if len(export.missing) > 5
                                                 else "")
        notes.append(f"{len(export.missing)} file(s) the XML names are missing from the export ({shown}); the "
                     "rest is stored")

    def parse_publication() -> tuple[ParsedDocument, str]:
        from parsers.esdh.document import publication_document

        return publication_document(pub, meeting, goals=goals_in_xml), "; ".join(notes)

    pub_unit = Unit(export.xml, xml_key, "publication", xml_key, None, _mtime(export.xml),
                    tuple(Path(p) for p in pub.sources if Path(p) != export.xml))
    result = store_unit(engine, pub_unit, opts, parse=parse_publication)
    if result.outcome == "unchanged" and notes and not result.message:
        result.message = f"{xml_key}: " + "; ".join(notes)
    yield export.xml, result
    for member in export.members:
        if member.ref.role == "minutes":
            continue
        goals = member.primary and (member.ref.role == "attachment" or not minutes)
        yield member.path, store_unit(engine, unit(member), opts, adjust=member_adjust(member, meeting, goals))


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def export_unchanged(engine: Engine, export: Export) -> list[tuple[Path, FileResult]] | None:
    """Every file of an export on disk unchanged by (path, size, mtime): their results without
    reading or hashing any of them; None when anything must be looked at again."""
    paths = [export.xml, *(m.path for m in export.members)]
    out = []
    for path, known in pipeline.unchanged_by_signature(paths, engine):
        if known is None or known.outcome != "unchanged":
            return None
        out.append((path, known))
    return out


# ---------------------------------------------------------------- ZIP archives


def _safe_name(name: str) -> str | None:
    """A member name as a relative path inside the temporary folder; None for one that would
    leave it (`../x`, `/etc/x`, `C:\\x`)."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts) or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return None
    return "/".join(parts)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Without the UTF-8 flag Python reads the name as cp437,
    but Windows' own ZIP writes the OEM code page (cp850 in Denmark: `ø` would read as `¢`) and Linux
    tools write UTF-8 unflagged; UTF-8 is tried first, since cp850 bytes of Danish words are never valid UTF-8."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for codec in ("utf-8", "cp850"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _zip_outcome_current(engine: Engine, key: str, size: int, mtime_ns: int) -> bool:
    """The ZIP was stored by an earlier run as it is now (size, mtime) with this parser version."""
    with Session(engine) as session:
        row = session.scalars(select(FileOutcomeRow).where(FileOutcomeRow.path == key)).first()
        if row is None or row.outcome != "ok" or (row.size, row.mtime_ns) != (size, mtime_ns):
            return False
        versions = session.scalars(select(DocumentRow.parser_version).join(
            DocumentPathRow, DocumentPathRow.document_id == DocumentRow.id)
            .where(DocumentPathRow.path.startswith(f"{key}!/", autoescape=True))).all()
        return all(v == PARSER_VERSION for v in versions)


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, cap: int) -> None:
    """Copy one member out, stopping when it grows past what its header declared or past `cap`
    (a header can lie about the size; the bytes cannot)."""
    limit = min(info.file_size, cap)
    written = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(info) as src, dest.open("wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise ReadError("too_large", "it unpacks to more than its header says; refused as a possible "
                                             "ZIP bomb")
            out.write(chunk)


def ingest_zip(engine: Engine, path: Path, opts: Options) -> Iterator[tuple[Path, FileResult]]:
    """Unpack one ZIP into a temporary folder and ingest what it holds under `archive.zip!/member`."""
    start = time.perf_counter()
    key = display_path(os.path.abspath(path))
    try:
        st = path.stat()
        if not force_read(opts) and _zip_outcome_current(engine, key, st.st_size, st.st_mtime_ns):
            yield path, FileResult(key, "unchanged", "", None, seconds=time.perf_counter() - start)
            return
        sha, size = _hash(path)
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        outcome = "corrupt" if not isinstance(exc, OSError) else "failed"
        msg = f"{key}: the ZIP archive cannot be opened ({why}); download or pack it again"
        yield path, pipeline._failed(engine, key, None, None, outcome, msg, start)
        return
    problems: list[tuple[Path, FileResult]] = []
    stored = 0
    with zf, tempfile.TemporaryDirectory(prefix="maalspor-zip-") as tmp:
        root = Path(tmp)
        infos = [i for i in zf.infolist() if not i.is_dir()]
        total = sum(i.file_size for i in infos)
        cap = opts.max_bytes * 4
        if len(infos) > MAX_MEMBERS or total > cap:
            what = f"{len(infos):,} files" if len(infos) > MAX_MEMBERS else f"{pipeline.megabytes(total)} unpacked"
            msg = (f"{key}: the ZIP archive holds {what}, over the limit ({MAX_MEMBERS:,} files, "
                   f"{pipeline.megabytes(cap)}); refused as a possible ZIP bomb: unpack it by hand and ingest "
                   "the folder")
            yield path, pipeline._failed(engine, key, sha, size, "too_large", msg, start, st.st_mtime_ns)
            return
        if {i.filename for i in infos} & {"[Content_Types].xml", "mimetype"}:  # an Office file named .zip
            yield path, store_unit(engine, Unit(path, key), opts)
            return
        names: dict[Path, str] = {}
        seen: set[str] = set()
        for info in infos:
            rel = _safe_name(_member_name(info))
            member_key = f"{key}!/{rel or info.filename}"
            seen.add(member_key)
            member = root / (rel or "_")

            def fail(outcome: str, why: str, member_key: str = member_key, member: Path = member) -> None:
                problems.append((member, pipeline._failed(engine, member_key, None, None, outcome,
                                                          f"{member_key}: {why}", time.perf_counter())))

            if rel is None:
                fail("unsupported", "a member whose name leaves the archive's folder; skipped")
                continue
            if side_file(Path(rel)) or PurePosixPath(rel).name.startswith("."):
                continue
            if info.flag_bits & 0x1:
                fail("encrypted", "the member is password-protected; unpack it with the password and ingest the "
                                  "files")
                continue
            if rel.lower().endswith(".zip"):
                fail("unsupported", "a ZIP inside the ZIP; unpack it and ingest its files")
                continue
            ratio = info.file_size / max(1, info.compress_size)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                fail("too_large", f"unpacks to {pipeline.megabytes(info.file_size)} from "
                                  f"{pipeline.megabytes(info.compress_size)} (ratio {ratio:,.0f}:1); refused as a "
                                  "possible ZIP bomb")
                continue
            if info.file_size > opts.max_bytes:
                fail("too_large", f"the member is {pipeline.megabytes(info.file_size)}, over the "
                                  f"{pipeline.megabytes(opts.max_bytes)} limit; raise --max-mb to read it")
                continue
            try:
                _extract(zf, info, member, opts.max_bytes)
            except ReadError as exc:
                member.unlink(missing_ok=True)
                fail(exc.kind, exc.message)
                continue
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
                member.unlink(missing_ok=True)
                fail("corrupt", f"the member cannot be unpacked ({exc}); download or pack the archive again")
                continue
            with member.open("rb") as fh:  # a ZIP named otherwise is still a ZIP in the ZIP
                head = fh.read(4)
            if head.startswith(b"PK\x03\x04") and member.suffix.lower() not in (".docx", ".xlsx", ".pptx", ".odt",
                                                                                 ".ods"):
                member.unlink()
                fail("unsupported", "a ZIP inside the ZIP; unpack it and ingest its files")
                continue
            names[member] = rel

        def keyer(p: Path) -> str:
            rel = names.get(p) or p.relative_to(root).as_posix()
            return f"{key}!/{rel}"

        files = sorted(names)
        plain, _nested, exports = split(files)
        yield from problems
        failed = [r for _p, r in problems]

        def member_results() -> Iterator[tuple[Path, FileResult]]:
            for export in exports:
                yield from ingest_export(engine, export, opts, keyer)
            for p in plain:
                yield p, store_unit(engine, Unit(p, keyer(p)), opts)

        for member_path, result in member_results():
            if result.outcome in pipeline.GOOD:
                stored += 1
            else:
                failed.append(result)
            yield member_path, result
    pipeline._with_db(engine, lambda s: _forget_gone(s, key, seen))
    if stored == 0:  # nothing of it could be stored: the archive's own outcome says why, and is retried
        kinds = [r.outcome for r in failed]
        kind = max(set(kinds), key=kinds.count) if kinds else "empty"
        msg = (f"{key}: none of its {len(failed)} member(s) could be stored (listed above)" if failed
               else f"{key}: the ZIP archive holds no documents; nothing stored")
        yield path, pipeline._failed(engine, key, sha, size, kind, msg, start, st.st_mtime_ns)
        return
    note = f"{key}: {len(failed)} member(s) not stored (listed above)" if failed else ""
    pipeline._with_db(engine, lambda s: _record_ok(s, key, sha, size, note, st.st_mtime_ns))
    yield path, FileResult(key, "ok", note, sha, seconds=time.perf_counter() - start)


def _forget_gone(session: Session, key: str, seen: set[str]) -> None:
    """Members an earlier version of the ZIP held and this one does not: their names go, and a document
    left with no name goes with everything derived from it (as `maalspor prune` does for deleted files)."""
    prefix = f"{key}!/"
    with session.begin():
        for row in session.scalars(select(DocumentPathRow).where(
                DocumentPathRow.path.startswith(prefix, autoescape=True))).all():
            if row.path in seen:
                continue
            doc = row.document_id
            session.delete(row)
            session.flush()
            if session.scalars(select(DocumentPathRow.id).where(DocumentPathRow.document_id == doc)).first() is None:
                delete_document(session, doc)
        for outcome in session.scalars(select(FileOutcomeRow).where(
                FileOutcomeRow.path.startswith(prefix, autoescape=True))).all():
            if outcome.path not in seen:
                session.delete(outcome)


def force_read(opts: Options) -> bool:
    return opts.force or opts.retry or opts.ocr


def _record_ok(session: Session, key: str, sha: str, size: int, note: str, mtime_ns: int) -> None:
    with session.begin():
        record_outcome(session, key, sha, size, "ok", note, mtime_ns)


def ingest_archives(engine: Engine, zips: list[Path], exports: list[Export],
                    opts: Options) -> Iterator[tuple[Path, FileResult]]:
    """Every publication and ZIP found by `split`, one result per file they hold."""
    for export in exports:
        unchanged = None if force_read(opts) else export_unchanged(engine, export)
        if unchanged is not None:
            yield from unchanged
        else:
            yield from ingest_export(engine, export, opts)
    for path in zips:
        yield from ingest_zip(engine, path, opts)
