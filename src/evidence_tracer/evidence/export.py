"""Build the auditor package for a point in time: criteria -> controls -> findings -> evidence."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from evidence_tracer import __version__
from evidence_tracer.catalog.controls import Control, controls_for_criterion
from evidence_tracer.catalog.criteria import Criterion, criteria
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig
from evidence_tracer.credential_report import AccessRow, access_table, parse_credential_report
from evidence_tracer.deliverables.build import FOLDER as DELIVERABLES
from evidence_tracer.deliverables.build import deliverable_files
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence import signing
from evidence_tracer.evidence.completeness import endpoint_warning, scan_completeness
from evidence_tracer.evidence.layout import item_path
from evidence_tracer.evidence.package import write_package
from evidence_tracer.evidence.package_contents import governance_files, readiness_files, scan_history
from evidence_tracer.evidence.store import (
    EvidenceItem,
    EvidenceStore,
    Kind,
    canonical_json,
    end_of_day,
    sha256,
)
from evidence_tracer.governance.as_of import registers_as_of
from evidence_tracer.models import Finding, ScanResult, Status
from evidence_tracer.report import json_report
from evidence_tracer.report.grouping import DISCLAIMER, ordered
from evidence_tracer.report.html import environment, stylesheet
from evidence_tracer.workspace import load_registers, workspace_readiness


@dataclass
class ItemView:
    item: EvidenceItem
    href: str


@dataclass
class FindingView:
    finding: Finding
    evidence: list[ItemView]


@dataclass
class ControlView:
    control: Control
    owner: str
    findings: list[FindingView]
    manual: list[ItemView]


@dataclass
class CriterionView:
    criterion: Criterion
    controls: list[ControlView]
    manual: list[ItemView] = field(default_factory=list)

    @property
    def state(self) -> str:
        statuses = {fv.finding.status for cv in self.controls for fv in cv.findings}
        has_manual = bool(self.manual) or any(cv.manual for cv in self.controls)
        if Status.FAIL in statuses:
            return "gaps"
        if Status.ERROR in statuses:
            return "unverified"
        if Status.PASS in statuses or has_manual:
            return "evidenced"
        return "no evidence"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fingerprint: str
    files: int
    scan_id: str | None


def _sidecar(item: EvidenceItem) -> bytes:
    return canonical_json(item.metadata())


def scan_access(store: EvidenceStore, scan: ScanResult, max_age: int) -> tuple[EvidenceItem, list[AccessRow]] | None:
    """The credential report a scan stored, as the reviewer's table (as of the scan), with its evidence item."""
    report = next((i for i in reversed(store.items(kind=Kind.API, scan_id=scan.scan.id))
                   if i.operation == "GetCredentialReport" and not i.error_code), None)
    if report is None:
        return None
    content = json.loads(store.content(report)).get("Content", "")
    return report, access_table(parse_credential_report(str(content)), scan.scan.finished_at, max_age)


def export_package(store: EvidenceStore, config: WorkspaceConfig, as_of: date, out: Path,
                   owners: Mapping[str, str] | None = None) -> ExportResult:
    cutoff = end_of_day(as_of)
    now = datetime.now(UTC)
    if as_of > now.date():
        raise EvidenceError(f"--as-of {as_of} is in the future: a package cannot hold evidence not yet collected")
    first = store.scans()[:1]
    if first and as_of < first[0].finished_at.date():
        raise EvidenceError(f"--as-of {as_of} is before the first scan ({first[0].finished_at.date()}): the "
                            "package would hold no AWS evidence")
    owners = owners or {}
    key = signing.load_or_create_key(store.root)
    try:
        scan: ScanResult | None = store.load_scan(as_of=cutoff)
    except EvidenceError:
        scan = None
    readiness = workspace_readiness(store.workspace, min(cutoff, now)) if (
        store.workspace / CONFIG_FILE).is_file() else None
    in_scope = [c for c in criteria().values() if c.category in config.scope.categories]
    findings = ordered(scan.findings) if scan else []
    api_items = {i.id: i for i in store.items(kind=Kind.API, scan_id=scan.scan.id)} if scan else {}
    manual = store.items(kind=Kind.MANUAL, as_of=cutoff)

    files: dict[str, bytes] = {}

    def place(item: EvidenceItem, criterion: Criterion) -> ItemView:
        path = item_path(item, criterion)
        if path not in files:
            files[path] = store.content(item)
            files[path + ".meta.json"] = _sidecar(item)
        return ItemView(item, path)

    views = []
    for criterion in in_scope:
        control_views = []
        for control in controls_for_criterion(criterion.id):
            fvs = [
                FindingView(f, [place(api_items[e], criterion) for e in f.evidence_ids if e in api_items])
                for f in findings if f.check_id in control.checks and criterion.id in f.criteria
            ]
            mvs = [place(m, criterion) for m in manual if m.control == control.id]
            control_views.append(ControlView(control, owners.get(control.id, ""), fvs, mvs))
        loose = [place(m, criterion) for m in manual if m.control is None and criterion.id in m.criteria]
        views.append(CriterionView(criterion, control_views, loose))

    reviewed = scan_access(store, scan, config.parameters.access_key_max_age_days) if scan else None
    access = reviewed[1] if reviewed else []
    ipe: dict[str, object] = {}
    if scan:
        files["scan/findings.json"] = json_report.render(scan).encode()
        ipe = scan_completeness(store, scan)
        files["scan/completeness.json"] = (json.dumps(ipe, indent=2, sort_keys=True, default=str) + "\n").encode()
    files["scan/history.json"] = scan_history(store, cutoff)
    files.update(governance_files(store.workspace, config, min(cutoff, now)))
    if readiness is not None:
        files.update(readiness_files(readiness))
        registers = registers_as_of(load_registers(store.workspace), min(cutoff, now))
        made = deliverable_files(readiness, config, registers, as_of, ipe or None)
        files.update({f"{DELIVERABLES}/{name}": data for name, data in made.items()})
    header = {
        "as_of": as_of.isoformat(), "created_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "tool_version": __version__, "company": config.company.name,
        "scan_id": scan.scan.id if scan else None, "account_id": scan.scan.account_id if scan else None,
        "accounts": list(scan.scan.accounts or (scan.scan.account_id,)) if scan else [],
        "scope": [c.value for c in config.scope.categories],
        "store_history_head": store.head(),
        "signing_key": signing.fingerprint(key.public_key()),
        "endpoint_warning": endpoint_warning(ipe),
        "readiness": {"percent": readiness.percent, "ready_for_audit": readiness.ready_for_audit} if readiness
        else None,
    }
    verdicts = {c.criterion.id: c for c in readiness.criteria} if readiness else {}
    control_credit = {x.control.id: x for c in readiness.criteria for x in c.controls} if readiness else {}
    files["index.html"] = environment().get_template("package.html.j2").render(
        header=header, criteria=views, scan=json_report.scan_to_dict(scan.scan) if scan else None,
        access=access, disclaimer=DISCLAIMER, css=stylesheet(), max_key_age=config.parameters.access_key_max_age_days,
        verify_command=signing.VERIFY_COMMAND, verdicts=verdicts, control_credit=control_credit, ipe=ipe,
        governance=sorted(n for n in files if n.startswith(("governance/", "readiness/", "scan/", "deliverables/"))),
    ).encode()
    files["SHA256SUMS"] = "".join(
        f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())
    ).encode()
    fingerprint = write_package(files, header, out, key)
    # manifest.json, its signature and the public key join the files.
    return ExportResult(out, fingerprint, len(files) + 3, scan.scan.id if scan else None)
