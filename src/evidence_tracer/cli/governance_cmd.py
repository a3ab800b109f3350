"""`tracer policies|people|vendors|risks|access-reviews|exercises`: the governance registers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.workspace import Workspace as AppWorkspace
from evidence_tracer.app.workspace import open_store
from evidence_tracer.cli.output import safe, table
from evidence_tracer.config import load_config
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.exceptions import finding_digest
from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    ExceptionRecord,
    ExceptionsFile,
    ExerciseKind,
    ExerciseRecord,
    ExercisesFile,
    IncidentRecord,
    IncidentSeverity,
    IncidentsFile,
    PeopleFile,
    PersonRecord,
    Registers,
    RiskRecord,
    RisksFile,
    Treatment,
    VendorRecord,
    VendorsFile,
    build,
    find_person,
    next_id,
    next_risk_id,
    upsert_person,
    with_changes,
)
from evidence_tracer.models import Status
from evidence_tracer.policies import status as policy_status
from evidence_tracer.policies.render import generate
from evidence_tracer.report.csv_report import cell

Workspace = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory.")]
By = Annotated[str, typer.Option("--by", help="The person (email).")]

policies = typer.Typer(help="Generate, approve and acknowledge the core policies.", no_args_is_help=True)
people = typer.Typer(
    help="People register: roles, background checks, training, joiners and leavers.", no_args_is_help=True
)
vendors = typer.Typer(help="Vendor register: data received, DPA, SOC 2 report.", no_args_is_help=True)
risks = typer.Typer(help="Risk register: likelihood, impact, treatment, owner.", no_args_is_help=True)
access_reviews = typer.Typer(help="Quarterly access reviews.", no_args_is_help=True)
exercises = typer.Typer(help="Incident-response tabletops and BC/DR tests.", no_args_is_help=True)
incidents = typer.Typer(
    help="Security incidents: severity, impact, notification, post-incident review.", no_args_is_help=True
)
exceptions = typer.Typer(
    help="Accepted exceptions: gaps management accepts on purpose, until they expire.", no_args_is_help=True
)
# An exception is reviewed at least yearly: a longer acceptance is refused.
MAX_EXCEPTION_DAYS = 365


def _now() -> datetime:
    return datetime.now(UTC)


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


# --- policies ---------------------------------------------------------------------------------


@policies.command("generate")
def policies_generate(
    workspace: Workspace = Path("."), force: Annotated[bool, typer.Option(help="Replace files edited by hand.")] = False
) -> None:
    """Render the ten core policies into policies/ from tracer.yaml's parameters."""
    for doc, what in generate(workspace, load_config(workspace), force):
        Console().print(f"{safe(doc.filename):28} {safe(what)}")


@policies.command("list")
def policies_list(workspace: Workspace = Path(".")) -> None:
    """Each policy's state: approved (for its current text), acknowledgments, next review."""
    config = load_config(workspace)
    statuses = policy_status.policy_statuses(workspace, config, Registers(workspace).policies.load(), _now())
    recorded = Registers(workspace).policies.load()
    table(
        "Policies",
        ("Policy", "Title", "State", "Version", "Approved by", "Review due", "Acks", "Matches tracer.yaml"),
        [
            (
                s.name,
                s.title,
                s.state.value,
                str(policy_status.version_of(recorded, s.name, s.approval.sha256)) if s.approval else "—",
                s.approval.approved_by if s.approval else "—",
                _d(s.review_due),
                str(len(s.acknowledged_by)),
                "no: states other values" if s.stale else ("yes" if s.file_sha256 else "—"),
            )
            for s in statuses
        ],
    )


@policies.command("approve")
def policies_approve(name: str, by: By, workspace: Workspace = Path(".")) -> None:
    """Approve a policy's current text (its SHA-256 is recorded; any later edit voids the approval)."""
    record = policy_status.approve(workspace, name, by, _now())
    Console().print(
        f"{safe(name)} approved by {safe(record.approved_by)} at {record.approved_at:%Y-%m-%d %H:%M} UTC "
        f"(text sha256 {record.sha256[:16]}…)"
    )


