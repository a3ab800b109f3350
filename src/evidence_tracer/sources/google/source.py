"""The Google Workspace source: every user of the Admin SDK Directory (2-Step Verification enrolled and
enforced, suspended or archived, super or delegated admin), read with a service account and domain-wide
delegation limited to the read-only directory scope. The one POST is the OAuth token exchange (RFC 7523
JWT bearer grant); every data call is a declared GET."""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from evidence_tracer.errors import ConfigError
from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.inventory.identity import ADMINS, USERS, IdpUser
from evidence_tracer.sources.base import Collected, EvidenceSource, Operation, Progress, Scope
from evidence_tracer.sources.credentials import check_endpoint
from evidence_tracer.sources.google.operations import OPERATIONS, PATHS, SCOPES, SOURCE
from evidence_tracer.sources.http import CallFailed, HttpReader

SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True)
class GoogleSettings:
    admin_email: str  # the administrator the service account acts as (domain-wide delegation)
    credentials_file: str = ""  # the service account's JSON key; default GOOGLE_APPLICATION_CREDENTIALS
    customer: str = "my_customer"
    api_url: str = "https://admin.googleapis.com"
    timeout: float = 20.0


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assertion(key: dict[str, Any], subject: str, now: float | None = None) -> str:
    """The signed JWT a service account exchanges for an access token (RS256, read-only scopes only)."""
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": key.get("private_key_id", "")}
    claims = {
        "iss": key["client_email"],
        "sub": subject,
        "scope": " ".join(SCOPES),
        "aud": key["token_uri"],
        "iat": issued,
        "exp": issued + 3600,
    }
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    private = serialization.load_pem_private_key(key["private_key"].encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("the service account key is not an RSA key")
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


class GoogleSource(EvidenceSource):
    name = SOURCE

    def __init__(self, settings: GoogleSettings) -> None:
        self.settings = settings

    def operations(self) -> tuple[Operation, ...]:
        return OPERATIONS

    def _fail(self, code: str, message: str) -> Collected:
        domain = self.settings.admin_email.split("@")[-1]
        return Collected(
            (SourcePart(SOURCE, domain, failure=Failure(SOURCE, "directory:ListUsers", GLOBAL, code, message)),), ()
        )

    def _token(self) -> str | Collected:
        path = self.settings.credentials_file or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS", "")
        if not path:
            return self._fail(
                "NoCredentials",
                "no service account key: set sources.google.credentials_file or GOOGLE_APPLICATION_CREDENTIALS",
            )
        try:
            key = json.loads(Path(path).read_text(encoding="utf-8"))
            token_uri = str(key["token_uri"])
            check_endpoint("the service account key's token_uri", token_uri, (".googleapis.com",))
            signed = assertion(key, self.settings.admin_email)
        except ConfigError as exc:
            return self._fail("UntrustedEndpoint", str(exc))
        except (OSError, *SHAPE_ERRORS) as exc:
            return self._fail("BadCredentials", f"cannot use the service account key {path}: {exc}")
        try:
            response = httpx.post(
                token_uri,
                data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": signed},
                timeout=self.settings.timeout,
            )
        except httpx.TransportError as exc:
            return self._fail("ConnectionFailed", f"token exchange: {type(exc).__name__}: {exc}")
        if response.status_code != 200:
            return self._fail(
                "Unauthorized", f"token exchange refused: HTTP {response.status_code}: {response.text[:200]}"
            )
        try:
            return str(response.json()["access_token"])
        except (ValueError, KeyError) as exc:
            return self._fail("UnexpectedResponse", f"token exchange answer: {exc}")

    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        token = self._token()
        if isinstance(token, Collected):
            return token
        domain = self.settings.admin_email.split("@")[-1]
        api = HttpReader(
            SOURCE,
            self.settings.api_url.rstrip("/"),
            PATHS,
            domain,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "evidence-tracer"},
            timeout=self.settings.timeout,
        )
        try:
            users, sources = self._users(api)
            admins = tuple(str(u["id"]) for u in users if u.get("isAdmin") or u.get("isDelegatedAdmin"))
            people = tuple(
                IdpUser(
                    str(u["id"]),
                    str(u["primaryEmail"]),
                    str(u["primaryEmail"]),
                    "ARCHIVED" if u.get("archived") else "SUSPENDED" if u.get("suspended") else "ACTIVE",
                    Observed.ok(("2sv",) if u.get("isEnrolledIn2Sv") else (), sources),
                )
                for u in users
            )
            enforced = ", ".join(sorted(str(u["primaryEmail"]) for u in users if u.get("isEnforcedIn2Sv")))
        except CallFailed as exc:
            api.close()
            return Collected((SourcePart(SOURCE, domain, failure=exc.failure),), tuple(api.records))
        except SHAPE_ERRORS as exc:
            api.close()
            return Collected(
                (
                    SourcePart(
                        SOURCE,
                        domain,
                        failure=Failure(
                            SOURCE,
                            "directory:ListUsers",
                            GLOBAL,
                            "UnexpectedResponse",
                            f"the answer is not shaped as the Directory API documents it: {type(exc).__name__}: {exc}",
                        ),
                    ),
                ),
                tuple(api.records),
            )
        api.close()
        data: dict[str, Observed[Any]] = {
            USERS.slot(): Observed.ok(people, sources),
            ADMINS.slot(): Observed.ok(admins, sources),
        }
        return Collected(
            (
                SourcePart(
                    SOURCE,
                    domain,
                    attributes={"api_url": self.settings.api_url, "two_step_enforced_for": enforced},
                    data=data,
                ),
            ),
            tuple(api.records),
        )

    def _users(self, api: HttpReader) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
        users: list[dict[str, Any]] = []
        sources: list[str] = []
        params: dict[str, object] = {"customer": self.settings.customer, "maxResults": 500, "projection": "basic"}
        for _ in range(200):
            answer = api.get("directory:ListUsers", params=params)
            sources.append(answer.record_id)
            users += list(answer.body.get("users") or [])
            token = answer.body.get("nextPageToken")
            if not token:
                return users, tuple(sources)
            params = {**params, "pageToken": token}
        raise CallFailed(Failure(SOURCE, "directory:ListUsers", GLOBAL, "TooManyPages", "more than 200 pages"))
