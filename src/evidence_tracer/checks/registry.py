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
import pkgutil
import shlex
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module, resources
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from evidence_tracer.catalog.controls import criteria_of_check
from evidence_tracer.catalog.fragments import fragments
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError, TracerError, UnexpectedShape
from evidence_tracer.inventory import GLOBAL, Failure, Inventory, Observed, SourcePart
from evidence_tracer.models import Finding, Severity, Status
from evidence_tracer.yamlfile import safe_load

# Checks of a third-party source: modules named by entry points of this group (the built-ins are found in
# this package, so no list of check modules is kept by hand).
ENTRY_POINT_GROUP = "evidence_tracer.checks"
_TAG = "__tracer_check__"
PART_FIELDS = frozenset({"account_id", "partition", "region"})


class CheckDefinitionError(TracerError):
    """A check and its catalog entry disagree (a remediation placeholder it does not fill): a bug."""


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
    # The operations whose answers the check reads, as "service:Operation" of its source's declarations, for
    # each source whose parts it judges (an identity-provider check judges Okta and Google Workspace alike).
    needs_by_source: Mapping[str, tuple[str, ...]]
    # Every source whose parts it judges; `source` is the first.
    sources: tuple[str, ...] = ()

    @property
    def placeholders(self) -> frozenset[str]:
        """The remediation template's fields a failing finding must give (account_id, partition and region
        come from the part)."""
        named = {field for _, field, _, _ in string.Formatter().parse(self.remediation) if field}
        return frozenset(named - PART_FIELDS)

    def judges(self, source: str) -> bool:
        return source in (self.sources or (self.source,))

    @property
    def needs(self) -> tuple[str, ...]:
        """The operations it needs from its first source."""
        return self.needs_of(self.source)

    def needs_of(self, source: str) -> tuple[str, ...]:
        return self.needs_by_source.get(source, ())


CheckFn = Callable[[SourcePart, CheckContext, "Emit"], Iterable[Finding]]


