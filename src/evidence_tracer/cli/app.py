"""`tracer`: Typer application. Converts TracerError into a one-line message and an exit code."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evidence_tracer import __version__
from evidence_tracer.app.deliverables import workspace_deliverables
from evidence_tracer.app.init import CATEGORY_GUIDANCE, InitAnswers, create_workspace
from evidence_tracer.app.scan import reevaluate, run_scan
from evidence_tracer.app.workspace import Workspace, open_store, workspace_readiness
from evidence_tracer.atomic import write_atomic
from evidence_tracer.catalog.services import find_service
from evidence_tracer.cli import evidence_cmd, governance_cmd
from evidence_tracer.cli.output import print_summary, safe, scan_progress, table
from evidence_tracer.config import check_account, check_region, load_config
from evidence_tracer.deliverables.build import MATRIX_XLSX
from evidence_tracer.errors import ConfigError, TracerError
from evidence_tracer.models import Status
from evidence_tracer.report import Format, render
from evidence_tracer.report.explain import explain
from evidence_tracer.report.grouping import DISCLAIMER
from evidence_tracer.report.inert import inert_text
from evidence_tracer.report.readiness import headline, render_readiness
from evidence_tracer.sources.registry import enabled_sources

app = typer.Typer(
    name="tracer",
    help="Evidence Tracer: read-only AWS evidence and SOC 2 readiness (SOC 2-aligned, not a SOC 2 report).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2
app.add_typer(evidence_cmd.app, name="evidence")
app.add_typer(governance_cmd.policies, name="policies")
app.add_typer(governance_cmd.people, name="people")
app.add_typer(governance_cmd.vendors, name="vendors")
app.add_typer(governance_cmd.risks, name="risks")
app.add_typer(governance_cmd.access_reviews, name="access-reviews")
app.add_typer(governance_cmd.exercises, name="exercises")
app.add_typer(governance_cmd.incidents, name="incidents")
app.add_typer(governance_cmd.exceptions, name="exceptions")

WorkspaceDir = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory (holds tracer.yaml).")]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


@app.command()
def scan(
    workspace: WorkspaceDir = Path("."),
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            "-r",
            help="Scan only this region (repeatable). Default: tracer.yaml boundary, else all enabled.",
        ),
    ] = None,
    profile: Annotated[str | None, typer.Option(help="AWS profile (default: the standard chain).")] = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="Write a report in this format.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report file (default: stdout).")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any check fails or could not run.")] = False,
    org: Annotated[
        bool | None,
        typer.Option(
            "--org/--no-org",
            help="Scan every account of the AWS Organization "
            "(default: when the caller can list it, as tracer.yaml says).",
        ),
    ] = None,
) -> None:
    """Scan the AWS account read-only, evaluate the checks and summarise by criterion."""
    ws = Workspace(workspace, require=False)
    config = ws.config
    report_to_stdout = fmt is not None and output is None
    console = Console(stderr=report_to_stdout)
    if output is not None and fmt is None:
        fmt = {f.suffix: f for f in Format}.get(output.suffix.lower(), Format.JSON)
    store = ws.store  # fail early on an unusable workspace, before calling AWS
    with scan_progress(Console(stderr=True)) as progress:
        organization = None if org is None else ("always" if org else "never")
        outcome = run_scan(enabled_sources(config, profile, organization), config, region, progress)
    result = outcome.result
    ws.save_scan(result, outcome.records, outcome.inventory)
    print_summary(console, result)
    console.print(f"Scan {result.scan.id} stored with {len(outcome.records)} evidence records in {safe(store.root)}.")
    if fmt is not None:
        _write(render(result, fmt), output)
        if output is not None:
            console.print(f"Report written to {safe(output)}")
    if strict and (result.count(Status.FAIL) or result.count(Status.ERROR)):
        raise typer.Exit(1)


@app.command()
def scans(workspace: WorkspaceDir = Path(".")) -> None:
    """List the scans kept in the workspace (never overwritten)."""
    store = open_store(workspace)
    rows: list[tuple[object, ...]] = []
    for info in store.scans():
        result = store.load_scan(info.id)
        rows.append(
            (
                info.id,
                info.finished_at.strftime("%Y-%m-%d %H:%M:%S"),
                ", ".join(info.accounts or (info.account_id,)),
                ", ".join(info.regions),
                result.count(Status.PASS),
                result.count(Status.FAIL),
                result.count(Status.ERROR),
            )
        )
    table("Stored scans", ("Scan id", "Finished (UTC)", "Accounts", "Regions", "Pass", "Fail", "Error"), rows)


@app.command()
def report(
    workspace: WorkspaceDir = Path("."),
    readiness: Annotated[
        bool,
        typer.Option("--readiness", help="The readiness report (criteria, gaps, plan) instead of the AWS gap report."),
    ] = False,
    scan_id: Annotated[str | None, typer.Option("--scan", help="Stored scan id or prefix (default: latest).")] = None,
    reevaluate_: Annotated[
        bool,
        typer.Option(
            "--reevaluate",
            help="Re-run today's checks with tracer.yaml's current parameters on the stored scan's inventory.",
        ),
    ] = False,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.MARKDOWN,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
) -> None:
    """Render the readiness report, or the AWS gap report of a stored scan, in any format."""
    if readiness:
        if fmt is Format.CSV:
            raise ConfigError("the readiness report comes as json, markdown or html")
        _write(render_readiness(workspace_readiness(workspace, datetime.now(UTC)), fmt), output)
        return
    ws = Workspace(workspace, require=False)
    result = ws.store.load_scan(scan_id)
    if reevaluate_:
        result = reevaluate(result, ws.require_inventory(result.scan.id), ws.config)
        Console(stderr=True).print(f"Scan {result.scan.id} re-evaluated with the current tracer.yaml.")
    _write(render(result, fmt), output)


@app.command()
def status(
    workspace: WorkspaceDir = Path("."),
    limit: Annotated[int, typer.Option(help="How many gaps to show.")] = 10,
    explain_: Annotated[
        str | None,
        typer.Option("--explain", help="Show how a control (AC-01) or a criterion (CC6.1) earned its figure."),
    ] = None,
) -> None:
    """Where the workspace stands: readiness percentage, the most urgent gaps, this week's plan."""
    r = workspace_readiness(workspace, datetime.now(UTC))
    console = Console()
    if explain_ is not None:
        for line in explain(r, explain_):
            console.print(safe(line), highlight=False, soft_wrap=True)
        return
    style = "green" if r.ready_for_audit else "yellow"
    console.print(
        f"[bold {style}]{headline(r)}[/] · {safe(r.company)} · scope {', '.join(r.scope)} · "
        f"scan {safe(r.scan_id or 'none yet')}"
    )
    for reason in r.why_not_ready():
        console.print(f"  [yellow]not ready:[/] {safe(reason)}")
    console.print(f"Boundary: {safe(r.coverage_line)}")
    table = Table(title="Criteria")
    for col in ("Criterion", "Ready", "Fail", "Error", "Evidence", "Owners"):
        table.add_column(col)
    for c in r.criteria:
        table.add_row(
            c.criterion.id,
            f"{int(100 * c.score)}%",
            str(c.count(Status.FAIL)),
            str(c.count(Status.ERROR)),
            str(c.evidence_count),
            safe(", ".join(c.owners)) or "[red]none[/]",
        )
    console.print(table)
    console.print(f"[bold]Most urgent gaps[/] ({len(r.gaps)} open):")
    for g in r.gaps[:limit]:
        console.print(f"  {g.severity.value:8} {safe(g.title)}" + (f" [dim]({safe(g.owner)})[/]" if g.owner else ""))
    today = datetime.now(UTC).date()
    week = next((w for w in r.plan if w.start <= today < w.start + timedelta(days=7)), r.plan[0])
    late = [w.week for w in r.plan if w.late]
    console.print(f"[bold]Week {week.week} from {week.start}[/] — {week.phase}: " + safe("; ".join(week.tasks[:3])))
    if late:
        console.print(
            f"[red]Late:[/] weeks {', '.join(map(str, late))} still have open tasks "
            "(tracer report --readiness shows them)"
        )
    console.print(f"[dim]{DISCLAIMER}[/]")


