"""`tracer status`: where the workspace stands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import WorkspaceDir
from evidence_tracer.cli.output import safe, warn_unproven
from evidence_tracer.models import Status
from evidence_tracer.report.explain import explain
from evidence_tracer.report.grouping import DISCLAIMER
from evidence_tracer.report.readiness import headline


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
