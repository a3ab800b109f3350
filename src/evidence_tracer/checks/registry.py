"""The check registry: check metadata from `catalog/checks.yaml`, implementations by decorator.

A check is a pure function `(Inventory, CheckContext) -> Iterable[Finding]`. The decorator only
tags the function; `all_checks()` gathers the tagged functions of the check modules on demand,
so importing a module changes no global state.
"""

from __future__ import annotations

import functools
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
from evidence_tracer.inventory import Failure, Inventory
from evidence_tracer.models import Finding, Severity, Status

CHECK_MODULES = ("iam", "s3", "ec2", "cloudtrail", "guardduty")


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the inventory: the workspace config and the clock."""

    config: WorkspaceConfig
    now: datetime


@dataclass(frozen=True)
class CheckSpec:
    check_id: str
    title: str
    service: str
    severity: Severity
    criteria: tuple[str, ...]
    remediation: str


CheckFn = Callable[[Inventory, CheckContext], Iterable[Finding]]


@functools.cache
def specs() -> dict[str, CheckSpec]:
    text = resources.files("evidence_tracer.catalog").joinpath("checks.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    try:
        return {
            cid: CheckSpec(
                check_id=cid, title=str(v["title"]), service=str(v["service"]),
                severity=Severity(v["severity"]), criteria=criteria_of_check(cid),
                remediation=str(v["remediation"]),
            )
            for cid, v in raw.items()
        }
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"catalog/checks.yaml: invalid check entry: {exc}") from None


def check(check_id: str) -> Callable[[CheckFn], CheckFn]:
    """Mark a function as the implementation of `check_id` (which must be in checks.yaml)."""

    def mark(fn: CheckFn) -> CheckFn:
        fn.check_id = check_id  # type: ignore[attr-defined]
        return fn

    return mark


def _tagged(module: ModuleType) -> Iterator[tuple[str, CheckFn]]:
    for value in vars(module).values():
        cid = getattr(value, "check_id", None)
        if callable(value) and isinstance(cid, str):
            yield cid, value


def all_checks() -> dict[str, CheckFn]:
    found: dict[str, CheckFn] = {}
    for name in CHECK_MODULES:
        for cid, fn in _tagged(import_module(f"evidence_tracer.checks.{name}")):
            if cid in found:
                raise ConfigError(f"check {cid} is implemented twice")
            found[cid] = fn
    return dict(sorted(found.items()))


class Emit:
    """Builds the findings of one check, taking criteria/severity/remediation from its spec."""

    def __init__(self, check_id: str, inventory: Inventory) -> None:
        self.spec = specs()[check_id]
        self.account_id = inventory.account_id
        self.partition = inventory.partition

    def _make(self, status: Status, resource: str, region: str, message: str,
              sources: Iterable[str], remediation: str = "") -> Finding:
        return Finding(
            check_id=self.spec.check_id, status=status, severity=self.spec.severity,
            criteria=self.spec.criteria, resource_id=resource, region=region,
            account_id=self.account_id, message=message, remediation=remediation,
            evidence_ids=tuple(dict.fromkeys(sources)),
        )

    def passed(self, resource: str, region: str, message: str, sources: Iterable[str]) -> Finding:
        return self._make(Status.PASS, resource, region, message, sources)

    def failed(self, resource: str, region: str, message: str, sources: Iterable[str],
               **fields: object) -> Finding:
        remediation = self.spec.remediation.format(
            account_id=self.account_id, partition=self.partition, region=region, **fields
        )
        return self._make(Status.FAIL, resource, region, message, sources, remediation)

    def error(self, failure: Failure, resource: str, region: str, sources: Iterable[str] = ()) -> Finding:
        return self._make(
            Status.ERROR, resource, region,
            f"Not evaluated — {failure.describe()}. Grant the permission or fix access, then re-scan.",
            sources,
        )

    def not_applicable(self, resource: str, region: str, message: str,
                       sources: Iterable[str] = ()) -> Finding:
        return self._make(Status.NOT_APPLICABLE, resource, region, message, sources)


def evaluate(inventory: Inventory, context: CheckContext) -> tuple[Finding, ...]:
    """Run every registered check over one inventory."""
    return tuple(f for fn in all_checks().values() for f in fn(inventory, context))
