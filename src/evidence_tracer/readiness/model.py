"""Readiness values: what each control and criterion earned, the gaps, the plan. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from evidence_tracer.catalog.controls import Control
from evidence_tracer.catalog.criteria import Criterion
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.evidence.items import EvidenceItem
from evidence_tracer.governance.exceptions import Accepted
from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Finding, Gap, ScanResult, Severity, Status
from evidence_tracer.policies.status import PolicyState, PolicyStatus

READY_PERCENT = 90
# "Ready for audit" also needs no open critical gap and at most this many high ones, whatever the percentage.
READY_MAX_HIGH_GAPS = 2
SCAN_FRESH = timedelta(days=31)
SOURCE_ORDER = {"owner": 0, "policy": 1, "scan": 2, "register": 3, "evidence": 4, "collection": 5}
# The source of a gap that is a check that could not look: not a remediation task, a "could not look" entry.
COLLECTION = "collection"
# An open critical finding caps its control and every criterion the control serves at this share: a critical
# exposure cannot hide among passes, however many there are.
CRITICAL_CAP = 0.25
# How much a check weighs in its control's automated credit (the check's share of passing resources times this).
SEVERITY_WEIGHT = {Severity.CRITICAL: 8, Severity.HIGH: 4, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 1}


@dataclass(frozen=True)
class Prerequisite:
    """A named owner, an approved policy: needed before a control earns anything, worth nothing by itself."""

    name: str  # owner | policy
    met: bool
    detail: str


@dataclass(frozen=True)
class Part:
    """One way a control earns credit, with what earned it: `refs` are evidence ids, finding resources or
    register rules an auditor can look up."""

    name: str  # automated | evidence
    credit: float  # 0..1
    detail: str
    refs: tuple[str, ...] = ()
    counts: bool = True  # False: nothing left to judge (not applicable), so it leaves the control's denominator


@dataclass(frozen=True)
class ReadinessInputs:
    config: WorkspaceConfig
    now: datetime
    scan: ScanResult | None
    manual: tuple[EvidenceItem, ...]
    policies: tuple[PolicyStatus, ...]
    registers: RegisterSnapshot
    exceptions: tuple[ExceptionRecord, ...] = ()
    inventory: Inventory | None = None  # the latest scan's: its accounts are reconciled with the people register
    history_head: str = ""  # the store's history head (HASH:LENGTH), shown for the founder to keep
    scans: tuple[tuple[str, datetime], ...] = ()  # every stored scan finished by `now`: (id, finished at)


@dataclass(frozen=True)
class ControlReadiness:
    control: Control
    owner: str
    policy_state: PolicyState | None
    findings: tuple[Finding, ...]
    evidence: tuple[EvidenceItem, ...]  # manual evidence filed against this control and current for its cadence
    stale: tuple[EvidenceItem, ...]  # filed against it, but older than its cadence allows
    prerequisites: tuple[Prerequisite, ...]
    parts: tuple[Part, ...]

    @property
    def evidence_count(self) -> int:
        return len(self.evidence)

    @property
    def blocked(self) -> bool:
        return not all(p.met for p in self.prerequisites)

    @property
    def applicable(self) -> bool:
        """False when everything that could earn it credit found nothing to judge (the risk is gone): it then
        leaves its criterion's denominator instead of reading 0%."""
        return self.blocked or not self.parts or any(p.counts for p in self.parts)

    @property
    def open_critical(self) -> bool:
        """A critical finding fails and no accepted exception covers it."""
        return any(f.status is Status.FAIL and f.severity is Severity.CRITICAL for f in self.findings)

    @property
    def score(self) -> float:
        """0 while a prerequisite is missing; otherwise the mean credit of the parts that count (none: nothing
        earned), capped at CRITICAL_CAP while a critical finding is open."""
        counted = [p for p in self.parts if p.counts]
        if self.blocked or not counted:
            return 0.0
        mean = sum(p.credit for p in counted) / len(counted)
        return min(mean, CRITICAL_CAP) if self.open_critical else mean

    @property
    def earned(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class CriterionReadiness:
    criterion: Criterion
    controls: tuple[ControlReadiness, ...]

    @property
    def score(self) -> float:
        """The mean of its controls, capped at CRITICAL_CAP while any of them has an open critical finding."""
        judged = [c for c in self.controls if c.applicable]
        if not judged:
            return 0.0
        mean = sum(c.score for c in judged) / len(judged)
        return min(mean, CRITICAL_CAP) if any(c.open_critical for c in self.controls) else mean

    def count(self, status: Status) -> int:
        return sum(1 for c in self.controls for f in c.findings if f.status is status)

    @property
    def evidence_count(self) -> int:
        return sum(c.evidence_count for c in self.controls)

    @property
    def badge(self) -> str:
        """The one word every view shows for the criterion (package index, readiness report, matrix)."""
        if self.score >= 1:
            return "ready"
        if self.count(Status.FAIL):
            return "gaps"
        if self.count(Status.ERROR):
            return "unverified"
        return "partially evidenced" if self.score > 0 else "no evidence"

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.owner for c in self.controls if c.owner))

    @property
    def policies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.control.policy for c in self.controls))


