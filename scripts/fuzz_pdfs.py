"""Fuzz the PDF path with damaged copies of real PDFs.

Every input, however mangled, must end in one of two ways: a parsed document whose records
are valid (offsets inside the text, pages in range), or a `ReadError` with a known outcome
kind and a one-line message. Anything else (an exception from a reader or a parser, a file
that takes longer than the time limit) is a finding: the input is saved to --out with the
traceback beside it, so it can be turned into a test.

Mutations are what damaged downloads and broken exporters produce: bit flips, cut-off
tails, deleted or duplicated byte ranges, numbers changed (xref offsets, /Length, object
numbers), PDF keywords inserted at random, and splices of two PDFs. Seeds are the corpus
PDFs (`../shared/corpus/pdf` and `pdf-real`) plus a small PDF made on the spot.

How to run it
-------------
    # a minute with a fixed seed (what CI runs, through tests/test_fuzz.py, for ~30 s)
    .venv/bin/python scripts/fuzz_pdfs.py --seconds 60 --seed 1

    # longer, with a new seed each time; findings go to fuzz-findings/
    .venv/bin/python scripts/fuzz_pdfs.py --seconds 3600 --out fuzz-findings

    # all the seeds, including the 1.5 MB Aarhus PDF (slower per case; small seeds are the default)
    .venv/bin/python scripts/fuzz_pdfs.py --seconds 3600 --all-seeds

    # coverage-guided with atheris (pip install atheris; libFuzzer options after --)
    .venv/bin/python scripts/fuzz_pdfs.py --atheris -- -max_total_time=3600 -timeout=30 fuzz-corpus/

    # replay a finding
    .venv/bin/python scripts/fuzz_pdfs.py --replay fuzz-findings/case-1234.pdf

Exit status: 0 when no finding, 1 when there were findings, 2 for usage errors.
Run several in parallel with different --seed values to use more cores; each process uses one.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from ingest.pipeline import OUTCOMES, ParseTimeout, _deadline  # noqa: E402
from models.records import ParsedDocument  # noqa: E402
from parsers.parse import parse_raw  # noqa: E402
from parsers.readers import read_document  # noqa: E402
from parsers.readers.errors import ReadError  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SMALL_SEED_BYTES = 300_000  # seeds above this make each case slow; --all-seeds takes them too
TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"%%EOF", b"<<", b">>",
          b"[", b"]", b"/Length 999999999", b"/Length -1", b"/Type /Page", b"/Kids [1 0 R 1 0 R]", b"/Root 1 0 R",
          b"/Filter /FlateDecode", b"/Filter /LZWDecode", b"/Encrypt 1 0 R", b"BT", b"ET", b"Tj", b"TJ", b"Tf",
          b"(", b")", b"\\", b"0 0 R", b"99999 0 R", b"-1", b"1e308", b"\x00", b"\xff\xfe", b"/ToUnicode 5 0 R"]


def validate(parsed: ParsedDocument) -> list[str]:
    """What is wrong with a parse result (empty when it is valid): offsets outside the text,
    pages out of range, records that do not survive a round trip through their schema."""
    doc = parsed.document
    n = len(doc.text)
    pages = max(doc.page_count, 1)
    problems: list[str] = []

    def span(what: str, start: int | None, end: int | None) -> None:
        if start is None and end is None:
            return
        if start is None or end is None or not 0 <= start <= end <= n:
            problems.append(f"{what}: span {start}..{end} outside the text (0..{n})")

    def page_range(what: str, first: int | None, last: int | None) -> None:
        if first is None or last is None:
            return
        if not 1 <= first <= last <= pages:
            problems.append(f"{what}: pages {first}..{last} outside 1..{pages}")

    for i, line in enumerate(doc.lines):
        span(f"line {i}", line.start, line.end)
        page_range(f"line {i}", line.page, line.page)
    for item in parsed.items:
        span(f"item {item.number}", item.start, item.end)
        page_range(f"item {item.number}", item.page_start, item.page_end)
        for sec in item.sections:
            span(f"item {item.number} section {sec.heading[:20]!r}", sec.start, sec.end)
            page_range(f"item {item.number} section", sec.page_start, sec.page_end)
    for goal in parsed.goals:
        span(f"goal {goal.goal_id}", goal.start, goal.end)
        if not goal.text.strip():
            problems.append(f"goal {goal.goal_id}: empty text")
        for fig in goal.figures:
            span(f"goal {goal.goal_id} figure {fig.raw!r}", fig.start, fig.end)
    for s in parsed.summaries:
        span("declared summary", s.start, s.end)
    try:
        ParsedDocument.model_validate(parsed.model_dump())
    except Exception as exc:  # pydantic says which field
        problems.append(f"round trip: {exc}")
    return problems


def check_file(path: Path, timeout: float = 20.0) -> tuple[str, str | None]:
    """How reading and parsing `path` ended: the outcome kind ("ok" or the ReadError kind) and
    None when that is fine, or a description of the finding with its traceback."""
    try:
        with _deadline(timeout):
            parsed = parse_raw(read_document(path))
    except ReadError as exc:
        if exc.kind not in OUTCOMES or exc.kind in ("ok", "unchanged"):
            return "?", f"ReadError with unknown kind {exc.kind!r}: {exc.message}"
        if not exc.message.strip() or "\n" in exc.message:
            return exc.kind, f"ReadError({exc.kind}) message is not one line: {exc.message!r}"
        return exc.kind, None
    except ParseTimeout:
        return "timeout", f"took longer than {timeout:g} s (a hang?)"
    except RecursionError:
        return "crash", "RecursionError\n" + traceback.format_exc(limit=8)
    except Exception:
        return "crash", traceback.format_exc()
    problems = validate(parsed)
    return "ok", ("invalid records:\n" + "\n".join(problems) if problems else None)


def check_bytes(data: bytes, workdir: Path, timeout: float = 20.0) -> tuple[str, str | None]:
    path = workdir / "case.pdf"
    path.write_bytes(data)
    return check_file(path, timeout)


def make_small_pdf() -> bytes:
    """A two-page PDF with Danish text and a ruled table, so there is a seed even without the corpus."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=11)
    for n in (1, 2):
        pdf.add_page()
        pdf.cell(0, 7, f"Beskæftigelsesudvalget - side {n}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 7, "2. Opfølgning på mål 2024", new_x="LMARGIN", new_y="NEXT")
        with pdf.table() as table:
            for row in (("Mål", "Status"), ("Ledigheden skal under 3 pct.", "Nået"),
                        ("200 flere i job", "Ikke nået")):
                r = table.row()
                for cell in row:
                    r.cell(cell)
    return bytes(pdf.output())


def load_seeds(corpus: Path = CORPUS, all_seeds: bool = False) -> list[tuple[str, bytes]]:
    seeds = [("generated.pdf", make_small_pdf())]
    for sub in ("pdf", "pdf-real"):
        folder = corpus / sub
        if not folder.is_dir():
            continue
        for p in sorted(folder.glob("*.pdf")):
            if all_seeds or p.stat().st_size <= SMALL_SEED_BYTES:
                seeds.append((p.name, p.read_bytes()))
    return seeds


def mutate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """One to four random damages of the kinds real broken PDFs show."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not buf:
            buf = bytearray(rng.choice(others) if others else b"%PDF-1.4\n")
        n = len(buf)
        op = rng.randrange(9)
        if op == 0:  # bit flips
            for _ in range(rng.randint(1, 16)):
                i = rng.randrange(n)
                buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # cut off the tail
            del buf[rng.randrange(n):]
        elif op == 2:  # delete a range
            i = rng.randrange(n)
            del buf[i:i + rng.randint(1, max(1, n // 8))]
        elif op == 3:  # duplicate a range
            i = rng.randrange(n)
            chunk = buf[i:i + rng.randint(1, 4096)]
            j = rng.randrange(n)
            buf[j:j] = chunk
        elif op == 4:  # insert a PDF keyword
            j = rng.randrange(n)
            buf[j:j] = b" " + rng.choice(TOKENS) + b" "
        elif op == 5:  # change a number (xref offsets, lengths, object numbers)
            numbers = [m.span() for m in re.finditer(rb"\d+", bytes(buf[: 200_000]))]
            if numbers:
                a, b = rng.choice(numbers)
                buf[a:b] = str(rng.choice([0, 1, -1, 2**31, 2**63, rng.randrange(10**7)])).encode()
        elif op == 6:  # splice with another PDF
            other = rng.choice(others) if others else bytes(buf)
            i, j = rng.randrange(n), rng.randrange(len(other) or 1)
            buf = buf[:i] + bytearray(other[j:])
        elif op == 7:  # zero a range (a disk or transfer error)
            i = rng.randrange(n)
            k = rng.randint(1, 512)
            buf[i:i + k] = bytes(len(buf[i:i + k]))
        else:  # damage the cross-reference keywords only
            buf = bytearray(re.sub(rb"startxref|xref|trailer", lambda m: bytes(
                rng.choice(b"xyz_") for _ in m.group(0)), bytes(buf), count=rng.randint(1, 3)))
    return bytes(buf)


@dataclass
class Stats:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: list[tuple[str, str]] = field(default_factory=list)  # (saved path or seed, description)


def run(seconds: float, seed: int, out: Path | None = None, corpus: Path = CORPUS, all_seeds: bool = False,
        max_cases: int | None = None, timeout: float = 20.0) -> Stats:
    """Mutate and check until `seconds` are up (or `max_cases` are done); reproducible from `seed`."""
    rng = random.Random(seed)
    seeds = load_seeds(corpus, all_seeds)
    datas = [d for _, d in seeds]
    stats = Stats()
    end = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="maalspor-fuzz-") as tmp:
        workdir = Path(tmp)
        while time.monotonic() < end and (max_cases is None or stats.cases < max_cases):
            name, data = rng.choice(seeds)
            case = mutate(data, rng, datas)
            stats.cases += 1
            kind, finding = check_bytes(case, workdir, timeout)
            stats.outcomes[kind] += 1
            if finding is None:
                continue
            where = f"{name} (case {stats.cases})"
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                saved = out / f"case-{seed}-{stats.cases}.pdf"
                saved.write_bytes(case)
                saved.with_suffix(".txt").write_text(f"seed file: {name}\n{finding}\n", encoding="utf-8")
                where = str(saved)
            stats.findings.append((where, finding))
    return stats


def _atheris(argv: list[str], timeout: float) -> None:
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        raise SystemExit(2) from None
    workdir = Path(tempfile.mkdtemp(prefix="maalspor-atheris-"))

    def one_input(data: bytes) -> None:
        _, finding = check_bytes(data, workdir, timeout)
        if finding is not None:
            raise RuntimeError(finding)

    seeds_dir = next((Path(a) for a in argv if not a.startswith("-")), None)
    if seeds_dir is not None and not seeds_dir.exists():  # give libFuzzer the corpus PDFs to start from
        seeds_dir.mkdir(parents=True)
        for name, data in load_seeds():
            (seeds_dir / name).write_bytes(data)
    import pdfminer.pdfparser  # noqa: F401  (loaded, so that instrument_all covers the PDF parsers too)

    atheris.instrument_all()  # coverage of the Python code already imported: readers, parsers, pdfminer
    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run (default 60)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: new each run)")
    parser.add_argument("--out", type=Path, default=None, help="folder for findings (input + traceback)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder with pdf/ and pdf-real/")
    parser.add_argument("--all-seeds", action="store_true", help="also the large corpus PDFs")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one case may take")
    parser.add_argument("--replay", type=Path, nargs="+", help="check these files and exit")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided with atheris; "
                                                                "libFuzzer options after --")
    args, rest = parser.parse_known_args(argv)
    if args.replay:
        bad = 0
        for path in args.replay:
            kind, finding = check_file(path, args.timeout)
            print(f"{path}: {kind}" + (f"\n{finding}" if finding else ""))
            bad += finding is not None
        return 1 if bad else 0
    if args.atheris:
        _atheris([a for a in rest if a != "--"], args.timeout)
        return 0
    if rest:
        parser.error(f"unknown arguments: {' '.join(rest)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    stats = run(args.seconds, seed, args.out, args.corpus, args.all_seeds, timeout=args.timeout)
    print(f"seed {seed}: {stats.cases} cases, outcomes {dict(stats.outcomes.most_common())}, "
          f"{len(stats.findings)} findings")
    for where, finding in stats.findings:
        print(f"--- {where}\n{finding}")
    return 1 if stats.findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
