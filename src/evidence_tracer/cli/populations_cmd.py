"""`tracer populations list|export` and `tracer sample`: the populations of a period with their IPE record, and
reproducible samples of them, each filed in the evidence store's chain."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.populations import export_population, take_sample
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import By, WorkspaceDir, _date, _now
from evidence_tracer.cli.output import safe, table
from evidence_tracer.period.populations import POPULATIONS

populations = typer.Typer(help="Type 2 populations of a period, with their completeness record.", no_args_is_help=True)
From = Annotated[str, typer.Option("--from", help="First day of the period (YYYY-MM-DD).")]
To = Annotated[str, typer.Option("--to", help="Last day of the period.")]


@populations.command("list")
def populations_list() -> None:
    """The populations Evidence Tracer can list, each one declared query."""
    table(
        "Populations",
        ("Name", "What", "Control", "Source"),
        [(s.name, s.title, s.control, s.source) for s in POPULATIONS.values()],
    )


@populations.command("export")
def populations_export(
    name: str,
    from_: From,
    to: To,
    by: By,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the files to this folder.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv (rows and an IPE JSON) or json.")] = "csv",
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Export a population with its IPE record (query, count reconciled to its source, gaps, SHA-256 of the
    rows) and file it in the evidence store against its control."""
    ws = Workspace(workspace)
    population, filed = export_population(ws, name, _date(from_, "--from"), _date(to, "--to"), by, out, fmt, _now())
    console = Console()
    console.print(
        f"{safe(population.title)}: {len(population.rows)} rows, sha256 {population.rows_sha256[:16]}… "
        f"filed as evidence {filed.evidence.id} for {population.control}"
    )
    for line in (*population.reconciliation, *population.exceptions):
        console.print(f"  {safe(line)}")
    for path in filed.files:
        console.print(f"  {safe(path)}")


def sample(
    name: str,
    from_: From,
    to: To,
    seed: Annotated[str, typer.Option(help="The auditor's seed: the same seed and population give the same sample.")],
    by: By,
    size: Annotated[int | None, typer.Option(help="How many items (default: from the sampling table).")] = None,
    table_: Annotated[
        str, typer.Option("--table", help="frequency or population: which table sizes it.")
    ] = "population",
    table_file: Annotated[Path | None, typer.Option(help="A firm's own sampling tables (same YAML shape).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the request list to this folder.")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Select a reproducible sample of a population (HMAC-SHA256 of each row's key by the seed), write the request
    list of the sampled items and file it, with the seed, in the evidence store."""
    ws = Workspace(workspace)
    chosen, filed = take_sample(
        ws, name, _date(from_, "--from"), _date(to, "--to"), seed, by, _now(),
        size=size, table=table_, table_file=table_file, out=out,
    )  # fmt: skip
    console = Console()
    console.print(
        f"Sample of {safe(name)}: {chosen.size} of {chosen.population_rows} items (seed {safe(seed)}; "
        f"{safe(chosen.basis)}); filed as evidence {filed.evidence.id}"
    )
    for row in chosen.items:
        console.print(f"  {safe(row.get('id'))}")