@dataclass(frozen=True)
class PlanWeek:
    week: int
    start: date
    phase: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class ServiceCoverage:
    """One boundary service (as tracer.yaml names it): the checks of the latest scan that examined it, and
    whether manual evidence names it."""

    name: str
    checks: tuple[str, ...]
    evidenced: bool

    @property
    def automated(self) -> bool:
        return bool(self.checks)


@dataclass(frozen=True)
class Readiness:
    generated_at: datetime
    company: str
    scope: tuple[str, ...]
    scan_id: str | None
    percent: int
    criteria: tuple[CriterionReadiness, ...]
    gaps: tuple[Gap, ...]
    plan: tuple[PlanWeek, ...]
    coverage: tuple[ServiceCoverage, ...] = ()
    signing_key: str = ""  # the fingerprint auditor packages are signed with (tracer.yaml)
    history_head: str = ""  # the evidence store's history head (HASH:LENGTH) this assessment read
    unassigned: tuple[EvidenceItem, ...] = ()  # manual evidence filed against a criterion only: no credit
    accepted: tuple[Accepted, ...] = ()  # failures management accepted: shown as such, never as passes
    scan_finished: datetime | None = None
    plan_warnings: tuple[str, ...] = ()  # when the target date or the owners' hours do not fit the plan
    examination: str = "Type 1"  # or "Type 2, period START to END": what the views are preparing for

    @property
    def is_type2(self) -> bool:
        return self.examination.startswith("Type 2")

    @property
    def to_fix(self) -> tuple[Gap, ...]:
        """The gaps that are remediation tasks: all but the checks that could not look."""
        return tuple(g for g in self.gaps if g.source != COLLECTION)

    @property
    def could_not_look(self) -> tuple[Gap, ...]:
        """Checks that could not look (a permission, a region, an endpoint that did not answer): not remediation
        tasks, and never passes."""
        return tuple(g for g in self.gaps if g.source == COLLECTION)

    @property
    def coverage_line(self) -> str:
        """ "automated coverage: N of M boundary services", naming those with none."""
        automated = [c for c in self.coverage if c.automated]
        line = f"automated coverage: {len(automated)} of {len(self.coverage)} boundary services"
        none = [c.name for c in self.coverage if not c.automated]
        return line + (f" (none for {', '.join(none)})" if none else "")

    @property
    def ready_for_audit(self) -> bool:
        """At least READY_PERCENT, no critical gap, and at most READY_MAX_HIGH_GAPS high gaps and accepted
        critical or high exceptions together: accepting failures is not a way around fixing them."""
        return not self.why_not_ready()

    @property
    def serious_exceptions(self) -> int:
        return sum(1 for a in self.accepted if a.finding.severity in (Severity.CRITICAL, Severity.HIGH))

    def why_not_ready(self) -> tuple[str, ...]:
        reasons = []
        if self.percent < READY_PERCENT:
            reasons.append(f"{self.percent}% is below {READY_PERCENT}%")
        if self.gap_count(Severity.CRITICAL):
            reasons.append(f"{self.gap_count(Severity.CRITICAL)} critical gaps open")
        if self.gap_count(Severity.HIGH) + self.serious_exceptions > READY_MAX_HIGH_GAPS:
            accepted = (
                f" and {self.serious_exceptions} accepted critical/high exceptions" if self.serious_exceptions else ""
            )
            reasons.append(
                f"{self.gap_count(Severity.HIGH)} high gaps open{accepted} (at most {READY_MAX_HIGH_GAPS} together)"
            )
        return tuple(reasons)

    def control(self, control_id: str) -> ControlReadiness | None:
        return next((x for c in self.criteria for x in c.controls if x.control.id == control_id), None)

    def gap_count(self, severity: Severity) -> int:
        return sum(1 for g in self.gaps if g.severity is severity)
