"""The variant × F1 table, filled by tests/test_variants.py and printed at the end of the run."""

from __future__ import annotations

from typing import Any

RESULTS: dict[str, dict[str, Any]] = {}


def table() -> list[str]:
    """One line per variant: goal F1 (recall/precision), item F1, verdict accuracy, weakest documents."""
    if not RESULTS:
        return []
    head = f"{'variant':16} {'goal F1':>8} {'recall':>7} {'prec':>6} {'item F1':>8} {'verdict':>8}"
    lines = [f"{head}  weakest documents (goal F1/item F1)"]
    for name, res in RESULTS.items():
        weak = sorted(res["per_document"], key=lambda d: (d["goal_f1"], d["item_f1"]))[:3]
        shown = ", ".join(f"{d['doc'].split('__')[0][:28]} {d['goal_f1']:.2f}/{d['item_f1']:.2f}"
                          for d in weak if d["goal_f1"] < 1 or d["item_f1"] < 1)
        lines.append(f"{name:16} {res['goal_f1']:8.3f} {res['goal_recall']:7.3f} {res['goal_precision']:6.3f} "
                     f"{res['item_f1']:8.3f} {res['verdict_accuracy']:8.3f}  {shown}")
    return lines


# item variants (tests/test_item_variants_structure.py): variant -> item F1, recall, precision, weakest documents
ITEM_RESULTS: dict[str, dict[str, Any]] = {}


def item_table() -> list[str]:
    if not ITEM_RESULTS:
        return []
    lines = [f"{'variant':18} {'item F1':>8} {'recall':>7} {'prec':>6}  weakest documents (item F1)"]
    for name, res in ITEM_RESULTS.items():
        weak = sorted(res["per_document"], key=lambda d: d["item_f1"])[:3]
        shown = ", ".join(f"{d['doc'][:28]} {d['item_f1']:.2f}" for d in weak if d["item_f1"] < 1)
        lines.append(f"{name:18} {res['item_f1']:8.3f} {res['item_recall']:7.3f} {res['item_precision']:6.3f}  {shown}")
    return lines