@policies.command("ack")
def policies_ack(
    name: Annotated[str | None, typer.Argument(help="The policy (omit with --import).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="The person (email).")] = None,
    import_: Annotated[
        Path | None,
        typer.Option(
            "--import", help="A CSV export from a form or HR tool with the columns email, policy, version, timestamp."
        ),
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Record that a person has read and accepted a policy's current, approved text — or import many."""
    if import_ is not None:
        result = policy_status.import_acknowledgments(workspace, import_, _now())
        Console().print(f"{result.recorded} acknowledgments imported ({result.already} already recorded).")
        return
    if name is None or by is None:
        raise GovernanceError("give a policy and --by PERSON, or --import FILE.csv")
    record = policy_status.acknowledge(workspace, name, by, _now())
    Console().print(f"{safe(record.person)} acknowledged {safe(name)}.")


# --- people -----------------------------------------------------------------------------------


@people.command("add")
def people_add(
    email: str,
    role: Annotated[str, typer.Option(help="Job title.")],
    joined: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    background_check: Annotated[str | None, typer.Option(help="Date the check completed.")] = None,
    training: Annotated[str | None, typer.Option(help="Date security training was completed.")] = None,
    production_access: Annotated[bool, typer.Option(help="Has production access.")] = True,
    github: Annotated[str | None, typer.Option(help="Their GitHub login.")] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Add a person (someone already listed is changed with `people update`, never replaced)."""
    record = build(
        PersonRecord,
        email=email,
        name=name,
        role=role,
        joined=_date(joined, "--joined"),
        github=github,
        background_check=_opt_date(background_check, "--background-check"),
        training_completed=_opt_date(training, "--training"),
        production_access=production_access,
    )
    register = Registers(workspace).people

    def add(current: PeopleFile) -> tuple[PeopleFile, None]:
        if any(p.email.lower() == record.email.lower() for p in current.people):
            raise GovernanceError(
                f"{record.email} is already in the people register; change them with "
                "`tracer people update` (their history is kept)"
            )
        return upsert_person(current, record), None

    register.update(add)
    Console().print(f"{safe(record.email)} recorded in {safe(register.path)}")


@people.command("update")
def people_update(
    email: str,
    background_check: Annotated[str | None, typer.Option(help="Date the check completed.")] = None,
    training: Annotated[str | None, typer.Option(help="Date training was completed.")] = None,
    left: Annotated[str | None, typer.Option(help="Last working day.")] = None,
    access_removed: Annotated[str | None, typer.Option(help="Date all access was removed.")] = None,
    role: Annotated[str | None, typer.Option(help="New job title.")] = None,
    github: Annotated[str | None, typer.Option(help="Their GitHub login.")] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Record a training, a background check, a role change or a departure (earlier values stay in the
    person's history)."""
    changes = {
        k: v
        for k, v in {
            "github": github,
            "background_check": _opt_date(background_check, "--background-check"),
            "training_completed": _opt_date(training, "--training"),
            "left": _opt_date(left, "--left"),
            "access_removed": _opt_date(access_removed, "--access-removed"),
            "role": role,
        }.items()
        if v is not None
    }
    if not changes:
        raise GovernanceError("nothing to update: give at least one option")

    def update(current: PeopleFile) -> tuple[PeopleFile, None]:
        person = find_person(current, email)
        return upsert_person(current, with_changes(person, changes, _now())), None

    Registers(workspace).people.update(update)
    Console().print(f"{safe(email)} updated: {', '.join(changes)}")


@people.command("list")
def people_list(workspace: Workspace = Path(".")) -> None:
    """The people register."""
    rows = Registers(workspace).people.load().people
    table(
        "People",
        ("Email", "Role", "Joined", "Left", "Access removed", "Background check", "Training"),
        [
            (
                p.email,
                p.role,
                _d(p.joined),
                _d(p.left),
                _d(p.access_removed),
                _d(p.background_check),
                _d(p.training_completed),
            )
            for p in rows
        ],
    )


# --- vendors ----------------------------------------------------------------------------------


@vendors.command("add")
def vendors_add(
    name: str,
    data: Annotated[str | None, typer.Option(help="What customer data it receives ('' for none).")] = None,
    purpose: Annotated[str | None, typer.Option(help="What it is used for.")] = None,
    dpa: Annotated[bool | None, typer.Option("--dpa/--no-dpa", help="A data processing agreement is on file.")] = None,
    soc2_report: Annotated[str | None, typer.Option(help="Date of its latest SOC 2 report.")] = None,
    owner: Annotated[str | None, typer.Option(help="Person who owns the relationship.")] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Add a vendor, or change the fields given of one already listed (the others are kept); either way it
    counts as reviewed today."""
    given = {
        k: v
        for k, v in {
            "purpose": purpose,
            "data_received": data,
            "dpa_on_file": dpa,
            "soc2_report_date": _opt_date(soc2_report, "--soc2-report"),
            "owner": owner,
        }.items()
        if v is not None
    }

    def add(current: VendorsFile) -> tuple[VendorsFile, str]:
        fields = {**given, "last_review": _now().date()}
        found = next((v for v in current.vendors if v.name.lower() == name.lower()), None)
        if found is None:
            record = build(VendorRecord, name=name, **fields)
            return VendorsFile(vendors=(*current.vendors, record)), "recorded"
        record = with_changes(found, fields, _now())
        return VendorsFile(vendors=tuple(record if v is found else v for v in current.vendors)), "updated"

    register = Registers(workspace).vendors
    what = register.update(add)
    Console().print(f"{safe(name)} {what} in {safe(register.path)}")


@vendors.command("list")
def vendors_list(workspace: Workspace = Path(".")) -> None:
    """The vendor register."""
    table(
        "Vendors",
        ("Vendor", "Data received", "DPA", "SOC 2 report", "Owner"),
        [
            (
                v.name,
                v.data_received or "none",
                "yes" if v.dpa_on_file else "no",
                _d(v.soc2_report_date),
                v.owner or "—",
            )
            for v in Registers(workspace).vendors.load().vendors
        ],
    )


# --- risks ------------------------------------------------------------------------------------


@risks.command("add")
def risks_add(
    title: str,
    likelihood: Annotated[int, typer.Option(min=1, max=5)],
    impact: Annotated[int, typer.Option(min=1, max=5)],
    treatment: Annotated[Treatment, typer.Option()],
    owner: Annotated[str, typer.Option(help="The person who owns the risk.")],
    fraud: Annotated[bool, typer.Option(help="A fraud or insider-misuse risk (CC3.3).")] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Add a risk (reviewed today)."""

    def add(current: RisksFile) -> tuple[RisksFile, RiskRecord]:
        record = build(
            RiskRecord,
            id=next_risk_id(current),
            title=title,
            likelihood=likelihood,
            impact=impact,
            treatment=treatment,
            owner=owner,
            last_reviewed=_now().date(),
            fraud_related=fraud,
        )
        return RisksFile(risks=(*current.risks, record)), record

    record = Registers(workspace).risks.update(add)
    Console().print(f"{record.id} recorded (score {record.score}).")


@risks.command("review")
def risks_review(risk_id: str, workspace: Workspace = Path(".")) -> None:
    """Mark a risk as reviewed today."""
    register = Registers(workspace).risks

    def review(current: RisksFile) -> tuple[RisksFile, None]:
        if not any(r.id == risk_id for r in current.risks):
            raise GovernanceError(f"no risk {risk_id!r} in {register.path}")
        return RisksFile(
            risks=tuple(
                with_changes(r, {"last_reviewed": _now().date()}, _now()) if r.id == risk_id else r
                for r in current.risks
            )
        ), None

    register.update(review)
    Console().print(f"{safe(risk_id)} reviewed.")


@risks.command("list")
def risks_list(workspace: Workspace = Path(".")) -> None:
    """The risk register, highest score first."""
    rows = sorted(Registers(workspace).risks.load().risks, key=lambda r: -r.score)
    table(
        "Risks",
        ("Id", "Risk", "L", "I", "Score", "Treatment", "Owner", "Reviewed"),
        [
            (
                r.id,
                r.title,
                str(r.likelihood),
                str(r.impact),
                str(r.score),
                r.treatment.value,
                r.owner,
                _d(r.last_reviewed),
            )
            for r in rows
        ],
    )


# --- access reviews and exercises -------------------------------------------------------------


@access_reviews.command("add")
def access_reviews_add(
    reviewer: Annotated[str, typer.Option(help="The person who reviewed.")],
    systems: Annotated[str, typer.Option(help="What was reviewed, e.g. 'AWS IAM, GitHub, Google Workspace'.")],
    date_: Annotated[str | None, typer.Option("--date", help="Review date (default today).")] = None,
    outcome: Annotated[str, typer.Option(help="Changes made.")] = "",
    evidence: Annotated[str, typer.Option(help="Evidence id of the review record (tracer evidence add).")] = "",
    from_table: Annotated[
        bool,
        typer.Option(
            "--from-table",
            help="Record the review against the access table of "
            "the latest scan (tracer evidence users): every account reviewed is "
            "listed and the table is kept as evidence for the review.",
        ),
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Record an access review."""
    identities: tuple[str, ...] = ()
    if from_table:
        identities, evidence = _review_table(workspace, reviewer)
    record = build(
        AccessReviewRecord,
        date=_opt_date(date_, "--date") or _now().date(),
        reviewer=reviewer,
        systems=systems,
        outcome=outcome,
        evidence_id=evidence,
        identities=identities,
    )
    Registers(workspace).access_reviews.update(
        lambda current: (AccessReviewsFile(access_reviews=(*current.access_reviews, record)), None)
    )
    Console().print(
        f"Access review of {record.date} recorded"
        + (f" against {len(record.identities)} accounts (evidence {record.evidence_id})." if record.identities else ".")
    )


def _review_table(workspace: Path, reviewer: str) -> tuple[tuple[str, ...], str]:
    """The active accounts of the latest scan's access table, and the evidence id of the table itself."""
    import csv
    import io
    import tempfile

    from evidence_tracer.cli.evidence_cmd import access_table

    ws = AppWorkspace(workspace, require=False)
    scan = ws.store.load_scan()
    rows = [r for r in access_table(ws, ws.require_inventory(scan.scan.id)) if r.active]
    if not rows:
        raise GovernanceError(f"scan {scan.scan.id} holds no accounts to review; run tracer scan first")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["system", "account", "identity", "admin", "person", "concerns"])
    writer.writerows(
        [
            [
                cell(r.system),
                cell(r.account),
                cell(r.identity),
                "yes" if r.admin else "no",
                cell(r.person or ""),
                cell("; ".join(r.concerns)),
            ]
            for r in rows
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"access-table-{scan.scan.id}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        item = ws.add_evidence(
            "AC-06", path, f"Access table reviewed ({len(rows)} accounts, scan {scan.scan.id})", reviewer
        )
    return tuple(r.key for r in rows), item.id


@access_reviews.command("list")
def access_reviews_list(workspace: Workspace = Path(".")) -> None:
    """Recorded access reviews."""
    table(
        "Access reviews",
        ("Date", "Reviewer", "Systems", "Outcome", "Evidence"),
        [
            (_d(r.date), r.reviewer, r.systems, r.outcome or "—", r.evidence_id or "—")
            for r in Registers(workspace).access_reviews.load().access_reviews
        ],
    )


@exercises.command("add")
def exercises_add(
    kind: ExerciseKind,
    facilitator: Annotated[str, typer.Option(help="Who ran it.")],
    scenario: Annotated[str, typer.Option(help="What was exercised.")],
    date_: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    lessons: Annotated[str, typer.Option(help="What was learned and changed.")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Record an incident-response tabletop or a BC/DR test."""
    record = build(
        ExerciseRecord,
        kind=kind,
        date=_opt_date(date_, "--date") or _now().date(),
        facilitator=facilitator,
        scenario=scenario,
        lessons=lessons,
    )
    Registers(workspace).exercises.update(lambda current: (ExercisesFile(exercises=(*current.exercises, record)), None))
    Console().print(f"{kind.value} of {record.date} recorded.")


@exercises.command("list")
def exercises_list(workspace: Workspace = Path(".")) -> None:
    """Recorded exercises."""
    table(
        "Exercises",
        ("Kind", "Date", "Facilitator", "Scenario", "Lessons"),
        [
            (e.kind.value, _d(e.date), e.facilitator, e.scenario, e.lessons or "—")
            for e in Registers(workspace).exercises.load().exercises
        ],
    )


# --- incidents --------------------------------------------------------------------------------


@incidents.command("add")
def incidents_add(
    title: str,
    severity: Annotated[IncidentSeverity, typer.Option(help="sev1 (customer data or service down) … sev4.")],
    detected: Annotated[str, typer.Option(help="Date it was detected.")],
    owner: Annotated[str, typer.Option(help="The incident lead.")],
    resolved: Annotated[str | None, typer.Option(help="Date it was resolved.")] = None,
    customer_impact: Annotated[bool, typer.Option(help="Customers or their data were affected.")] = False,
    summary: Annotated[str, typer.Option(help="What happened, briefly.")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Record a security incident."""

    def add(current: IncidentsFile) -> tuple[IncidentsFile, IncidentRecord]:
        record = build(
            IncidentRecord,
            id=next_id("INC", (i.id for i in current.incidents)),
            title=title,
            severity=severity,
            detected=_date(detected, "--detected"),
            resolved=_opt_date(resolved, "--resolved"),
            owner=owner,
            customer_impact=customer_impact,
            summary=summary,
        )
        return IncidentsFile(incidents=(*current.incidents, record)), record

    record = Registers(workspace).incidents.update(add)
    Console().print(f"{record.id} recorded.")


@incidents.command("update")
def incidents_update(
    incident_id: str,
    resolved: Annotated[str | None, typer.Option(help="Date it was resolved.")] = None,
    customers_notified: Annotated[str | None, typer.Option(help="Date affected customers were told.")] = None,
    post_incident_review: Annotated[str | None, typer.Option(help="Date the post-incident review was held.")] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Record a resolution, a customer notification or a post-incident review (earlier values are kept)."""
    changes = {
        k: v
        for k, v in {
            "resolved": _opt_date(resolved, "--resolved"),
            "customers_notified": _opt_date(customers_notified, "--customers-notified"),
            "post_incident_review": _opt_date(post_incident_review, "--post-incident-review"),
        }.items()
        if v is not None
    }
    if not changes:
        raise GovernanceError("nothing to update: give at least one option")

    def update(current: IncidentsFile) -> tuple[IncidentsFile, None]:
        found = next((i for i in current.incidents if i.id == incident_id), None)
        if found is None:
            raise GovernanceError(f"no incident {incident_id!r} in the incidents register")
        new = with_changes(found, changes, _now())
        return IncidentsFile(incidents=tuple(new if i is found else i for i in current.incidents)), None

    Registers(workspace).incidents.update(update)
    Console().print(f"{safe(incident_id)} updated: {', '.join(changes)}")


@incidents.command("list")
def incidents_list(workspace: Workspace = Path(".")) -> None:
    """The incidents register."""
    table(
        "Incidents",
        ("Id", "Title", "Severity", "Detected", "Resolved", "Customers", "Notified", "Review"),
        [
            (
                i.id,
                i.title,
                i.severity.value,
                _d(i.detected),
                _d(i.resolved),
                "affected" if i.customer_impact else "—",
                _d(i.customers_notified),
                _d(i.post_incident_review),
            )
            for i in Registers(workspace).incidents.load().incidents
        ],
    )


# --- exceptions -------------------------------------------------------------------------------


@exceptions.command("add")
def exceptions_add(
    gap: Annotated[
        str,
        typer.Argument(
            help="The failing finding: CHECK_ID:RESOURCE (or CHECK_ID when it fails "
            "for one resource only), from the latest scan."
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why the gap is accepted.")],
    compensating_control: Annotated[str, typer.Option(help="What limits the risk instead.")],
    approved_by: Annotated[str, typer.Option(help="The person in management who accepts it.")],
    expires: Annotated[str, typer.Option(help=f"Date it lapses (at most {MAX_EXCEPTION_DAYS} days ahead).")],
    workspace: Workspace = Path("."),
) -> None:
    """Accept a failing finding on purpose. It is shown to the auditor as an accepted exception (never a pass)
    and becomes a gap again when it expires or the finding changes."""
    now = _now()
    until = _date(expires, "--expires")
    if not now.date() < until <= now.date() + timedelta(days=MAX_EXCEPTION_DAYS):
        raise GovernanceError(f"--expires must be after today and at most {MAX_EXCEPTION_DAYS} days ahead")
    check_id, _, resource = gap.partition(":")
    failing = [
        f
        for f in open_store(workspace).load_scan().findings
        if f.status is Status.FAIL and f.check_id == check_id and (not resource or f.resource_id == resource)
    ]
    if len(failing) != 1:
        listed = "; ".join(f"{f.check_id}:{f.resource_id}" for f in failing[:5])
        raise GovernanceError(
            f"{gap!r} matches {len(failing)} failing findings in the latest scan"
            + (f" ({listed}); name one as CHECK_ID:RESOURCE" if failing else "")
        )
    finding = failing[0]
    approver = find_person(Registers(workspace).people.load(), approved_by).email

    def add(current: ExceptionsFile) -> tuple[ExceptionsFile, ExceptionRecord]:
        record = build(
            ExceptionRecord,
            id=next_id("EX", (e.id for e in current.exceptions)),
            check_id=finding.check_id,
            resource_id=finding.resource_id,
            reason=reason,
            compensating_control=compensating_control,
            approved_by=approver,
            approved_at=now,
            expires=until,
            finding_sha256=finding_digest(finding),
        )
        return ExceptionsFile(exceptions=(*current.exceptions, record)), record

    record = Registers(workspace).exceptions.update(add)
    Console().print(
        f"{record.id}: {safe(finding.check_id)} on {safe(finding.resource_id)} accepted until "
        f"{record.expires} — shown as an accepted exception, not a pass."
    )


@exceptions.command("list")
def exceptions_list(workspace: Workspace = Path(".")) -> None:
    """Accepted exceptions."""
    table(
        "Accepted exceptions",
        ("Id", "Check", "Resource", "Reason", "Compensating control", "Approved by", "Expires"),
        [
            (e.id, e.check_id, e.resource_id, e.reason, e.compensating_control, e.approved_by, _d(e.expires))
            for e in Registers(workspace).exceptions.load().exceptions
        ],
    )


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GovernanceError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _opt_date(value: str | None, option: str) -> date | None:
    return None if value is None else _date(value, option)
