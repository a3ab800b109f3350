"""The check registry: metadata from `catalog/checks.yaml`, implementations by decorator.

A check is a pure function `(SourcePart, CheckContext, Emit) -> Iterable[Finding]` whose *name is its
check id* — the id is written once in code, and once as the key of its catalog entry. The registry
hands each check an `Emit` bound to its spec and to the part (source and account) it is judging, and
runs it once per part of its source, so a check written for one AWS account judges every account of
an Organization. `@check` only tags the function; `all_checks()` gathers the tagged functions of the
check modules on demand, so importing a module changes no global state.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module, resources
from types import ModuleType
from typing import Any

import yaml

from evidence_tracer.catalog.controls import criteria_of_check
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.inventory import GLOBAL, Failure, Inventory, Observed, SourcePart
from evidence_tracer.models import Finding, Severity, Status

CHECK_MODULES = ("iam", "identity", "s3", "ec2", "network", "cloudtrail", "guardduty", "monitoring", "data",
                 "github", "idp")
_TAG = "__tracer_check__"


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the inventory: the workspace config and the clock."""

    config: WorkspaceConfig
    now: datetime


@dataclass(frozen=True)
class CheckSpec:
    check_id: str
    title: str
    source: str
    service: str
    severity: Severity
    criteria: tuple[str, ...]
    remediation: str
    # The operations whose answers the check reads, as "service:Operation" of its source's declarations.
    needs: tuple[str, ...]
    # Every source whose parts it judges (an identity-provider check judges Okta and Google Workspace alike);
    # `source` is the first, whose operations `needs` names.
    sources: tuple[str, ...] = ()

    def judges(self, source: str) -> bool:
        return source in (self.sources or (self.source,))


CheckFn = Callable[[SourcePart, CheckContext, "Emit"], Iterable[Finding]]


@functools.cache
def specs() -> dict[str, CheckSpec]:
    text = resources.files("evidence_tracer.catalog").joinpath("checks.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    try:
        return {
            cid: CheckSpec(
                check_id=cid, title=str(v["title"]), source=str(v.get("sources", [v.get("source", "aws")])[0]),
                sources=tuple(str(x) for x in v.get("sources", [v.get("source", "aws")])), service=str(v["service"]),
                severity=Severity(v["severity"]), criteria=criteria_of_check(cid),
                remediation=str(v["remediation"]), needs=tuple(str(n) for n in v["needs"]),
            )
            for cid, v in raw.items()
        }
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"catalog/checks.yaml: invalid check entry: {exc!r}") from None


def catalog_labels(check_id: str) -> tuple[tuple[str, ...], Severity] | None:
    """What the catalog says of a check now (its criteria and severity): how the store labels the findings it
    reads back, so a stored scan is grouped and weighed like a new one. None for a check no longer known."""
    spec = specs().get(check_id)
    return (spec.criteria, spec.severity) if spec is not None else None


def check(fn: CheckFn) -> CheckFn:
    """Mark `fn` as the implementation of the check named like it (which must be in checks.yaml)."""
    setattr(fn, _TAG, True)
    return fn


def _tagged(module: ModuleType) -> Iterator[tuple[str, CheckFn]]:
    for name, value in vars(module).items():
        if callable(value) and getattr(value, _TAG, False):
            yield name, value


@functools.cache
def all_checks() -> dict[str, CheckFn]:
    found: dict[str, CheckFn] = {}
    for module in CHECK_MODULES:
        for cid, fn in _tagged(import_module(f"evidence_tracer.checks.{module}")):
            if cid in found:
                raise ConfigError(f"check {cid} is implemented twice")
            found[cid] = fn
    return dict(sorted(found.items()))


class Emit:
    """Builds the findings of one check for one source part, taking criteria, severity and remediation
    from the check's spec and the resource context (source, account, partition) from the part."""

    def __init__(self, spec: CheckSpec, part: SourcePart) -> None:
        self.spec = spec
        self.source = part.source
        self.account = part.account
        self.partition = part.attribute("partition", "aws")

    def arn(self, service: str, region: str, resource: str) -> str:
        """An ARN in this account; `region` "global" (or empty) leaves the region out."""
        where = "" if region in (GLOBAL, "") else region
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"

    def _make(self, status: Status, resource: str, location: str, message: str,
              sources: Iterable[str], remediation: str = "") -> Finding:
        return Finding(
            check_id=self.spec.check_id, status=status, severity=self.spec.severity,
            criteria=self.spec.criteria, resource_id=resource, location=location,
            account=self.account, message=message, remediation=remediation,
            evidence_ids=tuple(dict.fromkeys(sources)), source=self.source,
        )

    def passed(self, resource: str, location: str, message: str, sources: Iterable[str]) -> Finding:
        return self._make(Status.PASS, resource, location, message, sources)

    def failed(self, resource: str, location: str, message: str, sources: Iterable[str],
               **fields: object) -> Finding:
        """A failing finding; `fields` fill the remediation template, each quoted for the shell, so a user or
        group name from AWS pastes as one inert argument."""
        quoted = {k: shlex.quote(str(v)) for k, v in
                  {"account_id": self.account, "partition": self.partition, "region": location, **fields}.items()}
        remediation = self.spec.remediation.format(**quoted)
        return self._make(Status.FAIL, resource, location, message, sources, remediation)

    def error(self, failure: Failure, resource: str, location: str, sources: Iterable[str] = ()) -> Finding:
        return self._make(
            Status.ERROR, resource, location,
            f"Not evaluated — {failure.describe()}. Grant the permission or fix access, then re-scan.",
            sources,
        )

    def unread(self, observed: Observed[Any], resource: str, location: str) -> Finding:
        """The `error` finding for a value that could not be read (its failure, with its evidence)."""
        assert observed.failure is not None, "unread() needs an observation that failed"
        return self.error(observed.failure, resource, location, observed.sources)

    def not_applicable(self, resource: str, location: str, message: str,
                       sources: Iterable[str] = ()) -> Finding:
        return self._make(Status.NOT_APPLICABLE, resource, location, message, sources)


def run_check(check_id: str, part: SourcePart, context: CheckContext) -> tuple[Finding, ...]:
    """One check over one part. A part that could not be read at all, or data a check cannot make
    sense of, is an `error` finding: never a pass, never a crash of the whole scan."""
    spec = specs()[check_id]
    emit = Emit(spec, part)
    resource = f"{part.source}:{part.account}"
    if part.failure is not None:
        return (emit.error(part.failure, resource, GLOBAL),)
    try:
        return tuple(all_checks()[check_id](part, context, emit))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        failure = Failure(spec.service, check_id, GLOBAL, "UnexpectedShape",
                          f"the collected data is not shaped as the check expects: {type(exc).__name__}: {exc}")
        return (emit.error(failure, resource, GLOBAL),)


def evaluate(inventory: Inventory, context: CheckContext) -> tuple[Finding, ...]:
    """Run every registered check over every part of its source."""
    return tuple(
        f for cid in all_checks() for part in inventory.parts if specs()[cid].judges(part.source)
        for f in run_check(cid, part, context)
    )
