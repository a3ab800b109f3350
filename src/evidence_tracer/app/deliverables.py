"""The deliverables use case: a workspace's readiness as of a moment, rendered into every deliverable."""

from __future__ import annotations

from datetime import datetime

from evidence_tracer.app.completeness import scan_completeness
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.deliverables.build import deliverable_files


def workspace_deliverables(workspace: Workspace, now: datetime) -> dict[str, bytes]:
    """The deliverables of a workspace as of `now`, with the latest scan's completeness record."""
    readiness = workspace.readiness(now)
    scan = workspace.latest_scan(now) if readiness.scan_id else None
    ipe = scan_completeness(workspace, scan) if scan is not None else None
    return deliverable_files(readiness, workspace.config, workspace.registers_at(now), now.date(), ipe)
