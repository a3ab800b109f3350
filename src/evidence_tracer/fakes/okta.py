"""A fake Okta Management API: users, factors, admin role assignees and apps, shaped as Okta documents them
(developer.okta.com/docs/api/openapi/okta-management)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evidence_tracer.fakes.server import FakeApi, Reply, Request, paginate

WHEN = "2025-03-01T09:00:00.000Z"


@dataclass
class FakeOktaUser:
    id: str
    login: str
    status: str = "ACTIVE"
    factors: list[str] = field(default_factory=lambda: ["push"])
    admin: bool = False


@dataclass
class FakeOkta:
    domain: str = "acme.okta.com"
    token: str = "00fake-okta-ssws-token-for-tests"
    users: list[FakeOktaUser] = field(default_factory=list)
    apps: list[tuple[str, str]] = field(default_factory=list)  # (name, label) of ACTIVE SAML apps


def user_body(base: str, u: FakeOktaUser) -> dict[str, Any]:
    first, _, last = u.login.split("@")[0].partition(".")
    return {
        "id": u.id,
        "status": u.status,
        "created": WHEN,
        "activated": WHEN,
        "statusChanged": WHEN,
        "lastLogin": WHEN,
        "lastUpdated": WHEN,
        "passwordChanged": WHEN,
        "type": {"id": "oty1"},
        "profile": {
            "firstName": first.title(),
            "lastName": last.title() or "User",
            "mobilePhone": None,
            "secondEmail": None,
            "login": u.login,
            "email": u.login,
        },
        "credentials": {"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}},
        "_links": {"self": {"href": f"{base}/api/v1/users/{u.id}"}},
    }


def factor_body(base: str, user_id: str, kind: str, n: int) -> dict[str, Any]:
    provider = {
        "push": "OKTA",
        "token:software:totp": "GOOGLE",
        "webauthn": "FIDO",
        "sms": "OKTA",
        "email": "OKTA",
    }.get(kind, "OKTA")
    return {
        "id": f"fac{n}{user_id}",
        "factorType": kind,
        "provider": provider,
        "vendorName": provider,
        "status": "ACTIVE",
        "created": WHEN,
        "lastUpdated": WHEN,
        "profile": {},
        "_links": {"self": {"href": f"{base}/api/v1/users/{user_id}/factors/fac{n}{user_id}"}},
    }


def okta_api(org: FakeOkta) -> FakeApi:
    api = FakeApi()

    def auth(request: Request) -> Reply | None:
        if request.headers.get("authorization") != f"SSWS {org.token}":
            return Reply(
                401,
                {
                    "errorCode": "E0000011",
                    "errorSummary": "Invalid token provided",
                    "errorLink": "E0000011",
                    "errorId": "oae1",
                    "errorCauses": [],
                },
            )
        return None

    def headers(reply: Reply) -> Reply:
        reply.headers.setdefault("X-Okta-Request-Id", "reqFake123")
        return reply

    def users(request: Request) -> Reply:
        return headers(paginate([user_body(api.base_url, u) for u in org.users], request, api.base_url, 200))

    def factors(request: Request) -> Reply:
        found = next((u for u in org.users if u.id == request.groups["id"]), None)
        if found is None:
            return Reply(404, {"errorCode": "E0000007", "errorSummary": "Not found: Resource not found"})
        return headers(Reply(200, [factor_body(api.base_url, found.id, k, i) for i, k in enumerate(found.factors)]))

    def assignees(request: Request) -> Reply:
        return headers(
            Reply(
                200,
                {
                    "value": [
                        {
                            "id": u.id,
                            "orn": f"orn:okta:directory:{org.domain}:users:{u.id}",
                            "_links": {"assignee": {"href": f"{api.base_url}/api/v1/users/{u.id}"}},
                        }
                        for u in org.users
                        if u.admin
                    ],
                    "_links": {},
                },
            )
        )

    def apps(request: Request) -> Reply:
        return headers(
            Reply(
                200,
                [
                    {
                        "id": f"0oa{i}",
                        "name": name,
                        "label": label,
                        "status": "ACTIVE",
                        "signOnMode": "SAML_2_0",
                        "created": WHEN,
                        "lastUpdated": WHEN,
                        "features": [],
                        "visibility": {"autoSubmitToolbar": False},
                        "_links": {},
                    }
                    for i, (name, label) in enumerate(org.apps)
                ],
            )
        )

    api.check_auth = auth
    api.route(r"/api/v1/users", users)
    api.route(r"/api/v1/users/(?P<id>[^/]+)/factors", factors)
    api.route(r"/api/v1/iam/assignees/users", assignees)
    api.route(r"/api/v1/apps", apps)
    return api
