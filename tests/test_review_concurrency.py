"""Several reviewers on one archive: no save silently replaces another.

Each save carries the version its page was opened at; a save against a newer version is refused
(409, a conflict page or JSON) and logged, and can be re-applied over the newer values. Tested with
two sessions interleaving on one goal, and with a bounded load test against the real server on
loopback (8 sessions x 50 saves), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from ingest import pipeline
from models.db import make_engine
from models.schema import AgendaItemRow, GoalRow, ReviewAuditRow
from review import auth
from tests.conftest import ROOT, corpus_path

pytest.importorskip("fastapi", reason="the review extra (fastapi, jinja2, argon2-cffi) is not installed")
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from review.app import create_app  # noqa: E402

DOC = "norddjurs_beskaeftigelsesraad_2024-08-29"
PASSWORD = "korrekt hest batteri"
SESSIONS, SAVES, GOALS = 8, 50, 4
LOAD_TIMEOUT = 120.0  # seconds for the whole load run; it takes a few seconds on loopback


@pytest.fixture
def archive(any_db_url: str) -> Iterator[Engine]:
    """One follow-up document (47 goals) and two reviewers, on each backend."""
    engine = make_engine(any_db_url)
    assert pipeline.ingest_paths(engine, [corpus_path("text", f"{DOC}.txt")]).exit_code == 0
    for name in ("anna", "cleo"):
        auth.add_user(engine, name, "reviewer", PASSWORD)
    yield engine
    engine.dispose()


def login(client: TestClient | httpx.Client, name: str) -> str:
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]


def open_page(client: TestClient | httpx.Client, anchor: str, kind: str = "goal") -> dict[str, str]:
    """The hidden `version` inputs of a goal or item page, as the browser would send them back."""
    page = client.get(f"/{kind}", params={"anchor": anchor}).text
    return {html.unescape(k): v for k, v in re.findall(r'name="(version(?::[^"]*)?)" value="(\d+)"', page)}


def hidden_inputs(page: str, form_id: str) -> dict[str, str]:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, flags=re.S)
    assert form, page
    return {html.unescape(k): html.unescape(v)
            for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0))}


def effective(engine: Engine, anchor: str) -> dict | None:
    with engine.connect() as c:
        row = c.execute(text("SELECT * FROM v_goals WHERE anchor = :a"), {"a": anchor}).mappings().first()
        return dict(row) if row else None


def audit(engine: Engine, anchor: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    with Session(engine) as s:
        return [(r.user_name, r.action, r.old_value, r.new_value, r.reason) for r in s.scalars(
            select(ReviewAuditRow).where(ReviewAuditRow.anchor == anchor).order_by(ReviewAuditRow.id))]


def first_goal(engine: Engine, goal_id: str = "1.1", year: int = 2023) -> GoalRow:
    with Session(engine) as s:
        return s.scalars(select(GoalRow).where(GoalRow.goal_id == goal_id, GoalRow.plan_year == year)).one()


def test_two_reviewers_interleaving_never_overwrite_silently(archive: Engine) -> None:
    engine = archive
    g = first_goal(engine, "3.1.1")
    assert g.verdict == "dropped"
    anna, cleo = TestClient(create_app(engine)), TestClient(create_app(engine))
    a_csrf, c_csrf = login(anna, "anna"), login(cleo, "cleo")
    a_page, c_page = open_page(anna, g.anchor), open_page(cleo, g.anchor)  # both open the goal
    assert a_page["version"] == c_page["version"] == "0"

    r = anna.post("/goal/edit", data={"csrf": a_csrf, "anchor": g.anchor, "verdict": "met",
                                      "reason": "checked the page", **a_page}, follow_redirects=False)
    assert r.status_code == 303
    r = cleo.post("/goal/edit", data={"csrf": c_csrf, "anchor": g.anchor, "verdict": "not_met", **c_page},
                  follow_redirects=False)
    assert r.status_code == 409  # refused, and she is told by whom, when, and both values
    assert "Not saved" in r.text and "anna" in r.text and "checked the page" in r.text and "not_met" in r.text
    assert effective(engine, g.anchor)["verdict"] == "met"  # anna's correction stands
    log = audit(engine, g.anchor)
    assert [(u, a) for u, a, *_ in log] == [("anna", "set"), ("cleo", "conflict")]
    assert json.loads(log[1][3]) == {"verdict": "not_met"} and json.loads(log[1][2]) == {"verdict": "met"}

    # cleo re-applies hers from the conflict page: a new audit row with both values
    reapply = hidden_inputs(r.text, "reapply-form")
    assert reapply["version"] != "0" and "verdict" in reapply
    r = cleo.post("/goal/edit", data=reapply, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert effective(engine, g.anchor)["verdict"] == "not_met"
    user, action, old, new, reason = audit(engine, g.anchor)[-1]
    assert (user, action, old, new) == ("cleo", "set", "met", "not_met") and "anna" in (reason or "")

    # anna's old tab: the confirm shortcut `c` submits the confirm form at the version she opened
    r = anna.post("/goal/flag", data={"csrf": a_csrf, "anchor": g.anchor, "action": "confirm", **a_page},
                  follow_redirects=False)
    assert r.status_code == 409 and effective(engine, g.anchor)["review_state"] == "corrected"
    keep = re.search(r'id="keep-current" href="([^"]+)"', r.text).group(1)  # type: ignore[union-attr]
    assert anna.get(html.unescape(keep)).status_code == 200  # keeping the current values: back to the goal
    r = anna.post("/goal/flag", data={"csrf": a_csrf, "anchor": g.anchor, "action": "not_goal", **a_page},
                  headers={"accept": "application/json"})
    assert r.status_code == 409 and r.json()["changed_by"] == "cleo"
    assert [f["field"] for f in r.json()["fields"] if f["reapply"]] == ["not_goal"]
    assert effective(engine, g.anchor) is not None  # still a goal
    assert [a for _, a, *_ in audit(engine, g.anchor)] == ["set", "conflict", "set", "conflict", "conflict"]


def test_a_stale_form_reapplies_only_what_its_reviewer_changed(archive: Engine) -> None:
    """Cleo changed the theme from a page opened before anna changed the title: re-applying hers keeps
    anna's title (cleo's form still held the old one) and sets cleo's theme."""
    engine = archive
    g = first_goal(engine)
    anna, cleo = TestClient(create_app(engine)), TestClient(create_app(engine))
    a_csrf, c_csrf = login(anna, "anna"), login(cleo, "cleo")
    old = open_page(cleo, g.anchor)
    r = anna.post("/goal/edit", data={"csrf": a_csrf, "anchor": g.anchor, "title": "Annas titel",
                                      "theme": g.theme or "", **open_page(anna, g.anchor)}, follow_redirects=False)
    assert r.status_code == 303
    r = cleo.post("/goal/edit", data={"csrf": c_csrf, "anchor": g.anchor, "title": g.title or "",
                                      "theme": "Cleos tema", "verdict": g.verdict, **old})
    assert r.status_code == 409
    reapply = hidden_inputs(r.text, "reapply-form")
    assert "theme" in reapply and "title" not in reapply and "verdict" not in reapply
    assert cleo.post("/goal/edit", data=reapply, follow_redirects=False).status_code == 303
    now = effective(engine, g.anchor)
    assert (now["title"], now["theme"], now["verdict"]) == ("Annas titel", "Cleos tema", g.verdict)
    # a form without a version (an old page, a hand-made POST) is never applied blindly
    r = cleo.post("/goal/edit", data={"csrf": c_csrf, "anchor": g.anchor, "title": "uden version"})
    assert r.status_code == 409 and effective(engine, g.anchor)["title"] == "Annas titel"


