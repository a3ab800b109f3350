"""Shared views of a scan result used by every human-facing renderer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evidence_tracer.catalog.criteria import criteria, sort_key
from evidence_tracer.models import Finding, Severity, Status

DISCLAIMER = (
    "This report shows SOC 2-aligned readiness (ready for audit or not). It is not a SOC 2 report "
    "and does not state compliance: only a licensed CPA firm can examine controls and issue a SOC 2 report."
)

STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}


def finding_order(f: Finding) -> tuple[int, int, str, str, str, str]:
    return (STATUS_ORDER[f.status], f.severity.rank, f.check_id, f.account, f.location, f.resource_id)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


@dataclass(frozen=True)
class CriterionGroup:
    criterion_id: str
    title: str
    findings: tuple[Finding, ...]

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status is status)

    @property
    def state(self) -> str:
        """One word for the criterion: gaps, unverified (errors only), ready or n/a."""
        if self.count(Status.FAIL):
            return "gaps"
        if self.count(Status.ERROR):
            return "unverified"
        if self.count(Status.PASS):
            return "ready"
        return "n/a"


def by_criterion(findings: Iterable[Finding]) -> list[CriterionGroup]:
    """Findings grouped under each criterion they name (a finding may sit in several groups)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        for c in f.criteria:
            groups.setdefault(c, []).append(f)
    catalog = criteria()
    return [
        CriterionGroup(cid, catalog[cid].title if cid in catalog else cid, tuple(ordered(groups[cid])))
        for cid in sorted(groups, key=sort_key)
    ]


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for f in findings:
        if f.status is Status.FAIL:
            counts[f.severity] += 1
    return counts
