"""Register gaps: what the people, vendor, risk, review and exercise registers say is missing or overdue.

Pure functions of the registers, the parameters and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from evidence_tracer.catalog.controls import control_of_rule
from evidence_tracer.config import Parameters
from evidence_tracer.governance.registers import (
    AccessReviewsFile,
    ExerciseKind,
    ExercisesFile,
    IncidentSeverity,
    IncidentsFile,
    PeopleFile,
    RisksFile,
    VendorsFile,
)
from evidence_tracer.models import Gap, Severity


@dataclass(frozen=True)
class RegisterSnapshot:
    people: PeopleFile = field(default_factory=PeopleFile)
    vendors: VendorsFile = field(default_factory=VendorsFile)
    risks: RisksFile = field(default_factory=RisksFile)
    access_reviews: AccessReviewsFile = field(default_factory=AccessReviewsFile)
    exercises: ExercisesFile = field(default_factory=ExercisesFile)
    incidents: IncidentsFile = field(default_factory=IncidentsFile)


# Every rule a register is judged by, and the register it reads. The control each rule shows operating is
# named in the control library (controls.yaml `registers:`), not here: a rule's gaps belong to that control.
RULES: dict[str, str] = {
    "people.records": "people",
    "people.background_checks": "people",
    "people.training": "people",
    "people.acceptable_use_acks": "people",
    "people.policy_acks": "people",
    "people.leavers": "people",
    "people.orphan_accounts": "people",
    "vendors.cloud_provider": "vendors",
    "vendors.dpa": "vendors",
    "vendors.soc2_reports": "vendors",
    "risks.assessment": "risks",
    "risks.fraud": "risks",
    "risks.reviews": "risks",
    "access_reviews.cadence": "access_reviews",
    "access_reviews.coverage": "access_reviews",
    "exercises.tabletop": "exercises",
    "exercises.bcdr_test": "exercises",
    "incidents.reviews": "incidents",
}
_CLOUD_PROVIDERS = ("aws", "amazon web services")


def _older(when: date | None, days: int, today: date) -> bool:
    return when is None or when + timedelta(days=days) < today


def rule_gap(severity: Severity, title: str, action: str, rule: str, owner: str = "") -> Gap:
    assert rule in RULES, rule
    return Gap(severity, title, action, "register", control_of_rule(rule), owner=owner)


def register_gaps(regs: RegisterSnapshot, p: Parameters, today: date,
                  approved_policies: tuple[str, ...] = (),
                  acknowledged: dict[str, tuple[str, ...]] | None = None) -> list[Gap]:
    gaps: list[Gap] = []
    acknowledged = acknowledged or {}
    active = [x for x in regs.people.people if x.left is None or x.left >= today]

    if not regs.people.people:
        gaps.append(rule_gap(Severity.HIGH, "The people register is empty",
                         "Add everyone in scope: tracer people add EMAIL --role ROLE --joined DATE", "people.records"))
    for person in active:
        if person.production_access and person.background_check is None:
            gaps.append(rule_gap(Severity.MEDIUM, f"No background check recorded for {person.email}",
                             f"tracer people update {person.email} --background-check DATE",
                             "people.background_checks"))
        new_hire = person.joined + timedelta(days=p.training_new_hire_days) >= today
        if not (new_hire and person.training_completed is None) and _older(person.training_completed,
                                                                           p.training_cadence_days, today):
            gaps.append(rule_gap(Severity.MEDIUM, f"Security training missing or overdue for {person.email}",
                             f"tracer people update {person.email} --training DATE", "people.training"))
        missing = [pol for pol in approved_policies if person.email not in acknowledged.get(pol, ())]
        for rule, policies in (("people.acceptable_use_acks", [m for m in missing if m == "acceptable_use"]),
                               ("people.policy_acks", [m for m in missing if m != "acceptable_use"])):
            if policies:
                gaps.append(rule_gap(Severity.MEDIUM, f"{person.email} has not acknowledged: {', '.join(policies)}",
                                 f"For each: tracer policies ack POLICY --by {person.email}", rule))
    for person in regs.people.people:
        if person.left is not None and person.left < today and (
                person.access_removed is None or person.access_removed > person.left + timedelta(days=1)):
            gaps.append(rule_gap(Severity.CRITICAL,
                             f"Leaver {person.email} (left {person.left}) has no timely access removal",
                             f"Remove their access, then: tracer people update {person.email} --access-removed DATE",
                             "people.leavers"))
    if not regs.people.people:
        for rule in ("people.background_checks", "people.training", "people.acceptable_use_acks",
                     "people.policy_acks", "people.leavers"):
            gaps.append(rule_gap(Severity.HIGH,
                                 f"No records in the people register show {rule.split('.')[1]} operating",
                             "Add everyone in scope: tracer people add EMAIL --role ROLE --joined DATE", rule))

    for vendor in regs.vendors.vendors:
        if not vendor.data_received:
            continue
        if not vendor.dpa_on_file:
            gaps.append(rule_gap(Severity.HIGH,
                                 f"No DPA on file for {vendor.name}, which receives {vendor.data_received}",
                             f"Sign a DPA, then: tracer vendors add '{vendor.name}' --dpa ...", "vendors.dpa"))
        if _older(vendor.soc2_report_date, p.vendor_review_cadence_days, today):
            gaps.append(rule_gap(Severity.MEDIUM, f"SOC 2 report of {vendor.name} missing or older than "
                             f"{p.vendor_review_cadence_days} days",
                             "Obtain and review the vendor's current SOC 2 report; record its date",
                             "vendors.soc2_reports"))
    cloud = [v for v in regs.vendors.vendors if v.name.strip().lower() in _CLOUD_PROVIDERS]
    if not cloud or all(_older(v.soc2_report_date, p.vendor_review_cadence_days, today) for v in cloud):
        gaps.append(rule_gap(Severity.MEDIUM, "The vendor register holds no current AWS SOC 2 report (physical "
                         "security is AWS's, carved out of your report)",
                         "Download AWS's SOC 2 report from AWS Artifact, then: tracer vendors add AWS "
                         "--data 'all production data' --dpa --soc2-report DATE", "vendors.cloud_provider"))
    if not regs.vendors.vendors:
        for rule in ("vendors.dpa", "vendors.soc2_reports"):
            gaps.append(rule_gap(Severity.MEDIUM, "The vendor register is empty (AWS at least belongs in it)",
                             "tracer vendors add AWS --data 'all production data' --dpa --soc2-report DATE", rule))

    if not regs.risks.risks:
        for rule in ("risks.assessment", "risks.fraud", "risks.reviews"):
            gaps.append(rule_gap(Severity.HIGH, "No risk assessment: the risk register is empty",
                             "tracer risks add TITLE --likelihood N --impact N --treatment mitigate --owner EMAIL",
                             rule))
    else:
        if not any(r.fraud_related for r in regs.risks.risks):
            gaps.append(rule_gap(Severity.MEDIUM, "The risk assessment considers no fraud risk (CC3.3)",
                             "Add at least one fraud or insider-misuse risk with --fraud", "risks.fraud"))
        for risk in regs.risks.risks:
            if _older(risk.last_reviewed, p.risk_review_cadence_days, today):
                gaps.append(rule_gap(Severity.MEDIUM, f"Risk {risk.id} ({risk.title}) not reviewed within "
                                 f"{p.risk_review_cadence_days} days",
                                 f"Review it and record the date: tracer risks review {risk.id}", "risks.reviews",
                                 owner=risk.owner))

    latest_review = max((r.date for r in regs.access_reviews.access_reviews), default=None)
    if _older(latest_review, p.access_review_cadence_days, today):
        gaps.append(rule_gap(Severity.HIGH, "Access review missing or overdue" +
                         (f" (last {latest_review})" if latest_review else ""),
                         "Review production access (see tracer evidence users), then: "
                         "tracer access-reviews add --date DATE --reviewer EMAIL --systems AWS",
                         "access_reviews.cadence"))

    for kind, days, rule, label in ((ExerciseKind.TABLETOP, p.tabletop_cadence_days, "exercises.tabletop",
                                     "Incident-response tabletop"),
                                    (ExerciseKind.BCDR, p.bcdr_test_cadence_days, "exercises.bcdr_test", "BC/DR test")):
        latest = max((e.date for e in regs.exercises.exercises if e.kind is kind), default=None)
        if _older(latest, days, today):
            gaps.append(rule_gap(Severity.MEDIUM,
                                 f"{label} missing or overdue" + (f" (last {latest})" if latest else ""),
                             f"Run it and record it: tracer exercises add {kind.value} --date DATE "
                             "--facilitator EMAIL --scenario TEXT", rule))
    gaps += _incident_gaps(regs.incidents, p, today)
    return gaps


def _incident_gaps(incidents: IncidentsFile, p: Parameters, today: date) -> list[Gap]:
    """A serious incident without its post-incident review, or with customers affected and not notified. An
    empty register is a low gap: "no incidents" is a statement management makes, with evidence filed against
    the control."""
    rule = "incidents.reviews"
    if not incidents.incidents:
        return [rule_gap(Severity.LOW, "No incidents recorded in the period",
                     "Record incidents as they happen (tracer incidents add); if there were none, file management's "
                     "statement and the post-incident review template: tracer evidence add "
                     f"{control_of_rule(rule)} FILE --note ...",
                     rule)]
    gaps = []
    for i in incidents.incidents:
        serious = i.severity in (IncidentSeverity.SEV1, IncidentSeverity.SEV2)
        if serious and i.resolved is not None and i.post_incident_review is None and \
                i.resolved + timedelta(days=p.post_incident_review_days) < today:
            gaps.append(rule_gap(Severity.HIGH, f"Incident {i.id} ({i.title}) has no post-incident review "
                             f"{p.post_incident_review_days} days after it was resolved",
                             f"Hold the review, then: tracer incidents update {i.id} --post-incident-review DATE",
                             rule, owner=i.owner))
        if i.customer_impact and i.customers_notified is None and \
                i.detected + timedelta(hours=p.incident_notification_hours) < today:
            gaps.append(rule_gap(Severity.CRITICAL, f"Incident {i.id} ({i.title}) affected customers who were not "
                             f"notified within {p.incident_notification_hours} hours",
                             f"Notify them, then: tracer incidents update {i.id} --customers-notified DATE", rule,
                             owner=i.owner))
    return gaps