def test_items_split_and_merge_follow_the_same_rule(archive: Engine) -> None:
    engine = archive
    anna, cleo = TestClient(create_app(engine)), TestClient(create_app(engine))
    a_csrf, c_csrf = login(anna, "anna"), login(cleo, "cleo")
    with Session(engine) as s:
        item = s.scalars(select(AgendaItemRow).order_by(AgendaItemRow.seq)).first()
    assert item is not None
    stale = open_page(cleo, item.anchor, "item")
    r = anna.post("/item/edit", data={"csrf": a_csrf, "anchor": item.anchor, "title": "Rettet titel",
                                      **open_page(anna, item.anchor, "item")}, follow_redirects=False)
    assert r.status_code == 303
    r = cleo.post("/item/flag", data={"csrf": c_csrf, "anchor": item.anchor, "action": "false_item", **stale})
    assert r.status_code == 409 and "Rettet titel" in r.text
    with engine.connect() as c:
        assert c.execute(text("SELECT title FROM v_agenda_items WHERE anchor = :a"),
                         {"a": item.anchor}).scalar() == "Rettet titel"

    a, b = first_goal(engine, "1.1"), first_goal(engine, "1.2")
    stale = open_page(cleo, a.anchor)
    assert f"version:{b.anchor}" in stale  # the merge form carries the other goal's version too
    r = anna.post("/goal/edit", data={"csrf": a_csrf, "anchor": b.anchor, "verdict": "partly_met",
                                      **open_page(anna, b.anchor)}, follow_redirects=False)
    assert r.status_code == 303
    r = cleo.post("/goal/merge", data={"csrf": c_csrf, "anchor": a.anchor, "other": b.anchor, **stale})
    assert r.status_code == 409 and effective(engine, b.anchor) is not None  # b was not merged away unseen
    r = cleo.post("/goal/split", data={"csrf": c_csrf, "anchor": b.anchor, "first": "x", "second": "y",
                                       "version": stale[f"version:{b.anchor}"]})
    assert r.status_code == 409 and effective(engine, b.anchor)["text"] == b.text


