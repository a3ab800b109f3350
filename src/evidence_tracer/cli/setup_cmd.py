"""`tracer init` (scope, boundary, owners, parameters) and `tracer changes` (the CC8.1 change population)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.init import CATEGORY_GUIDANCE, InitAnswers, create_workspace
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.services import find_service
from evidence_tracer.cli.options import AnyFolder, WorkspaceDir, parse_day
from evidence_tracer.cli.output import safe, table
from evidence_tracer.config import check_account, check_region
from evidence_tracer.errors import ConfigError, TracerError
from evidence_tracer.names import validate_person
from evidence_tracer.report.inert import inert_text


def init(
    workspace: AnyFolder = Path("."),
    company: Annotated[str | None, typer.Option(help="Company name.")] = None,
    owner: Annotated[str | None, typer.Option(help="Email of the person who owns the controls to start with.")] = None,
    security_contact: Annotated[str, typer.Option(help="Where security reports go.")] = "",
    uptime_sla: Annotated[bool | None, typer.Option(help="You commit to uptime: adds Availability.")] = None,
    confidential_data: Annotated[
        bool | None, typer.Option(help="Customer data under NDA: adds Confidentiality.")
    ] = None,
    personal_data: Annotated[bool | None, typer.Option(help="EU/UK personal or health data: adds Privacy.")] = None,
    processing_integrity: Annotated[
        bool | None, typer.Option(help="Customers rely on your processing accuracy: adds Processing Integrity.")
    ] = None,
    account: Annotated[list[str] | None, typer.Option(help="AWS account id in scope (repeatable).")] = None,
    region: Annotated[list[str] | None, typer.Option(help="Region in scope (repeatable).")] = None,
    service: Annotated[list[str] | None, typer.Option(help="Service in scope (repeatable).")] = None,
    ci_cd: Annotated[list[str] | None, typer.Option("--ci-cd", help="CI/CD system (repeatable).")] = None,
    access_key_max_age: Annotated[int | None, typer.Option(help="Days before an access key must be rotated.")] = None,
    audit_date: Annotated[
        str | None, typer.Option(help="As-of date of the Type 1 report (YYYY-MM-DD); the plan is dated from it.")
    ] = None,
    period_start: Annotated[
        str | None, typer.Option(help="A Type 2: the first day of the observation period (3 to 12 months).")
    ] = None,
    period_end: Annotated[str | None, typer.Option(help="A Type 2: the last day of the observation period.")] = None,
    interactive: Annotated[bool, typer.Option(help="Ask for anything not given as a flag.")] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing tracer.yaml.")] = False,
    store: Annotated[
        str | None, typer.Option(help="Keep the evidence in S3 (s3://BUCKET/PREFIX; see tracer store init).")
    ] = None,
) -> None:
    """Create tracer.yaml: company, criteria in scope, boundary, owners and policy parameters."""
    ask = interactive or (company is None and sys.stdin.isatty())
    if ask:  # every answer is checked as it is given and asked again; nothing is written before the last one
        company = company or _ask("Company name", _company)
        owner = owner or _ask("Email of the person who owns security (a person, not a team)", _owner)
        for name, text in CATEGORY_GUIDANCE.items():
            if name.value != "security":
                typer.echo(f"  {name.value}: {text}")
        uptime_sla = uptime_sla if uptime_sla is not None else typer.confirm("Do you commit to uptime (SLA)?")
        confidential_data = (
            confidential_data
            if confidential_data is not None
            else typer.confirm("Do customers give you data under NDA / confidentiality terms?")
        )
        personal_data = (
            personal_data
            if personal_data is not None
            else typer.confirm("Do you process EU/UK personal data or health data?")
        )
        processing_integrity = (
            processing_integrity
            if processing_integrity is not None
            else typer.confirm("Do customers rely on the accuracy of your processing (payments, payroll, billing)?")
        )
        account = account or _ask_list("AWS account ids in scope (12 digits, comma-separated)", check_account)
        region = region or _ask_list("AWS regions in scope (comma-separated, empty for all enabled)", check_region)
        service = service or _ask_list("Services in the system (e.g. S3, RDS, Lambda, ECS; comma-separated)", _service)
        ci_cd = ci_cd or _ask_list("CI/CD systems (e.g. GitHub Actions; comma-separated)", str)
        if period_start is None and typer.confirm("Is this a Type 2 (controls operating over a period)?"):
            period_start = _ask("First day of the observation period", _target_day)
            period_end = _ask("Last day of the period (3 to 12 months later)", _target_day)
        audit_date = audit_date or _ask(
            "Target date of the Type 1 report (e.g. 2027-03-31 or 31 March 2027; empty to decide later)",
            _target_day,
            default="",
        )
    if not company or not owner:
        raise ConfigError("tracer init needs --company and --owner (or --interactive)")
    answers = InitAnswers(
        company=company,
        owner=owner,
        security_contact=security_contact,
        uptime_sla=bool(uptime_sla),
        confidential_data=bool(confidential_data),
        personal_data=bool(personal_data),
        processing_integrity=bool(processing_integrity),
        accounts=tuple(account or ()),
        regions=tuple(region or ()),
        services=tuple(service or ()),
        ci_cd=tuple(ci_cd or ()),
        parameters={"access_key_max_age_days": access_key_max_age} if access_key_max_age else {},
        audit_date=_audit_date(audit_date),
        period=_period(period_start, period_end),
        store=store,
    )
    path = create_workspace(workspace, answers, force)
    Console().print(
        f"Created {safe(path)} (scope: {', '.join(c.value for c in answers.categories())}). Next: "
        "tracer scan, tracer policies generate, tracer status"
    )


def _audit_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise ConfigError(f"--audit-date: {exc}") from None


def _period(start: str | None, end: str | None) -> tuple[date, date] | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise ConfigError("a Type 2 needs both --period-start and --period-end")
    try:
        return parse_day(start), parse_day(end)
    except ValueError as exc:
        raise ConfigError(f"the period: {exc}") from None


def _ask(question: str, check: Callable[[str], str], default: str | None = None) -> str:
    """Ask until `check` accepts the answer (it raises ValueError saying why); Ctrl-C or the end of input
    aborts with nothing written."""
    while True:
        answer = (
            typer.prompt(question, default=default, show_default=False)
            if default is not None
            else (typer.prompt(question))
        )
        try:
            return check(answer.strip())
        except ValueError as exc:
            typer.echo(f"  {inert_text(str(exc), one_line=True)}; try again")


def _company(value: str) -> str:
    if not value:
        raise ValueError("the company needs a name")
    return value


def _owner(value: str) -> str:
    try:
        return validate_person(value, "the owner")
    except TracerError as exc:
        raise ValueError(str(exc)) from None


def _target_day(value: str) -> str:
    return parse_day(value).isoformat() if value else ""


def _ask_list(question: str, check: Callable[[str], str]) -> list[str]:
    """Ask until every comma-separated answer passes `check` (which raises ValueError saying why)."""
    while True:
        answer = typer.prompt(question, default="", show_default=False)
        values = [v.strip() for v in answer.split(",") if v.strip()]
        try:
            return [check(v) for v in values]
        except ValueError as exc:
            typer.echo(f"  {inert_text(str(exc), one_line=True)}; try again")


def _service(written: str) -> str:
    if find_service(written) is None:
        typer.echo(
            f"  note: {inert_text(written, one_line=True)} is not a service Evidence Tracer checks; it is "
            "kept, and readiness will ask for evidence of it"
        )
    return written


def changes(
    from_: Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD, UTC).")],
    to: Annotated[str, typer.Option("--to", help="Last day of the period (YYYY-MM-DD, UTC).")],
    by: Annotated[str, typer.Option("--by", help="Who collected the population (a person's email).")],
    repo: Annotated[
        list[str] | None, typer.Option("--repo", help="A repository (repeatable; default: those in tracer.yaml).")
    ] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """The change population for CC8.1: pull requests merged into each default branch in the period (author,
    approvers, CI, merge time) and direct pushes, stored as evidence for CM-01 with its queries and counts."""
    import tempfile
    from dataclasses import replace

    from evidence_tracer.sources.github.changes import change_population
    from evidence_tracer.sources.github.plugin import settings_of
    from evidence_tracer.sources.github.token import github_token

    ws = Workspace(workspace)
    gh = ws.config.sources.github
    repositories = tuple(repo or gh.repositories)
    if not gh.organization or not repositories:
        raise ConfigError(
            "tracer changes needs sources.github.organization and repositories in tracer.yaml (or --repo)"
        )
    start, end = _day(from_, "--from"), _day(to, "--to") + timedelta(days=1, microseconds=-1)
    if end < start:
        raise ConfigError("--to is before --from")
    settings = replace(settings_of(ws.config), repositories=repositories)  # the token's destination checked
    token = github_token(gh.token_env, gh.api_url)
    if not token:
        raise ConfigError(f"no GitHub token: set {gh.token_env} or log in with `gh auth login`")
    population, records = change_population(settings, token, repositories, start, end)
    ws.store.save_records(records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"change-population-{from_}-to-{to}.json"
        path.write_text(json.dumps(population.as_json(), indent=2) + "\n", encoding="utf-8")
        counts = population.counts
        item = ws.add_evidence(
            "CM-01",
            path,
            f"Change population {from_} to {to} (tracer changes): "
            f"{counts.get('merged_in_period', 0)} merged pull requests, "
            f"{counts.get('direct_pushes', 0)} direct pushes",
            by,
        )
    table(
        f"Changes {from_} to {to}",
        ("Repository", "Change", "Author", "Approvers", "CI", "Merged", "Concerns"),
        [
            (
                c.repository,
                f"{c.kind} {c.reference[:12]}",
                c.author,
                ", ".join(c.approvers) or "—",
                c.ci,
                c.merged_at,
                "; ".join(c.concerns) or "—",
            )
            for c in population.changes
        ],
    )
    for failure in population.failures:
        Console().print(f"[red]error[/]: {safe(failure)}")
    Console().print(
        f"{len(population.changes)} changes; {len(records)} API calls kept as evidence; the population "
        f"is evidence {item.id} for CM-01."
    )
    if population.failures:
        raise typer.Exit(1)


def _day(value: str, option: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
