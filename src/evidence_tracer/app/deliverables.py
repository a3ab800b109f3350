"""The deliverables use case: a workspace's readiness as of a moment, rendered into every deliverable."""

from __future__ import annotations

from datetime import datetime

from evidence_tracer.app.completeness import scan_completeness
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.deliverables.build import deliverable_files


def workspace_deliverables(workspace: Workspace, now: datetime) -> dict[str, bytes]:
    """The deliverables of a workspace's state at `now`, with the latest scan's completeness record, dated at the
    report date (audit.target_date; today without one): the description and assertion speak as of that date."""
    readiness = workspace.readiness(now)
    scan = workspace.latest_scan(now) if readiness.scan_id else None
    ipe = scan_completeness(workspace, scan) if scan is not None else None
    as_of = workspace.config.audit.target_date or now.date()
    return deliverable_files(readiness, workspace.config, workspace.registers_at(now), as_of, ipe)
