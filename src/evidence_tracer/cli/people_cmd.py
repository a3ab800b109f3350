"""`tracer people|vendors|risks …`: the people, vendor and risk registers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.cli.options import By, Workspace, _d, _date, _now, _opt_date
from evidence_tracer.cli.output import safe, table
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.registers import (
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
    next_risk_id,
    signer,
    upsert_person,
    with_changes,
)

people = typer.Typer(
    help="People register: roles, background checks, training, joiners and leavers.", no_args_is_help=True
)
vendors = typer.Typer(help="Vendor register: data received, DPA, SOC 2 report.", no_args_is_help=True)
risks = typer.Typer(help="Risk register: likelihood, impact, treatment, owner.", no_args_is_help=True)


@people.command("add")
def people_add(
    email: str,
    role: Annotated[str, typer.Option(help="Job title.")],
    joined: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    background_check: Annotated[str | None, typer.Option(help="Date the check completed.")] = None,
    training: Annotated[str | None, typer.Option(help="Date security training was completed.")] = None,
    production_access: Annotated[bool, typer.Option(help="Has production access.")] = True,
    management: Annotated[bool, typer.Option(help="Part of management: may approve policies.")] = False,
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
        management=management,
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
    management: Annotated[
        bool | None, typer.Option("--management/--no-management", help="Joins or leaves management.")
    ] = None,
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
            "management": management,
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
    subservice: Annotated[
        bool | None,
        typer.Option(
            "--subservice/--not-subservice",
            help="It is part of delivering the service (hosting, a database provider): carved out of the report.",
        ),
    ] = None,
    csoc: Annotated[
        list[str] | None,
        typer.Option("--csoc", help="A control you rely on it for (repeatable), e.g. 'physical security'."),
    ] = None,
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
            "subservice": subservice,
            "csocs": tuple(csoc) if csoc else None,
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
    control: Annotated[
        list[str] | None, typer.Option("--control", help="A control that addresses it (repeatable), e.g. AC-01.")
    ] = None,
    reviewed_by: Annotated[
        str | None, typer.Option("--reviewed-by", help="The management person who reviewed it with you today.")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Add a risk (identified today; it counts for the assessment once management reviewed it)."""
    reviewer = _risk_reviewer(workspace, reviewed_by) if reviewed_by else None

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
            reviewed_by=reviewer,
            controls=tuple(_known_controls(control or ())),
        )
        return RisksFile(risks=(*current.risks, record)), record

    record = Registers(workspace).risks.update(add)
    Console().print(f"{record.id} recorded (score {record.score}).")


def _known_controls(ids: Iterable[str]) -> list[str]:
    from evidence_tracer.catalog.controls import controls

    unknown = [c for c in ids if c not in controls()]
    if unknown:
        raise GovernanceError(f"--control {', '.join(unknown)}: not a control of the library (e.g. AC-01)")
    return list(ids)


def _risk_reviewer(workspace: Path, by: str) -> str:
    people = Registers(workspace).people.load()
    return signer(people, by, _now().date(), management=True, what="a risk review")


@risks.command("review")
def risks_review(risk_id: str, by: By, workspace: Workspace = Path(".")) -> None:
    """Record that management reviewed a risk today (its rating, owner and treatment still hold)."""
    register = Registers(workspace).risks
    reviewer = _risk_reviewer(workspace, by)

    def review(current: RisksFile) -> tuple[RisksFile, None]:
        if not any(r.id == risk_id for r in current.risks):
            raise GovernanceError(f"no risk {risk_id!r} in {register.path}")
        return RisksFile(
            risks=tuple(
                with_changes(r, {"last_reviewed": _now().date(), "reviewed_by": reviewer}, _now())
                if r.id == risk_id
                else r
                for r in current.risks
            )
        ), None

    register.update(review)
    Console().print(f"{safe(risk_id)} reviewed by {safe(reviewer)}.")


@risks.command("list")
def risks_list(workspace: Workspace = Path(".")) -> None:
    """The risk register, highest score first."""
    rows = sorted(Registers(workspace).risks.load().risks, key=lambda r: -r.score)
    table(
        "Risks",
        ("Id", "Risk", "L", "I", "Score", "Treatment", "Owner", "Reviewed", "By"),
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
                r.reviewed_by or "—",
            )
            for r in rows
        ],
    )


# --- access reviews and exercises -------------------------------------------------------------
