"""The Google Workspace source against the local fake token endpoint and Directory API: the signed
service-account assertion, read-only scope, pagination, failures as errors; the fake's users checked
against the Directory API's discovery document shipped with google-api-python-client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from evidence_tracer.checks.registry import CheckContext, evaluate, specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.fakes.google import FakeGoogleUser, FakeWorkspace, google_api, user_body
from evidence_tracer.fakes.server import FakeApi, Reply, serve
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.identity import USERS
from evidence_tracer.models import Finding, Status
from evidence_tracer.sources.base import Scope
from evidence_tracer.sources.google.operations import PATHS
from evidence_tracer.sources.google.source import GoogleSettings, GoogleSource

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ADMIN = "alice.founder@acme.example"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def workspace() -> FakeWorkspace:
    return FakeWorkspace(
        KEY.public_key(),
        ADMIN,
        [
            FakeGoogleUser(ADMIN, admin=True),
            FakeGoogleUser("bob.engineer@acme.example", enrolled_2sv=False, enforced_2sv=False),
            FakeGoogleUser("carol.contractor@acme.example", suspended=True, enrolled_2sv=False),
        ],
    )


@pytest.fixture
def server(workspace: FakeWorkspace, tmp_path: Path) -> Iterator[tuple[FakeApi, GoogleSettings]]:
    with serve(google_api(workspace)) as api:
        key = {
            "type": "service_account",
            "project_id": "acme-tracer",
            "private_key_id": "k1",
            "private_key": KEY.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode(),
            "client_email": "tracer@acme-tracer.iam.gserviceaccount.com",
            "client_id": "1",
            "token_uri": f"{api.base_url}/token",
        }
        path = tmp_path / "key.json"
        path.write_text(json.dumps(key))
        yield api, GoogleSettings(ADMIN, str(path), api_url=api.base_url, timeout=5)


def scan(settings: GoogleSettings) -> tuple[Inventory, tuple[Finding, ...]]:
    inventory = Inventory(GoogleSource(settings).collect(Scope()).parts)
    return inventory, evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))


def by(findings: tuple[Finding, ...], check_id: str, text: str = "") -> set[Status]:
    return {f.status for f in findings if f.check_id == check_id and text in f.message}


def test_two_step_verification_and_admins(server: tuple[FakeApi, GoogleSettings]) -> None:
    _, findings = scan(server[1])
    assert by(findings, "idp_mfa_enrolled", "alice") == {Status.PASS}
    assert by(findings, "idp_mfa_enrolled", "bob") == {Status.FAIL}
    assert by(findings, "idp_mfa_enrolled", "carol") == set()  # suspended
    assert by(findings, "idp_admins_few") == {Status.PASS}
    assert not any(f.check_id.startswith("idp_sso") for f in findings)  # the Directory API lists no SAML apps
    assert all(f.source == "google" and f.account == "acme.example" for f in findings)
    assert [r.method for r in server[0].seen] == ["POST", "GET"]  # the token exchange, then reads only
    token_request = server[0].seen[0]
    assert b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" in token_request.body


def test_pages_are_followed(server: tuple[FakeApi, GoogleSettings], workspace: FakeWorkspace) -> None:
    workspace.page_size = 2
    workspace.users += [FakeGoogleUser(f"user{i}@acme.example") for i in range(5)]
    inventory, _ = scan(server[1])
    users = inventory.parts[0].get(USERS).value
    assert users is not None and len(users) == 8
    assert sum(1 for r in server[0].seen if r.path == "/admin/directory/v1/users") == 4


def test_a_refused_token_exchange_or_key_is_an_error(
    server: tuple[FakeApi, GoogleSettings], workspace: FakeWorkspace, tmp_path: Path
) -> None:
    workspace.admin_email = "someone.else@acme.example"  # delegation for another subject is refused
    inventory, findings = scan(server[1])
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == "Unauthorized"
    assert {f.status for f in findings} == {Status.ERROR}
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    inventory, _ = scan(GoogleSettings(ADMIN, str(broken), api_url=server[0].base_url))
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == "BadCredentials"


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (
            Reply(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": "Not Authorized to access this resource/api",
                        "status": "PERMISSION_DENIED",
                    }
                },
            ),
            "Forbidden",
        ),
        (Reply(200, raw=b"<html>proxy</html>", headers={"Content-Type": "text/html"}), "UnexpectedResponse"),
        (Reply(200, {"kind": "admin#directory#users", "users": [{"id": "1"}]}), "UnexpectedResponse"),
    ],
)
def test_a_failed_directory_read_is_an_error(server: tuple[FakeApi, GoogleSettings], reply: Reply, code: str) -> None:
    server[0].fault(r"^/admin/directory/v1/users", reply)
    inventory, findings = scan(server[1])
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == code
    assert {f.status for f in findings} == {Status.ERROR} and {f.check_id for f in findings} == {
        "idp_mfa_enrolled",
        "idp_admins_few",
    }


# (operation, check) pairs this module denies (tests/sources/test_registry.py checks it covers the registry's).
DENIED = {(op, cid) for cid, spec in specs().items() if spec.judges("google") for op in spec.needs_of("google")}


@pytest.mark.parametrize(("operation", "check_id"), sorted(DENIED))
def test_a_forbidden_needed_operation_is_an_error(
    server: tuple[FakeApi, GoogleSettings], operation: str, check_id: str
) -> None:
    """Generated from checks.yaml `needs` for Google: 403 on that call makes the check error, never pass."""
    server[0].fault(
        "^" + PATHS[operation],
        Reply(403, {"error": {"code": 403, "message": "Not Authorized", "status": "PERMISSION_DENIED"}}),
    )
    _, findings = scan(server[1])
    statuses = by(findings, check_id)
    assert Status.ERROR in statuses and Status.PASS not in statuses, (operation, check_id, statuses)


def _check(value: Any, schema: dict[str, Any], schemas: dict[str, Any], where: str) -> None:
    if "$ref" in schema:
        schema = schemas[schema["$ref"]]
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        assert isinstance(value, dict), where
        for key, item in value.items():
            assert key in schema["properties"], f"{where}.{key} is not in the discovery document"
            _check(item, schema["properties"][key], schemas, f"{where}.{key}")
    elif kind == "array":
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            _check(item, schema.get("items", {}), schemas, f"{where}[{i}]")
    elif kind in ("string", "boolean", "integer"):
        assert isinstance(value, {"string": str, "boolean": bool, "integer": int}[kind]), where


def test_the_fake_users_match_the_directory_discovery_document() -> None:
    import googleapiclient

    document = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "admin.directory_v1.json"
    discovery = json.loads(document.read_text())
    schemas = discovery["schemas"]
    for n, user in enumerate((FakeGoogleUser(ADMIN, admin=True), FakeGoogleUser("x@acme.example", suspended=True))):
        _check(user_body(user, n), schemas["User"], schemas, "User")
    assert discovery["resources"]["users"]["methods"]["list"]["path"] == "admin/directory/v1/users"
    from evidence_tracer.sources.google.operations import SCOPES

    assert set(SCOPES) <= set(discovery["resources"]["users"]["methods"]["list"]["scopes"])
