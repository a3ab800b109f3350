"""Session and client factory for the standard credential chain (profiles, env, SSO).

Every client it makes carries the read-only guard. Client creation is serialised with a lock
because a boto3 session is not thread-safe; the clients themselves are.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from evidence_tracer.errors import CredentialsError
from evidence_tracer.sources.aws import guard
from evidence_tracer.sources.aws.declared import operation_keys
from evidence_tracer.sources.aws.models import DeclaredModels

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Timeouts:
    """Per-request limits. With the defaults one hanging operation costs at most
    max_attempts x (connect + read) = 4 x (5 + 20) s = 100 s, under two minutes."""

    connect_seconds: float = 5
    read_seconds: float = 20
    max_attempts: int = 4


def _uses_custom_endpoint() -> bool:
    return any(k == "AWS_ENDPOINT_URL" or k.startswith("AWS_ENDPOINT_URL_") for k in os.environ)


def _strip_account_host_prefix(request: Any, **_: Any) -> None:
    """Local endpoints (moto server, LocalStack) cannot resolve `{AccountId}.127.0.0.1`: S3 Control
    puts the account id in the host, but also sends it in the x-amz-account-id header."""
    account = request.headers.get("x-amz-account-id")
    if account:
        account = account.decode() if isinstance(account, bytes) else str(account)
        request.url = request.url.replace(f"://{account}.", "://", 1)


class AwsContext:
    """A guarded boto3 session plus a cache of its clients, keyed by (service, region)."""

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        *,
        timeouts: Timeouts | None = None,
        allowed: Iterable[str] | None = None,
        credentials: Mapping[str, str] | None = None,
        simulated: str = "",
        models: AwsContext | None = None,
        connections: int = 20,
    ) -> None:
        """`connections`: each client's pool of HTTP connections, as many as the threads that may call one client
        at once (a thread beyond the pool opens a connection of its own for each call, and closes it)."""
        core = botocore.session.Session()
        keys = operation_keys() if allowed is None else frozenset(allowed)
        shared = models.loader if models is not None else None
        try:
            if not (isinstance(shared, DeclaredModels) and shared.covers(keys)):  # an assumed role's context
                shared = DeclaredModels(keys, core.get_config_variable("data_path"))  # shares its models
            core.register_component("data_loader", shared)
            self.session = boto3.session.Session(
                profile_name=profile, region_name=region, botocore_session=core, **(credentials or {})
            )
            core.get_scoped_config()  # the profile, read now: a missing one raises here, not in a worker
            home = self.session.region_name
        except BotoCoreError as exc:  # e.g. ProfileNotFound
            raise CredentialsError(f"cannot use the AWS configuration: {exc}") from None
        self.allowed = guard.AllowList(keys)
        guard.install(self.session.events, self.allowed)
        self.home_region: str = home or DEFAULT_REGION
        self.simulated = simulated  # e.g. the demo's in-process moto, which no endpoint URL reveals
        self.timeouts = timeouts or Timeouts()
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": self.timeouts.max_attempts},
            connect_timeout=self.timeouts.connect_seconds,
            read_timeout=self.timeouts.read_seconds,
            max_pool_connections=connections,
        )
        if _uses_custom_endpoint():
            self.session.events.register("before-sign.s3-control", _strip_account_host_prefix)
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    @property
    def loader(self) -> Any:
        """botocore's data loader: the parsed (and pruned) service models, shared with assumed roles' contexts."""
        return self.session._session.get_component("data_loader")

    @property
    def endpoint(self) -> str:
        """Where the calls go: "" for AWS's own endpoints, else the override (moto, LocalStack, a proxy).
        Recorded with every scan so a package can say when its evidence did not come from AWS."""
        return (
            self.simulated
            or os.environ.get("AWS_ENDPOINT_URL")
            or next((v for k, v in sorted(os.environ.items()) if k.startswith("AWS_ENDPOINT_URL_")), "")
        )

    def release(self, service: str, region: str) -> None:
        """Drop a client its collection is done with (the next use makes a new one)."""
        with self._lock:
            self._clients.pop((service, region), None)

    def release_all(self) -> None:
        with self._lock:
            self._clients.clear()

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.home_region)
        found = self._clients.get(key)  # a client made before needs no lock (a dict read is atomic)
        if found is not None:
            return found
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = guard.guard_client(
                    self.session.client(service, region_name=key[1], config=self._config), self.allowed
                )
                self._clients[key] = found
            return found