def _needs(entry: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """`needs: [op, …]` (the check's one source) or `needs: {source: [op, …], …}` (one list per source)."""
    needs, sources = entry["needs"], entry.get("sources", [entry.get("source", "aws")])
    if isinstance(needs, Mapping):
        if set(needs) != set(sources):
            raise ValueError(f"needs names {sorted(needs)} but the check judges {sources}")
        return {str(k): tuple(str(n) for n in v) for k, v in needs.items()}
    if len(sources) > 1:
        raise ValueError(f"a check judging {sources} declares its needs per source")
    return {str(sources[0]): tuple(str(n) for n in needs)}


@dataclass(frozen=True)
class CheckMeta:
    """A check's catalog entry written beside its code (the Prowler model) rather than in checks.yaml: one or
    the other, never both. Its criteria still come from the controls that list it (controls.yaml)."""

    title: str
    severity: Severity
    service: str
    remediation: str
    needs: tuple[str, ...]
    source: str = "aws"

    def entry(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "severity": self.severity.value,
            "service": self.service,
            "remediation": self.remediation,
            "needs": list(self.needs),
            "source": self.source,
        }


def _entries() -> dict[str, dict[str, Any]]:
    """Every check's catalog entry: checks.yaml's, the plug-ins' catalog fragments', and those declared beside
    their code."""
    text = resources.files("evidence_tracer.catalog").joinpath("checks.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = safe_load(text)
    for fragment in fragments():
        for cid, entry in fragment.checks.items():
            if cid in raw:
                raise ConfigError(f"{fragment.package}/catalog.yaml: check {cid} is described twice")
            raw[cid] = entry
    for cid, fn in all_checks().items():
        meta = getattr(fn, "meta", None)
        if isinstance(meta, CheckMeta):
            if cid in raw:
                raise ConfigError(f"check {cid} is described twice: in catalog/checks.yaml and beside its code")
            raw[cid] = meta.entry()
    return raw


@functools.cache
def specs() -> dict[str, CheckSpec]:
    raw = _entries()
    try:
        return {
            cid: CheckSpec(
                check_id=cid,
                title=str(v["title"]),
                source=str(v.get("sources", [v.get("source", "aws")])[0]),
                sources=tuple(str(x) for x in v.get("sources", [v.get("source", "aws")])),
                service=str(v["service"]),
                severity=Severity(v["severity"]),
                criteria=criteria_of_check(cid),
                remediation=str(v["remediation"]),
                needs_by_source=_needs(v),
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
    """Mark `fn` as the implementation of the check named like it (which must be in checks.yaml). A declarative
    check (checks/attribute.py) is marked by its class; the variable holding it is named like the check."""
    setattr(fn, _TAG, True)
    return fn


def _tagged(module: ModuleType) -> Iterator[tuple[str, CheckFn]]:
    for name, value in vars(module).items():
        if callable(value) and not isinstance(value, type) and getattr(value, _TAG, False):
            yield name, value


def check_modules() -> tuple[str, ...]:
    """Every module that may hold checks: each module of this package, then the entry points' modules."""
    package = import_module(__package__ or "evidence_tracer.checks")
    own = tuple(
        f"{package.__name__}.{m.name}"
        for m in pkgutil.iter_modules(package.__path__)
        if not m.name.startswith("_") and m.name != "registry"
    )
    return own + tuple(ep.value for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.value not in own)


@functools.cache
def all_checks() -> dict[str, CheckFn]:
    found: dict[str, CheckFn] = {}
    for module in check_modules():
        for cid, fn in _tagged(import_module(module)):
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

    def _make(
        self, status: Status, resource: str, location: str, message: str, sources: Iterable[str], remediation: str = ""
    ) -> Finding:
        return Finding(
            check_id=self.spec.check_id,
            status=status,
            severity=self.spec.severity,
            criteria=self.spec.criteria,
            resource_id=resource,
            location=location,
            account=self.account,
            message=message,
            remediation=remediation,
            evidence_ids=tuple(dict.fromkeys(sources)),
            source=self.source,
        )

    def passed(self, resource: str, location: str, message: str, sources: Iterable[str]) -> Finding:
        return self._make(Status.PASS, resource, location, message, sources)

    def failed(self, resource: str, location: str, message: str, sources: Iterable[str], **fields: object) -> Finding:
        """A failing finding; `fields` fill the remediation template, each quoted for the shell, so a user or
        group name from AWS pastes as one inert argument. Every placeholder of the template (besides account_id,
        partition and region, which come from the part) must be given: a missing one is a bug in the check,
        raised as such — never a half-filled command, never an `error` finding."""
        missing = self.spec.placeholders - set(fields)
        if missing:
            raise CheckDefinitionError(
                f"{self.spec.check_id}: the remediation template needs {sorted(missing)}, which the check did not give"
            )
        quoted = {
            k: shlex.quote(str(v))
            for k, v in {"account_id": self.account, "partition": self.partition, "region": location, **fields}.items()
        }
        remediation = self.spec.remediation.format(**quoted)
        return self._make(Status.FAIL, resource, location, message, sources, remediation)

    def error(self, failure: Failure, resource: str, location: str, sources: Iterable[str] = ()) -> Finding:
        return self._make(
            Status.ERROR, resource, location, f"Not evaluated — {failure.describe()}.", sources, failure.action()
        )

    def unread(self, observed: Observed[Any], resource: str, location: str) -> Finding:
        """The `error` finding for a value that could not be read (its failure, with its evidence)."""
        assert observed.failure is not None, "unread() needs an observation that failed"
        return self.error(observed.failure, resource, location, observed.sources)

    def not_applicable(self, resource: str, location: str, message: str, sources: Iterable[str] = ()) -> Finding:
        return self._make(Status.NOT_APPLICABLE, resource, location, message, sources)


def run_check(check_id: str, part: SourcePart, context: CheckContext) -> tuple[Finding, ...]:
    """One check over one part. A part that could not be read at all, or data a check cannot make sense of
    (`UnexpectedShape`), is an `error` finding: never a pass. A programming error in a check is raised."""
    spec = specs()[check_id]
    emit = Emit(spec, part)
    resource = f"{part.source}:{part.account}"
    if part.failure is not None:
        return (emit.error(part.failure, resource, GLOBAL),)
    try:
        return tuple(all_checks()[check_id](part, context, emit))
    except UnexpectedShape as exc:  # data not shaped as documented; anything else is a bug, raised as one
        failure = Failure(
            spec.service,
            check_id,
            GLOBAL,
            "UnexpectedShape",
            f"the collected data is not shaped as the check expects: {exc}",
        )
        return (emit.error(failure, resource, GLOBAL),)


def evaluate(inventory: Inventory, context: CheckContext) -> tuple[Finding, ...]:
    """Run every registered check over every part of its source."""
    return tuple(
        f
        for cid in all_checks()
        for part in inventory.parts
        if specs()[cid].judges(part.source)
        for f in run_check(cid, part, context)
    )
