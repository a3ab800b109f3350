"""The deliverables use case: a workspace's readiness as of a moment, rendered into every deliverable."""

from __future__ import annotations

from datetime import date, datetime

from evidence_tracer.app.completeness import scan_completeness
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.config import AuditType
from evidence_tracer.deliverables.bridge import bridge_letter
from evidence_tracer.deliverables.build import deliverable_files
from evidence_tracer.errors import ConfigError
from evidence_tracer.evidence.items import seen_by
from evidence_tracer.models import Severity


def workspace_deliverables(workspace: Workspace, now: datetime) -> dict[str, bytes]:
    """The deliverables of a workspace's state at `now`, with the latest scan's completeness record, dated at the
    report date (audit.target_date; today without one): the description and assertion speak as of that date."""
    readiness = workspace.readiness(now)
    scan = workspace.latest_scan(now) if readiness.scan_id else None
    ipe = scan_completeness(workspace, scan) if scan is not None else None
    as_of = workspace.config.audit.target_date or now.date()
    return deliverable_files(readiness, workspace.config, workspace.registers_at(now), as_of, ipe)


BRIDGE_LETTER = "bridge-letter.md"


def workspace_bridge_letter(workspace: Workspace, to: date, now: datetime) -> bytes:
    """The bridge letter from the end of tracer.yaml's audit.period to `to`, from the registers as of `to`."""
    period = workspace.config.audit.period
    if workspace.config.audit.type is not AuditType.TYPE2 or period is None:
        raise ConfigError("a bridge letter follows a Type 2 period: set audit.type: type2 and audit.period")
    if not period.end < to <= now.date():
        raise ConfigError(f"--to {to}: a day after the period's end ({period.end}) and not in the future")
    at = seen_by(to, now)
    text = bridge_letter(
        workspace.config.company.name,
        (period.start, period.end),
        to,
        workspace.registers_at(at),
        workspace.policies_at(at),
        workspace.readiness(at).gap_count(Severity.CRITICAL),
    )
    return text.encode("utf-8")
