"""Readiness assessed: per in-scope criterion, automated findings + manual evidence + owner + policy, rolled up
into a percentage and a prioritised gap list. No I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from evidence_tracer.catalog.controls import Control, SelfEvidence, control_of_rule, controls, controls_for_criterion
from evidence_tracer.catalog.criteria import criteria, sort_key
from evidence_tracer.catalog.services import find_service
from evidence_tracer.checks.registry import specs
from evidence_tracer.config import AuditType, WorkspaceConfig, boundary_digest
from evidence_tracer.evidence.items import EvidenceItem
from evidence_tracer.governance.exceptions import Lapsed, match
from evidence_tracer.governance.oversight import attestations, sole_owner
from evidence_tracer.governance.owners import owners_of, unowned
from evidence_tracer.governance.reconcile import reconcile
from evidence_tracer.governance.rules import register_gaps
from evidence_tracer.models import Finding, Gap, ScanResult, Severity, Status
from evidence_tracer.policies.status import PolicyState
from evidence_tracer.readiness.model import (
    COLLECTION,
    CRITICAL_CAP,
    SCAN_FRESH,
    SEVERITY_WEIGHT,
    SOURCE_ORDER,
    ControlReadiness,
    CriterionReadiness,
    Part,
    Prerequisite,
    Readiness,
    ReadinessInputs,
    ServiceCoverage,
)
from evidence_tracer.readiness.plan import plan


def boundary_coverage(
    config: WorkspaceConfig, scan: ScanResult | None, manual: Iterable[EvidenceItem]
) -> tuple[ServiceCoverage, ...]:
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


def _evidence_for(
    control: Control, manual: Iterable[EvidenceItem], now: datetime
) -> tuple[tuple[EvidenceItem, ...], tuple[EvidenceItem, ...]]:
    """(current, stale) items filed against this control. An item filed against a criterion only counts for
    no control: one file must not close every control of CC6.1 at once."""
    mine = [m for m in manual if m.control == control.id]
    limit = now - control.frequency.current_for
    return (tuple(m for m in mine if m.effective_at >= limit), tuple(m for m in mine if m.effective_at < limit))


def check_shares(findings: Iterable[Finding]) -> dict[str, tuple[float, int, Severity]]:
    """Per check that judged something: the share of its resources that pass (an error is not a pass), how many
    it judged, and its severity."""
    judged: dict[str, list[Finding]] = {}
    for f in findings:
        if f.status in (Status.PASS, Status.FAIL, Status.ERROR):
            judged.setdefault(f.check_id, []).append(f)
    return {
        cid: (
            sum(1 for f in fs if f.status is Status.PASS) / len(fs),
            len(fs),
            max(fs, key=lambda f: -f.severity.rank).severity,
        )
        for cid, fs in judged.items()
    }


def automated_credit(shares: Mapping[str, tuple[float, int, Severity]]) -> float | None:
    """A control's automated credit from its `check_shares`: each check weighs by its severity, and earns the
    share of its resources that pass — one failing bucket among 400 is one check at 99.75%, not 399 passes
    drowning one failure. None when no check judged anything (not applicable: the risk is gone)."""
    if not shares:
        return None
    total = sum(SEVERITY_WEIGHT[severity] for _, _, severity in shares.values())
    return sum(SEVERITY_WEIGHT[severity] * share for share, _, severity in shares.values()) / total


def automated_part(findings: tuple[Finding, ...], scan: ScanResult | None, now: datetime) -> Part:
    """Credit by check (share of passing resources, weighted by the check's severity). A control whose checks
    found nothing to examine leaves the denominator with the reason; a scan that examined nothing at all earns
    nothing (not applicable is not a pass)."""
    if scan is None:
        return Part("automated", 0.0, "no AWS scan yet")
    if now - scan.scan.started_at > SCAN_FRESH:  # its evidence is as old as its collection's start
        return Part("automated", 0.0, f"the latest scan ({scan.scan.id}) is older than {SCAN_FRESH.days} days")
    if not any(f.status in (Status.PASS, Status.FAIL, Status.ERROR) for f in scan.findings):
        return Part(
            "automated",
            0.0,
            "nothing examined: every check was not applicable or absent "
            "(not applicable is not a pass; file evidence that the control is designed, or scan the "
            "resources it covers)",
        )
    shares = check_shares(findings)
    credit = automated_credit(shares)
    if credit is None:
        reasons = sorted({f"{f.check_id}: {f.message}" for f in findings if f.status is Status.NOT_APPLICABLE})
        why = "; ".join(reasons[:3]) or "none of its checks found anything to examine"
        return Part("automated", 0.0, f"not applicable, not counted ({why})", counts=False)
    detail = (
        ", ".join(f"{cid} {int(100 * share)}% of {n}" for cid, (share, n, _) in sorted(shares.items()))
        + f" (by check, weighted by severity) in scan {scan.scan.id}"
    )
    judged = [f for f in findings if f.status in (Status.PASS, Status.FAIL, Status.ERROR)]
    refs = tuple(f"{f.status.value}: {f.check_id} {f.resource_id}" for f in judged)
    if any(f.status is Status.FAIL and f.severity is Severity.CRITICAL for f in judged):
        detail += f"; an open critical finding caps the control at {int(100 * CRITICAL_CAP)}%"
    return Part("automated", credit, detail, refs)


def _scan_gaps(
    findings: Iterable[Finding], control: Control, owner: str, lapsed: Mapping[Finding, Lapsed]
) -> list[Gap]:
    gaps = []
    for f in findings:
        if f.status is Status.FAIL:
            note = f" ({lapsed[f].reason})" if f in lapsed else ""
            gaps.append(
                Gap(
                    f.severity, f"{f.check_id}: {f.message}{note}", f.remediation, "scan", control.id, f.criteria, owner
                )
            )
        elif f.status is Status.ERROR:
            gaps.append(
                Gap(
                    Severity.HIGH,
                    f"{f.check_id} could not run: {f.message}",
                    f.remediation
                    or "Grant the scan role the permission (docs/iam-policy.json), enable the region, or re-run if "
                    "the endpoint did not answer; then re-scan",
                    COLLECTION,
                    control.id,
                    f.criteria,
                    owner,
                )
            )
    return gaps


def assess(inputs: ReadinessInputs) -> Readiness:
    config, now = inputs.config, inputs.now
    owners = owners_of(config)
    sole = sole_owner(owners)
    policy_state = {p.name: p.state for p in inputs.policies}
    in_scope = [c for c in criteria().values() if c.category in config.scope.categories]
    check_specs = specs()
    read_sources = set(inputs.scan.scan.sources) if inputs.scan else {"aws"}
    accepted, lapsed = match(inputs.scan.findings if inputs.scan else (), inputs.exceptions, now.date())
    findings = tuple(f for f in (inputs.scan.findings if inputs.scan else ()) if f not in accepted)
    approved = tuple(p.name for p in inputs.policies if p.state is PolicyState.APPROVED)
    scans = dict(inputs.scans)
    if inputs.scan is not None:
        scans.setdefault(inputs.scan.scan.id, inputs.scan.scan.finished_at)
    reg_gaps = register_gaps(
        inputs.registers,
        config.parameters,
        now.date(),
        approved,
        {p.name: p.acknowledged_by for p in inputs.policies},
        owners=owners,
        boundary_sha256=boundary_digest(config),
        scans=scans,
    )
    reg_gaps += reconcile(inputs.inventory, inputs.registers, now.date()).gaps
    reg_by_control: dict[str, list[Gap]] = {}
    for g in reg_gaps:
        reg_by_control.setdefault(g.control or "", []).append(g)

    gaps: dict[tuple[str, str, str | None], Gap] = {}
    boundary = config.boundary
    self_evident = {
        SelfEvidence.SCAN_HISTORY: inputs.scan is not None and now - inputs.scan.scan.started_at <= SCAN_FRESH,
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
            add(
                Gap(
                    Severity.HIGH,
                    f"{control.id} {control.title} has no named owner",
                    f"Add to tracer.yaml: owners: {{{control.id}: person@company.com}} (or the family {family})",
                    "owner",
                    control.id,
                    control.criteria,
                )
            )
        state = policy_state.get(control.policy)
        if state is not PolicyState.APPROVED:
            severity = Severity.MEDIUM if state is PolicyState.OVERDUE else Severity.HIGH
            how = f"tracer policies generate, review it, then tracer policies approve {control.policy} --by APPROVER"
            add(
                Gap(
                    severity,
                    f"Policy {control.policy} is {state.value if state else 'missing'}",
                    how,
                    "policy",
                    None,
                    (),
                    owner,
                )
            )
        prerequisites = (
            Prerequisite("owner", bool(owner), owner or "no named owner"),
            Prerequisite(
                "policy", state is PolicyState.APPROVED, f"{control.policy}: {state.value if state else 'missing'}"
            ),
        )
        parts: list[Part] = []
        mine = tuple(f for f in findings if f.check_id in control.checks)
        # Only checks of the sources this workspace reads can earn or cost credit (GitHub checks say nothing
        # about a team on GitLab): a control whose checks all belong to other sources is judged on evidence.
        examined = [c for c in control.checks if any(check_specs[c].judges(s) for s in read_sources)]
        if examined:
            automated = automated_part(mine, inputs.scan, now)
            parts.append(automated)
            if inputs.scan is None:
                add(Gap(Severity.HIGH, "No AWS scan yet", "tracer scan", "scan", None, (), ""))
            elif automated.counts and automated.refs == () and automated.credit == 0.0:
                add(
                    Gap(
                        Severity.MEDIUM,
                        f"{control.id} {control.title}: {automated.detail}",
                        "tracer scan (with the resources in the boundary), or file evidence of the control: "
                        f"tracer evidence add {control.id} FILE --note ... --by ...",
                        "scan",
                        control.id,
                        control.criteria,
                        owner,
                    )
                )
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
            detail = (
                f"{basis}: "
                + ("met" if ok else "not met")
                + (f"; {len(current)} current item(s)" if current else "")
                + (f"; {len(stale)} older than its {control.frequency.value} cadence allows" if stale else "")
            )
            if ok and control.satisfied_by is SelfEvidence.OWNER_LIST and sole is not None:
                detail += (
                    f"; {sole} owns every control in a one-person company: credited, and the "
                    "auditor will look for compensating oversight (an advisor's or the board's review)"
                )
            refs = tuple(f"evidence {m.id} ({m.filename}, {m.collected_at:%Y-%m-%d})" for m in current)
            refs += attestations(inputs.registers, control.registers)
            parts.append(Part("evidence", 1.0 if ok else 0.0, detail, refs + tuple(control.registers)))
            for g in rule_gaps:
                if ok and g.severity is Severity.LOW:
                    continue  # answered by the evidence filed against the control
                add(Gap(g.severity, g.title, g.action, g.source, g.control, control.criteria, g.owner or owner))
            if not ok and not any(g.severity is not Severity.LOW for g in rule_gaps):
                what = (
                    f"Evidence for {control.id} {control.title} is older than its {control.frequency.value} cadence"
                    if stale
                    else f"No evidence for {control.id} {control.title}"
                )
                add(
                    Gap(
                        Severity.MEDIUM,
                        what,
                        f"Collect: {'; '.join(control.evidence)}. Then: tracer evidence add {control.id} FILE "
                        "--note ... --by ...",
                        "evidence",
                        control.id,
                        control.criteria,
                        owner,
                    )
                )
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
            add(
                Gap(
                    Severity.MEDIUM,
                    f"Boundary service {service.name} is examined by no check and has no evidence",
                    f"Collect its configuration evidence (access, encryption, logging, backups) and file it naming "
                    f"the service: tracer evidence add {target} FILE --note '{service.name}: ...' --by ...",
                    "evidence",
                    target if boundary_control else None,
                    boundary_control.criteria if boundary_control else (),
                )
            )
    if config.audit.target_date is None:
        add(
            Gap(
                Severity.LOW,
                "No audit target date: the plan's report week is 13 weeks from this week, and moves with every run",
                "Set it in tracer.yaml: audit: {target_date: YYYY-MM-DD} (the report's as-of date)",
                "plan",
            )
        )
    percent = int(100 * sum(c.score for c in per_criterion) / len(per_criterion)) if per_criterion else 0
    ordered = tuple(
        sorted(
            gaps.values(),
            key=lambda g: (
                g.severity.rank,
                SOURCE_ORDER.get(g.source, 9),
                sort_key(g.criteria[0]) if g.criteria else (9, "", ()),
                g.title,
            ),
        )
    )
    weeks, warnings = plan(ordered, now.date(), config)
    return Readiness(
        generated_at=now,
        company=config.company.name,
        scope=tuple(c.value for c in config.scope.categories),
        scan_id=inputs.scan.scan.id if inputs.scan else None,
        percent=percent,
        criteria=per_criterion,
        gaps=ordered,
        plan=weeks,
        coverage=coverage,
        signing_key=config.signing.public_key_fingerprint,
        history_head=inputs.history_head,
        unassigned=tuple(m for m in inputs.manual if m.control is None),
        accepted=tuple(accepted.values()),
        scan_finished=inputs.scan.scan.finished_at if inputs.scan else None,
        plan_warnings=warnings,
        examination=(
            f"Type 2, period {config.audit.period.start} to {config.audit.period.end}"
            if config.audit.type is AuditType.TYPE2 and config.audit.period
            else "Type 1"
        ),
    )
