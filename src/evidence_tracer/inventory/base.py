"""The collected state, open to every evidence source and versioned.

An `Inventory` is a list of `SourcePart`s, one per source and account (an AWS account, a GitHub
organisation, an identity-provider domain). A part maps *dataset keys* to `Observed` values: either
a value with the evidence records it came from, or a `Failure` saying why it could not be read.
A dataset that a part does not hold — because the snapshot was written before its collector existed,
or the source was not asked for it — reads as the failure `NotCollected`, so checks report `error`
and never a pass or a traceback. Checks never see a client library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

GLOBAL = "global"
NOT_COLLECTED = "NotCollected"
ORGANIZATION_ACCOUNTS = "organization_accounts"  # a part attribute: the Organization's accounts, comma-separated


@dataclass(frozen=True, slots=True)
class Failure:
    """A read that did not happen: the reason a check must say `error`."""

    service: str
    operation: str
    region: str  # the source's location: an AWS region, "global", a repository…
    code: str
    message: str

    def action(self) -> str:
        """What to do so that the next scan can look: a denied call needs the permission, an endpoint that did
        not answer needs another try, a disabled region needs enabling or leaving out — not the same task."""
        code = self.code.lower()
        if self.code == NOT_COLLECTED:
            return "Re-scan: this snapshot was taken before the call was part of the scan"
        if any(word in code for word in ("denied", "unauthorized", "forbidden", "authorization", "http401", "http403")):
            return (
                f"Grant the scan role {self.service}:{self.operation} (tracer permissions; docs/iam-policy.json), "
                "then re-scan"
            )
        if any(word in code for word in ("optinrequired", "regiondisabled", "invalidclienttokenid")):
            return (
                f"Enable {self.region} for the account, or leave it out of tracer.yaml boundary.regions; then re-scan"
            )
        if code.startswith("http5") or any(
            word in code
            for word in ("internal", "unavailable", "throttl", "timeout", "connect", "slowdown", "requestlimit")
        ):
            return (
                f"The {self.service} endpoint did not answer ({self.code}): re-run the scan; if it keeps failing, "
                "check the service's health and the network path (proxy, VPC endpoint)"
            )
        if code in ("http404", "notimplemented", "unknownoperation", "invalidaction"):
            return f"{self.service}:{self.operation} is not offered at this endpoint: check the region and endpoint URL"
        if code == "unexpectedresponse":
            return "The answer was not shaped as documented: re-scan, and report it with the scan's evidence record"
        return f"Fix access to {self.service}:{self.operation} ({self.code}), then re-scan"

    def describe(self) -> str:
        if self.code == NOT_COLLECTED:
            return f"{self.service}:{self.operation} was not collected in this snapshot ({self.message})"
        return f"could not read {self.service}:{self.operation} in {self.region}: {self.code} ({self.message})"


@dataclass(frozen=True, slots=True)
class Observed(Generic[T]):
    value: T | None = None
    failure: Failure | None = None
    sources: tuple[str, ...] = ()

    @staticmethod
    def ok(value: T, sources: tuple[str, ...] = ()) -> Observed[T]:
        return Observed(value=value, failure=None, sources=sources)

    @staticmethod
    def failed(failure: Failure, sources: tuple[str, ...] = ()) -> Observed[T]:
        return Observed(value=None, failure=failure, sources=sources)


@dataclass(frozen=True)
class Dataset(Generic[T]):
    """A typed key into a source part: `part.get(CREDENTIAL_REPORT)` is an `Observed[...]` of its type.

    `service` and `operation` name what was (or would have been) called, for the not-collected error.
    """

    key: str
    service: str
    operation: str
    regional: bool = False

    def slot(self, region: str = GLOBAL) -> str:
        return f"{self.key}@{region}" if self.regional else self.key


def freeze(value: Any) -> Any:
    """JSON-shaped data as the inventory holds it: every list a tuple (as snapshots decode it)."""
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource described by a declarative collector: the API's own item (redacted, JSON-shaped),
    plus the answers of its per-item detail calls, each observed on its own."""

    id: str
    data: Mapping[str, Any]
    details: Mapping[str, Observed[Any]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def detail(self, name: str) -> Observed[Any]:
        found = self.details.get(name)
        if found is None:
            return Observed.failed(
                Failure("detail", name, GLOBAL, NOT_COLLECTED, "this detail was not collected; re-scan")
            )
        return found


@dataclass(frozen=True)
class SourcePart:
    """What one source collected for one account (or organisation, or domain).

    `attributes` holds the source's own resource context (an AWS partition, an org's URL);
    `failure` is set when the whole account could not be read (a role that cannot be assumed).
    """

    source: str
    account: str
    regions: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, Observed[Any]] = field(default_factory=dict)
    failure: Failure | None = None

    def get(self, dataset: Dataset[T], region: str = GLOBAL) -> Observed[T]:
        if self.failure is not None:
            return Observed.failed(self.failure)
        found = self.data.get(dataset.slot(region))
        if found is None:
            return Observed.failed(
                Failure(
                    dataset.service,
                    dataset.operation,
                    region if dataset.regional else GLOBAL,
                    NOT_COLLECTED,
                    "the scan that made it predates this collector or skipped it; run a new scan",
                )
            )
        return found

    def attribute(self, name: str, default: str = "") -> str:
        return self.attributes.get(name, default)

    def known_accounts(self, boundary: tuple[str, ...] = ()) -> set[str]:
        """Accounts that are the company's own: this one, its Organization's, and those of the boundary."""
        organization = [a for a in self.attribute(ORGANIZATION_ACCOUNTS).split(",") if a]
        return {self.account, *organization, *boundary}


@dataclass(frozen=True)
class Inventory:
    parts: tuple[SourcePart, ...] = ()

    def of(self, source: str) -> tuple[SourcePart, ...]:
        return tuple(p for p in self.parts if p.source == source)

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.account for p in self.parts))

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for p in self.parts for r in p.regions))
