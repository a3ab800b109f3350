"""`tracer`: Typer application. Converts TracerError into a one-line message and an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evidence_tracer import __version__
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.cli import evidence_cmd
from evidence_tracer.cli.output import print_summary, scan_progress
from evidence_tracer.config import load_config
from evidence_tracer.errors import TracerError
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.models import Status
from evidence_tracer.report import Format, render
from evidence_tracer.scanner import run_scan

app = typer.Typer(
    name="tracer",
    help="Evidence Tracer: read-only AWS evidence and SOC 2 readiness (SOC 2-aligned, not a SOC 2 report).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2
app.add_typer(evidence_cmd.app, name="evidence")

Workspace = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory (holds tracer.yaml).")]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


@app.command()
def scan(
    workspace: Workspace = Path("."),
    region: Annotated[list[str] | None, typer.Option(
        "--region", "-r", help="Scan only this region (repeatable). Default: tracer.yaml boundary, else all enabled."
    )] = None,
    profile: Annotated[str | None, typer.Option(help="AWS profile (default: the standard chain).")] = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="Write a report in this format.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Report file (default: stdout).")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 1 when any check fails or could not run.")] = False,
) -> None:
    """Scan the AWS account read-only, evaluate the checks and summarise by criterion."""
    config = load_config(workspace)
    report_to_stdout = fmt is not None and output is None
    console = Console(stderr=report_to_stdout)
    if output is not None and fmt is None:
        fmt = {".json": Format.JSON, ".md": Format.MARKDOWN, ".csv": Format.CSV,
               ".html": Format.HTML}.get(output.suffix.lower(), Format.JSON)
    store = EvidenceStore(workspace)  # fail early on an unusable workspace, before calling AWS
    with scan_progress(Console(stderr=True)) as progress:
        outcome = run_scan(AwsContext(profile=profile), config, region, progress)
    result = outcome.result
    store.save_scan(result, outcome.records)
    print_summary(console, result)
    console.print(f"Scan {result.scan.id} stored with {len(outcome.records)} evidence records in {store.root}.")
    if fmt is not None:
        _write(render(result, fmt), output)
        if output is not None:
            console.print(f"Report written to {output}")
    if strict and (result.count(Status.FAIL) or result.count(Status.ERROR)):
        raise typer.Exit(1)


@app.command()
def scans(workspace: Workspace = Path(".")) -> None:
    """List the scans kept in the workspace (never overwritten)."""
    table = Table(title="Stored scans")
    for col in ("Scan id", "Finished (UTC)", "Account", "Regions", "Pass", "Fail", "Error"):
        table.add_column(col)
    store = EvidenceStore(workspace)
    for info in store.scans():
        result = store.load_scan(info.id)
        table.add_row(info.id, info.finished_at.strftime("%Y-%m-%d %H:%M:%S"), info.account_id,
                      ", ".join(info.regions), str(result.count(Status.PASS)), str(result.count(Status.FAIL)),
                      str(result.count(Status.ERROR)))
    Console(width=200).print(table)


@app.command()
def report(
    workspace: Workspace = Path("."),
    scan_id: Annotated[str | None, typer.Option("--scan", help="Stored scan id or prefix (default: latest).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.MARKDOWN,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
) -> None:
    """Render the report of a stored scan, in any format."""
    _write(render(EvidenceStore(workspace).load_scan(scan_id), fmt), output)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Workspace to create for the demo.")] = Path("tracer-demo"),
) -> None:
    """Run the whole flow offline against an embedded, moto-backed demo account."""
    from evidence_tracer.demo import run_demo

    console = Console()
    console.print("[bold]Evidence Tracer demo[/] — a fake AWS account in memory (moto); nothing leaves this machine.")
    with scan_progress(Console(stderr=True)) as progress:
        run = run_demo(out, progress)
    print_summary(console, run.outcome.result)
    console.print("[bold]Reports:[/]")
    for fmt, path in run.reports.items():
        console.print(f"  {fmt.value:8} {path}")
    state = "verified" if run.package_verified else "[red]FAILED verification[/]"
    console.print(f"[bold]Auditor package:[/] {run.package.path} ({run.package.files} files, {state}; "
                  f"fingerprint {run.package.fingerprint})")
    console.print(f"Next: [bold]tracer evidence list -w {out}[/], [bold]tracer evidence users -w {out}[/], "
                  f"[bold]tracer scans -w {out}[/]")


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
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(EXIT_USAGE)
