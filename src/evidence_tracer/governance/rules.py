"""The register rules over people, vendors, access reviews, exercises and incidents: one function per rule id
that controls.yaml names (`registers:`), each reading one register and saying what is missing or overdue. Pure
functions of the registers, the parameters and the day. The oversight rules (risk assessment, scan reviews,
boundary confirmation, owner concentration) are in governance/oversight.py; `register_gaps` runs them all.

The control each rule shows operating is named in the control library, not here: a rule's gaps belong to
that control (`rule_gap`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta

from evidence_tracer.catalog.controls import control_of_rule
from evidence_tracer.config import Parameters
from evidence_tracer.governance import oversight
from evidence_tracer.governance.registers import ExerciseKind
from evidence_tracer.governance.rulebook import (
    _FUNCTIONS,
    ADD_PEOPLE,
    RULES,
    RegisterSnapshot,
    RuleContext,
    empty_people,
    rule,
    rule_gap,
)
from evidence_tracer.models import Gap, Severity

__all__ = ["RULES", "RegisterSnapshot", "RuleContext", "oversight", "register_gaps", "rule_gap"]

ADD_AWS = "tracer vendors add AWS --data 'all production data' --dpa --soc2-report DATE"
_CLOUD_PROVIDERS = ("aws", "amazon web services")


@rule("people.records", register="people")
def people_records(ctx: RuleContext) -> Iterator[Gap]:
    if not ctx.registers.people.people:
        yield rule_gap(Severity.HIGH, "The people register is empty", ADD_PEOPLE, "people.records")


@rule("people.background_checks", register="people")
def people_background_checks(ctx: RuleContext) -> Iterator[Gap]:
    for person in ctx.active:
        if person.production_access and person.background_check is None:
            yield rule_gap(
                Severity.MEDIUM,
                f"No background check recorded for {person.email}",
                f"tracer people update {person.email} --background-check DATE",
                "people.background_checks",
            )
    yield from empty_people(ctx, "people.background_checks")


@rule("people.training", register="people")
def people_training(ctx: RuleContext) -> Iterator[Gap]:
    p = ctx.parameters
    for person in ctx.active:
        new_hire = person.joined + timedelta(days=p.training_new_hire_days) >= ctx.today
        if not (new_hire and person.training_completed is None) and ctx.older(
            person.training_completed, p.training_cadence_days
        ):
            yield rule_gap(
                Severity.MEDIUM,
                f"Security training missing or overdue for {person.email}",
                f"tracer people update {person.email} --training DATE",
                "people.training",
            )
    yield from empty_people(ctx, "people.training")


def _unacknowledged(ctx: RuleContext, rule_id: str, wanted: Callable[[str], bool]) -> Iterator[Gap]:
    for person in ctx.active:
        missing = [
            pol for pol in ctx.approved_policies if wanted(pol) and person.email not in ctx.acknowledged.get(pol, ())
        ]
        if missing:
            yield rule_gap(
                Severity.MEDIUM,
                f"{person.email} has not acknowledged: {', '.join(missing)}",
                f"For each: tracer policies ack POLICY --by {person.email}",
                rule_id,
            )
    yield from empty_people(ctx, rule_id)


@rule("people.acceptable_use_acks", register="people")
def people_acceptable_use_acks(ctx: RuleContext) -> Iterator[Gap]:
    return _unacknowledged(ctx, "people.acceptable_use_acks", lambda pol: pol == "acceptable_use")


@rule("people.policy_acks", register="people")
def people_policy_acks(ctx: RuleContext) -> Iterator[Gap]:
    return _unacknowledged(ctx, "people.policy_acks", lambda pol: pol != "acceptable_use")


@rule("people.leavers", register="people")
def people_leavers(ctx: RuleContext) -> Iterator[Gap]:
    for person in ctx.registers.people.people:
        if person.left is not None and person.left < ctx.today and not person.removed_in_time():
            yield rule_gap(
                Severity.CRITICAL,
                f"Leaver {person.email} (left {person.left}) has no timely access removal",
                f"Remove their access, then: tracer people update {person.email} --access-removed DATE",
                "people.leavers",
            )
    yield from empty_people(ctx, "people.leavers")


@rule("people.orphan_accounts", register="people")
def people_orphan_accounts(ctx: RuleContext) -> Iterator[Gap]:
    """Judged by the reconciliation of the people register with every account list (governance/reconcile.py),
    which needs a scan's inventory: nothing to say from the registers alone."""
    return iter(())


@rule("vendors.dpa", register="vendors")
def vendors_dpa(ctx: RuleContext) -> Iterator[Gap]:
    for vendor in ctx.registers.vendors.vendors:
        if vendor.data_received and not vendor.dpa_on_file:
            yield rule_gap(
                Severity.HIGH,
                f"No DPA on file for {vendor.name}, which receives {vendor.data_received}",
                f"Sign a DPA, then: tracer vendors add '{vendor.name}' --dpa ...",
                "vendors.dpa",
            )
    if not ctx.registers.vendors.vendors:
        yield rule_gap(
            Severity.MEDIUM, "The vendor register is empty (AWS at least belongs in it)", ADD_AWS, "vendors.dpa"
        )


@rule("vendors.soc2_reports", register="vendors")
def vendors_soc2_reports(ctx: RuleContext) -> Iterator[Gap]:
    days = ctx.parameters.vendor_review_cadence_days
    for vendor in ctx.registers.vendors.vendors:
        if vendor.data_received and ctx.older(vendor.soc2_report_date, days):
            yield rule_gap(
                Severity.MEDIUM,
                f"SOC 2 report of {vendor.name} missing or older than {days} days",
                "Obtain and review the vendor's current SOC 2 report; record its date",
                "vendors.soc2_reports",
            )
    if not ctx.registers.vendors.vendors:
        yield rule_gap(
            Severity.MEDIUM,
            "The vendor register is empty (AWS at least belongs in it)",
            ADD_AWS,
            "vendors.soc2_reports",
        )


