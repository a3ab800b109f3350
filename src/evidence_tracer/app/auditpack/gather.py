"""Gather what an auditor package holds as of a date: every value the verdict counted, each loaded once.

`gather(workspace, as_of)` reads; `render(contents)` (render.py) only turns the values into files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from evidence_tracer.app.completeness import scan_completeness
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.criteria import Criterion, criteria
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.items import EvidenceItem, Kind, end_of_day
from evidence_tracer.governance.registers import ExceptionsFile, PoliciesFile
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.aws import CREDENTIAL_REPORT
from evidence_tracer.inventory.credential_report import AccessRow, access_table
from evidence_tracer.models import ScanInfo, ScanResult
from evidence_tracer.policies.render import POLICIES_DIR, read_policy
from evidence_tracer.policies.status import PolicyStatus
from evidence_tracer.readiness import Readiness


@dataclass(frozen=True)
class ScanSummary:
    """One scan of the package's history, with its findings counted by status."""

    info: ScanInfo
    counts: Mapping[str, int]


@dataclass(frozen=True)
class PackageContents:
    as_of: date
    moment: datetime  # the end of `as_of`, or now when that is later than now
    created_at: datetime
    config: WorkspaceConfig
    config_file: bytes | None
    in_scope: tuple[Criterion, ...]
    owners: Mapping[str, str]
    scan: ScanResult | None
    api_items: Mapping[str, EvidenceItem]  # the scan's API records, by id
    manual: tuple[EvidenceItem, ...]
    read: Callable[[EvidenceItem], bytes]  # an evidence item's content (read when the package places it)
    access: tuple[AccessRow, ...]  # the credential report of the scan, as the reviewer's table
    completeness: Mapping[str, Any]
    history: tuple[ScanSummary, ...]
    policies: tuple[PolicyStatus, ...]
    policy_register: PoliciesFile
    policy_texts: Mapping[str, bytes]  # policy name -> the text on disk, when it exists
    registers: RegisterSnapshot
    exceptions: ExceptionsFile
    register_files: Mapping[str, tuple[str, str]]  # register name -> (file name, title), registers written
    readiness: Readiness | None
    store_head: str
    store_pin: str  # the head as HASH:LENGTH


def scan_access(
    inventory: Inventory | None, scan: ScanResult, config: WorkspaceConfig
) -> tuple[tuple[str, ...], tuple[AccessRow, ...]] | None:
    """The credential reports a scan collected (from its inventory snapshot), as the reviewer's table as of the
    scan, with the evidence ids they were read from. None when the scan holds no credential report."""
    if inventory is None:
        return None
    p = config.parameters
    sources: list[str] = []
    rows: list[AccessRow] = []
    found = False
    for part in inventory.of("aws"):
        report = part.get(CREDENTIAL_REPORT)
        if report.failure is not None or report.value is None:
            continue
        found = True
        sources.extend(report.sources)
        rows.extend(
            access_table(report.value, scan.scan.finished_at, p.access_key_max_age_days, p.inactive_credential_days)
        )
    return (tuple(dict.fromkeys(sources)), tuple(rows)) if found else None


def _check_date(workspace: Workspace, as_of: date, now: datetime) -> None:
    if as_of > now.date():
        raise EvidenceError(f"--as-of {as_of} is in the future: a package cannot hold evidence not yet collected")
    first = workspace.store.scans()[:1]
    if first and as_of < first[0].finished_at.date():
        raise EvidenceError(
            f"--as-of {as_of} is before the first scan ({first[0].finished_at.date()}): the "
            "package would hold no AWS evidence"
        )


def _history(workspace: Workspace, cutoff: datetime) -> tuple[ScanSummary, ...]:
    out = []
    for info in workspace.store.scans(as_of=cutoff):
        result = workspace.scan(info.id)
        out.append(
            ScanSummary(
                info,
                {
                    s: sum(1 for f in result.findings if f.status.value == s)
                    for s in ("pass", "fail", "error", "not_applicable")
                },
            )
        )
    return tuple(out)


def gather(
    workspace: Workspace, as_of: date, owners: Mapping[str, str] | None = None, now: datetime | None = None
) -> PackageContents:
    """Everything the package as of `as_of` holds. A workspace without tracer.yaml (a bare store) yields a
    package of evidence and scans only, with tracer.yaml's defaults and no readiness."""
    now = now or datetime.now(UTC)
    _check_date(workspace, as_of, now)
    problems = workspace.store.verify()
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise EvidenceError(
            f"the evidence store fails verification: {problems[0]}{more}. Nothing was exported or signed: run "
            "`tracer evidence verify` and mend the store first"
        )
    cutoff = end_of_day(as_of)
    moment = min(cutoff, now)
    store = workspace.store
    has_config = (workspace.path / CONFIG_FILE).is_file()
    config = workspace.config
    scan = workspace.latest_scan(cutoff)
    api_items = {i.id: i for i in store.items(kind=Kind.API, scan_id=scan.scan.id)} if scan else {}
    manual = tuple(store.items(kind=Kind.MANUAL, as_of=cutoff))
    inventory = workspace.inventory_of(scan.scan.id) if scan else None
    reviewed = scan_access(inventory, scan, config) if scan else None
    policies = workspace.policy_statuses(moment)
    texts = {
        s.name: read_policy(workspace.path / POLICIES_DIR / f"{s.name}.md")
        for s in policies
        if s.file_sha256 is not None
    }
    regs = workspace.registers
    files = {
        name: (getattr(regs, name).path.name, getattr(regs, name).title)
        for name in ("people", "vendors", "risks", "access_reviews", "exercises", "incidents", "policies", "exceptions")
        if getattr(regs, name).path.is_file()
    }
    return PackageContents(
        as_of=as_of,
        moment=moment,
        created_at=now,
        config=config,
        config_file=(workspace.path / CONFIG_FILE).read_bytes() if has_config else None,
        in_scope=tuple(c for c in criteria().values() if c.category in config.scope.categories),
        owners=dict(owners or {}),
        scan=scan,
        api_items=api_items,
        manual=manual,
        read=store.content,
        access=reviewed[1] if reviewed else (),
        completeness=scan_completeness(workspace, scan) if scan else {},
        history=_history(workspace, cutoff),
        policies=policies,
        policy_register=workspace.policies_at(moment),
        policy_texts=texts,
        registers=workspace.registers_at(moment),
        exceptions=workspace.exceptions_file_at(moment),
        register_files=files,
        readiness=workspace.readiness(moment) if has_config else None,
        store_head=store.head(),
        store_pin=store.history.pinned(),
    )
