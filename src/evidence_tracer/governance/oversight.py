"""The oversight rules: judgement criteria earn credit only from records a person made after looking.

- The risk assessment (CC3.1 to CC3.3) needs rated, owned, treated risks whose latest review was by management.
- Monitoring (CC4.1) needs a recorded review of a recent scan's results: who read which scan, when, and what
  they decided. Scans nobody looked at show collection, not evaluation.
- The system boundary (CC2.1) counts once management confirmed the boundary tracer.yaml holds now (its digest);
  an edit to the boundary needs a new confirmation, and so does a year.
- Control ownership (CC1.3): one person owning every control while others work here is a concentration, a
  gap (assign controls to the people who operate them). In a one-person company there is no one else to
  assign: it earns credit and is said so in --explain (`owner_concentration`), for the auditor to weigh.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta

from evidence_tracer.governance.rulebook import RegisterSnapshot, RuleContext, empty_people, rule, rule_gap
from evidence_tracer.models import Gap, Severity

REVIEW_RISK = "tracer risks review {id} --by MANAGEMENT_EMAIL"
REVIEW_SCAN = "Read the scan's failing findings, then: tracer scans review SCAN_ID --by EMAIL --decisions TEXT"
CONFIRM_BOUNDARY = "Check tracer.yaml's boundary against the system, then: tracer scope confirm --by MANAGEMENT_EMAIL"


def _empty_risks(rule_id: str) -> Gap:
    return rule_gap(
        Severity.HIGH,
        "No risk assessment: the risk register is empty",
        "tracer risks add TITLE --likelihood N --impact N --treatment mitigate --owner EMAIL",
        rule_id,
    )


@rule("risks.assessment", register="risks")
def risks_assessment(ctx: RuleContext) -> Iterator[Gap]:
    """Risks typed in are a list; an assessment is a list management reviewed, owned by people who work here."""
    risks = ctx.registers.risks.risks
    if not risks:
        yield _empty_risks("risks.assessment")
        return
    if not any(ctx.management_on(r.reviewed_by, r.last_reviewed) for r in risks):
        yield rule_gap(
            Severity.HIGH,
            "The risk assessment has no review by management (a risk counts once management reviewed it)",
            "Review each risk with management, then: " + REVIEW_RISK.format(id="R-NNN"),
            "risks.assessment",
        )
    for r in risks:
        if not ctx.active_on(r.owner, ctx.today):
            yield rule_gap(
                Severity.MEDIUM,
                f"Risk {r.id} ({r.title}) is owned by {r.owner}, who is not an active person in the people register",
                f"Give it an owner who works here (edit registers/risks.yaml), or: tracer people add {r.owner} ...",
                "risks.assessment",
            )


@rule("risks.fraud", register="risks")
def risks_fraud(ctx: RuleContext) -> Iterator[Gap]:
    risks = ctx.registers.risks.risks
    if not risks:
        yield _empty_risks("risks.fraud")
    elif not any(r.fraud_related for r in risks):
        yield rule_gap(
            Severity.MEDIUM,
            "The risk assessment considers no fraud risk (CC3.3)",
            "Add at least one fraud or insider-misuse risk with --fraud",
            "risks.fraud",
        )


@rule("risks.reviews", register="risks")
def risks_reviews(ctx: RuleContext) -> Iterator[Gap]:
    days = ctx.parameters.risk_review_cadence_days
    if not ctx.registers.risks.risks:
        yield _empty_risks("risks.reviews")
    for risk in ctx.registers.risks.risks:
        if ctx.older(risk.last_reviewed, days):
            yield rule_gap(
                Severity.MEDIUM,
                f"Risk {risk.id} ({risk.title}) not reviewed within {days} days",
                "Review it and record the review: " + REVIEW_RISK.format(id=risk.id),
                "risks.reviews",
                owner=risk.owner,
            )
        elif not ctx.management_on(risk.reviewed_by, risk.last_reviewed):
            who = f"by {risk.reviewed_by}, not management" if risk.reviewed_by else "with no reviewer recorded"
            yield rule_gap(
                Severity.MEDIUM,
                f"Risk {risk.id} ({risk.title}) was last reviewed {who}",
                REVIEW_RISK.format(id=risk.id),
                "risks.reviews",
                owner=risk.owner,
            )


@rule("scan_reviews.cadence", register="scan_reviews")
def scan_reviews_cadence(ctx: RuleContext) -> Iterator[Gap]:
    """A review counts when an active person recorded it for a scan the store holds, after that scan finished,
    within the review cadence."""
    days = ctx.parameters.scan_review_cadence_days
    counted = [
        r
        for r in ctx.registers.scan_reviews.scan_reviews
        if r.scan_id in ctx.scans
        and r.reviewed_at >= ctx.scans[r.scan_id]
        and ctx.active_on(r.reviewed_by, r.reviewed_at.date())
    ]
    for r in ctx.registers.scan_reviews.scan_reviews:
        if r.scan_id not in ctx.scans:
            yield rule_gap(
                Severity.MEDIUM,
                f"The scan review by {r.reviewed_by} names scan {r.scan_id}, which the store does not hold",
                "Correct registers/scan-reviews.yaml: " + REVIEW_SCAN,
                "scan_reviews.cadence",
            )
    latest = max((r.reviewed_at.date() for r in counted), default=None)
    if ctx.older(latest, days):
        yield rule_gap(
            Severity.HIGH,
            f"No recorded review of scan results in the last {days} days"
            + (f" (last {latest})" if latest else "")
            + ": scans nobody read show collection, not monitoring (CC4.1)",
            REVIEW_SCAN,
            "scan_reviews.cadence",
        )


@rule("boundary.confirmed", register="boundary")
def boundary_confirmed(ctx: RuleContext) -> Iterator[Gap]:
    confirmations = sorted(ctx.registers.boundary.confirmations, key=lambda c: c.confirmed_at)
    latest = confirmations[-1] if confirmations else None
    if latest is None:
        yield rule_gap(
            Severity.HIGH,
            "No one has confirmed the system boundary in tracer.yaml (CC2.1)",
            CONFIRM_BOUNDARY,
            "boundary.confirmed",
        )
    elif latest.boundary_sha256 != ctx.boundary_sha256:
        yield rule_gap(
            Severity.HIGH,
            f"The system boundary changed after {latest.confirmed_by} confirmed it on {latest.confirmed_at:%Y-%m-%d}",
            CONFIRM_BOUNDARY,
            "boundary.confirmed",
        )
    elif not ctx.management_on(latest.confirmed_by, latest.confirmed_at.date()):
        yield rule_gap(
            Severity.HIGH,
            f"The system boundary was confirmed by {latest.confirmed_by}, who is not management in the people register",
            CONFIRM_BOUNDARY,
            "boundary.confirmed",
        )
    elif latest.confirmed_at.date() + timedelta(days=365) < ctx.today:
        yield rule_gap(
            Severity.MEDIUM,
            f"The system boundary was last confirmed on {latest.confirmed_at:%Y-%m-%d}, more than a year ago",
            CONFIRM_BOUNDARY,
            "boundary.confirmed",
        )


def sole_owner(owners: Mapping[str, str]) -> str | None:
    """The one person who owns every owned control, when there is one (None when ownership is shared)."""
    named = {o.lower() for o in owners.values()}
    return next(iter(named)) if len(named) == 1 and len(owners) > 1 else None


@rule("people.owner_concentration", register="people")
def people_owner_concentration(ctx: RuleContext) -> Iterator[Gap]:
    yield from empty_people(ctx, "people.owner_concentration")
    if not ctx.registers.people.people:
        return
    by_owner: dict[str, list[str]] = {}
    for control, owner in sorted(ctx.owners.items()):
        by_owner.setdefault(owner, []).append(control)
    for owner, owned in by_owner.items():
        if not ctx.active_on(owner, ctx.today):
            yield rule_gap(
                Severity.MEDIUM,
                f"{owner} owns {len(owned)} controls ({', '.join(owned[:3])}{' …' if len(owned) > 3 else ''}) "
                "but is not an active person in the people register",
                f"tracer people add {owner} --role ROLE --joined DATE (or name an owner who works here in tracer.yaml)",
                "people.owner_concentration",
            )
    sole, others = sole_owner(ctx.owners), len(ctx.active) - 1
    if sole is not None and others > 0:
        yield rule_gap(
            Severity.MEDIUM,
            f"{sole} owns all {len(ctx.owners)} owned controls while {others} other "
            f"{'person works' if others == 1 else 'people work'} here: no segregation of duties (CC1.3)",
            "Assign control families to the people who operate them in tracer.yaml owners (e.g. AC, CM, OPS)",
            "people.owner_concentration",
        )


def attestations(regs: RegisterSnapshot, rule_ids: tuple[str, ...]) -> tuple[str, ...]:
    """What the records behind a control's oversight rules say, for --explain: who looked, at what, when."""
    out: list[str] = []
    if "scan_reviews.cadence" in rule_ids and regs.scan_reviews.scan_reviews:
        r = max(regs.scan_reviews.scan_reviews, key=lambda x: x.reviewed_at)
        out.append(f"scan {r.scan_id} reviewed by {r.reviewed_by} on {r.reviewed_at:%Y-%m-%d}: {r.decisions[:100]}")
    if "boundary.confirmed" in rule_ids and regs.boundary.confirmations:
        c = max(regs.boundary.confirmations, key=lambda x: x.confirmed_at)
        out.append(
            f"boundary confirmed by {c.confirmed_by} on {c.confirmed_at:%Y-%m-%d} (digest {c.boundary_sha256[:12]}…)"
        )
    if "risks.assessment" in rule_ids and regs.risks.risks:
        reviewers = sorted({r.reviewed_by for r in regs.risks.risks if r.reviewed_by})
        done = sum(1 for r in regs.risks.risks if r.reviewed_by)
        out.append(
            f"{done} of {len(regs.risks.risks)} risks have a recorded reviewer"
            + (f" ({', '.join(reviewers)})" if reviewers else "")
        )
    return tuple(out)
