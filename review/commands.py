"""The `maalspor review …` commands; cli.py only parses arguments and calls these."""

from __future__ import annotations

import csv
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from review import auth, gold, overlay

Say = Callable[..., None]
LOCAL = ("127.0.0.1", "localhost", "::1")


def serve(engine: Engine, host: str, port: int, say: Say) -> None:
    import uvicorn

    from review.app import create_app

    if host not in LOCAL:
        say(f"warning: binding {host} exposes the review app beyond this machine; put it behind HTTPS", "yellow")
    say(f"review app on http://{host}:{port}/ (Ctrl+C stops it)")
    uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


def add_user(engine: Engine, name: str, role: str, say: Say) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {name}: ")
        if getpass.getpass("again: ") != password:
            say("the two passwords differ; run the command again", "red")
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        new = auth.add_user(engine, name, role, password)
    except ValueError as exc:
        say(f"add-user {name}: {exc}", "red")
        return 2
    say(f"{'created' if new else 'updated'} {role} {name}")
    return 0


FIELDS = ["at", "user", "action", "target", "anchor", "field", "old", "new", "reason"]


def print_log(engine: Engine, limit: int, fmt: str, output: Path | None, say: Say) -> int:
    if fmt not in ("text", "jsonl", "csv"):
        say(f"--format {fmt}: use text, jsonl or csv", "red")
        return 2
    with Session(engine) as session:
        rows = overlay.audit_rows(session, limit or None)
    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "jsonl":
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        else:
            for r in rows:
                why = f"  ({r['reason']})" if r["reason"] else ""
                out.write(f"{r['at'].replace('T', ' ')}  {r['user']}  {r['action']} {r['target']} {r['anchor']}"
                          f" {r['field'] or ''}: {_short(r['old'])} -> {_short(r['new'])}{why}\n")
            if not rows:
                out.write("no reviews recorded\n")
    finally:
        if output:
            out.close()
    return 0


def _short(value: str | None, n: int = 60) -> str:
    if value is None:
        return "∅"
    value = " ".join(value.split())
    return repr(value if len(value) <= n else value[: n - 1] + "…")


def print_orphans(engine: Engine) -> int:
    with Session(engine) as session:
        rows = overlay.orphans(session)
    for r in rows:
        print(f"{r['kind']} {r['id']}  {r['anchor']}  {r['field']} = {_short(r['new_value'])}  by {r['by']} {r['at']}")
    print(f"{len(rows)} correction{'s' if len(rows) != 1 else ''} no longer resolve"
          + (": re-apply them in the review app (Log & orphans) or withdraw them" if rows else ""))
    return 0


def write_gold(engine: Engine, ref: str, output: Path, say: Say) -> int:
    try:
        data, unreviewed = gold.export_gold(engine, ref)
    except gold.UnknownDocument as exc:
        say(f"export-gold: {exc}", "red")
        return 2
    output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    say(f"wrote {len(data['goals'])} goals and {len(data['agenda_items'])} items of {data['doc']} to {output}")
    if unreviewed:
        say(f"note: {unreviewed} goals/items of {data['doc']} are still unreviewed; the gold holds the parser's "
            "values for them", "yellow")
    return 0


def print_diff(engine: Engine) -> int:
    rows = gold.diff(engine)
    for r in rows:
        print(f"{r['document']}  {r['anchor']}  {r['what']}: parser {_short(r['parser'])} / reviewed "
              f"{_short(r['reviewed'])}")
    print(f"{len(rows)} disagreement{'s' if len(rows) != 1 else ''} between the parser and the reviews")
    return 1 if rows else 0
