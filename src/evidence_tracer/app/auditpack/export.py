"""The auditor package use case: gather the workspace as of a date, render it, sign and write it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from evidence_tracer.app.auditpack.gather import gather
from evidence_tracer.app.auditpack.period import period_files
from evidence_tracer.app.auditpack.render import render
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.evidence import signing
from evidence_tracer.evidence.package import write_package


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    files: int
    scan_id: str | None


def export_package(
    workspace: Workspace,
    as_of: date,
    out: Path,
    owners: Mapping[str, str] | None = None,
    now: datetime | None = None,
    period: tuple[date, date] | None = None,
) -> ExportResult:
    """The package as of `as_of`; with `period` (start, end), a period package as of the period's end that also
    holds the period's view, its scans, the readiness at its start and the approvals made during it."""
    if period is not None:
        as_of = period[1]
    contents = gather(workspace, as_of, owners, now)
    extra = period_files(workspace, period[0], period[1], contents.created_at) if period is not None else None
    key = signing.load_or_create_key(workspace.store.root)
    files, header = render(contents, signing.fingerprint(key.public_key()), extra)
    fingerprint = write_package(files, header, out, key)
    # manifest.json, its signature and the public key join the files.
    return ExportResult(out, fingerprint, len(files) + 3, contents.scan.scan.id if contents.scan else None)
