"""`tracer demo`, `tracer checks` and `tracer permissions`: the offline tour, the check table, and what a source
may call."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.cli import store_cmd
from evidence_tracer.cli.options import AnyFolder
from evidence_tracer.cli.output import print_summary, safe, scan_progress
from evidence_tracer.config import load_config
from evidence_tracer.errors import ConfigError
from evidence_tracer.report.readiness import headline


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


def checks() -> None:
    """Print every automated check with its service, severity and criteria (Markdown)."""
    from evidence_tracer.report.checks_table import checks_table

    sys.stdout.write(checks_table())


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
