"""`tracer incidents|exceptions …`: security incidents and accepted exceptions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.workspace import Workspace as Opened
from evidence_tracer.cli.options import Workspace, _d, _date, _now, _opt_date
from evidence_tracer.cli.output import safe, table
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.exceptions import finding_digest
from evidence_tracer.governance.registers import (
    ExceptionRecord,
    ExceptionsFile,
    IncidentRecord,
    IncidentSeverity,
    IncidentsFile,
    Registers,
    build,
    next_id,
    signer,
    with_changes,
)
from evidence_tracer.models import Status

incidents = typer.Typer(
    help="Security incidents: severity, impact, notification, post-incident review.", no_args_is_help=True
)
exceptions = typer.Typer(
    help="Accepted exceptions: gaps management accepts on purpose, until they expire.", no_args_is_help=True
)
# An exception is reviewed at least yearly: a longer acceptance is refused.
MAX_EXCEPTION_DAYS = 365


@incidents.command("add")
def incidents_add(
    title: str,
    severity: Annotated[IncidentSeverity, typer.Option(help="sev1 (customer data or service down) … sev4.")],
    detected: Annotated[str, typer.Option(help="Date it was detected.")],
    owner: Annotated[str, typer.Option(help="The incident lead.")],
    resolved: Annotated[str | None, typer.Option(help="Date it was resolved.")] = None,
    customer_impact: Annotated[bool, typer.Option(help="Customers or their data were affected.")] = False,
    significant: Annotated[
        bool,
        typer.Option(help="It kept a service commitment from being met, or was disclosed: the description lists it."),
    ] = False,
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
            significant=significant,
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
        for f in Opened(workspace).store.load_scan().findings
        if f.status is Status.FAIL and f.check_id == check_id and (not resource or f.resource_id == resource)
    ]
    if len(failing) != 1:
        listed = "; ".join(f"{f.check_id}:{f.resource_id}" for f in failing[:5])
        raise GovernanceError(
            f"{gap!r} matches {len(failing)} failing findings in the latest scan"
            + (f" ({listed}); name one as CHECK_ID:RESOURCE" if failing else "")
        )
    finding = failing[0]
    approver = signer(Registers(workspace).people.load(), approved_by, now.date(), management=True, what="an exception")

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


@exceptions.command("respond")
def exceptions_respond(
    deviation: Annotated[
        str, typer.Argument(help="The deviation's finding: CHECK_ID:RESOURCE (tracer period names it).")
    ],
    first_failed: Annotated[str, typer.Option(help="The day it was first seen failing (tracer period names it).")],
    cause: Annotated[str, typer.Option(help="Why it stayed open past its remediation window.")],
    remediation: Annotated[str, typer.Option(help="What was done about it, and when.")],
    compensating_control: Annotated[str, typer.Option(help="What limited the risk while it was open.")],
    by: Annotated[str, typer.Option("--by", help="The person in management who responds.")],
    workspace: Workspace = Path("."),
) -> None:
    """Record management's response to a deviation: a failure open longer than its remediation window (Type 2)."""
    from evidence_tracer.app.period import find_episode
    from evidence_tracer.app.workspace import Workspace as AppWorkspace
    from evidence_tracer.governance.responses import DeviationResponse

    now, ws = _now(), AppWorkspace(workspace)
    check_id, _, resource = deviation.partition(":")
    episode = find_episode(ws, check_id, resource, _date(first_failed, "--first-failed"), now)
    responder = signer(ws.registers.people.load(), by, now.date(), management=True, what="a deviation response")

    def add(current: ExceptionsFile) -> tuple[ExceptionsFile, DeviationResponse]:
        record = build(
            DeviationResponse,
            id=next_id("DEV", (d.id for d in current.deviations)),
            check_id=episode.check_id,
            resource_id=episode.resource_id,
            first_failed=episode.first_failed.date(),
            cause=cause,
            remediation=remediation,
            compensating_control=compensating_control,
            responded_by=responder,
            responded_at=now,
        )
        return current.model_copy(update={"deviations": (*current.deviations, record)}), record

    record = ws.registers.exceptions.update(add)
    Console().print(f"{record.id}: management's response to the deviation of {safe(deviation)} recorded.")


@exceptions.command("list")
def exceptions_list(workspace: Workspace = Path(".")) -> None:
    """Accepted exceptions, and management's responses to deviations."""
    recorded = Registers(workspace).exceptions.load()
    table(
        "Accepted exceptions",
        ("Id", "Check", "Resource", "Reason", "Compensating control", "Approved by", "Expires"),
        [
            (e.id, e.check_id, e.resource_id, e.reason, e.compensating_control, e.approved_by, _d(e.expires))
            for e in recorded.exceptions
        ],
    )
    if recorded.deviations:
        table(
            "Deviation responses",
            ("Id", "Check", "Resource", "First failed", "Cause", "Remediation", "Compensating control", "By"),
            [
                (
                    d.id,
                    d.check_id,
                    d.resource_id,
                    _d(d.first_failed),
                    d.cause,
                    d.remediation,
                    d.compensating_control,
                    d.responded_by,
                )
                for d in recorded.deviations
            ],
        )
