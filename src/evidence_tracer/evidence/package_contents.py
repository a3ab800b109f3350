"""What the auditor package holds besides the evidence items: everything the readiness verdict counted.
Policies as approved with their approval and acknowledgment log, the registers, tracer.yaml, the hashes of
the control library and check catalog, the scan history of the period, the readiness report and the
completeness record of the scan."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from evidence_tracer import __version__
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig
from evidence_tracer.evidence.store import EvidenceStore, sha256
from evidence_tracer.governance.as_of import exceptions_as_of, policies_as_of, registers_as_of
from evidence_tracer.governance.registers import Registers
from evidence_tracer.policies.render import POLICIES_DIR, read_policy
from evidence_tracer.policies.status import policy_statuses, version_of
from evidence_tracer.readiness import Readiness
from evidence_tracer.report import Format
from evidence_tracer.report.csv_report import cell
from evidence_tracer.report.readiness import render_readiness
from evidence_tracer.workspace import load_registers
from evidence_tracer.yamlfile import dump_model

CATALOG_FILES = ("criteria.yaml", "controls.yaml", "checks.yaml", "services.yaml")


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


def catalog_hashes() -> dict[str, str]:
    folder = resources.files("evidence_tracer.catalog")
    return {"tool_version": __version__,
            **{name: sha256(folder.joinpath(name).read_bytes()) for name in CATALOG_FILES}}


def governance_files(workspace: Path, config: WorkspaceConfig, now: datetime) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    config_path = workspace / CONFIG_FILE
    if config_path.is_file():
        files["governance/tracer.yaml"] = config_path.read_bytes()
    registers = Registers(workspace)
    policies = policies_as_of(registers.policies.load(), now)
    approvals = []
    for status in policy_statuses(workspace, config, policies, now):
        path = workspace / POLICIES_DIR / f"{status.name}.md"
        if status.file_sha256 is not None:
            files[f"governance/policies/{status.name}.md"] = read_policy(path)
        latest = status.approval
        approvals.append({
            "policy": status.name, "title": status.title, "state": status.state.value,
            "text_sha256": status.file_sha256,
            "version": version_of(policies, status.name, latest.sha256) if latest else None,
            "approved_by": latest.approved_by if latest else None,
            "approved_at": latest.approved_at.isoformat() if latest else None,
            "effective_date": latest.approved_at.date().isoformat() if latest else None,
            "approved_sha256": latest.sha256 if latest else None,
            "text_matches_approval": bool(latest and latest.sha256 == status.file_sha256),
            "review_due": status.review_due.isoformat() if status.review_due else None,
            "acknowledged_by": list(status.acknowledged_by),
        })
    files["governance/policies/approvals.json"] = _json(approvals)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["policy", "person", "acknowledged_at", "text_sha256", "current_text", "how_obtained"])
    current = {a["policy"]: a["text_sha256"] for a in approvals}
    for ack in sorted(policies.acknowledgments, key=lambda a: (a.acknowledged_at, a.policy, a.person)):
        writer.writerow([cell(ack.policy), cell(ack.person), ack.acknowledged_at.isoformat(), ack.sha256,
                         "yes" if current.get(ack.policy) == ack.sha256 else "no (an earlier text)", cell(ack.method)])
    files["governance/policies/acknowledgments.csv"] = out.getvalue().encode("utf-8")
    files.update(_registers_as_of(workspace, registers, now))
    files["governance/catalog.json"] = _json(catalog_hashes())
    return files


def _registers_as_of(workspace: Path, registers: Registers, moment: datetime) -> dict[str, bytes]:
    """Every register as it stood at `moment` (records dated later left out), with the history its records
    carry. A register never written is not invented."""
    snapshot = registers_as_of(load_registers(workspace), moment)
    filtered: dict[str, Any] = {
        "people": snapshot.people, "vendors": snapshot.vendors, "risks": snapshot.risks,
        "access_reviews": snapshot.access_reviews, "exercises": snapshot.exercises,
        "incidents": snapshot.incidents, "policies": policies_as_of(registers.policies.load(), moment),
        "exceptions": exceptions_as_of(registers.exceptions.load(), moment),
    }
    out = {}
    for name, value in filtered.items():
        register = getattr(registers, name)
        if register.path.is_file():
            header = f"# {register.title} — as of {moment:%Y-%m-%d %H:%M} UTC (records dated later left out)\n"
            out[f"governance/registers/{register.path.name}"] = dump_model(value, header).encode("utf-8")
    return out


def scan_history(store: EvidenceStore, cutoff: datetime) -> bytes:
    rows = []
    for info in store.scans(as_of=cutoff):
        result = store.load_scan(info.id)
        rows.append({"id": info.id, "started_at": info.started_at.isoformat(),
                     "finished_at": info.finished_at.isoformat(), "account_id": info.account_id,
                     "regions": list(info.regions), "tool_version": info.tool_version,
                     "findings": {s: sum(1 for f in result.findings if f.status.value == s)
                                  for s in ("pass", "fail", "error", "not_applicable")}})
    return _json(rows)


def readiness_files(readiness: Readiness) -> dict[str, bytes]:
    return {f"readiness/readiness{fmt.suffix}": render_readiness(readiness, fmt).encode("utf-8")
            for fmt in (Format.JSON, Format.HTML, Format.MARKDOWN)}
