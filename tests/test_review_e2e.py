"""A reviewer's session in a real browser (Playwright driving Debian's Chromium), then a re-import:
the corrections are still there in the UI, in `maalspor export goals` and in the views.

`make test` installs chromium when it runs as root; elsewhere this test skips and says why.
The review page of one corpus goal is saved to data/screenshots/ (ignored by git) for a human to look at.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ROOT, corpus_path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PASSWORD = "korrekt hest batteri"
SCREENSHOTS = ROOT / "data" / "screenshots"
NEW_STATEMENT = "Færre sager vandrer mellem rehabiliteringsteamet og pensionsnævnet (rettet)."

pytestmark = pytest.mark.slow


def maalspor(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "ingest.cli", *args], input=stdin, capture_output=True,
                            text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str, list[str]]]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (`apt-get install chromium`, done by `make test` as root)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package (dev extra) is not installed")
    pytest.importorskip("fastapi", reason="the review extra is not installed")
    files = [str(corpus_path("pdf", "norddjurs_beskaeftigelsesraad_2024-08-29.pdf")),
             str(corpus_path("pdf-real", "ballerup_sfu_referat_2012-12-04_edoc.pdf"))]
    db = f"sqlite:///{tmp_path / 'e2e.sqlite'}"
    maalspor("ingest", "-q", "--db", db, *files)
    maalspor("review", "add-user", "anna", "--role", "reviewer", "--db", db, stdin=PASSWORD + "\n")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ingest.cli", "review", "--db", db, "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/login", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the review app exited: {proc.stdout.read() if proc.stdout else ''}")
                time.sleep(0.2)
        yield url, db, files
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_review_in_browser_survives_reingest(server: tuple[str, str, list[str]]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, db, files = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1500, "height": 950})  # tabs share the login
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{url}/login")
            page.fill("input[name=name]", "anna")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".counts")).to_contain_text("unreviewed")

            # the lowest-confidence goal is the queue's first row
            page.locator("#queue tbody tr").first.locator("td.stmt a").click()
            expect(page.locator("#f-text")).to_be_visible()
            corrected_url = page.url
            stale = context.new_page()  # a second tab on the same goal, opened before the save
            stale.set_default_timeout(60_000)
            stale.goto(corrected_url)
            stale.wait_for_load_state("load")
            old_verdict = page.locator("#f-verdict").input_value()
            new_verdict = "partly_met" if old_verdict != "partly_met" else "not_met"
            page.select_option("#f-verdict", new_verdict)
            page.fill("#f-text", NEW_STATEMENT)
            page.locator("#f-text").press("Control+Enter")
            expect(page.locator(".bar .state")).to_have_text("corrected")
            expect(page.locator("#f-text")).to_have_value(NEW_STATEMENT)
            # the shortcuts are a deferred script: a key pressed before it runs is lost (1 run in 10 here)
            page.wait_for_load_state("load")

            # the older tab's `c` is refused: a conflict page with the newer values, nothing overwritten
            stale.locator("body").press("c")
            expect(stale.locator("#conflict")).to_contain_text("anna")
            expect(stale.locator("#conflict")).to_contain_text(NEW_STATEMENT)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            stale.screenshot(path=str(SCREENSHOTS / "review_conflict.png"))
            stale.click("#keep-current")
            expect(stale.locator(".bar .state")).to_have_text("corrected")
            stale.close()

            # confirm the next one with the keyboard: j (next), c (confirm and go on)
            page.locator("body").press("j")
            page.wait_for_url(lambda u: u != corrected_url)
            confirmed_url = page.url
            confirmed_text = page.locator("#f-text").input_value()
            page.locator("body").press("c")
            page.wait_for_url(lambda u: u != confirmed_url)

            # mark the first agenda item as a false item
            page.goto(f"{url}/?kind=item")
            page.locator("#queue tbody tr").first.locator("td.stmt a").click()
            item_title = page.locator("#f-text").input_value()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / "review_item.png"))
            page.click("#notgoal-form button")
            expect(page.locator(".bar .state")).to_have_text("false item")

            # a re-import replaces every parser row; the corrections stay
            out = maalspor("ingest", "-q", "--force", "--db", db, *files)
            assert "2 ok" in out.stderr
            page.goto(corrected_url)
            expect(page.locator("#f-text")).to_have_value(NEW_STATEMENT)
            expect(page.locator("#f-verdict")).to_have_value(new_verdict)
            expect(page.locator(".bar .state")).to_have_text("corrected")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / "review_goal_corrected.png"))
            page.goto(confirmed_url)
            expect(page.locator(".bar .state")).to_have_text("confirmed")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / "review_goal.png"))
            page.goto(f"{url}/")
            page.screenshot(path=str(SCREENSHOTS / "review_queue.png"))
        finally:
            browser.close()

    goals = [json.loads(line) for line in maalspor("export", "goals", "--db", db).stdout.splitlines()]
    fixed = [g for g in goals if g["text"] == NEW_STATEMENT]
    assert [(g["verdict"], g["review_state"]) for g in fixed] == [(new_verdict, "corrected")]
    assert [g["review_state"] for g in goals if g["text"] == confirmed_text] == ["confirmed"]
    items = [json.loads(line) for line in maalspor("export", "items", "--db", db).stdout.splitlines()]
    assert item_title not in [i["title"] for i in items]
    engine = create_engine(db)
    with engine.connect() as c:
        row = c.execute(text("SELECT verdict, review_state FROM v_goals WHERE text = :t"),
                        {"t": NEW_STATEMENT}).one()
        assert tuple(row) == (new_verdict, "corrected")
        assert c.execute(text("SELECT COUNT(*) FROM v_agenda_items WHERE title = :t"), {"t": item_title}).scalar() == 0
    engine.dispose()
