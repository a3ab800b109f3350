"""`tracer serve`: the portal over one workspace, for people who never open a terminal (Starlette on uvicorn).

Employees sign in with the company's identity provider and acknowledge the policies they owe; management sees
the dashboard; an auditor with a signed, expiring link sees the control matrix and flags items. It reads the
same store and registers as the CLI and writes only through the same functions (lock, redaction, history).
Sessions are signed cookies (HttpOnly, SameSite=Lax, Secure unless the portal's URL is plain http), every form
carries a CSRF token, sign-in is rate-limited, and every string from outside is escaped by the templates."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import TracerError
from evidence_tracer.evidence.lock import STATE_DIR
from evidence_tracer.report.policy_html import policy_blocks
from evidence_tracer.web import views
from evidence_tracer.web.oidc import Provider, SignInRefused, authorization_url, discover, sign_in
from evidence_tracer.web.security import RateLimit, auditor_expiry, csrf_token, portal_secret, same

Clock = Callable[[], datetime]
SESSION_HOURS = 8


def create_app(workspace: Path, clock: Clock = lambda: datetime.now(UTC)) -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    from evidence_tracer.policies import status as policy_status
    from evidence_tracer.report.html import stylesheet
    from evidence_tracer.report.inert import inert

    config = Workspace(workspace).config
    portal = config.portal
    secret = portal_secret(workspace / STATE_DIR)
    limiter = RateLimit(clock)
    templates = Environment(
        loader=PackageLoader("evidence_tracer.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        finalize=inert,
    )
    css = stylesheet()
    providers: dict[str, Provider] = {}

    def page(template: str, status: int = 200, **values: Any) -> HTMLResponse:
        body = templates.get_template(f"{template}.html.j2").render(css=css, company=config.company.name, **values)
        return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    def refused(why: str, status: int = 403) -> HTMLResponse:
        return page("refused", status, why=why)

    def ws() -> Workspace:
        return Workspace(workspace)  # one per request: the registers and store as they are now

    def who(request: Request) -> dict[str, Any] | None:
        user = request.session.get("user")
        if not user or float(user.get("until", 0)) < clock().timestamp():
            return None
        return dict(user)

    def auditing(request: Request) -> bool:
        """An auditor's session made from a genuine link, not yet expired."""
        return float(request.session.get("auditor", 0)) >= clock().timestamp()

    def csrf(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = csrf_token()
        return str(token)

    async def provider() -> Provider:
        if portal.issuer is None or not portal.client_id:
            raise SignInRefused("tracer.yaml portal.issuer and portal.client_id are not set: nobody can sign in")
        if portal.issuer not in providers:
            providers[portal.issuer] = await discover(portal.issuer)
        return providers[portal.issuer]

    async def home(request: Request) -> Response:
        user = who(request)
        if user is None:
            return page("login", issuer=portal.issuer or "(no identity provider configured)")
        return RedirectResponse("/dashboard" if user.get("management") else "/me", status_code=303)

    async def login(request: Request) -> Response:
        if not limiter.allow(request.client.host if request.client else "?"):
            return refused("Too many sign-in attempts: wait a minute.", 429)
        try:
            found = await provider()
        except SignInRefused as exc:
            return refused(str(exc), 503)
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        request.session["oidc"] = {"state": state, "nonce": nonce, "verifier": verifier}
        url = authorization_url(found, portal.client_id, f"{portal.public_url}/callback", state, nonce, verifier)
        return RedirectResponse(url, status_code=303)

    async def callback(request: Request) -> Response:
        if not limiter.allow(request.client.host if request.client else "?"):
            return refused("Too many sign-in attempts: wait a minute.", 429)
        pending = request.session.pop("oidc", None)
        if not pending or not same(request.query_params.get("state"), pending.get("state")):
            return refused("This sign-in was not started here (the state does not match). Sign in again.")
        secret_value = os.environ.get(portal.client_secret_env, "")
        try:
            identity = await sign_in(
                await provider(),
                portal.client_id,
                secret_value,
                f"{portal.public_url}/callback",
                request.query_params.get("code", ""),
                pending["verifier"],
                pending["nonce"],
            )
        except SignInRefused as exc:
            return refused(str(exc))
        now = clock()
        person = views.active_person(ws(), identity.email, now)
        if person is None:
            return refused(f"{identity.email} is not an active person in the people register: ask the security owner.")
        request.session.clear()
        request.session["user"] = {
            "email": person.email,
            "issuer": identity.issuer,
            "subject": identity.subject,
            "management": person.management,
            "until": now.timestamp() + SESSION_HOURS * 3600,
        }
        return RedirectResponse("/", status_code=303)

    async def me(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/", status_code=303)
        return page("me", user=user, owed=views.owed(ws(), user["email"], clock()))

    async def policy(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/", status_code=303)
        name = request.path_params["name"]
        current = ws()
        owed = {o.name: o for o in views.owed(current, user["email"], clock())}
        statuses = {s.name: s for s in current.policy_statuses(clock())}
        if name not in statuses:
            return refused("No such policy.", 404)
        text = views.policy_text(current, name) if statuses[name].file_sha256 else ""
        return page(
            "policy",
            user=user,
            name=name,
            title=statuses[name].title,
            blocks=policy_blocks(text),
            owed=owed.get(name),
            csrf=csrf(request),
        )

    async def acknowledge(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/", status_code=303)
        form = await request.form()
        if not same(str(form.get("csrf", "")), request.session.get("csrf")):
            return refused("The form expired (CSRF check). Open the policy again.", 400)
        name = request.path_params["name"]
        if name not in {o.name for o in views.owed(ws(), user["email"], clock())}:
            return refused("You do not owe an acknowledgment of this policy's current text.", 409)
        try:
            policy_status.acknowledge(
                workspace, name, user["email"], clock(), signed_in=(user["issuer"], user["subject"])
            )
        except TracerError as exc:
            return refused(str(exc), 409)
        return RedirectResponse("/me", status_code=303)

    async def training(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/", status_code=303)
        current = ws()
        questions = views.training_questions(current)
        wrong: list[str] = []
        if request.method == "POST":
            form = await request.form()
            if not same(str(form.get("csrf", "")), request.session.get("csrf")):
                return refused("The form expired (CSRF check). Open the training again.", 400)
            wrong = [q.text for q in questions if str(form.get(q.id, "")) != q.answer]
            if not wrong:
                views.record_training(current, user["email"], clock())
                return RedirectResponse("/me", status_code=303)
        text = views.policy_text(current, "security_training") if (current.path / "policies").is_dir() else ""
        return page(
            "training", user=user, blocks=policy_blocks(text), questions=questions, wrong=wrong, csrf=csrf(request)
        )

    async def dashboard(request: Request) -> Response:
        user = who(request)
        if user is None:
            return RedirectResponse("/", status_code=303)
        if not user.get("management"):
            return refused("The dashboard is for management.")
        return page("dashboard", user=user, d=views.dashboard(ws(), clock()))

    async def auditor(request: Request) -> Response:
        token = request.query_params.get("token")
        if token is not None:
            expiry = auditor_expiry(secret, token, clock())
            if expiry is None:
                return refused("This auditor link is not valid or has expired: ask the company for a new one.")
            request.session.clear()
            request.session["auditor"] = expiry.timestamp()
            return RedirectResponse("/auditor", status_code=303)
        if not auditing(request):
            return refused("This auditor session has expired: ask the company for a new link.")
        from evidence_tracer.period.populations import POPULATIONS

        current = ws()
        return page(
            "auditor",
            rows=views.matrix(current, clock()),
            csrf=csrf(request),
            flagged=views.read_flags(workspace),
            populations=list(POPULATIONS),
            period=views.period_of(current, clock()),
            samples=views.samples(current, clock()),
        )

    async def population(request: Request) -> Response:
        from starlette.responses import JSONResponse

        from evidence_tracer.app.populations import population_of
        from evidence_tracer.period.populations import POPULATIONS

        if not auditing(request):
            return refused("This auditor session has expired: ask the company for a new link.")
        name = request.path_params["name"]
        if name not in POPULATIONS:
            return refused("No such population.", 404)
        start, end = views.period_of(ws(), clock())
        found = population_of(ws(), name, start, end, clock())
        return JSONResponse({"ipe": found.ipe(), "rows": [views.jsonable(r) for r in found.rows]})

    async def flag(request: Request) -> Response:
        if not auditing(request):
            return refused("This auditor session has expired.")
        form = await request.form()
        if not same(str(form.get("csrf", "")), request.session.get("csrf")):
            return refused("The form expired (CSRF check).", 400)
        views.add_flag(workspace, str(form.get("control", "")), str(form.get("comment", "")), clock())
        return RedirectResponse("/auditor", status_code=303)

    async def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/", status_code=303)

    routes = [
        Route("/", home),
        Route("/login", login),
        Route("/callback", callback),
        Route("/me", me),
        Route("/policies/{name}", policy),
        Route("/policies/{name}/ack", acknowledge, methods=["POST"]),
        Route("/training", training, methods=["GET", "POST"]),
        Route("/dashboard", dashboard),
        Route("/auditor", auditor),
        Route("/auditor/flag", flag, methods=["POST"]),
        Route("/auditor/populations/{name}", population),
        Route("/logout", logout, methods=["POST", "GET"]),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=secret.hex(),
            session_cookie="tracer_session",
            max_age=SESSION_HOURS * 3600,
            same_site="lax",
            https_only=portal.public_url.startswith("https://"),
        )
    ]
    return Starlette(routes=routes, middleware=middleware)
