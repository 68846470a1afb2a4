"""Memory of reading long PDFs: peak RSS growth (and Python heap peak) per page count.

The PDF reader closes each pdfplumber and pdfium page as soon as it is read, so memory should
grow with the text kept (a few KB per page), not with the page objects (layout caches of
hundreds of KB per page). This prints the figures for PDFs of 50 to 1000 pages, each read in
a fresh process so one measurement does not hide in another's peak; `--keep-pages` reads with
page closing disabled, to show what closing saves. A benchmark, not a test: the numbers
depend on the machine, so nothing here passes or fails.

    .venv/bin/python scripts/bench_memory.py                  # 50, 250, 500, 1000 pages
    .venv/bin/python scripts/bench_memory.py --pages 500 2000 --keep-pages
    .venv/bin/python scripts/bench_memory.py --pages 500 --heap  # + Python heap peak (slow)

What it showed on the 2-core CI machine (21 lines a page): with pages closed RSS grew by
20 MB at 50 pages, 24 MB at 500 and 41 MB at 1000 — a fixed ~20 MB plus ~20 KB a page for
the lines the reader keeps; with pages kept open it grew 1.8 MB a page (1.8 GB at 1000).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LINES = [
    "Beskæftigelsesudvalget - referat",
    "2. Opfølgning på beskæftigelsesplan 2024",
    "Målet om 200 flere i job er nået. Ledigheden er faldet til 2,9 pct.",
    "Beslutning: Taget til efterretning.",
] * 5


def build(path: Path, pages: int) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=10)
    for n in range(1, pages + 1):
        pdf.add_page()
        for line in LINES:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 6, f"Side {n} af {pages}", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def _current_rss_kb() -> int:
    """Resident memory now (Linux); the peak so far elsewhere, which understates the growth."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(path: Path, keep_pages: bool, heap: bool) -> dict[str, float]:
    """Read `path` once in this process and report what it cost (run in a child process).

    tracemalloc slows reading ten- to twentyfold, so the heap peak is measured only with --heap
    and the seconds are then not comparable with a normal run.
    """
    import pdfplumber.page

    from parsers.readers import read_document

    if keep_pages:  # what the reader would cost if it never closed a page
        pdfplumber.page.Page.close = lambda self: None  # type: ignore[method-assign]
    rss_before = _current_rss_kb()
    if heap:
        tracemalloc.start()
    start = time.perf_counter()
    raw = read_document(path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if heap else float("nan")
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept = sum(len(ln.text) for p in raw.pages for ln in p.lines)
    return {"pages": len(raw.pages), "seconds": seconds, "rss_growth_mb": (rss_after - rss_before) / 1024,
            "heap_peak_mb": peak / 2**20, "text_kb": kept / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 250, 500, 1000])
    parser.add_argument("--keep-pages", action="store_true", help="also measure with page closing disabled")
    parser.add_argument("--heap", action="store_true", help="also the Python heap peak (tracemalloc; slow)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-close", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.no_close, args.heap)))
        return 0
    modes = [False, True] if args.keep_pages else [False]
    heap_cols = f" {'heap peak MB':>13} {'heap KB/page':>13}" if args.heap else ""
    print(f"{'pages':>6} {'mode':>12} {'seconds':>8} {'RSS +MB':>8} {'text KB':>8}{heap_cols}")
    with tempfile.TemporaryDirectory(prefix="maalspor-bench-") as tmp:
        for n in args.pages:
            path = Path(tmp) / f"{n}.pdf"
            build(path, n)
            for keep in modes:
                cmd = [sys.executable, __file__, "--child", str(path)] + (["--no-close"] if keep else []) \
                    + (["--heap"] if args.heap else [])
                out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
                r = json.loads(out.strip().splitlines()[-1])
                heap = f" {r['heap_peak_mb']:>13.1f} {1024 * r['heap_peak_mb'] / n:>13.1f}" if args.heap else ""
                print(f"{n:>6} {'pages kept' if keep else 'pages closed':>12} {r['seconds']:>8.1f} "
                      f"{r['rss_growth_mb']:>8.1f} {r['text_kb']:>8.0f}{heap}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
