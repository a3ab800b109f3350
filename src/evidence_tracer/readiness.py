"""Readiness: per in-scope criterion, automated findings + manual evidence + owner + policy, rolled up
into a percentage, a prioritised gap list and a week-by-week plan to audit. No I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from evidence_tracer.catalog.controls import Control, SelfEvidence, control_of_rule, controls, controls_for_criterion
from evidence_tracer.catalog.criteria import Criterion, criteria, sort_key
from evidence_tracer.catalog.services import find_service
from evidence_tracer.checks.registry import specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.evidence.items import EvidenceItem
from evidence_tracer.governance.exceptions import Accepted, Lapsed, match
from evidence_tracer.governance.overdue import RegisterSnapshot, register_gaps
from evidence_tracer.governance.owners import owners_of, unowned
from evidence_tracer.governance.reconcile import reconcile
from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Finding, Gap, ScanResult, Severity, Status
from evidence_tracer.policies.status import PolicyState, PolicyStatus

READY_PERCENT = 90
# "Ready for audit" also needs no open critical gap and at most this many high ones, whatever the percentage.
READY_MAX_HIGH_GAPS = 2
SCAN_FRESH = timedelta(days=31)
SOURCE_ORDER = {"owner": 0, "policy": 1, "scan": 2, "register": 3, "evidence": 4}
# How much a finding weighs in its control's automated credit: seven failing MFA users cost more than one.
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
    def score(self) -> float:
        """0 while a prerequisite is missing; otherwise the mean credit of its parts (none: nothing earned)."""
        if self.blocked or not self.parts:
            return 0.0
        return sum(p.credit for p in self.parts) / len(self.parts)

    @property
    def earned(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True)
class CriterionReadiness:
    criterion: Criterion
    controls: tuple[ControlReadiness, ...]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.controls) / len(self.controls) if self.controls else 0.0

    def count(self, status: Status) -> int:
        return sum(1 for c in self.controls for f in c.findings if f.status is status)

    @property
    def evidence_count(self) -> int:
        return sum(c.evidence_count for c in self.controls)

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
    late: bool = False  # the week is past and gap tasks in it are still open


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


def boundary_coverage(config: WorkspaceConfig, scan: ScanResult | None,
                      manual: Iterable[EvidenceItem]) -> tuple[ServiceCoverage, ...]:
    """Only checks that actually judged something count: a scan whose checks all errored covers nothing."""
    judged = {f.check_id for f in scan.findings if f.status is not Status.ERROR} if scan else set()
    notes = [(m.note or "").lower() for m in manual]
    out = []
    for written in config.boundary.services:
        entry = find_service(written)
        names = {written.lower(), *((entry.name.lower(), *entry.aliases) if entry else ())}
        examined = entry.examined_by if entry else ()
        checks = tuple(cid for cid, spec in specs().items() if spec.service in examined and cid in judged)
        evidenced = any(re.search(rf"\b{re.escape(n)}\b", note) for n in names for note in notes)
        out.append(ServiceCoverage(written, checks, evidenced))
    return tuple(out)


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
    unassigned: tuple[EvidenceItem, ...] = ()  # manual evidence filed against a criterion only: no credit
    accepted: tuple[Accepted, ...] = ()  # failures management accepted: shown as such, never as passes
    scan_finished: datetime | None = None

    @property
    def coverage_line(self) -> str:
        """"automated coverage: N of M boundary services", naming those with none."""
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
            accepted = f" and {self.serious_exceptions} accepted critical/high exceptions" \
                if self.serious_exceptions else ""
            reasons.append(f"{self.gap_count(Severity.HIGH)} high gaps open{accepted} (at most "
                           f"{READY_MAX_HIGH_GAPS} together)")
        return tuple(reasons)

    def control(self, control_id: str) -> ControlReadiness | None:
        return next((x for c in self.criteria for x in c.controls if x.control.id == control_id), None)

    def gap_count(self, severity: Severity) -> int:
        return sum(1 for g in self.gaps if g.severity is severity)


def _evidence_for(control: Control, manual: Iterable[EvidenceItem], now: datetime
                  ) -> tuple[tuple[EvidenceItem, ...], tuple[EvidenceItem, ...]]:
    """(current, stale) items filed against this control. An item filed against a criterion only counts for
    no control: one file must not close every control of CC6.1 at once."""
    mine = [m for m in manual if m.control == control.id]
    limit = now - control.frequency.current_for
    return (tuple(m for m in mine if m.collected_at >= limit), tuple(m for m in mine if m.collected_at < limit))


def _automated_part(findings: tuple[Finding, ...], scan: ScanResult | None, now: datetime) -> Part:
    """Credit weighted by severity over the findings that judged something; not applicable judges nothing."""
    if scan is None:
        return Part("automated", 0.0, "no AWS scan yet")
    if now - scan.scan.finished_at > SCAN_FRESH:
        return Part("automated", 0.0, f"the latest scan ({scan.scan.id}) is older than {SCAN_FRESH.days} days")
    judged = [f for f in findings if f.status in (Status.PASS, Status.FAIL, Status.ERROR)]
    if not judged:
        return Part("automated", 0.0, "nothing examined: every check was not applicable or absent "
                    "(not applicable is not a pass; file evidence that the control is designed, or scan the "
                    "resources it covers)")
    total = sum(SEVERITY_WEIGHT[f.severity] for f in judged)
    passed = sum(SEVERITY_WEIGHT[f.severity] for f in judged if f.status is Status.PASS)
    counts = {s: sum(1 for f in judged if f.status is s) for s in (Status.PASS, Status.FAIL, Status.ERROR)}
    detail = (f"{counts[Status.PASS]} pass, {counts[Status.FAIL]} fail, {counts[Status.ERROR]} error "
              f"(weighted by severity: {passed}/{total}) in scan {scan.scan.id}")
    refs = tuple(f"{f.status.value}: {f.check_id} {f.resource_id}" for f in judged)
    return Part("automated", passed / total, detail, refs)


def _scan_gaps(findings: Iterable[Finding], control: Control, owner: str, lapsed: Mapping[Finding, Lapsed]
               ) -> list[Gap]:
    gaps = []
    for f in findings:
        if f.status is Status.FAIL:
            note = f" ({lapsed[f].reason})" if f in lapsed else ""
            gaps.append(Gap(f.severity, f"{f.check_id}: {f.message}{note}", f.remediation, "scan", control.id,
                            f.criteria, owner))
        elif f.status is Status.ERROR:
            gaps.append(Gap(Severity.HIGH, f"{f.check_id} could not run: {f.message}",
                            "Grant the scan role the permission in docs/iam-policy.json (or enable the region), "
                            "then re-scan", "scan", control.id, f.criteria, owner))
    return gaps


def assess(inputs: ReadinessInputs) -> Readiness:
    config, now = inputs.config, inputs.now
    owners = owners_of(config)
    policy_state = {p.name: p.state for p in inputs.policies}
    in_scope = [c for c in criteria().values() if c.category in config.scope.categories]
    check_specs = specs()
    read_sources = set(inputs.scan.scan.sources) if inputs.scan else {"aws"}
    accepted, lapsed = match(inputs.scan.findings if inputs.scan else (), inputs.exceptions, now.date())
    findings = tuple(f for f in (inputs.scan.findings if inputs.scan else ()) if f not in accepted)
    approved = tuple(p.name for p in inputs.policies if p.state is PolicyState.APPROVED)
    reg_gaps = register_gaps(inputs.registers, config.parameters, now.date(), approved,
                             {p.name: p.acknowledged_by for p in inputs.policies})
    reg_gaps += reconcile(inputs.inventory, inputs.registers, now.date()).gaps
    reg_by_control: dict[str, list[Gap]] = {}
    for g in reg_gaps:
        reg_by_control.setdefault(g.control or "", []).append(g)

    gaps: dict[tuple[str, str, str | None], Gap] = {}
    boundary = config.boundary
    self_evident = {
        SelfEvidence.SCAN_HISTORY: inputs.scan is not None and now - inputs.scan.scan.finished_at <= SCAN_FRESH,
        SelfEvidence.SYSTEM_BOUNDARY: bool(boundary.accounts and boundary.regions and boundary.services),
        SelfEvidence.OWNER_LIST: not unowned(config),
        SelfEvidence.POLICY_APPROVALS: len(approved) == len(inputs.policies) > 0
        and not any(g.control == control_of_rule("people.policy_acks") for g in reg_gaps),
    }

    def add(gap: Gap) -> None:
        gaps.setdefault((gap.source, gap.title, gap.control), gap)

    assessed: dict[str, ControlReadiness] = {}

    def assess_control(control: Control) -> ControlReadiness:
        if control.id in assessed:
            return assessed[control.id]
        owner = owners.get(control.id, "")
        if not owner:
            family = control.id.rsplit("-", 1)[0]
            add(Gap(Severity.HIGH, f"{control.id} {control.title} has no named owner",
                    f"Add to tracer.yaml: owners: {{{control.id}: person@company.com}} (or the family {family})",
                    "owner", control.id, control.criteria))
        state = policy_state.get(control.policy)
        if state is not PolicyState.APPROVED:
            severity = Severity.MEDIUM if state is PolicyState.OVERDUE else Severity.HIGH
            how = ("tracer policies generate, review it, then tracer policies approve "
                   f"{control.policy} --by APPROVER")
            add(Gap(severity, f"Policy {control.policy} is {state.value if state else 'missing'}", how, "policy",
                    None, (), owner))
        prerequisites = (
            Prerequisite("owner", bool(owner), owner or "no named owner"),
            Prerequisite("policy", state is PolicyState.APPROVED,
                         f"{control.policy}: {state.value if state else 'missing'}"),
        )
        parts: list[Part] = []
        mine = tuple(f for f in findings if f.check_id in control.checks)
        # Only checks of the sources this workspace reads can earn or cost credit (GitHub checks say nothing
        # about a team on GitLab): a control whose checks all belong to other sources is judged on evidence.
        examined = [c for c in control.checks if any(check_specs[c].judges(s) for s in read_sources)]
        if examined:
            automated = _automated_part(mine, inputs.scan, now)
            parts.append(automated)
            if inputs.scan is None:
                add(Gap(Severity.HIGH, "No AWS scan yet", "tracer scan", "scan", None, (), ""))
            elif automated.refs == () and automated.credit == 0.0:
                add(Gap(Severity.MEDIUM, f"{control.id} {control.title}: {automated.detail}",
                        "tracer scan (with the resources in the boundary), or file evidence of the control: "
                        f"tracer evidence add {control.id} FILE --note ... --by ...", "scan", control.id,
                        control.criteria, owner))
            for gap in _scan_gaps(mine, control, owner, lapsed):
                add(gap)
        current, stale = _evidence_for(control, inputs.manual, now)
        if control.evidence or control.registers or control.satisfied_by:
            rule_gaps = reg_by_control.get(control.id, [])
            if control.satisfied_by is not None:  # the workspace's own record, which includes its register rules
                ok, basis = self_evident[control.satisfied_by], f"the workspace's {control.satisfied_by.value}"
            elif control.registers:
                ok, basis = not rule_gaps, f"register rules {', '.join(control.registers)}"
            else:
                ok, basis = bool(current), "manual evidence filed against this control"
            if control.registers and any(g.severity is not Severity.LOW for g in rule_gaps):
                ok = False  # an upload does not cancel what the register shows
            elif control.registers and rule_gaps:
                ok = bool(current)  # "nothing recorded" is answered by evidence filed against the control
            elif not ok and current and not control.registers:
                ok = True
            detail = (f"{basis}: " + ("met" if ok else "not met")
                      + (f"; {len(current)} current item(s)" if current else "")
                      + (f"; {len(stale)} older than its {control.frequency.value} cadence allows" if stale else ""))
            refs = tuple(f"evidence {m.id} ({m.filename}, {m.collected_at:%Y-%m-%d})" for m in current)
            parts.append(Part("evidence", 1.0 if ok else 0.0, detail, refs + tuple(control.registers)))
            for g in rule_gaps:
                if ok and g.severity is Severity.LOW:
                    continue  # answered by the evidence filed against the control
                add(Gap(g.severity, g.title, g.action, g.source, g.control, control.criteria, g.owner or owner))
            if not ok and not any(g.severity is not Severity.LOW for g in rule_gaps):
                what = (f"Evidence for {control.id} {control.title} is older than its {control.frequency.value} "
                        "cadence" if stale else f"No evidence for {control.id} {control.title}")
                add(Gap(Severity.MEDIUM, what,
                        f"Collect: {'; '.join(control.evidence)}. Then: tracer evidence add {control.id} FILE "
                        "--note ... --by ...", "evidence", control.id, control.criteria, owner))
        result = ControlReadiness(control, owner, state, mine, current, stale, prerequisites, tuple(parts))
        assessed[control.id] = result
        return result

    per_criterion = tuple(
        CriterionReadiness(c, tuple(assess_control(ctl) for ctl in controls_for_criterion(c.id))) for c in in_scope
    )
    coverage = boundary_coverage(config, inputs.scan, inputs.manual)
    boundary_control = next((c for c in controls().values() if c.satisfied_by is SelfEvidence.SYSTEM_BOUNDARY), None)
    for service in coverage:
        if not service.automated and not service.evidenced:
            target = boundary_control.id if boundary_control else "CRITERION"
            add(Gap(Severity.MEDIUM, f"Boundary service {service.name} is examined by no check and has no evidence",
                    f"Collect its configuration evidence (access, encryption, logging, backups) and file it naming "
                    f"the service: tracer evidence add {target} FILE --note '{service.name}: ...' --by ...",
                    "evidence", target if boundary_control else None,
                    boundary_control.criteria if boundary_control else ()))
    if config.audit.target_date is None:
        add(Gap(Severity.LOW, "No audit target date: the plan starts next Monday and moves with every run",
                "Set it in tracer.yaml: audit: {target_date: YYYY-MM-DD} (the report's as-of date)", "plan"))
    percent = int(100 * sum(c.score for c in per_criterion) / len(per_criterion)) if per_criterion else 0
    ordered = tuple(sorted(gaps.values(), key=lambda g: (
        g.severity.rank, SOURCE_ORDER.get(g.source, 9), sort_key(g.criteria[0]) if g.criteria else (9, "", ()),
        g.title)))
    return Readiness(
        generated_at=now, company=config.company.name, scope=tuple(c.value for c in config.scope.categories),
        scan_id=inputs.scan.scan.id if inputs.scan else None, percent=percent, criteria=per_criterion,
        gaps=ordered, plan=plan(ordered, now.date(), config), coverage=coverage,
        signing_key=config.signing.public_key_fingerprint,
        unassigned=tuple(m for m in inputs.manual if m.control is None), accepted=tuple(accepted.values()),
        scan_finished=inputs.scan.scan.finished_at if inputs.scan else None,
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


PLAN_WEEKS = 13
# Rough effort per gap, in hours, by where it comes from (shown beside each task and used to spread the load).
EFFORT_HOURS = {("scan", Severity.CRITICAL): 2.0, ("scan", Severity.HIGH): 2.0, ("scan", Severity.MEDIUM): 1.0,
                ("scan", Severity.LOW): 0.5, ("policy", None): 3.0, ("owner", None): 0.25, ("evidence", None): 1.0,
                ("register", None): 1.0}
QUICK_FIX_HOURS = 0.5
AUDITOR_GUIDANCE = ("Choose the auditor: shortlist 2-3 CPA firms that audit companies of your size and ask each what "
                    "its readiness assessment looks like. A Type 1 at a startup-friendly firm typically costs "
                    "$8-15K and takes 6-10 weeks elapsed (guidance, not an endorsement of any firm)")
# Remediations that take minutes, not hours: fixed in week 1 whatever their place in the list.
QUICK_FIXES = ("iam_root_mfa", "iam_root_access_keys", "s3_account_public_access_block", "rds_snapshot_not_public",
               "ebs_snapshot_not_public", "ebs_encryption_by_default", "guardduty_enabled")


def effort(g: Gap) -> float:
    if g.source == "scan" and g.title.split(":")[0] in QUICK_FIXES:
        return QUICK_FIX_HOURS
    return EFFORT_HOURS.get((g.source, g.severity if g.source == "scan" else None), 1.0)


def _task(g: Gap) -> str:
    hours = effort(g)
    size = f"~{int(hours * 60)} min" if hours < 1 else f"~{hours:g} h"
    return f"[{g.severity.value}] {g.title}" + (f" — {g.owner}" if g.owner else "") + f" ({size})"


def _spread(selected: list[Gap], weeks: int, capacity: float) -> list[list[str]]:
    """The gaps over `weeks` weeks, most urgent first, each owner's hours kept under `capacity` a week where
    possible (the last week takes the rest)."""
    load: list[dict[str, float]] = [{} for _ in range(weeks)]
    out: list[list[str]] = [[] for _ in range(weeks)]
    for g in selected:
        who = g.owner or "unowned"
        week = next((i for i in range(weeks) if load[i].get(who, 0.0) + effort(g) <= capacity), weeks - 1)
        load[week][who] = load[week].get(who, 0.0) + effort(g)
        out[week].append(_task(g))
    return out


def plan(gaps: tuple[Gap, ...], today: date, config: WorkspaceConfig) -> tuple[PlanWeek, ...]:
    """A dated path to the audit: anchored on `audit.target_date` (week 13 is the week of the report date),
    so re-running it never moves a date; a week already past with tasks still open is marked late. Without
    a target date it starts next Monday."""
    capacity = float(config.audit.weekly_hours_per_owner)
    scan_gaps = [g for g in gaps if g.source == "scan"]
    quick = [g for g in scan_gaps if effort(g) <= QUICK_FIX_HOURS and g.severity in (Severity.CRITICAL,
                                                                                      Severity.HIGH)]
    urgent = [g for g in scan_gaps if g.severity in (Severity.CRITICAL, Severity.HIGH) and g not in quick]
    other = [g for g in scan_gaps if g not in urgent and g not in quick]
    owners = [_task(g) for g in gaps if g.source == "owner"]
    policies = _spread([g for g in gaps if g.source == "policy"], 2, capacity)
    fixes = _spread(urgent, 2, capacity)
    rest = _spread(other, 2, capacity)
    evidence = _spread([g for g in gaps if g.source in ("register", "evidence")], 2, capacity)
    scope = f"Confirm scope ({', '.join(c.value for c in config.scope.categories)}) and the system boundary"
    phases: list[tuple[str, list[str]]] = [
        ("Scope, owners and quick critical fixes", [scope, *owners, *(_task(g) for g in quick), AUDITOR_GUIDANCE]),
        ("Auditor selection and policies", ["Engage the CPA firm; agree the Type 1 report date and scope",
                                            *policies[0]]),
        ("Readiness assessment and policies", ["Walk through the readiness assessment with the CPA firm",
                                               "Roll out security training and policy acknowledgments to everyone",
                                               *policies[1]]),
        ("Remediation: critical and high", fixes[0]),
        ("Remediation: critical and high", fixes[1]),
        ("Remediation: medium and low", ["Enrol every laptop in device management (disk encryption, screen lock, "
                                         "updates) and keep its report as evidence", *rest[0]]),
        ("Remediation: medium and low", rest[1]),
        ("Evidence and registers", ["Draft the system description (tracer deliverables) and have management "
                                    "complete its prompts",
                                    "Commission a penetration test (budget $3-8K) so its report falls inside the "
                                    "audit period", *evidence[0]]),
        ("Evidence and registers", evidence[1]),
        ("Readiness check", ["Re-scan (tracer scan) and confirm no critical gap and at most 2 high gaps remain",
                             "Walk through every in-scope criterion with its owner (tracer status --explain)"]),
        ("Package", ["Export and verify the package (tracer evidence export / verify); sign the management "
                     "assertion", "Give the auditor the package and its fingerprint by a separate channel"]),
        ("Audit", ["Type 1 fieldwork; answer auditor requests from the request list (deliverables/)"]),
        ("Audit", ["Report date; plan the Type 2 observation window (typically 3 to 12 months) and keep scanning "
                   "monthly"]),
    ]
    target = config.audit.target_date
    start = _monday(target) - timedelta(weeks=PLAN_WEEKS - 1) if target else _next_monday(today)
    weeks = []
    for i, (phase, items) in enumerate(phases):
        begins = start + timedelta(weeks=i)
        open_items = [t for t in items if t.startswith("[")]  # gap tasks (the fixed milestones are advice)
        late = begins + timedelta(days=7) <= today and bool(open_items)
        weeks.append(PlanWeek(i + 1, begins, phase, tuple(items) or ("Nothing open — done.",), late))
    return tuple(weeks)
