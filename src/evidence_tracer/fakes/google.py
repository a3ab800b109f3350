"""A fake Google OAuth token endpoint and Admin SDK Directory `users.list`, shaped as Google documents them
(the tests check every user against the `User` schema of the Directory API's discovery document). The token
endpoint verifies the service account's signed assertion and grants only the read-only directory scope."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from evidence_tracer.fakes.server import FakeApi, Reply, Request

READONLY = "https://www.googleapis.com/auth/admin.directory.user.readonly"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class FakeGoogleUser:
    email: str
    enrolled_2sv: bool = True
    enforced_2sv: bool = True
    suspended: bool = False
    archived: bool = False
    admin: bool = False


@dataclass
class FakeWorkspace:
    public_key: rsa.RSAPublicKey
    admin_email: str
    users: list[FakeGoogleUser] = field(default_factory=list)
    access_token: str = "ya29.fake-read-only-access-token"
    page_size: int = 500


def user_body(u: FakeGoogleUser, n: int) -> dict[str, Any]:
    given, _, family = u.email.split("@")[0].partition(".")
    return {
        "kind": "admin#directory#user",
        "id": f"1{n:020d}",
        "etag": f'"etag{n}"',
        "primaryEmail": u.email,
        "name": {
            "givenName": given.title(),
            "familyName": family.title() or "User",
            "fullName": f"{given.title()} {family.title()}".strip(),
        },
        "isAdmin": u.admin,
        "isDelegatedAdmin": False,
        "lastLoginTime": "2026-11-20T08:00:00.000Z",
        "creationTime": "2025-01-06T09:00:00.000Z",
        "agreedToTerms": True,
        "suspended": u.suspended,
        "archived": u.archived,
        "changePasswordAtNextLogin": False,
        "ipWhitelisted": False,
        "emails": [{"address": u.email, "primary": True}],
        "customerId": "C01abc234",
        "orgUnitPath": "/",
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": u.enrolled_2sv,
        "isEnforcedIn2Sv": u.enforced_2sv,
        "includeInGlobalAddressList": True,
    }


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def google_api(workspace: FakeWorkspace) -> FakeApi:
    api = FakeApi()

    def token(request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        if form.get("grant_type") != GRANT or "assertion" not in form:
            return Reply(400, {"error": "unsupported_grant_type"})
        header, claims, signature = form["assertion"].split(".")
        try:
            workspace.public_key.verify(
                _unb64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except InvalidSignature:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        body = json.loads(_unb64(claims))
        if body.get("aud") != f"{api.base_url}/token" or body.get("sub") != workspace.admin_email:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid email or User ID"})
        if body.get("scope") != READONLY:
            return Reply(
                400,
                {
                    "error": "unauthorized_client",
                    "error_description": "Client is unauthorized to retrieve access tokens using this "
                    "method, or client not authorized for any of the scopes "
                    "requested.",
                },
            )
        return Reply(200, {"access_token": workspace.access_token, "expires_in": 3599, "token_type": "Bearer"})

    def users(request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {workspace.access_token}":
            return Reply(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "status": "UNAUTHENTICATED",
                    }
                },
            )
        if request.query.get("customer") != "my_customer":
            return Reply(400, {"error": {"code": 400, "message": "Bad Request", "status": "INVALID_ARGUMENT"}})
        start = int(request.query.get("pageToken", "0") or 0)
        size = min(int(request.query.get("maxResults", "100")), workspace.page_size)
        chunk = workspace.users[start : start + size]
        body: dict[str, Any] = {
            "kind": "admin#directory#users",
            "etag": '"list"',
            "users": [user_body(u, start + i) for i, u in enumerate(chunk)],
        }
        if start + size < len(workspace.users):
            body["nextPageToken"] = str(start + size)
        return Reply(200, body)

    api.route(r"/token", token)
    api.route(r"/admin/directory/v1/users", users)
    return api