@app.command()
def init(
    workspace: WorkspaceDir = Path("."),
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
    interactive: Annotated[bool, typer.Option(help="Ask for anything not given as a flag.")] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing tracer.yaml.")] = False,
) -> None:
    """Create tracer.yaml: company, criteria in scope, boundary, owners and policy parameters."""
    ask = interactive or (company is None and sys.stdin.isatty())
    if ask:
        company = company or typer.prompt("Company name")
        owner = owner or typer.prompt("Email of the person who owns security (a person, not a team)")
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
        audit_date = (
            audit_date
            or typer.prompt(
                "Target date of the Type 1 report (YYYY-MM-DD, empty to decide later)", default="", show_default=False
            )
            or None
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
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--audit-date {value!r} is not a date (YYYY-MM-DD)") from None


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


@app.command()
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

    from evidence_tracer.sources.github.changes import change_population
    from evidence_tracer.sources.github.source import GitHubSettings
    from evidence_tracer.sources.github.token import github_token

    ws = Workspace(workspace, require=False)
    gh = ws.config.sources.github
    repositories = tuple(repo or gh.repositories)
    if not gh.organization or not repositories:
        raise ConfigError(
            "tracer changes needs sources.github.organization and repositories in tracer.yaml (or --repo)"
        )
    start, end = _day(from_, "--from"), _day(to, "--to") + timedelta(days=1, microseconds=-1)
    if end < start:
        raise ConfigError("--to is before --from")
    token = github_token(gh.token_env, gh.api_url)
    if not token:
        raise ConfigError(f"no GitHub token: set {gh.token_env} or log in with `gh auth login`")
    settings = GitHubSettings(gh.organization, repositories, gh.api_url, gh.token_env, gh.timeout_seconds)
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


@app.command()
def matrix(
    workspace: WorkspaceDir = Path("."),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="A .xlsx or .csv file (default: CSV on stdout).")
    ] = None,
) -> None:
    """The control matrix: one row per in-scope control with criteria, owner, frequency, type, evidence and
    status (XLSX with the request list as a second sheet, or CSV)."""
    files = workspace_deliverables(Workspace(workspace), datetime.now(UTC))
    if output is None:
        sys.stdout.write(files["control-matrix.csv"].decode("utf-8"))
        return
    if output.suffix.lower() not in (".xlsx", ".csv"):
        raise ConfigError(f"{output}: the matrix is written as .xlsx or .csv")
    write_atomic(output, files[MATRIX_XLSX if output.suffix.lower() == ".xlsx" else "control-matrix.csv"])
    Console().print(f"Control matrix written to {safe(output)}")