@rule("vendors.cloud_provider", register="vendors")
def vendors_cloud_provider(ctx: RuleContext) -> Iterator[Gap]:
    days = ctx.parameters.vendor_review_cadence_days
    cloud = [v for v in ctx.registers.vendors.vendors if v.name.strip().lower() in _CLOUD_PROVIDERS]
    if not cloud or all(ctx.older(v.soc2_report_date, days) for v in cloud):
        yield rule_gap(
            Severity.MEDIUM,
            "The vendor register holds no current AWS SOC 2 report (physical "
            "security is AWS's, carved out of your report)",
            f"Download AWS's SOC 2 report from AWS Artifact, then: {ADD_AWS}",
            "vendors.cloud_provider",
        )


@rule("access_reviews.cadence", register="access_reviews")
def access_reviews_cadence(ctx: RuleContext) -> Iterator[Gap]:
    latest = max((r.date for r in ctx.registers.access_reviews.access_reviews), default=None)
    if ctx.older(latest, ctx.parameters.access_review_cadence_days):
        yield rule_gap(
            Severity.HIGH,
            "Access review missing or overdue" + (f" (last {latest})" if latest else ""),
            "Review production access (see tracer evidence users), then: "
            "tracer access-reviews add --date DATE --reviewer EMAIL --systems AWS",
            "access_reviews.cadence",
        )


@rule("access_reviews.coverage", register="access_reviews")
def access_reviews_coverage(ctx: RuleContext) -> Iterator[Gap]:
    """Judged by the reconciliation (who holds access the last review did not cover), which needs a scan."""
    return iter(())


def _exercise(ctx: RuleContext, kind: ExerciseKind, days: int, rule_id: str, label: str) -> Iterator[Gap]:
    latest = max((e.date for e in ctx.registers.exercises.exercises if e.kind is kind), default=None)
    if ctx.older(latest, days):
        yield rule_gap(
            Severity.MEDIUM,
            f"{label} missing or overdue" + (f" (last {latest})" if latest else ""),
            f"Run it and record it: tracer exercises add {kind.value} --date DATE --facilitator EMAIL --scenario TEXT",
            rule_id,
        )


@rule("exercises.tabletop", register="exercises")
def exercises_tabletop(ctx: RuleContext) -> Iterator[Gap]:
    return _exercise(
        ctx,
        ExerciseKind.TABLETOP,
        ctx.parameters.tabletop_cadence_days,
        "exercises.tabletop",
        "Incident-response tabletop",
    )


@rule("exercises.bcdr_test", register="exercises")
def exercises_bcdr_test(ctx: RuleContext) -> Iterator[Gap]:
    return _exercise(ctx, ExerciseKind.BCDR, ctx.parameters.bcdr_test_cadence_days, "exercises.bcdr_test", "BC/DR test")


@rule("incidents.reviews", register="incidents")
def incidents_reviews(ctx: RuleContext) -> Iterator[Gap]:
    """A serious incident without its post-incident review, or with customers affected and not notified. An
    empty register is a low gap: "no incidents" is a statement management makes, with evidence filed against
    the control."""
    rule_id, p, today = "incidents.reviews", ctx.parameters, ctx.today
    incidents = ctx.registers.incidents.incidents
    if not incidents:
        yield rule_gap(
            Severity.LOW,
            "No incidents recorded in the period",
            "Record incidents as they happen (tracer incidents add); if there were none, file management's "
            "statement and the post-incident review template: tracer evidence add "
            f"{control_of_rule(rule_id)} FILE --note ...",
            rule_id,
        )
    for i in incidents:
        serious = i.severity.serious
        if (
            serious
            and i.resolved is not None
            and i.post_incident_review is None
            and i.resolved + timedelta(days=p.post_incident_review_days) < today
        ):
            yield rule_gap(
                Severity.HIGH,
                f"Incident {i.id} ({i.title}) has no post-incident review "
                f"{p.post_incident_review_days} days after it was resolved",
                f"Hold the review, then: tracer incidents update {i.id} --post-incident-review DATE",
                rule_id,
                owner=i.owner,
            )
        if (
            i.customer_impact
            and i.customers_notified is None
            and i.detected + timedelta(hours=p.incident_notification_hours) < today
        ):
            yield rule_gap(
                Severity.CRITICAL,
                f"Incident {i.id} ({i.title}) affected customers who were not "
                f"notified within {p.incident_notification_hours} hours",
                f"Notify them, then: tracer incidents update {i.id} --customers-notified DATE",
                rule_id,
                owner=i.owner,
            )


def register_gaps(
    regs: RegisterSnapshot,
    p: Parameters,
    today: date,
    approved_policies: tuple[str, ...] = (),
    acknowledged: Mapping[str, tuple[str, ...]] | None = None,
    *,
    owners: Mapping[str, str] | None = None,
    boundary_sha256: str = "",
    scans: Mapping[str, datetime] | None = None,
) -> list[Gap]:
    """Every rule's gaps, rule by rule in the order they are defined."""
    ctx = RuleContext(regs, p, today, approved_policies, acknowledged or {}, owners or {}, boundary_sha256, scans or {})
    return [gap for fn in _FUNCTIONS.values() for gap in fn(ctx)]
