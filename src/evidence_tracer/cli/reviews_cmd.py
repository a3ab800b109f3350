"""`tracer access-reviews|exercises …`: access reviews, incident tabletops and BC/DR tests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.workspace import Workspace as AppWorkspace
from evidence_tracer.cli.options import Workspace, _d, _now, _opt_date
from evidence_tracer.cli.output import table
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    ExerciseKind,
    ExerciseRecord,
    ExercisesFile,
    Registers,
    build,
)
from evidence_tracer.report.csv_report import cell

access_reviews = typer.Typer(help="Quarterly access reviews.", no_args_is_help=True)
exercises = typer.Typer(help="Incident-response tabletops and BC/DR tests.", no_args_is_help=True)


@access_reviews.command("add")
def access_reviews_add(
    reviewer: Annotated[str, typer.Option(help="The person who reviewed.")],
    systems: Annotated[str, typer.Option(help="What was reviewed, e.g. 'AWS IAM, GitHub, Google Workspace'.")],
    date_: Annotated[str | None, typer.Option("--date", help="Review date (default today).")] = None,
    outcome: Annotated[str, typer.Option(help="Changes made.")] = "",
    evidence: Annotated[str, typer.Option(help="Evidence id of the review record (tracer evidence add).")] = "",
    from_table: Annotated[
        bool,
        typer.Option(
            "--from-table",
            help="Record the review against the access table of "
            "the latest scan (tracer evidence users): every account reviewed is "
            "listed and the table is kept as evidence for the review.",
        ),
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Record an access review."""
    identities: tuple[str, ...] = ()
    if from_table:
        identities, evidence = _review_table(workspace, reviewer)
    record = build(
        AccessReviewRecord,
        date=_opt_date(date_, "--date") or _now().date(),
        reviewer=reviewer,
        systems=systems,
        outcome=outcome,
        evidence_id=evidence,
        identities=identities,
    )
    Registers(workspace).access_reviews.update(
        lambda current: (AccessReviewsFile(access_reviews=(*current.access_reviews, record)), None)
    )
    Console().print(
        f"Access review of {record.date} recorded"
        + (f" against {len(record.identities)} accounts (evidence {record.evidence_id})." if record.identities else ".")
    )


def _review_table(workspace: Path, reviewer: str) -> tuple[tuple[str, ...], str]:
    """The active accounts of the latest scan's access table, and the evidence id of the table itself."""
    import csv
    import io
    import tempfile

    from evidence_tracer.cli.evidence_cmd import access_table

    ws = AppWorkspace(workspace)
    scan = ws.store.load_scan()
    rows = [r for r in access_table(ws, ws.require_inventory(scan.scan.id)) if r.active]
    if not rows:
        raise GovernanceError(f"scan {scan.scan.id} holds no accounts to review; run tracer scan first")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["system", "account", "identity", "admin", "person", "concerns"])
    writer.writerows(
        [
            [
                cell(r.system),
                cell(r.account),
                cell(r.identity),
                "yes" if r.admin else "no",
                cell(r.person or ""),
                cell("; ".join(r.concerns)),
            ]
            for r in rows
        ]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"access-table-{scan.scan.id}.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        item = ws.add_evidence(
            "AC-06", path, f"Access table reviewed ({len(rows)} accounts, scan {scan.scan.id})", reviewer
        )
    return tuple(r.key for r in rows), item.id


@access_reviews.command("list")
def access_reviews_list(workspace: Workspace = Path(".")) -> None:
    """Recorded access reviews."""
    table(
        "Access reviews",
        ("Date", "Reviewer", "Systems", "Outcome", "Evidence"),
        [
            (_d(r.date), r.reviewer, r.systems, r.outcome or "—", r.evidence_id or "—")
            for r in Registers(workspace).access_reviews.load().access_reviews
        ],
    )


@exercises.command("add")
def exercises_add(
    kind: ExerciseKind,
    facilitator: Annotated[str, typer.Option(help="Who ran it.")],
    scenario: Annotated[str, typer.Option(help="What was exercised.")],
    date_: Annotated[str | None, typer.Option("--date", help="Date (default today).")] = None,
    lessons: Annotated[str, typer.Option(help="What was learned and changed.")] = "",
    workspace: Workspace = Path("."),
) -> None:
    """Record an incident-response tabletop or a BC/DR test."""
    record = build(
        ExerciseRecord,
        kind=kind,
        date=_opt_date(date_, "--date") or _now().date(),
        facilitator=facilitator,
        scenario=scenario,
        lessons=lessons,
    )
    Registers(workspace).exercises.update(lambda current: (ExercisesFile(exercises=(*current.exercises, record)), None))
    Console().print(f"{kind.value} of {record.date} recorded.")


@exercises.command("list")
def exercises_list(workspace: Workspace = Path(".")) -> None:
    """Recorded exercises."""
    table(
        "Exercises",
        ("Kind", "Date", "Facilitator", "Scenario", "Lessons"),
        [
            (e.kind.value, _d(e.date), e.facilitator, e.scenario, e.lessons or "—")
            for e in Registers(workspace).exercises.load().exercises
        ],
    )


# --- incidents --------------------------------------------------------------------------------