@app.command()
def deliverables(
    workspace: WorkspaceDir = Path("."),
    out: Annotated[Path, typer.Option("--out", help="Folder to write them to.")] = Path("deliverables"),
) -> None:
    """Write the Type 1 deliverables: control matrix (XLSX, CSV), request (PBC) list, system description
    draft (DC 200, Markdown and HTML) and the management assertion draft."""
    for name, data in workspace_deliverables(Workspace(workspace), datetime.now(UTC)).items():
        write_atomic(out / name, data)
        Console().print(f"  {safe(out / name)}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Workspace to create for the demo.")] = Path("tracer-demo"),
) -> None:
    """Run the whole flow offline against an embedded, moto-backed demo account."""
    from evidence_tracer.app.demo import run_demo

    console = Console()
    console.print("[bold]Evidence Tracer demo[/] — a fake AWS account in memory (moto); nothing leaves this machine.")
    with scan_progress(Console(stderr=True)) as progress:
        run = run_demo(out, progress)
    print_summary(console, run.outcome.result)
    console.print(
        f"[bold]Readiness:[/] {headline(run.readiness)} — {len(run.readiness.gaps)} gaps, "
        f"plan of {len(run.readiness.plan)} weeks"
    )
    console.print("[bold]Reports:[/]")
    for label, path in run.reports.items():
        console.print(f"  {label:22} {safe(path)}")
    state = "verified" if run.package_verified else "[red]FAILED verification[/]"
    console.print(
        f"[bold]Auditor package:[/] {safe(run.package.path)} ({run.package.files} files, {state}; "
        f"fingerprint {run.package.fingerprint})"
    )
    where = safe(shlex.quote(str(out)))
    console.print(
        f"Next: [bold]tracer status -w {where}[/], [bold]tracer policies list -w {where}[/], "
        f"[bold]tracer evidence users -w {where}[/], [bold]tracer scans -w {where}[/]"
    )


@app.command()
def checks() -> None:
    """Print every automated check with its service, severity and criteria (Markdown)."""
    from evidence_tracer.report.checks_table import checks_table

    sys.stdout.write(checks_table())


@app.command()
def permissions(
    workspace: WorkspaceDir = Path("."),
    source: Annotated[
        str, typer.Option(help="A registered source: aws (an IAM policy), github, okta, google (token permissions).")
    ] = "aws",
) -> None:
    """Print the minimal read-only permissions a source needs (generated from its declared operations)."""
    from evidence_tracer.sources.registry import plugin

    config = load_config(workspace) if (workspace / "tracer.yaml").exists() else None
    sys.stdout.write(plugin(source).permissions(config))


@app.command()
def version() -> None:
    """Print the version."""
    print(__version__)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every expected failure ends as one message and a non-zero exit.
    Usage errors are Typer's (exit 2); TracerError is ours (exit 2); nothing else is expected."""
    try:
        app(args=argv)
    except TracerError as exc:
        sys.stderr.write(f"error: {inert_text(str(exc))}\n")
        sys.exit(EXIT_USAGE)
    except OSError as exc:  # a write outside our own helpers (disk full, read-only): still one line
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"error: {inert_text(where + (exc.strerror or str(exc)), one_line=True)}\n")
        sys.exit(EXIT_USAGE)
