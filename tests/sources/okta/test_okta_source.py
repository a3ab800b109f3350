"""The Okta source's real HTTP client against the local fake Okta API, and the identity-provider checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from evidence_tracer.checks.registry import CheckContext, evaluate, specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.fakes.okta import FakeOkta, FakeOktaUser, okta_api
from evidence_tracer.fakes.server import FakeApi, Reply, serve
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.identity import USERS
from evidence_tracer.models import Finding, Status
from evidence_tracer.sources.base import Scope
from evidence_tracer.sources.okta.operations import BY_KEY
from evidence_tracer.sources.okta.source import OktaSettings, OktaSource

NOW = datetime(2026, 11, 25, tzinfo=UTC)
OKTA = sorted(cid for cid, spec in specs().items() if spec.source == "okta")


def acme() -> FakeOkta:
    return FakeOkta(
        users=[
            FakeOktaUser("00u1", "alice.founder@acme.example", admin=True),
            FakeOktaUser("00u2", "bob.engineer@acme.example", factors=["email"]),
            FakeOktaUser("00u3", "dave.ops@acme.example", factors=["token:software:totp"]),
            FakeOktaUser("00u4", "carol.contractor@acme.example", status="SUSPENDED", factors=[]),
        ],
        apps=[("amazon_aws_sso", "AWS IAM Identity Center")],
    )


@pytest.fixture
def okta() -> FakeOkta:
    return acme()


@pytest.fixture
def server(okta: FakeOkta) -> Iterator[FakeApi]:
    with serve(okta_api(okta)) as api:
        yield api


def scan(api: FakeApi, okta: FakeOkta) -> tuple[Inventory, tuple[Finding, ...]]:
    collected = OktaSource(OktaSettings(api.base_url, timeout=5), token=okta.token).collect(Scope())
    inventory = Inventory(collected.parts)
    return inventory, evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))


def by(findings: tuple[Finding, ...], check_id: str, text: str = "") -> set[Status]:
    return {f.status for f in findings if f.check_id == check_id and text in f.message + f.resource_id}


def test_passes_and_gaps(server: FakeApi, okta: FakeOkta) -> None:
    _, findings = scan(server, okta)
    assert by(findings, "idp_mfa_enrolled", "alice") == {Status.PASS}
    assert by(findings, "idp_mfa_enrolled", "dave") == {Status.PASS}
    assert by(findings, "idp_mfa_enrolled", "bob") == {Status.FAIL}  # an email factor is not a second factor
    assert by(findings, "idp_mfa_enrolled", "carol") == set()  # suspended: not an active person
    assert by(findings, "idp_admins_few") == {Status.PASS}
    assert by(findings, "idp_sso_aws") == {Status.PASS}
    assert by(findings, "idp_sso_github") == {Status.FAIL}
    assert all(f.source == "okta" and f.account == "127.0.0.1" for f in findings)


def test_too_many_admins_and_no_sso(server: FakeApi, okta: FakeOkta) -> None:
    okta.users += [FakeOktaUser(f"00ux{i}", f"admin{i}@acme.example", admin=True) for i in range(4)]
    okta.apps = []
    _, findings = scan(server, okta)
    assert by(findings, "idp_admins_few") == {Status.FAIL} and by(findings, "idp_sso_aws") == {Status.FAIL}


def test_pages_are_followed_and_only_gets_are_sent(server: FakeApi, okta: FakeOkta) -> None:
    okta.users = [FakeOktaUser(f"00u{i}", f"user{i}@acme.example") for i in range(250)]
    inventory, _ = scan(server, okta)
    users = inventory.parts[0].get(USERS).value
    assert users is not None and len(users) == 250
    assert sum(1 for r in server.seen if r.path == "/api/v1/users") == 2
    assert {r.method for r in server.seen} == {"GET"}


def test_a_bad_token_makes_every_check_an_error(server: FakeApi, okta: FakeOkta) -> None:
    collected = OktaSource(OktaSettings(server.base_url, timeout=5), token="wrong").collect(Scope())
    inventory = Inventory(collected.parts)
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == "Unauthorized"
    findings = evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))
    assert {f.status for f in findings} == {Status.ERROR} and {f.check_id for f in findings} == set(OKTA)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(
            403, {"errorCode": "E0000006", "errorSummary": "You do not have permission to perform the requested action"}
        ),
        Reply(200, raw=b"<html>proxy login</html>", headers={"Content-Type": "text/html"}),
        Reply(
            429,
            {"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests."},
            {"Retry-After": "3600"},
        ),
    ],
)
def test_a_failed_factor_read_is_an_error_for_that_person(server: FakeApi, okta: FakeOkta, reply: Reply) -> None:
    server.fault(r"/api/v1/users/00u2/factors", reply)
    _, findings = scan(server, okta)
    assert by(findings, "idp_mfa_enrolled", "00u2") == {Status.ERROR}
    assert by(findings, "idp_mfa_enrolled", "alice") == {Status.PASS}


# (operation, check) pairs this module denies (tests/sources/test_registry.py checks it covers the registry's).
DENIED = {(op, cid) for cid, spec in specs().items() if spec.judges("okta") for op in spec.needs_of("okta")}


@pytest.mark.parametrize(("operation", "check_id"), sorted(DENIED))
def test_a_forbidden_needed_operation_is_an_error(
    server: FakeApi, okta: FakeOkta, operation: str, check_id: str
) -> None:
    path = "^" + re.sub(r"\{[^}]+\}", "[^/?]+", BY_KEY[operation].path) + r"(\?.*)?$"
    server.fault(path, Reply(403, {"errorCode": "E0000006", "errorSummary": "You do not have permission"}))
    _, findings = scan(server, okta)
    statuses = by(findings, check_id)
    assert Status.ERROR in statuses and Status.PASS not in statuses, (operation, check_id, statuses)
