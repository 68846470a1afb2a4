"""The review web app: queue, side-by-side view and corrections, behind accounts.

Every state-changing request is a POST carrying the session cookie and the session's CSRF token;
analysts may read everything and change nothing. Templates autoescape every value: minutes
contain `<`, `&` and anything else.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from models import headline
from models.records import HEADLINE_FIELDS
from models.schema import AgendaItemRow, DocumentRow, ReviewGoalRow
from review import overlay, queue, source, versions
from review.auth import Sessions, UserSession, check_password, csrf_ok

HERE = Path(__file__).parent
COOKIE = "maalspor_session"
LOGIN_COOKIE = "maalspor_login"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def create_app(engine: Engine, secure_cookies: bool = False) -> FastAPI:
    app = FastAPI(title="maalspor review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = engine
    app.state.sessions = Sessions()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return HTMLResponse(f"<!doctype html><title>{exc.status}</title><p>{_esc(exc.message)}</p>",
                            status_code=exc.status)

    def who(request: Request) -> UserSession | None:
        return app.state.sessions.get(request.cookies.get(COOKIE))

    def page(request: Request, name: str, user: UserSession, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"user": user, "flags": queue.FLAGS, **ctx})

    async def writer(request: Request) -> tuple[UserSession, dict[str, str]]:
        """The session and form of a state-changing request, or a refusal before anything is touched."""
        user = who(request)
        if user is None:
            raise Refused(401, "log in first")
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if not csrf_ok(user, form.get("csrf") or request.headers.get("x-csrf-token")):
            raise Refused(403, "the form has expired or did not come from this site; reload the page and try again")
        if user.role != "reviewer":
            raise Refused(403, f"{user.user} is an analyst: analysts can read but not change anything")
        return user, form

    def back(form: dict[str, str], anchor: str, kind: str = "goal") -> RedirectResponse:
        qs = form.get("qs", "")
        return RedirectResponse(f"/{kind}?{urlencode({'anchor': anchor})}&{qs}", status_code=303)

    # ----- login -----
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, error: str | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(request, "login.html", {"user": None, "csrf": token, "error": error})
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies)
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        cookie = request.cookies.get(LOGIN_COOKIE)
        if not cookie or not secrets.compare_digest(cookie, form.get("csrf", "")):
            raise Refused(403, "the login form has expired; reload it and try again")
        name, password = form.get("name", ""), form.get("password", "")
        client = f"ip:{request.client.host if request.client else '?'}"
        sessions: Sessions = app.state.sessions
        if sessions.limited(client, f"user:{name}"):
            raise Refused(429, "too many failed logins; wait five minutes and try again")
        role = check_password(engine, name, password)
        if role is None:
            sessions.failed(client, f"user:{name}")
            return RedirectResponse("/login?error=1", status_code=303)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, sessions.open(name, role), httponly=True, samesite="strict",
                            secure=secure_cookies)
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        user = who(request)
        form = await request.form()
        if user is None or not csrf_ok(user, str(form.get("csrf", ""))):
            raise Refused(403, "log out from the app's own button")
        app.state.sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # ----- reading -----
    def filters(request: Request) -> queue.Filters:
        q = request.query_params
        year = q.get("plan_year") or ""
        return queue.Filters(kind=q.get("kind") or "goal", municipality=q.get("municipality") or None,
                             document=q.get("document") or None, plan_year=int(year) if year.isdigit() else None,
                             verdict=q.get("verdict") or None, flag=q.get("flag") or None,
                             state=q.get("state") or None)

    def rows_for(session: Session, f: queue.Filters) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        every = queue.item_queue(session)
        return every, queue.filtered(every, f)

    def page_number(request: Request) -> int:
        n = request.query_params.get("page") or ""
        return max(1, int(n)) if n.isdigit() else 1

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> Response:
        """One page of the queue; goals are filtered, counted, ordered and paged in SQL."""
        user = who(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        f = filters(request)
        n = page_number(request)
        with Session(engine) as session:
            if f.kind == "item":  # items are fewer than goals (one per agenda point) and carry no confidence
                every, matching = rows_for(session, f)
                counts = queue.counts(queue.filtered(every, queue.Filters(**{**f.__dict__, "state": None})))
                options = {k: sorted({str(r[k]) for r in every if r.get(k) not in (None, "")})
                           for k in ("municipality", "document", "plan_year", "verdict")}
                total = len(matching)
                pages = max(1, -(-total // queue.PAGE_SIZE))
                n = min(n, pages)  # past the end (the queue shrank since the link): its last page
                rows = matching[(n - 1) * queue.PAGE_SIZE:n * queue.PAGE_SIZE]
            else:
                counts = queue.goal_counts(session, f)
                options = queue.goal_options(session)
                total = counts[f.state] if f.state in counts else sum(counts.values())
                pages = max(1, -(-total // queue.PAGE_SIZE))
                n = min(n, pages)
                rows = queue.goal_page(session, f, n)
            n_orphans = len(overlay.orphans(session))
        return page(request, "queue.html", user, rows=rows, total=total, f=f, qs=urlencode(f.query()),
                    counts=counts, options=options, states=queue.STATES, page_no=n, pages=pages,
                    first=(n - 1) * queue.PAGE_SIZE + 1,
                    orphans=n_orphans, verdicts=overlay.VERDICTS)

    def neighbours(rows: list[dict[str, Any]], anchor: str) -> tuple[str | None, str | None, int]:
        anchors = [r["anchor"] for r in rows]
        if anchor not in anchors:
            return None, (anchors[0] if anchors else None), 0
        i = anchors.index(anchor)
        return (anchors[i - 1] if i else None), (anchors[i + 1] if i + 1 < len(anchors) else None), i + 1

    @app.get("/goal", response_class=HTMLResponse)
    def goal_page(request: Request, anchor: str) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        f = filters(request)
        f.kind = "goal"
        with Session(engine) as session:
            version = versions.version_of(session, "goal", anchor)  # before the values: see review/versions.py
            goal = overlay.effective_goal(session, anchor)
            if goal is None:
                raise Refused(404, "no such goal: it may have been re-parsed away; see the orphans list")
            doc = session.scalars(select(DocumentRow).where(DocumentRow.sha256 == goal["document_sha256"])).first()
            prev_a, next_a, pos, total = queue.goal_neighbours(session, f, anchor)
            history = overlay.audit_rows(session, 200, anchor)
            docname = queue.document_of(session, anchor)
            siblings = [r for r in (queue.goals_of_document(session, docname) if docname else [])
                        if r["anchor"] != anchor and r["state"] != "rejected"]
            sibling_versions = versions.versions_of(session, "goal", [r["anchor"] for r in siblings])
            path = source.source_file(session, goal["document_sha256"])
            text = doc.text if doc else ""
            span = source.text_span(text, *source.narrow(text, goal["start"], goal["end"], _located_by(goal)[0]))
        shown, found, mark_top = goal["page"], False, None
        if path is not None and path.suffix.lower() == ".pdf" and goal["page"]:
            try:
                _png, shown, found, mark_top = source.page_png(str(path), int(goal["page"]), *_located_by(goal))
            except Exception:  # a PDF that cannot be rendered still leaves the text span
                path = None
        page_break = any("page break" in r for r in goal["confidence_reasons"] or [])
        figures = overlay.figures_text(goal["figures"])
        parser_figures = overlay.figures_text(goal["parser"]["figures"]) if goal.get("parser") else figures
        headline_form = overlay.headline_form(goal["headline"])
        headline_parser = overlay.headline_form(goal["parser"]["headline"]) if goal.get("parser") else headline_form
        return page(request, "goal.html", user, figures=figures, parser_figures=parser_figures, shown_page=shown,
                    headline_fields=HEADLINE_FIELDS, headline_form=headline_form, headline_parser=headline_parser,
                    headline_choices={"target_comparison": headline.COMPARISONS,
                                      "target_direction": headline.DIRECTIONS},
                    lines_found=found, mark_top=mark_top, g=goal,
                    page_break=page_break,
                    doc=doc,
                    is_pdf=bool(path and path.suffix.lower() == ".pdf"),
                    span=span, prev=prev_a, next=next_a, pos=pos, total=total, qs=urlencode(f.query()),
                    history=history, verdicts=overlay.VERDICTS, fields=overlay.GOAL_FIELDS, doc_name=docname,
                    version=version, sibling_versions=sibling_versions,
                    siblings=sorted(siblings, key=lambda r: (r["plan_year"] or 0, r["goal_id"] or "")))

    @app.get("/page.png")
    def page_image(request: Request, anchor: str, continuation: int = 0) -> Response:
        if who(request) is None:
            raise Refused(401, "log in first")
        with Session(engine) as session:
            goal = overlay.effective_goal(session, anchor)
            if goal is None or not goal["page"]:
                raise Refused(404, "no page recorded for this goal")
            path = source.source_file(session, goal["document_sha256"])
        if path is None:
            raise Refused(404, "the source PDF is no longer at its recorded path")
        try:
            png, shown, found, _top = source.page_png(str(path), int(goal["page"]), *_located_by(goal),
                                                continuation=bool(continuation))
        except ValueError as exc:
            raise Refused(404, str(exc)) from exc
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=60",
                                                              "X-Page": str(shown), "X-Lines-Found": str(found)})

    @app.get("/item", response_class=HTMLResponse)
    def item_page(request: Request, anchor: str) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        f = filters(request)
        f.kind = "item"
        with Session(engine) as session:
            version = versions.version_of(session, "item", anchor)  # before the values: see review/versions.py
            _, rows = rows_for(session, f)
            row = next((r for r in rows if r["anchor"] == anchor), None)
            if row is None:
                row = next((r for r in queue.item_queue(session) if r["anchor"] == anchor), None)
            if row is None:
                raise Refused(404, "no such agenda item")
            base = session.scalars(select(AgendaItemRow).where(AgendaItemRow.anchor == anchor)).first()
            doc = session.get(DocumentRow, base.document_id) if base else None
            span = source.text_span(doc.text if doc else "", base.start if base else None,
                                    min(base.end, base.start + 1500) if base else None, 300)
            history = overlay.audit_rows(session, 200, anchor)
            path = source.source_file(session, doc.sha256) if doc else None
        prev_a, next_a, pos = neighbours(rows, anchor)
        is_pdf = bool(path and path.suffix.lower() == ".pdf")
        return page(request, "item.html", user, is_pdf=is_pdf, it=row, span=span, prev=prev_a, next=next_a, pos=pos,
                    version=version,
                    total=len(rows), qs=urlencode(f.query()), history=history)

    @app.get("/item.png")
    def item_image(request: Request, anchor: str) -> Response:
        """The item's first page with its heading marked (the parser's number and title as printed)."""
        if who(request) is None:
            raise Refused(401, "log in first")
        with Session(engine) as session:
            item = session.scalars(select(AgendaItemRow).where(AgendaItemRow.anchor == anchor)).first()
            doc = session.get(DocumentRow, item.document_id) if item else None
            path = source.source_file(session, doc.sha256) if doc else None
        if item is None or path is None:
            raise Refused(404, "the source PDF of this item is not at its recorded path")
        try:
            image = source.page_png(str(path), item.page_start, f"{item.number} {item.title}", "")
        except ValueError as exc:
            raise Refused(404, str(exc)) from exc
        return Response(image.png, media_type="image/png", headers={"Cache-Control": "private, max-age=60",
                                                                    "X-Page": str(image.page)})

    @app.get("/log", response_class=HTMLResponse)
    def log_page(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/login", status_code=303)
        with Session(engine) as session:
            return page(request, "log.html", user, rows=overlay.audit_rows(session, 500),
                        orphans=overlay.orphans(session))

    # ----- writing -----
    def commit(fn) -> None:  # type: ignore[no-untyped-def]
        """A write without a version to check (adding a goal, withdrawing an orphan)."""
        with Session(engine) as session, session.begin():
            if engine.dialect.name == "sqlite":  # the write lock before the first read (see versions.take)
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            try:
                fn(session)
            except overlay.ReviewError as exc:
                raise Refused(400, str(exc)) from exc

    def wants_json(request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    async def guarded(request: Request, user: UserSession, form: dict[str, str], target: str, anchor: str,
                      attempt: dict[str, str | None], fn, done: Response, action: str,  # type: ignore[no-untyped-def]
                      others: dict[str, dict[str, str | None]] | None = None) -> Response:
        """Apply `fn` only if nobody changed the anchor (and `others`) since the form was opened.

        A refused save gets the conflict page (or its JSON), status 409, with the values it would
        have set, the current ones and who changed them when; the page can re-apply them (a new
        save at the current version, logged with both values) or keep the current ones.
        """
        attempts = {anchor: attempt, **(others or {})}
        seen = {a: versions.seen_version(form.get("version" if a == anchor else f"version:{a}")) for a in attempts}
        reason = form.get("reason", "")
        if form.get("reapplied"):
            form["reason"] = f"re-applied over {form['reapplied']}" + (f"; {form['reason']}" if form.get("reason")
                                                                        else "")

        def work() -> tuple[versions.Conflict | None, dict[str, int]]:
            with Session(engine) as session, session.begin():
                rows = {a: versions.take(session, target, a) for a in sorted(attempts)}  # one order: no deadlock
                for a in attempts:
                    if seen[a] != rows[a].version:
                        found = versions.conflict(session, rows[a], seen[a], attempts[a])
                        versions.record_refusal(session, user.user, found, action)
                        return found, {b: r.version for b, r in rows.items()}
                try:
                    fn(session)
                except overlay.ReviewError as exc:
                    raise Refused(400, str(exc)) from exc
                return None, {a: versions.bump(session, r, user.user) for a, r in rows.items()}

        found, now = await run_in_threadpool(work)
        if found is None:
            if wants_json(request):
                return JSONResponse({"ok": True, "anchor": anchor, "version": now[anchor], "versions": now})
            return done
        hidden = {k: v for k, v in form.items() if k not in ("csrf", "reapplied") and not k.startswith("version")}
        if action == "edit":  # re-apply only what this reviewer changed, never their stale copy of the rest
            keep = {fc.field for fc in found.fields if fc.reapply}
            hidden = {k: v for k, v in hidden.items() if k not in attempt or k in keep}
        hidden.update({("version" if a == anchor else f"version:{a}"): str(v) for a, v in now.items()})
        hidden["reason"] = reason
        hidden["reapplied"] = (f"{found.changed_by}'s change of {found.changed_at:%Y-%m-%d %H:%M:%S}"
                               if found.changed_by and found.changed_at else "a newer change")
        if wants_json(request):
            return JSONResponse({**found.as_json(), "reapply": hidden}, status_code=409)
        kind = "item" if target == "item" else "goal"
        back_url = f"/{kind}?{urlencode({'anchor': anchor})}&{form.get('qs', '')}"
        response = page(request, "conflict.html", user, c=found, hidden=hidden, action_url=request.url.path,
                        back_url=back_url, kind=kind)
        response.status_code = 409
        return response

    @app.post("/goal/edit")
    async def goal_edit(request: Request) -> Response:
        user, form = await writer(request)
        anchor = form.get("anchor", "")

        def run(session: Session) -> None:
            for field in overlay.GOAL_FIELDS:
                if field in form:
                    overlay.set_field(session, user.user, "goal", anchor, field, form[field], form.get("reason"))
            # figures re-read from unchanged text could lose context (a comparison word), so only a changed text
            current = overlay.effective_goal(session, anchor)
            if "figures" in form and current is not None and current["source"] == "parser" and \
                    form["figures"].replace("\r\n", "\n").strip() != overlay.figures_text(current["figures"]).strip():
                overlay.set_field(session, user.user, "goal", anchor, "figures", form["figures"], form.get("reason"))
            if current is not None and current["source"] == "parser" and any(
                    f"headline_{f}" in form for f in HEADLINE_FIELDS):
                values = {f: form.get(f"headline_{f}", overlay.headline_form(current["headline"])[f])
                          for f in HEADLINE_FIELDS}
                overlay.set_field(session, user.user, "goal", anchor, "headline", json.dumps(values),
                                  form.get("reason"))
        attempt = {f: form[f] for f in [*overlay.GOAL_FIELDS, "figures"] if f in form}
        return await guarded(request, user, form, "goal", anchor, attempt, run, back(form, anchor), "edit")

    @app.post("/goal/flag")
    async def goal_flag(request: Request) -> Response:
        """confirm / unconfirm / not a goal / restore, and then on to the next goal when asked."""
        user, form = await writer(request)
        anchor, action = form.get("anchor", ""), form.get("action", "")
        field, value = {"confirm": ("confirmed", "1"), "unconfirm": ("confirmed", None),
                        "not_goal": ("not_goal", "1"), "restore": ("not_goal", None)}.get(action, (None, None))
        if field is None:
            raise Refused(400, f"unknown action {action!r}")
        return await guarded(request, user, form, "goal", anchor, {field: value},
                             lambda s: overlay.set_field(s, user.user, "goal", anchor, field, value,
                                                         form.get("reason")),
                             back(form, form.get("next") or anchor), action)

    @app.post("/goal/add")
    async def goal_add(request: Request) -> Response:
        user, form = await writer(request)
        result: dict[str, str] = {}

        def run(session: Session) -> None:
            fields = {k: form[k] for k in ("plan", "plan_year", "goal_id", "theme", "title", "verdict",
                                           "status_text") if form.get(k)}
            if form.get("agenda_item"):
                fields["item_number"] = form["agenda_item"]
            page_no = form.get("page", "")
            result["anchor"] = overlay.add_goal(session, user.user, form.get("document_sha256", ""),
                                                form.get("text", ""), fields,
                                                int(page_no) if page_no.isdigit() else None,
                                                reason=form.get("reason"))
        commit(run)
        return back(form, result["anchor"])

    @app.post("/goal/split")
    async def goal_split(request: Request) -> Response:
        user, form = await writer(request)
        anchor = form.get("anchor", "")
        return await guarded(request, user, form, "goal", anchor, {"text": form.get("first", "")},
                             lambda s: overlay.split_goal(s, user.user, anchor, form.get("first", ""),
                                                          form.get("second", ""), form.get("reason")),
                             back(form, anchor), "split")

    @app.post("/goal/merge")
    async def goal_merge(request: Request) -> Response:
        user, form = await writer(request)
        anchor, other = form.get("anchor", ""), form.get("other", "")
        if not other or other == anchor:
            raise Refused(400, "choose another goal of this document to merge with")
        return await guarded(request, user, form, "goal", anchor, {}, lambda s: overlay.merge_goals(
            s, user.user, anchor, other, form.get("reason")), back(form, anchor), "merge",
            others={other: {"not_goal": "1"}})

    @app.post("/item/edit")
    async def item_edit(request: Request) -> Response:
        user, form = await writer(request)
        anchor = form.get("anchor", "")

        def run(session: Session) -> None:
            for field in overlay.ITEM_FIELDS:
                if field in form:
                    overlay.set_field(session, user.user, "item", anchor, field, form[field], form.get("reason"))
        attempt = {f: form[f] for f in overlay.ITEM_FIELDS if f in form}
        return await guarded(request, user, form, "item", anchor, attempt, run, back(form, anchor, "item"), "edit")

    @app.post("/item/flag")
    async def item_flag(request: Request) -> Response:
        user, form = await writer(request)
        anchor, action = form.get("anchor", ""), form.get("action", "")
        field, value = {"confirm": ("confirmed", "1"), "unconfirm": ("confirmed", None),
                        "false_item": ("false_item", "1"), "restore": ("false_item", None)}.get(action, (None, None))
        if field is None:
            raise Refused(400, f"unknown action {action!r}")
        return await guarded(request, user, form, "item", anchor, {field: value},
                             lambda s: overlay.set_field(s, user.user, "item", anchor, field, value,
                                                         form.get("reason")),
                             back(form, form.get("next") or anchor, "item"), action)

    @app.post("/orphan/withdraw")
    async def orphan_withdraw(request: Request) -> Response:
        user, form = await writer(request)
        cid = form.get("id", "")
        if form.get("kind") == "added_goal":
            with Session(engine) as session:
                added = session.get(ReviewGoalRow, int(cid)) if cid.isdigit() else None
                anchor = added.anchor if added is not None else None

            def run(session: Session) -> None:
                if anchor is not None:  # its version row first: an open page of this goal then sees the change
                    row = versions.take(session, "goal", anchor)
                    overlay.set_field(session, user.user, "goal", anchor, "not_goal", "1", form.get("reason"))
                    versions.bump(session, row, user.user)
            commit(run)
        else:
            commit(lambda s: overlay.withdraw(s, user.user, int(cid) if cid.isdigit() else -1, form.get("reason")))
        return RedirectResponse("/log", status_code=303)

    # goal-series links (confirm / reject / add) need issue 8's goal_history; the hook is here:
    # POST /link/{confirm,reject,add} with corrections target="link", keyed by both goals' anchors.

    return app


def _located_by(goal: dict[str, Any]) -> tuple[str, str]:
    """The words to find on the page: the parser's (what is printed there), not the reviewer's fix."""
    base = goal.get("parser") or goal
    return base["text"] or "", base["status_text"] or ""


def _esc(text: str) -> str:
    from html import escape

    return escape(text, quote=True)
