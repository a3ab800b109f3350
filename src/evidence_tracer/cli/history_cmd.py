"""`tracer history RESOURCE_TYPE… [--at DATE]`: the past read back from AWS Config — each resource's recorded
timeline, or a day's configuration rebuilt, judged by the checks and filed as a reconstruction."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.history import read_config_history, reconstruct
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import WorkspaceDir, _date, _now
from evidence_tracer.cli.output import safe, table
from evidence_tracer.errors import ConfigError
from evidence_tracer.inventory.aws_config import CONFIG_TYPES
from evidence_tracer.models import Status

Types = Annotated[
    list[str],
    typer.Argument(help=f"AWS Config resource types ({', '.join(CONFIG_TYPES)}).", show_default=False),
]


def history(
    resource_types: Types,
    at: Annotated[
        str | None, typer.Option(help="Rebuild the configuration in force at the end of this day (YYYY-MM-DD).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Without --at: the timeline from this day (default: 30 days).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="With --at: who files the reconstruction (email).")] = None,
    profile: Annotated[str | None, typer.Option(help="AWS profile (default: the standard chain).")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Read AWS Config's history. With --at, the day's configuration is rebuilt, judged by every check that needs
    only what Config records, and filed as evidence "reconstructed from AWS Config on DATE" (never mixed with
    observed scans); without it, each resource's recorded changes are listed. Every call is kept as evidence."""
    ws = Workspace(workspace)
    console = Console()
    now = _now()
    if at is not None:
        if by is None:
            raise ConfigError("--at files a reconstruction: say who files it with --by EMAIL")
        r = reconstruct(ws, resource_types, _date(at, "--at"), by, now, profile)
        counts = r.counts()
        table(
            safe(r.label),
            ("Check", "Status", "Account", "Region", "Resource", "Message"),
            [(f.check_id, f.status.value, f.account, f.location, f.resource_id, f.message) for f in r.findings],
        )
        console.print(
            f"{safe(r.label)}: {counts['pass']} pass, {counts['fail']} fail, {counts['error']} could not look; "
            f"filed as evidence {r.evidence.id if r.evidence else '-'}"
        )
        if not r.checks:
            console.print("  no check needs only what these types rebuild")
        if any(f.status is Status.ERROR for f in r.findings):
            raise typer.Exit(1)
        return
    start = _date(since, "--since") if since else now.date() - timedelta(days=30)
    read = read_config_history(ws, resource_types, now, datetime.combine(start, time(), UTC), profile)
    ws.store.save_records(read.records)
    rows: list[tuple[object, ...]] = []
    failed = False
    for a in read.accounts:
        if a.failure is not None:
            rows.append((a.account, "-", a.resource_type, "-", "error", a.failure.describe()))
            failed = True
        for h in a.regions:
            if h.failure is not None:
                rows.append((a.account, h.region, a.resource_type, "-", "error", h.failure.describe()))
                failed = True
            rows += [
                (a.account, h.region, i.resource_id, f"{i.captured:%Y-%m-%d %H:%M}", i.status, "")
                for i in sorted(h.items, key=lambda i: (i.resource_id, i.captured))
            ]
    table(
        f"AWS Config history since {start}",
        ("Account", "Region", "Resource", "Captured (UTC)", "Status", "Problem"),
        rows,
    )
    console.print(f"{len(read.records)} AWS Config calls kept as evidence records")
    if failed:
        raise typer.Exit(1)
