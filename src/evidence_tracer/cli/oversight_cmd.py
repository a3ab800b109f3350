"""`tracer scans [review]` and `tracer scope show|confirm`: the records of a person who looked — a scan's results
read and decided on (CC4.1), the system boundary confirmed by management (CC2.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.workspace import Workspace as AppWorkspace
from evidence_tracer.cli.options import AnyFolder, By, WorkspaceDir, _now
from evidence_tracer.cli.output import safe, table, warn_unproven
from evidence_tracer.config import boundary_digest
from evidence_tracer.governance.registers import (
    BoundaryConfirmation,
    BoundaryFile,
    ScanReviewRecord,
    ScanReviewsFile,
    build,
    signer,
)
from evidence_tracer.models import Status

scans = typer.Typer(
    help="The scans kept in the workspace, and the reviews of their results.", invoke_without_command=True
)
scope = typer.Typer(help="The system boundary in tracer.yaml, and management's confirmation of it.")


@scans.callback()
def scans_list(ctx: typer.Context, workspace: AnyFolder = Path(".")) -> None:
    """List the scans kept in the workspace (never overwritten), with who reviewed each."""
    if ctx.invoked_subcommand is not None:
        return  # the subcommand checks its own -w
    ws = AppWorkspace(workspace)
    reviewed: dict[str, list[str]] = {}
    for r in ws.registers.scan_reviews.load().scan_reviews:
        reviewed.setdefault(r.scan_id, []).append(f"{r.reviewed_by} {r.reviewed_at:%Y-%m-%d}")
    rows: list[tuple[object, ...]] = []
    for info in ws.store.scans():
        result = ws.scan(info.id)
        rows.append(
            (
                info.id,
                info.finished_at.strftime("%Y-%m-%d %H:%M:%S"),
                ", ".join(info.accounts or (info.account_id,)),
                ", ".join(info.regions),
                result.count(Status.PASS),
                result.count(Status.FAIL),
                result.count(Status.ERROR),
                "; ".join(reviewed.get(info.id, ())) or "—",
            )
        )
    table(
        "Stored scans",
        ("Scan id", "Finished (UTC)", "Accounts", "Regions", "Pass", "Fail", "Error", "Reviewed"),
        rows,
    )
    warn_unproven(ws.store)


@scans.command("review")
def scans_review(
    scan_id: Annotated[
        str, typer.Argument(help="The scan whose results were read: its id or a prefix (tracer scans), or latest.")
    ],
    by: By,
    decisions: Annotated[
        str,
        typer.Option(help="What was decided about its failing findings (fix, accept with an exception, ticket …)."),
    ],
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Record that a person read a scan's results and what they decided (monitoring is evaluation, CC4.1)."""
    ws = AppWorkspace(workspace)
    result = ws.store.load_scan(None if scan_id == "latest" else scan_id)
    now = _now()
    record = build(
        ScanReviewRecord,
        scan_id=result.scan.id,
        reviewed_by=signer(ws.registers.people.load(), by, now.date(), what="a scan review"),
        reviewed_at=now,
        failing=result.count(Status.FAIL),
        decisions=decisions,
    )
    ws.registers.scan_reviews.update(
        lambda current: (ScanReviewsFile(scan_reviews=(*current.scan_reviews, record)), None)
    )
    Console().print(
        f"Review of scan {safe(record.scan_id)} ({record.failing} failing findings) by {safe(record.reviewed_by)} "
        "recorded."
    )


@scope.command("show")
def scope_show(workspace: WorkspaceDir = Path(".")) -> None:
    """The boundary tracer.yaml holds, its digest, and who confirmed it."""
    ws = AppWorkspace(workspace)
    b, digest = ws.config.boundary, boundary_digest(ws.config)
    console = Console()
    for label, values in (
        ("Categories", [c.value for c in ws.config.scope.categories]),
        ("Accounts", b.accounts),
        ("Regions", b.regions),
        ("Services", b.services),
        ("CI/CD", b.ci_cd),
    ):
        console.print(f"{label:11} {safe(', '.join(values) or '(none)')}")
    console.print(f"Digest      {digest}")
    found = [c for c in ws.registers.boundary.load().confirmations if c.boundary_sha256 == digest]
    if found:
        last = max(found, key=lambda c: c.confirmed_at)
        console.print(f"Confirmed   by {safe(last.confirmed_by)} on {last.confirmed_at:%Y-%m-%d}")
    else:
        console.print("Confirmed   not yet (tracer scope confirm --by MANAGEMENT_EMAIL)")


@scope.command("confirm")
def scope_confirm(
    by: By,
    note: Annotated[str, typer.Option(help="What was checked (e.g. 'against the AWS Organization and the CI').")] = "",
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Record that management confirmed tracer.yaml's boundary is the system as it is (a later edit needs a new
    confirmation)."""
    ws = AppWorkspace(workspace)
    now = _now()
    record = build(
        BoundaryConfirmation,
        confirmed_by=signer(ws.registers.people.load(), by, now.date(), management=True, what="the boundary"),
        confirmed_at=now,
        boundary_sha256=boundary_digest(ws.config),
        note=note,
    )
    ws.registers.boundary.update(lambda current: (BoundaryFile(confirmations=(*current.confirmations, record)), None))
    Console().print(
        f"Boundary confirmed by {safe(record.confirmed_by)} (digest {record.boundary_sha256[:16]}…): a change to "
        "tracer.yaml's boundary or scope needs a new confirmation."
    )


@scans.command("merge")
def scans_merge(
    since: Annotated[
        str, typer.Option(help="Merge the scans finished since this moment (ISO 8601 with Z or an offset).")
    ],
    expect: Annotated[
        list[str] | None,
        typer.Option(
            "--expect",
            help="An account some scan since then must have examined (repeatable; default: boundary.accounts).",
        ),
    ] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """One scan of the boundary from the one-account scans that jobs stored (docs/scale.md): the store is verified
    first, and the latest scan of each account since --since is taken."""
    from evidence_tracer.app.merge import merge_scans
    from evidence_tracer.clock import moment_of

    moment = moment_of(since)
    if moment is None or moment.tzinfo is None:
        raise typer.BadParameter("--since must be ISO 8601 with Z or an offset, e.g. 2026-12-02T05:00:00Z")
    merged = merge_scans(AppWorkspace(workspace), moment, _now(), tuple(expect or ()))
    info = merged.scan
    Console().print(
        f"Scan {info.id} stored: {len(info.accounts)} AWS accounts from {len(info.merged_from)} scans, "
        f"{len(merged.findings)} findings."
    )
