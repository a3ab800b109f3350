"""The portal end to end: `tracer serve`'s application on uvicorn at 127.0.0.1, a local fake OpenID Connect
provider (discovery, JWKS, RS256 ID tokens, PKCE), and Debian's chromium driven by Playwright. An employee signs
in, reads and acknowledges a policy, and the acknowledgment is in the register, `tracer policies list` and the
package; a leaver, an unknown email, a forged and an expired token are refused; the founder's dashboard draws
its trend; the auditor's link works, flags come back to the founder, and the link expires."""

from __future__ import annotations

import csv
import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.fakes.oidc import FakeOidc, oidc_api
from evidence_tracer.fakes.server import serve
from evidence_tracer.web.security import auditor_token, portal_secret
from tests.browser import FLAGS, chromium
from tests.cli.conftest import tracer_in_process
from tests.png import pixels

FOUNDER, ENGINEER, LEAVER = "alice.founder@acme.example", "bob.engineer@acme.example", "carol.contractor@acme.example"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Portal:
    url: str
    fake: FakeOidc
    clock: Clock
    workspace: Path
    issuer: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def portal(copy_demo: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Portal]:
    import uvicorn

    from evidence_tracer.web.app import create_app

    fake = FakeOidc()
    port = _free_port()
    with serve(oidc_api(fake)) as provider:
        config = copy_demo / "tracer.yaml"
        config.write_text(
            config.read_text()
            + f'\nportal:\n  issuer: "{provider.base_url}"\n  client_id: "{fake.client_id}"\n'
            + f'  public_url: "http://127.0.0.1:{port}"\n'
        )
        monkeypatch.setenv("TRACER_OIDC_CLIENT_SECRET", fake.client_secret)
        clock = Clock()
        server = uvicorn.Server(
            uvicorn.Config(create_app(copy_demo, clock), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            threading.Event().wait(0.02)
        try:
            yield Portal(f"http://127.0.0.1:{port}", fake, clock, copy_demo, provider.base_url)
        finally:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=[f for f in FLAGS if f != "--headless"])
        try:
            yield launched
        finally:
            launched.close()


def sign_in(browser: Any, portal: Portal, email: str) -> Any:
    portal.fake.email = email
    page = browser.new_context().new_page()
    page.goto(portal.url + "/")
    page.click("#sign-in")
    page.wait_for_load_state()
    return page


def test_an_employee_signs_in_and_acknowledges_a_policy(portal: Portal, browser: Any, tmp_path: Path) -> None:
    page = sign_in(browser, portal, ENGINEER)
    assert page.url.endswith("/me"), page.content()
    owed = page.locator("#owed a")
    before = owed.count()
    assert before >= 1
    name = owed.first.get_attribute("href").rsplit("/", 1)[-1]
    owed.first.click()
    assert page.locator("#policy h2").count() >= 1
    page.click("#acknowledge")
    page.wait_for_url("**/me")
    assert page.locator("#owed a").count() == before - 1 if before > 1 else page.locator("#done").count() == 1
    ws = Workspace(portal.workspace)
    (ack,) = [a for a in ws.policy_register.acknowledgments if a.person == ENGINEER and a.policy == name]
    assert ack.method == f"signed in through {portal.issuer}" and ack.issuer == portal.issuer and ack.subject
    status = tracer_in_process("policies", "list", "-w", str(portal.workspace))
    assert status.returncode == 0
    out = tmp_path / "pkg.zip"
    done = tracer_in_process("evidence", "export", "--out", str(out), "-w", str(portal.workspace))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("governance/policies/acknowledgments.csv").decode())))
    assert any(r["person"] == ENGINEER and r["how_obtained"] == f"signed in through {portal.issuer}" for r in rows)
    assert ENGINEER in ws.policy_statuses(datetime.now(UTC))[0].acknowledged_by or any(
        ENGINEER in s.acknowledged_by for s in ws.policy_statuses(datetime.now(UTC)) if s.name == name
    )


@pytest.mark.parametrize(
    ("email", "setup", "why"),
    [
        (LEAVER, {}, "not an active person"),
        ("mallory@elsewhere.example", {}, "not an active person"),
        (ENGINEER, {"forge": True}, "ID token is not valid"),
        (ENGINEER, {"lifetime": -120}, "ID token is not valid"),
        (ENGINEER, {"wrong_nonce": True}, "ID token is not valid"),
        (ENGINEER, {"email_verified": False}, "not verified this email"),
    ],
)
def test_who_may_not_sign_in_is_refused(
    portal: Portal, browser: Any, email: str, setup: dict[str, Any], why: str
) -> None:
    for key, value in setup.items():
        setattr(portal.fake, key, value)
    page = sign_in(browser, portal, email)
    assert why in page.locator("#why").inner_text()
    page.goto(portal.url + "/me")
    assert page.locator("#sign-in").count() == 1  # no session was made


