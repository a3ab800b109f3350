"""`tracer scan` and `tracer report`: collect, evaluate and store a scan; render a stored one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.period import baseline
from evidence_tracer.app.scan import reevaluate, run_scan
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli import period_cmd
from evidence_tracer.cli.options import WorkspaceDir
from evidence_tracer.cli.output import print_summary, safe, scan_progress, warn_unproven, write_output
from evidence_tracer.errors import ConfigError
from evidence_tracer.models import Status
from evidence_tracer.period.drift import drift as drift_of
from evidence_tracer.report import Format, render_pieces
from evidence_tracer.report.readiness import render_readiness
from evidence_tracer.sources.registry import enabled_sources


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
    staged = store.staging()  # records are stored as they come; none is named before the scan is saved
    try:
        with scan_progress(Console(stderr=True)) as progress:
            organization = None if org is None else ("always" if org else "never")
            outcome = run_scan(enabled_sources(config, profile, organization), config, region, progress, sink=staged)
        result = outcome.result
        ws.save_scan(result, outcome.records, outcome.inventory, staged)
    except BaseException:  # an error, Ctrl-C: nothing staged will be named, so nothing of it is left behind
        staged.discard()
        raise
    print_summary(console, result)
    previous = baseline(ws, result, None)
    if previous is not None:
        period_cmd.print_drift(console, drift_of(previous, result), limit=5)
    stored = staged.count + len(outcome.records)
    console.print(f"Scan {result.scan.id} stored with {stored} evidence records in {safe(store.root)}.")
    if fmt is not None:
        write_output(render_pieces(result, fmt), output)
        if output is not None:
            console.print(f"Report written to {safe(output)}")
    if strict and (result.count(Status.FAIL) or result.count(Status.ERROR)):
        raise typer.Exit(1)


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
        write_output(render_readiness(ws.readiness(datetime.now(UTC)), fmt), output)
        warn_unproven(ws.store)
        return
    ws = Workspace(workspace)
    result = ws.store.load_scan(scan_id)
    if reevaluate_:
        result = reevaluate(result, ws.require_inventory(result.scan.id), ws.config)
        Console(stderr=True).print(f"Scan {result.scan.id} re-evaluated with the current tracer.yaml.")
    write_output(render_pieces(result, fmt), output)
    warn_unproven(ws.store)
