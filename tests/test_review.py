"""The review overlay and app on a real corpus document: corrections survive re-imports, lost anchors
are listed not dropped, every write needs a session, a CSRF token and the reviewer role, document
strings are escaped, and a reviewed document exported as gold scores 1.0 against itself."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ingest.cli import app as cli
from models.db import make_engine
from models.schema import CorrectionRow, GoalRow, ReviewAuditRow, ReviewUserRow
from review import overlay
from tests.conftest import SCORER, corpus_path

pytest.importorskip("fastapi", reason="the review extra (fastapi, jinja2, argon2-cffi) is not installed")
from fastapi.testclient import TestClient  # noqa: E402

from review.app import create_app  # noqa: E402

DOC = "norddjurs_beskaeftigelsesraad_2024-08-29"
PASSWORD = "korrekt hest batteri"
runner = CliRunner()


def run(*args: str, input: str | None = None) -> str:
    result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The follow-up minutes (two tables, 47 goals with ids) ingested once; tests copy the file."""
    path = tmp_path_factory.mktemp("review") / "template.sqlite"
    run("ingest", "-q", "--db", f"sqlite:///{path}", str(corpus_path("pdf", f"{DOC}.pdf")))
    for name, role in (("anna", "reviewer"), ("bo", "analyst")):
        run("review", "add-user", name, "--role", role, "--db", f"sqlite:///{path}", input=PASSWORD + "\n")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as c:  # everything into the main file, so a plain copy holds it
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> str:
    target = tmp_path / "review.sqlite"
    shutil.copy(template_db, target)
    return f"sqlite:///{target}"


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token from the queue page."""
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"name": name, "password": password, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    page = client.get("/").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def opened(client: TestClient, anchor: str, kind: str = "goal") -> dict[str, str]:
    """The versions a page was opened at (its hidden `version` inputs), which every save carries."""
    page = client.get(f"/{kind}", params={"anchor": anchor}).text
    return {html.unescape(k): v for k, v in re.findall(r'name="(version(?::[^"]*)?)" value="(\d+)"', page)}


def goal(engine: Engine, goal_id: str, year: int) -> GoalRow:
    with Session(engine) as s:
        return s.scalars(select(GoalRow).where(GoalRow.goal_id == goal_id, GoalRow.plan_year == year)).one()


def v_goal(engine: Engine, anchor: str) -> dict | None:
    with engine.connect() as c:
        row = c.execute(text("SELECT * FROM v_goals WHERE anchor = :a"), {"a": anchor}).mappings().first()
        return dict(row) if row else None


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(CorrectionRow)) or 0,
                s.scalar(select(func.count()).select_from(ReviewAuditRow)) or 0)


def test_review_correction_survives_force_reingest(db: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "1.1", 2023)
    client = TestClient(create_app(engine))
    csrf = login(client, "anna")
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "verdict": "partly_met",
                                        **opened(client, g.anchor),
                                        "text": "Færre sager vandrer mellem teamet og nævnet.", "reason": "typo"},
                    follow_redirects=False)
    assert r.status_code == 303
    before = v_goal(engine, g.anchor)
    assert before and before["verdict"] == "partly_met" and before["review_state"] == "corrected"

    out = run("ingest", "-q", "--force", "--db", db, str(corpus_path("pdf", f"{DOC}.pdf")))
    assert "1 file: 1 ok" in out  # re-parsed: the parser's rows were deleted and written again …
    assert goal(engine, "1.1", 2023).text == g.text  # … as the parser reads them (the overlay never edits them)
    after = v_goal(engine, g.anchor)  # … and the correction is still applied
    assert after and after["verdict"] == "partly_met" and after["text"].startswith("Færre sager")
    exported = [json.loads(line) for line in run("export", "goals", "--db", db).splitlines()]
    mine = [e for e in exported if e["goal_id"] == "1.1" and e["plan_year"] == 2023]
    assert [(e["verdict"], e["review_state"]) for e in mine] == [("partly_met", "corrected")]
    assert "Færre sager" in run("goals", "--db", db, "--search", "Færre sager")
    assert "Færre sager" in client.get("/goal", params={"anchor": g.anchor}).text


def test_review_vanished_anchor_is_listed_not_lost(db: str, tmp_path: Path) -> None:
    """A changed file keeps corrections whose goal is still there; a goal that disappears leaves an orphan."""
    engine = make_engine(db)
    source = tmp_path / "minutes.txt"
    source.write_bytes(corpus_path("text", f"{DOC}.txt").read_bytes())
    run("ingest", "-q", "--db", db, str(source))
    with Session(engine) as s, s.begin():
        anchors = list(s.scalars(select(GoalRow.anchor).where(GoalRow.goal_id == "2.1", GoalRow.plan_year == 2024)))
        text_anchor = [a for a in anchors if a.startswith(_sha(source))][0]
        overlay.set_field(s, "anna", "goal", text_anchor, "verdict", "dropped", "checked against the table")

    source.write_text(source.read_text(encoding="utf-8") + "\nTilføjet efter mødet.\n", encoding="utf-8")
    out = run("ingest", "-q", "--db", db, str(source))
    assert "followed their goal" in out
    with Session(engine) as s:
        moved = s.scalars(select(CorrectionRow)).one()
    assert moved.anchor.startswith(_sha(source)) and v_goal(engine, moved.anchor)["verdict"] == "dropped"

    source.write_bytes(corpus_path("text", "norddjurs_arbejdsmarkedsafdelingen_slides_2023.txt").read_bytes())
    out = run("ingest", "-q", "--db", db, str(source))
    assert "no longer resolve" in out
    listed = run("review", "orphans", "--db", db)
    assert moved.anchor in listed and "1 correction no longer resolve" in listed
    assert counts(engine)[0] == 1  # still stored
    result = runner.invoke(cli, ["review", "diff", "--db", db])
    assert result.exit_code == 1 and "no longer found" in result.output


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@pytest.mark.parametrize("how", ["no session", "no csrf", "wrong csrf"])
def test_review_write_without_session_or_csrf_is_refused(db: str, how: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "1.1", 2023)
    client = TestClient(create_app(engine))
    data = {"anchor": g.anchor, "verdict": "met", "text": "forged"}
    if how != "no session":
        csrf = login(client, "anna")
        if how == "wrong csrf":
            data["csrf"] = csrf[::-1]
    for path in ("/goal/edit", "/goal/flag", "/item/flag"):
        r = client.post(path, data={**data, "action": "not_goal"}, follow_redirects=False)
        assert r.status_code == (401 if how == "no session" else 403), (path, r.status_code)
    assert counts(engine) == (0, 0)
    assert v_goal(engine, g.anchor)["text"] == g.text


def test_review_analyst_cannot_write(db: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "1.1", 2023)
    client = TestClient(create_app(engine))
    csrf = login(client, "bo")
    page = client.get("/goal", params={"anchor": g.anchor}).text
    assert 'action="/goal/edit"' in page and "Save corrections" not in page and "readonly" in page
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "verdict": "met"}, follow_redirects=False)
    assert r.status_code == 403 and "analyst" in r.text
    assert counts(engine) == (0, 0)


def test_review_script_in_statement_is_shown_as_text(db: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "1.2", 2023)
    client = TestClient(create_app(engine))
    csrf = login(client, "anna")
    evil = "<script>alert(1)</script> & <b>fed</b>"
    client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "text": evil, "title": evil,
                                    **opened(client, g.anchor)})
    for page in (client.get("/goal", params={"anchor": g.anchor}), client.get("/"), client.get("/log")):
        assert "<script>alert(1)" not in page.text and "<b>fed" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_review_login_is_rate_limited_and_cookies_are_strict(db: str) -> None:
    client = TestClient(create_app(make_engine(db)))
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    for _ in range(5):
        r = client.post("/login", data={"name": "anna", "password": "wrong", "csrf": token}, follow_redirects=False)
        assert r.headers["location"] == "/login?error=1"
    r = client.post("/login", data={"name": "anna", "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert r.status_code == 429
    fresh = TestClient(create_app(make_engine(db)))
    token = re.search(r'name="csrf" value="([^"]+)"', fresh.get("/login").text).group(1)  # type: ignore[union-attr]
    r = fresh.post("/login", data={"name": "anna", "password": PASSWORD, "csrf": token}, follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    with Session(make_engine(db)) as s:
        assert s.scalars(select(ReviewUserRow.password_hash)).first().startswith("$argon2id$")  # type: ignore[union-attr]


def test_review_page_image_marks_the_goal_lines(db: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "2.1", 2024)
    client = TestClient(create_app(engine))
    assert client.get("/page.png", params={"anchor": g.anchor}).status_code == 401
    login(client, "anna")
    r = client.get("/page.png", params={"anchor": g.anchor})
    assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.headers["x-lines-found"] == "True"
    page = client.get("/goal", params={"anchor": g.anchor}).text
    mark = re.search(r'data-mark-top="([0-9.]+)"', page)
    assert mark and 0 < float(mark.group(1)) < 1  # the panel scrolls the marked lines into view
    after = client.get("/page.png", params={"anchor": g.anchor, "continuation": 1})
    assert after.status_code == 200 and int(after.headers["x-page"]) == int(r.headers["x-page"]) + 1


def test_review_split_merge_add_and_false_item(db: str) -> None:
    engine = make_engine(db)
    a, b = goal(engine, "1.1", 2023), goal(engine, "1.2", 2023)
    client = TestClient(create_app(engine))
    csrf = login(client, "anna")
    for path, data in (("/goal/split", {"first": "Første del.", "second": "Anden del."}),
                       ("/goal/merge", {"other": b.anchor})):
        r = client.post(path, data={"csrf": csrf, "anchor": a.anchor, **data, **opened(client, a.anchor)},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
    with engine.connect() as c:
        items = c.execute(text("SELECT anchor, number FROM v_agenda_items ORDER BY seq")).all()
    client.post("/item/flag", data={"csrf": csrf, "anchor": items[0].anchor, "action": "false_item",
                                    **opened(client, items[0].anchor, "item")})
    exported = [json.loads(line) for line in run("export", "goals", "--db", db).splitlines()]
    texts = [e["text"] for e in exported]
    assert f"Første del. {b.text}" in texts and "Anden del." in texts and b.text not in texts
    assert v_goal(engine, b.anchor) is None
    numbers = [json.loads(line)["number"] for line in run("export", "items", "--db", db).splitlines()]
    assert numbers == [i.number for i in items[1:]]
    log = run("review", "log", "--db", db)
    assert "not_goal" in log and "false_item" in log and "add_goal" in log and "anna" in log


def test_review_export_gold_of_reviewed_document_scores_one(db: str, tmp_path: Path) -> None:
    engine = make_engine(db)
    with Session(engine) as s, s.begin():
        for g in s.scalars(select(GoalRow)).all():
            overlay.set_field(s, "anna", "goal", g.anchor, "confirmed", "1")
        first = s.scalars(select(GoalRow).order_by(GoalRow.seq)).first()
        overlay.set_field(s, "anna", "goal", first.anchor, "verdict", "expected_met", "reviewed")  # type: ignore
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    gold_file = gold_dir / f"{DOC}.gold.json"
    run("review", "export-gold", f"{DOC}.pdf", "-o", str(gold_file), "--db", db)
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    pred, items = tmp_path / "goals.jsonl", tmp_path / "items.jsonl"
    run("export", "goals", "--db", db, "-o", str(pred))
    assert gold["doc"] == f"{DOC}.pdf" and gold["goals"][0]["verdict"] == "expected_met"
    assert len(gold["goals"]) == len(pred.read_text(encoding="utf-8").splitlines()) > 0
    run("export", "items", "--db", db, "-o", str(items))
    out = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold_dir), "--pred", str(pred), "--items",
                          str(items), "--json"], check=True, capture_output=True, text=True).stdout
    score = json.loads(out)
    for key in ("goal_recall", "goal_precision", "verdict_accuracy", "text_similarity", "plan_year_accuracy",
                "item_f1"):
        assert score[key] == 1.0, (key, score)
    # the parser disagrees with the reviewers exactly where they corrected it
    result = runner.invoke(cli, ["review", "diff", "--db", db])
    assert result.exit_code == 1 and "1 disagreement" in result.output and "expected_met" in result.output


@pytest.mark.postgresql
def test_review_views_on_postgresql(pg_url: str) -> None:
    """The effective views are plain SQL; they run on PostgreSQL too (the session's throw-away cluster,
    or the server $MAALSPOR_TEST_PG names)."""
    test_url = pg_url
    run("ingest", "-q", "--db", test_url, str(corpus_path("text", f"{DOC}.txt")))
    engine = make_engine(test_url)
    g = goal(engine, "1.1", 2023)
    with Session(engine) as s, s.begin():
        overlay.set_field(s, "anna", "goal", g.anchor, "plan_year", "2022")
        overlay.set_field(s, "anna", "goal", g.anchor, "verdict", "met")
        overlay.add_goal(s, "anna", s.scalar(text("SELECT sha256 FROM documents")), "Nyt mål", {"item_number": "3"})
        overlay.set_field(s, "anna", "item", s.scalar(text("SELECT anchor FROM agenda_items ORDER BY seq")),
                          "false_item", "1")
    run("ingest", "-q", "--force", "--db", test_url, str(corpus_path("text", f"{DOC}.txt")))
    with engine.connect() as c:
        fixed = c.execute(text("SELECT plan_year, verdict, review_state FROM v_goals WHERE anchor = :a"),
                          {"a": g.anchor}).one()
        added = c.execute(text("SELECT agenda_item, source FROM v_goals WHERE id < 0")).one()
        hidden = c.execute(text("SELECT COUNT(*) FROM agenda_items")).scalar_one() - \
            c.execute(text("SELECT COUNT(*) FROM v_agenda_items")).scalar_one()
    assert tuple(fixed) == (2022, "met", "corrected") and tuple(added) == ("3", "reviewer") and hidden == 1
    engine.dispose()


def test_review_figures_corrected_and_unchanged_form_adds_nothing(db: str) -> None:
    engine = make_engine(db)
    g = goal(engine, "2.1", 2023)
    client = TestClient(create_app(engine))
    csrf = login(client, "anna")
    page = client.get("/goal", params={"anchor": g.anchor}).text
    shown = html.unescape(re.search(r'<textarea name="figures"[^>]*>([^<]*)</textarea>', page).group(1))  # type: ignore
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "figures": shown.replace("\n", "\r\n"),
                                        **opened(client, g.anchor),
                                        "text": g.text, "verdict": g.verdict}, follow_redirects=False)
    assert r.status_code == 303 and counts(engine) == (0, 0)  # the form as shown changes nothing
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "figures": "target: 75 %\nfoo: 3",
                                        **opened(client, g.anchor)})
    assert r.status_code == 400 and "target:, observed: or window:" in r.text and counts(engine) == (0, 0)
    fixed = "target: 75 %\nobserved: 60,5 % i 2023"
    client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, "figures": fixed, **opened(client, g.anchor)})
    exported = [json.loads(line) for line in run("export", "goals", "--db", db).splitlines()]
    mine = next(e for e in exported if e["goal_id"] == "2.1" and e["plan_year"] == 2023)
    assert [(f["role"], f["value"], f["unit"]) for f in mine["figures"]] == [("target", 75.0, "percent"),
                                                                          ("observed", 60.5, "percent")]
    assert mine["review_state"] == "corrected"


def test_review_item_page_shows_its_pdf_page(db: str) -> None:
    engine = make_engine(db)
    client = TestClient(create_app(engine))
    login(client, "anna")
    with engine.connect() as c:
        anchor = c.execute(text("SELECT anchor FROM agenda_items ORDER BY seq")).scalars().first()
    page = client.get("/item", params={"anchor": anchor})
    assert page.status_code == 200 and 'src="/item.png?' in page.text
    image = client.get("/item.png", params={"anchor": anchor})
    assert image.status_code == 200 and image.content[:4] == b"\x89PNG"


def test_review_headline_fields_shown_corrected_and_charted(db: str) -> None:
    from ingest import history

    engine = make_engine(db)
    g = goal(engine, "6.9", 2024)  # "Andelen af delvist raskmeldte øges": a direction, 12,7 % over 11 %
    client = TestClient(create_app(engine))
    csrf = login(client, "anna")
    page = client.get("/goal", params={"anchor": g.anchor}).text
    shown = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(
        r'<input name="headline_(\w+)" value="([^"]*)"', page)}
    chosen = {m.group(1): (re.findall(r"<option selected>([^<]*)</option>", m.group(2)) or [""])[0]
              for m in re.finditer(r'<select name="headline_(\w+)"[^>]*>(.*?)</select>', page, flags=re.S)}
    assert shown["observed_value"] == "12,7" and shown["baseline_value"] == "11" and chosen["target_direction"] == \
        "increase"
    form = {f"headline_{k}": v for k, v in (shown | chosen).items()}
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, **form, **opened(client, g.anchor)},
                    follow_redirects=False)
    assert r.status_code == 303 and counts(engine) == (0, 0)  # the form as shown changes nothing
    r = client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, **form, "headline_target_direction": "up",
                                        **opened(client, g.anchor)})
    assert r.status_code == 400 and "increase, decrease, hold" in r.text and counts(engine) == (0, 0)
    client.post("/goal/edit", data={"csrf": csrf, "anchor": g.anchor, **form, "headline_observed_value": "13,1",
                                    "headline_target_value": "15", "headline_target_unit": "percent",
                                    "headline_target_comparison": "at_least", "headline_target_direction": "",
                                    **opened(client, g.anchor)})
    exported = [json.loads(line) for line in run("export", "goals", "--db", db).splitlines()]
    mine = next(e for e in exported if e["goal_id"] == "6.9" and e["plan_year"] == 2024)
    assert (mine["target_value"], mine["target_comparison"], mine["target_direction"], mine["observed_value"],
            mine["observed_period"], mine["baseline_value"]) == (15.0, "at_least", None, 13.1, "1. kvartal 2024", 11.0)
    assert mine["review_state"] == "corrected" and any(f["value"] == 12.7 for f in mine["figures"])
    rows = [r for r in history.history_rows(engine, "delvist raskmeldte") if r["anchor"] == g.anchor]
    assert [(r["target_value"], r["observed_value"], r["baseline_value"]) for r in rows] == [(15.0, 13.1, 11.0)]
    from review import gold

    exported_gold, _ = gold.export_gold(engine, f"{DOC}.pdf")
    mine = next(e for e in exported_gold["goals"] if e["goal_id"] == "6.9" and e["plan_year"] == 2024)
    assert (mine["headline"]["observed_value"], mine["headline"]["target_direction"]) == (13.1, None)
    assert [d["field"] for d in gold.diff(engine) if d["anchor"] == g.anchor] == ["headline"]
    engine.dispose()
