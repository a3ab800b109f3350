"""`tracer`: Typer application. Converts TracerError into a one-line message and an exit code."""

from __future__ import annotations

import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evidence_tracer import __version__
from evidence_tracer.app.deliverables import workspace_deliverables
from evidence_tracer.app.period import baseline
from evidence_tracer.app.scan import reevaluate, run_scan
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.atomic import write_atomic
from evidence_tracer.cli import (
    evidence_cmd,
    history_cmd,
    incidents_cmd,
    oversight_cmd,
    people_cmd,
    period_cmd,
    policies_cmd,
    populations_cmd,
    reviews_cmd,
    serve_cmd,
    setup_cmd,
    store_cmd,
)
from evidence_tracer.cli.options import AnyFolder, WorkspaceDir
from evidence_tracer.cli.output import print_summary, safe, scan_progress, warn_unproven
from evidence_tracer.config import load_config
from evidence_tracer.deliverables.build import MATRIX_XLSX
from evidence_tracer.errors import ConfigError, TracerError
from evidence_tracer.models import Severity, Status
from evidence_tracer.period.drift import drift as drift_of
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
    add_completion=True,  # tracer --install-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2


def _print_version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Evidence Tracer: read-only AWS evidence and SOC 2 readiness (SOC 2-aligned, not a SOC 2 report)."""


app.add_typer(evidence_cmd.app, name="evidence")
app.add_typer(policies_cmd.policies, name="policies")
app.add_typer(people_cmd.people, name="people")
app.add_typer(people_cmd.vendors, name="vendors")
app.add_typer(people_cmd.risks, name="risks")
app.add_typer(reviews_cmd.access_reviews, name="access-reviews")
app.add_typer(reviews_cmd.exercises, name="exercises")
app.add_typer(incidents_cmd.incidents, name="incidents")
app.add_typer(incidents_cmd.exceptions, name="exceptions")
app.add_typer(oversight_cmd.scans, name="scans")
app.add_typer(oversight_cmd.scope, name="scope")
app.add_typer(period_cmd.schedule, name="schedule")
app.command("drift")(period_cmd.drift)
app.command("period")(period_cmd.period)
app.command("history")(history_cmd.history)
app.command("serve")(serve_cmd.serve)
app.add_typer(populations_cmd.populations, name="populations")
app.add_typer(store_cmd.store, name="store")
app.command("sample")(populations_cmd.sample)

app.command("init")(setup_cmd.init)
app.command("changes")(setup_cmd.changes)


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
    account: Annotated[
        list[str] | None,
        typer.Option("--account", help="Only this account of the Organization (repeatable): one job's share."),
    ] = None,
) -> None:
    """Scan the AWS account read-only, evaluate the checks and summarise by criterion."""
    ws = Workspace(workspace)
    config = ws.config
    if account:  # one job of a scan split by account (docs/scale.md); `tracer scans merge` joins them
        if not all(a.isdigit() and len(a) == 12 for a in account):
            raise typer.BadParameter("--account takes 12-digit AWS account ids")
        config = config.model_copy(update={"boundary": config.boundary.model_copy(update={"accounts": tuple(account)})})
        org = True
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
    previous = baseline(ws, result, None)
    if previous is not None:
        period_cmd.print_drift(console, drift_of(previous, result), limit=5)
    console.print(f"Scan {result.scan.id} stored with {len(outcome.records)} evidence records in {safe(store.root)}.")
    if fmt is not None:
        _write(render(result, fmt), output)
        if output is not None:
            console.print(f"Report written to {safe(output)}")
    if strict and (result.count(Status.FAIL) or result.count(Status.ERROR)):
        raise typer.Exit(1)


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
        ws = Workspace(workspace)
        _write(render_readiness(ws.readiness(datetime.now(UTC)), fmt), output)
        warn_unproven(ws.store)
        return
    ws = Workspace(workspace)
    result = ws.store.load_scan(scan_id)
    if reevaluate_:
        result = reevaluate(result, ws.require_inventory(result.scan.id), ws.config)
        Console(stderr=True).print(f"Scan {result.scan.id} re-evaluated with the current tracer.yaml.")
    _write(render(result, fmt), output)
    warn_unproven(ws.store)


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
    ws = Workspace(workspace)
    r = ws.readiness(datetime.now(UTC))
    warn_unproven(ws.store)
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
    console.print(f"Evidence history head: {r.history_head} [dim](keep it outside the workspace)[/]", soft_wrap=True)
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
    console.print(f"[bold]Most urgent gaps[/] ({len(r.to_fix)} open):")
    for g in r.to_fix[:limit]:
        console.print(f"  {g.severity.value:8} {safe(g.title)}" + (f" [dim]({safe(g.owner)})[/]" if g.owner else ""))
    if r.could_not_look:
        console.print(f"[bold]Could not look[/] ({len(r.could_not_look)}; an error is never a pass):")
        for g in r.could_not_look[:limit]:
            console.print(f"  {safe(g.title)}\n    [dim]{safe(g.action)}[/]")
    week = r.plan[0]
    console.print(f"[bold]Week {week.week} from {week.start}[/] — {week.phase}: " + safe("; ".join(week.tasks[:3])))
    for warning in r.plan_warnings:
        console.print(f"[yellow]Plan:[/] {safe(warning)}")
    console.print(f"[dim]{DISCLAIMER}[/]")


@app.command()
def matrix(
    workspace: WorkspaceDir = Path("."),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="A .xlsx or .csv file (default: CSV on stdout).")
    ] = None,
) -> None:
    """The control matrix: one row per in-scope control with criteria, owner, frequency, type, evidence and
    status (XLSX with the request list as a second sheet, or CSV)."""
    ws = Workspace(workspace)
    files = workspace_deliverables(ws, datetime.now(UTC))
    warn_unproven(ws.store)
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
    bridge_letter: Annotated[
        bool, typer.Option("--bridge-letter", help="Also the bridge letter after a Type 2 period (with --to).")
    ] = False,
    to: Annotated[str | None, typer.Option(help="The last day the bridge letter covers (default today).")] = None,
) -> None:
    """Write the Type 1 deliverables: control matrix (XLSX, CSV), request (PBC) list, system description
    draft (DC 200, Markdown and HTML) and the management assertion draft."""
    ws = Workspace(workspace)
    warn_unproven(ws.store)
    now = datetime.now(UTC)
    for name, data in workspace_deliverables(ws, now).items():
        write_atomic(out / name, data)
        Console().print(f"  {safe(out / name)}")
    if bridge_letter:
        from evidence_tracer.app.deliverables import BRIDGE_LETTER, workspace_bridge_letter
        from evidence_tracer.cli.options import _date

        day = _date(to, "--to") if to else now.date()
        write_atomic(out / BRIDGE_LETTER, workspace_bridge_letter(ws, day, now))
        Console().print(f"  {safe(out / BRIDGE_LETTER)}")
    critical = ws.readiness(now).gap_count(Severity.CRITICAL)
    if critical:
        Console(stderr=True).print(
            f"[yellow]warning[/]: {critical} critical gap(s) are open: the management assertion carries a "
            "do-not-sign banner until they are closed (tracer status)."
        )


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Workspace to create for the demo.")] = Path("tracer-demo"),
    type2: Annotated[
        bool, typer.Option("--type2", help="Also build a Type 2 observation period of ~90 days behind it.")
    ] = False,
) -> None:
    """Run the whole flow offline against an embedded, moto-backed demo account."""
    from evidence_tracer.app.demo import run_demo

    console = Console()
    console.print("[bold]Evidence Tracer demo[/] — a fake AWS account in memory (moto); nothing leaves this machine.")
    with scan_progress(Console(stderr=True)) as progress:
        run = run_demo(out, progress, type2=type2)
    print_summary(console, run.outcome.result)
    console.print(
        f"[bold]Readiness:[/] {headline(run.readiness)} — {len(run.readiness.to_fix)} gaps, "
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
        + (f", [bold]tracer period -w {where}[/]" if type2 else "")
    )


@app.command()
def checks() -> None:
    """Print every automated check with its service, severity and criteria (Markdown)."""
    from evidence_tracer.report.checks_table import checks_table

    sys.stdout.write(checks_table())


@app.command()
def permissions(
    workspace: AnyFolder = Path("."),  # needed before `tracer init`: the role comes first; tracer.yaml if there
    source: Annotated[
        str, typer.Option(help="A registered source: aws (an IAM policy), github, okta, google (token permissions).")
    ] = "aws",
    store: Annotated[
        bool, typer.Option("--store", help="The evidence store's writer policy instead (tracer.yaml store.url).")
    ] = False,
) -> None:
    """Print the minimal read-only permissions a source needs (generated from its declared operations), or with
    --store the policies of the S3 evidence store's writers and bucket."""
    from evidence_tracer.sources.registry import plugin

    config = load_config(workspace) if (workspace / "tracer.yaml").exists() else None
    if store:
        if config is None or not config.store.url:
            raise ConfigError("--store: tracer.yaml has no store.url (tracer init --store s3://BUCKET/PREFIX)")
        store_cmd.print_policies(config.store.url)
        return
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
