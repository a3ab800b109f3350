"""Drift between two scans: which check and resource went from passing to failing (a new gap) and from failing
to passing (resolved). A finding is identified by its check, account, location and resource; a check that could
not look in either scan is not a flip (an error is neither a pass nor a failure) but is named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evidence_tracer.models import Finding, ScanResult, Severity, Status

FindingKey = tuple[str, str, str, str]  # check, account, location, resource


def key_of(f: Finding) -> FindingKey:
    return (f.check_id, f.account, f.location, f.resource_id)


@dataclass(frozen=True)
class Flip:
    check_id: str
    account: str
    location: str
    resource_id: str
    severity: Severity
    before: Status | None  # None: the resource was not in the earlier scan
    after: Status | None  # None: it is gone from the later one
    message: str

    @property
    def key(self) -> FindingKey:
        return (self.check_id, self.account, self.location, self.resource_id)


@dataclass(frozen=True)
class Drift:
    since: str  # the earlier scan's id
    until: str  # the later scan's id
    new_gaps: tuple[Flip, ...]  # pass (or absent) -> fail
    resolved: tuple[Flip, ...]  # fail -> pass (or gone)
    unverified: tuple[Flip, ...]  # judged before, could not look now

    @property
    def summary(self) -> str:
        return f"since scan {self.since}: {len(self.new_gaps)} new gap(s), {len(self.resolved)} resolved" + (
            f", {len(self.unverified)} could not be looked at again" if self.unverified else ""
        )

    def serious(self) -> tuple[Flip, ...]:
        """The new gaps worth a message: critical and high."""
        return tuple(f for f in self.new_gaps if f.severity in (Severity.CRITICAL, Severity.HIGH))


def _statuses(findings: Iterable[Finding]) -> dict[FindingKey, Finding]:
    judged = (Status.PASS, Status.FAIL, Status.ERROR)
    return {key_of(f): f for f in findings if f.status in judged}


def drift(earlier: ScanResult, later: ScanResult) -> Drift:
    before, after = _statuses(earlier.findings), _statuses(later.findings)
    new, resolved, unverified = [], [], []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        was_status, now_status = (was.status if was else None), (now.status if now else None)
        shown = now or was
        assert shown is not None
        flip = Flip(*key, shown.severity, was_status, now_status, shown.message)
        if now_status is Status.FAIL and was_status is not Status.FAIL:
            new.append(flip)  # passing, unseen, or not judged before; failing now
        elif was_status is Status.FAIL and now_status in (Status.PASS, None):
            resolved.append(flip)
        elif was_status in (Status.PASS, Status.FAIL) and now_status is Status.ERROR:
            unverified.append(flip)
    order = lambda f: (f.severity.rank, f.key)  # noqa: E731
    return Drift(
        earlier.scan.id,
        later.scan.id,
        tuple(sorted(new, key=order)),
        tuple(sorted(resolved, key=order)),
        tuple(sorted(unverified, key=order)),
    )
