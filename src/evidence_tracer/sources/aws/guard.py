"""The read-only guard: an allow-list of exactly the declared operations, enforced by botocore hooks.

Anything not declared — a write, a Get-named call with side effects (sts:GetSessionToken,
ecr:GetAuthorizationToken…), a data read (s3:GetObject) — is refused before a request is built.
Presigned URLs and tokens are refused on guarded clients too: they would let a caller perform an
operation later, outside the guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evidence_tracer.errors import ReadOnlyViolation

_PRESIGNERS = ("generate_presigned_url", "generate_presigned_post", "generate_db_auth_token")


class AllowList:
    """`before-parameter-build`/`before-call` handler: raise unless `service:Operation` was declared."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = frozenset(keys)

    def __call__(self, model: Any, **_: Any) -> None:
        key = f"{model.service_model.service_name}:{model.name}"
        if key not in self.keys:
            raise ReadOnlyViolation(f"refused {key}: it is not among the read-only operations Evidence Tracer declares")


def _refuse_presigning(name: str) -> Any:
    def refuse(*_: Any, **__: Any) -> None:
        raise ReadOnlyViolation(f"refused {name}: presigned requests are not allowed on Evidence Tracer's clients")

    return refuse


def install(events: Any, allowed: AllowList) -> None:
    """Register the guard on a boto3/botocore event emitter (a session's or a client's): before the
    parameters are even validated, and again just before the request is made."""
    events.register("before-parameter-build", allowed, unique_id="evidence-tracer-read-only-params")
    events.register("before-call", allowed, unique_id="evidence-tracer-read-only")


def guard_client(client: Any, allowed: AllowList) -> Any:
    install(client.meta.events, allowed)
    for name in _PRESIGNERS:
        if hasattr(client, name):
            setattr(client, name, _refuse_presigning(name))
    return client