def test_an_added_goal_and_its_withdrawal_move_its_version(archive: Engine) -> None:
    """Writes without a form version (adding a goal, withdrawing it from the log) still move the
    goal's version, so a page opened before them is refused."""
    engine = archive
    anna, cleo = TestClient(create_app(engine)), TestClient(create_app(engine))
    a_csrf, c_csrf = login(anna, "anna"), login(cleo, "cleo")
    with engine.connect() as c:
        sha = c.execute(text("SELECT sha256 FROM documents")).scalar()
    r = anna.post("/goal/add", data={"csrf": a_csrf, "document_sha256": sha, "text": "Et mål parseren overså.",
                                     "verdict": "none"}, follow_redirects=False)
    assert r.status_code == 303
    added = re.search(r"anchor=([^&]+)", r.headers["location"]).group(1)  # type: ignore[union-attr]
    added = html.unescape(httpx.URL(f"/?anchor={added}").params["anchor"])
    stale = open_page(cleo, added)
    with engine.connect() as c:
        rid = c.execute(text("SELECT id FROM review_goals WHERE anchor = :a"), {"a": added}).scalar()
    r = anna.post("/orphan/withdraw", data={"csrf": a_csrf, "kind": "added_goal", "id": str(rid)},
                  follow_redirects=False)
    assert r.status_code == 303 and effective(engine, added) is None
    r = cleo.post("/goal/edit", data={"csrf": c_csrf, "anchor": added, "title": "Cleos titel", **stale})
    assert r.status_code == 409 and "not_goal" in r.text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(archive: Engine) -> Iterator[str]:
    """`maalspor review` itself, on loopback, over the archive."""
    port = _free_port()
    db = archive.url.render_as_string(hide_password=False)
    proc = subprocess.Popen([sys.executable, "-m", "ingest.cli", "review", "--db", db, "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{url}/login", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    pytest.fail(f"the review app exited: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_load_concurrent_sessions_lose_nothing(archive: Engine, server: str) -> None:
    """8 sessions x 50 saves on 4 goals: every save is accepted or refused as a conflict, none fails;
    each goal ends with its last accepted save, accepted saves form one chain of versions per goal
    (no two accepted from the same version: no lost update), and the log holds every attempt."""
    engine = archive
    with Session(engine) as s:
        anchors = list(s.scalars(select(GoalRow.anchor).where(GoalRow.plan_year == 2023)
                                 .order_by(GoalRow.seq).limit(GOALS)))
    accepted: list[tuple[str, int, int, str]] = []  # anchor, version seen, version after, title
    refused: list[tuple[str, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    names = ["anna", "cleo"]

    def reviewer(k: int) -> None:
        try:
            with httpx.Client(base_url=server, timeout=30) as client:
                csrf = login(client, names[k % 2])
                known = {a: int(open_page(client, a)["version"]) for a in anchors}
                for i in range(SAVES):
                    anchor = anchors[(i + k) % GOALS] if i % 3 else anchors[0]  # goal 0 is the hot one
                    title = f"s{k}-{i}"
                    r = client.post("/goal/edit", headers={"accept": "application/json"},
                                    data={"csrf": csrf, "anchor": anchor, "title": title,
                                          "version": str(known[anchor])})
                    with lock:
                        if r.status_code == 200:
                            accepted.append((anchor, known[anchor], r.json()["version"], title))
                            known[anchor] = r.json()["version"]
                        elif r.status_code == 409:
                            refused.append((anchor, known[anchor]))
                            known[anchor] = r.json()["version"]  # as a reload of the page would
                        else:
                            errors.append(f"{r.status_code}: {r.text[:200]}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
            with lock:
                errors.append(repr(exc))

    threads = [threading.Thread(target=reviewer, args=(k,), daemon=True) for k in range(SESSIONS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, LOAD_TIMEOUT - (time.perf_counter() - start)))
    assert not any(t.is_alive() for t in threads), "the load test did not finish in time"
    seconds = time.perf_counter() - start
    print(f"\nload test on {engine.dialect.name}: {SESSIONS} sessions x {SAVES} saves on {GOALS} goals in "
          f"{seconds:.1f} s: {len(accepted)} accepted, {len(refused)} refused as conflicts, {len(errors)} errors")
    assert errors == []
    assert len(accepted) + len(refused) == SESSIONS * SAVES
    assert accepted and refused  # both happen under contention
    with Session(engine) as s:
        logged: dict[tuple[str, str], int] = {}
        for anchor, action, n in s.execute(text(
                "SELECT anchor, action, COUNT(*) FROM review_audit GROUP BY anchor, action")):
            logged[(anchor, action)] = n
    for anchor in anchors:
        mine = sorted((a for a in accepted if a[0] == anchor), key=lambda a: a[2])
        chain = [a[1] for a in mine]
        assert chain == [0] + [a[2] for a in mine[:-1]], f"accepted saves of {anchor} do not form one chain"
        if mine:
            assert effective(engine, anchor)["title"] == mine[-1][3]  # the last accepted save is what it holds
        assert logged.get((anchor, "set"), 0) == len(mine)
        assert logged.get((anchor, "conflict"), 0) == sum(1 for r in refused if r[0] == anchor)


def test_link_decisions_are_never_made_over_an_unseen_one(archive: Engine) -> None:
    from typer.testing import CliRunner

    from ingest.cli import app as cli

    url = archive.url.render_as_string(hide_password=False)
    a, b = first_goal(archive, "1.2", 2023), first_goal(archive, "2.2", 2024)

    def link_set(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["link-set", a.anchor, b.anchor, *args, "--db", url])
        return result.exit_code, " ".join(result.output.split())

    def state_and_version() -> tuple[str, int]:
        result = CliRunner().invoke(cli, ["export", "links", "--db", url])
        rows = [json.loads(line) for line in result.output.splitlines()]
        return next((r["state"], r["version"]) for r in rows if (r["from_anchor"], r["to_anchor"]) ==
                    (a.anchor, b.anchor))

    code, out = link_set("confirmed", "--user", "anna", "--version", "0")
    assert code == 0 and "now confirmed" in out and "version 1" in out
    assert state_and_version() == ("confirmed", 1)
    code, out = link_set("rejected", "--user", "cleo", "--version", "0")  # decided on what she saw before
    assert code == 1 and "not changed: anna set" in out and "to confirmed" in out and "--version 1" in out
    code, out = link_set("rejected", "--user", "cleo")  # without a version: anna decided it last
    assert code == 1 and "not changed" in out
    assert state_and_version() == ("confirmed", 1)
    code, out = link_set("rejected", "--user", "cleo", "--version", "1")  # having seen anna's decision
    assert code == 0 and "now rejected" in out
    code, out = link_set("proposed", "--user", "cleo")  # her own last decision
    assert code == 0 and state_and_version() == ("proposed", 3)
    with Session(archive) as s:
        log = [(r.user_name, r.action, r.old_value, r.new_value) for r in s.scalars(
            select(ReviewAuditRow).where(ReviewAuditRow.target == "link").order_by(ReviewAuditRow.id))]
    assert log == [("anna", "link", None, "confirmed"), ("cleo", "conflict", "confirmed", "rejected"),
                   ("cleo", "conflict", "confirmed", "rejected"), ("cleo", "link", "confirmed", "rejected"),
                   ("cleo", "link", "rejected", "proposed")]
