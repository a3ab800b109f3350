"""`tracer matrix` and `tracer deliverables`: what the auditor is handed for Type 1."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.deliverables import workspace_deliverables
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.atomic import write_atomic
from evidence_tracer.cli.options import WorkspaceDir
from evidence_tracer.cli.output import safe, warn_unproven
from evidence_tracer.deliverables.build import MATRIX_XLSX
from evidence_tracer.errors import ConfigError
from evidence_tracer.models import Severity


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
