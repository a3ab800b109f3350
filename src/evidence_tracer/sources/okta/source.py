"""The Okta source: every user with status and active factors, the users holding an admin role, and the
applications (is AWS IAM Identity Center, is GitHub behind SSO). One part per Okta org."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.inventory.identity import ADMINS, APPS, USERS, IdpApp, IdpUser
from evidence_tracer.sources.base import Collected, EvidenceSource, Operation, Progress, Scope
from evidence_tracer.sources.http import CallFailed, HttpReader
from evidence_tracer.sources.okta.operations import BY_KEY, SOURCE, operations

SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


@dataclass(frozen=True)
class OktaSettings:
    org_url: str
    token_env: str = "OKTA_API_TOKEN"
    timeout: float = 20.0


def _failed(exc: Exception, what: str) -> Failure:
    if isinstance(exc, CallFailed):
        return exc.failure
    return Failure(
        SOURCE,
        what,
        GLOBAL,
        "UnexpectedResponse",
        f"the answer is not shaped as Okta documents it: {type(exc).__name__}: {exc}",
    )


class OktaSource(EvidenceSource):
    name = SOURCE

    def __init__(self, settings: OktaSettings, token: str | None = None) -> None:
        self.settings = settings
        self._token = token

    def operations(self) -> tuple[Operation, ...]:
        return operations()

    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        import os

        domain = urlparse(self.settings.org_url).hostname or self.settings.org_url
        token = self._token or os.environ.get(self.settings.token_env)
        if not token:
            return Collected(
                (
                    SourcePart(
                        SOURCE,
                        domain,
                        failure=Failure(
                            SOURCE,
                            "users:ListUsers",
                            GLOBAL,
                            "NoToken",
                            f"no Okta API token: set {self.settings.token_env}",
                        ),
                    ),
                ),
                (),
            )
        api = HttpReader(
            SOURCE,
            self.settings.org_url.rstrip("/"),
            {k: e.path for k, e in BY_KEY.items()},
            domain,
            headers={"Authorization": f"SSWS {token}", "Accept": "application/json", "User-Agent": "evidence-tracer"},
            timeout=self.settings.timeout,
        )
        try:
            return self._collect(api, domain, progress)
        finally:
            api.close()

    def _collect(self, api: HttpReader, domain: str, progress: Progress | None) -> Collected:
        data: dict[str, Observed[Any]] = {}
        try:
            raw, ids = api.all("users:ListUsers", params={"limit": 200})
        except CallFailed as exc:
            return Collected((SourcePart(SOURCE, domain, failure=exc.failure),), tuple(api.records))
        users: list[IdpUser] = []
        try:
            for done, item in enumerate(raw, start=1):
                users.append(
                    IdpUser(
                        str(item["id"]),
                        str(item["profile"]["login"]),
                        str(item["profile"].get("email") or item["profile"]["login"]),
                        str(item["status"]),
                        self._factors(api, str(item["id"])),
                    )
                )
                if progress:
                    progress(f"okta {domain} users", done, len(raw))
            data[USERS.slot()] = Observed.ok(tuple(users), ids)
        except SHAPE_ERRORS as exc:
            data[USERS.slot()] = Observed.failed(_failed(exc, "users:ListUsers"), ids)
        try:
            data[ADMINS.slot()] = Observed.ok(*self._assignees(api))
        except (CallFailed, *SHAPE_ERRORS) as exc:
            data[ADMINS.slot()] = Observed.failed(_failed(exc, "roles:ListAdminAssignees"))
        try:
            apps, ids = api.all("apps:ListApps", params={"limit": 200})
            data[APPS.slot()] = Observed.ok(
                tuple(IdpApp(str(a["name"]), str(a["label"]), str(a["status"]), str(a["signOnMode"])) for a in apps),
                ids,
            )
        except (CallFailed, *SHAPE_ERRORS) as exc:
            data[APPS.slot()] = Observed.failed(_failed(exc, "apps:ListApps"))
        return Collected(
            (SourcePart(SOURCE, domain, attributes={"org_url": self.settings.org_url}, data=data),), tuple(api.records)
        )

    @staticmethod
    def _assignees(api: HttpReader) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Users holding an admin role. This endpoint pages inside its body: {"value": [...], "_links": {"next":
        {"href": ...}}}; a next link leaving the org is refused by the reader."""
        answer = api.get("roles:ListAdminAssignees", params={"limit": 200})
        ids, sources = [], [answer.record_id]
        for _ in range(100):
            ids += [str(v["id"]) for v in answer.body["value"]]
            nxt = ((answer.body.get("_links") or {}).get("next") or {}).get("href")
            if not nxt:
                return tuple(ids), tuple(sources)
            if not str(nxt).startswith(api.base_url):
                raise CallFailed(
                    Failure(
                        SOURCE,
                        "roles:ListAdminAssignees",
                        GLOBAL,
                        "UnexpectedResponse",
                        "the next page link leaves the org",
                    )
                )
            answer = api.get("roles:ListAdminAssignees", url=str(nxt))
            sources.append(answer.record_id)
        raise CallFailed(Failure(SOURCE, "roles:ListAdminAssignees", GLOBAL, "TooManyPages", "more than 100 pages"))

    @staticmethod
    def _factors(api: HttpReader, user_id: str) -> Observed[tuple[str, ...]]:
        try:
            answer = api.get("users:ListFactors", {"user_id": user_id})
            if not isinstance(answer.body, list):
                raise TypeError(f"expected a list of factors, got {type(answer.body).__name__}")
            return Observed.ok(
                tuple(str(f["factorType"]) for f in answer.body if f.get("status") == "ACTIVE"), (answer.record_id,)
            )
        except (CallFailed, *SHAPE_ERRORS) as exc:
            return Observed.failed(_failed(exc, "users:ListFactors"))