def test_the_founders_dashboard_draws_the_trend(portal: Portal, browser: Any) -> None:
    page = sign_in(browser, portal, FOUNDER)
    assert page.url.endswith("/dashboard")
    assert "SOC 2-aligned readiness" in page.locator("#headline").inner_text()
    points = page.locator("svg#trend polyline").get_attribute("points")
    assert points and len(points.split()) >= 1
    width, height, seen = pixels(page.locator("svg#trend").screenshot())
    blue = sum(1 for p in seen if p[2] > 150 and p[0] < 60 and p[1] < 140)  # the trend's #1565c0 line
    assert width > 100 and height > 50 and blue > 0
    assert page.locator("#owes li").count() >= 1 and "@" in (page.locator("#reminders").input_value() or "")
    engineer = sign_in(browser, portal, ENGINEER)
    engineer.goto(portal.url + "/dashboard")
    assert "for management" in engineer.locator("#why").inner_text()


def test_the_auditor_link_flags_come_back_and_it_expires(portal: Portal, browser: Any) -> None:
    secret = portal_secret(portal.workspace / ".tracer")
    link = f"{portal.url}/auditor?token={auditor_token(secret, portal.clock.now + timedelta(days=30))}"
    page = browser.new_context().new_page()
    page.goto(link)
    assert page.locator("#matrix tr").count() > 5
    page.click("#populations a >> text=terminations")
    assert '"population": "terminations"' in page.content() or '"population":"terminations"' in page.content()
    page.go_back()
    row = page.locator("#matrix tr", has_text="AC-06").first
    row.locator("input[name=comment]").fill("<script>alert(1)</script> sample the Q3 review")
    row.locator("button").click()
    page.wait_for_load_state()
    founder = sign_in(browser, portal, FOUNDER)
    flags = founder.locator("#flags").inner_text()
    assert "AC-06" in flags and "<script>alert(1)</script>" in flags  # shown as text, never run
    assert founder.locator("#flags script").count() == 0
    portal.clock.now += timedelta(days=31)
    page.goto(portal.url + "/auditor")
    assert "expired" in page.locator("#why").inner_text()
    fresh = browser.new_context().new_page()
    fresh.goto(link)
    assert "not valid or has expired" in fresh.locator("#why").inner_text()
    forged = browser.new_context().new_page()
    forged.goto(link[:-3] + "abc")
    assert "not valid" in forged.locator("#why").inner_text()


def test_tracer_serve_prints_an_auditor_link(copy_demo: Path) -> None:
    out = tracer_in_process("serve", "--auditor-link", "--expires", "7d", "-w", str(copy_demo))
    assert out.returncode == 0 and "/auditor?token=" in out.stdout and "expires" in out.stdout
    bad = tracer_in_process("serve", "--auditor-link", "--expires", "soon", "-w", str(copy_demo))
    assert bad.returncode == 2 and "--expires" in bad.stderr


def test_training_is_a_reading_and_a_check_whose_answers_are_tracer_yamls(portal: Portal, browser: Any) -> None:
    from evidence_tracer.web.views import training_questions

    ws = Workspace(portal.workspace)
    before = next(p for p in ws.register_snapshot.people.people if p.email == ENGINEER).training_completed
    page = sign_in(browser, portal, ENGINEER)
    page.goto(portal.url + "/training")
    assert page.locator("#reading h2").count() >= 1
    questions = training_questions(ws)
    for q in questions:  # one wrong answer: nothing is recorded
        wrong = next(o for o in q.options if o != q.answer) if q.id == "keys" else q.answer
        page.locator(f"input[name={q.id}][value='{wrong}']").check()
    page.click("#complete")
    assert "access key" in page.locator("#wrong").inner_text()
    assert (
        next(
            p for p in Workspace(portal.workspace).register_snapshot.people.people if p.email == ENGINEER
        ).training_completed
        == before
    )
    for q in questions:
        page.locator(f"input[name={q.id}][value='{q.answer}']").check()
    page.click("#complete")
    page.wait_for_url("**/me")
    person = next(p for p in Workspace(portal.workspace).register_snapshot.people.people if p.email == ENGINEER)
    assert person.training_completed == portal.clock.now.date() and person.history  # the earlier date kept
