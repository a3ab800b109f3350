"""Render gathered package contents into the package's files: criteria -> controls -> findings -> evidence,
the governance record, the readiness report, the deliverables and the index. No reading: values in, bytes out.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from evidence_tracer import __version__
from evidence_tracer.app.auditpack.gather import PackageContents
from evidence_tracer.app.completeness import endpoint_warning
from evidence_tracer.catalog.controls import Control, controls_for_criterion
from evidence_tracer.catalog.criteria import Criterion
from evidence_tracer.catalog.fragments import FILE as FRAGMENT_FILE
from evidence_tracer.catalog.fragments import fragments
from evidence_tracer.deliverables.build import FOLDER as DELIVERABLES
from evidence_tracer.deliverables.build import deliverable_files
from evidence_tracer.deliverables.layout import item_path
from evidence_tracer.evidence import signing
from evidence_tracer.evidence.items import EvidenceItem, canonical_json, sha256
from evidence_tracer.models import Finding, Status
from evidence_tracer.policies.status import version_of
from evidence_tracer.readiness.model import CriterionReadiness
from evidence_tracer.report import Format, json_report
from evidence_tracer.report.csv_report import cell
from evidence_tracer.report.grouping import DISCLAIMER, ordered
from evidence_tracer.report.html import environment, stylesheet
from evidence_tracer.report.readiness import render_readiness
from evidence_tracer.yamlfile import dump_model

CATALOG_FILES = ("criteria.yaml", "controls.yaml", "checks.yaml", "services.yaml")


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
    verdict: CriterionReadiness | None = None  # the readiness assessment's, when the package carries one

    @property
    def state(self) -> str:
        """The readiness assessment's badge, so the index says what the readiness report and the matrix say;
        without an assessment, what the findings and files show."""
        if self.verdict is not None:
            return self.verdict.badge
        statuses = {fv.finding.status for cv in self.controls for fv in cv.findings}
        has_manual = bool(self.manual) or any(cv.manual for cv in self.controls)
        if Status.FAIL in statuses:
            return "gaps"
        if Status.ERROR in statuses:
            return "unverified"
        if Status.PASS in statuses or has_manual:
            return "evidenced"
        return "no evidence"


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


def catalog_hashes() -> dict[str, str]:
    """The SHA-256 of each catalog file the verdict was judged by: the built-in ones and each plug-in's fragment."""
    folder = resources.files("evidence_tracer.catalog")
    built_in = {name: sha256(folder.joinpath(name).read_bytes()) for name in CATALOG_FILES}
    plugged = {f"{f.package}/{FRAGMENT_FILE}": sha256(f.data) for f in fragments()}
    return {"tool_version": __version__, **built_in, **plugged}


def _views(c: PackageContents, files: dict[str, bytes]) -> list[CriterionView]:
    findings = ordered(c.scan.findings) if c.scan else []

    def place(item: EvidenceItem, criterion: Criterion) -> ItemView:
        path = item_path(item, criterion)
        if path not in files:
            files[path] = c.read(item)
            files[path + ".meta.json"] = canonical_json(item.metadata())
        return ItemView(item, path)

    views = []
    for criterion in c.in_scope:
        control_views = []
        for control in controls_for_criterion(criterion.id):
            fvs = [
                FindingView(f, [place(c.api_items[e], criterion) for e in f.evidence_ids if e in c.api_items])
                for f in findings
                if f.check_id in control.checks and criterion.id in f.criteria
            ]
            mvs = [place(m, criterion) for m in c.manual if m.control == control.id]
            control_views.append(ControlView(control, c.owners.get(control.id, ""), fvs, mvs))
        loose = [place(m, criterion) for m in c.manual if m.control is None and criterion.id in m.criteria]
        verdict = (
            next((v for v in c.readiness.criteria if v.criterion.id == criterion.id), None) if c.readiness else None
        )
        views.append(CriterionView(criterion, control_views, loose, verdict))
    return views


def _approvals(c: PackageContents) -> list[dict[str, Any]]:
    approvals = []
    for status in c.policies:
        latest = status.approval
        approvals.append(
            {
                "policy": status.name,
                "title": status.title,
                "state": status.state.value,
                "text_sha256": status.file_sha256,
                "version": version_of(c.policy_register, status.name, latest.sha256) if latest else None,
                "approved_by": latest.approved_by if latest else None,
                "approved_at": latest.approved_at.isoformat() if latest else None,
                "effective_date": latest.approved_at.date().isoformat() if latest else None,
                "approved_sha256": latest.sha256 if latest else None,
                "text_matches_approval": bool(latest and latest.sha256 == status.file_sha256),
                "review_due": status.review_due.isoformat() if status.review_due else None,
                "acknowledged_by": list(status.acknowledged_by),
            }
        )
    return approvals


def _acknowledgments_csv(c: PackageContents, approvals: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["policy", "person", "acknowledged_at", "text_sha256", "current_text", "how_obtained"])
    current = {a["policy"]: a["text_sha256"] for a in approvals}
    for ack in sorted(c.policy_register.acknowledgments, key=lambda a: (a.acknowledged_at, a.policy, a.person)):
        writer.writerow(
            [
                cell(ack.policy),
                cell(ack.person),
                ack.acknowledged_at.isoformat(),
                ack.sha256,
                "yes" if current.get(ack.policy) == ack.sha256 else "no (an earlier text)",
                cell(ack.method),
            ]
        )
    return out.getvalue().encode("utf-8")


def governance_files(c: PackageContents) -> dict[str, bytes]:
    """tracer.yaml, each policy's text with its approval and acknowledgment log, every register as of the
    package's moment (with the history its records carry), and the catalog's hashes."""
    files: dict[str, bytes] = {}
    if c.config_file is not None:
        files["governance/tracer.yaml"] = c.config_file
    for name, text in c.policy_texts.items():
        files[f"governance/policies/{name}.md"] = text
    approvals = _approvals(c)
    files["governance/policies/approvals.json"] = _json(approvals)
    files["governance/policies/acknowledgments.csv"] = _acknowledgments_csv(c, approvals)
    values: dict[str, Any] = {
        "people": c.registers.people,
        "vendors": c.registers.vendors,
        "risks": c.registers.risks,
        "access_reviews": c.registers.access_reviews,
        "exercises": c.registers.exercises,
        "incidents": c.registers.incidents,
        "policies": c.policy_register,
        "exceptions": c.exceptions,
    }
    for name, (file_name, title) in c.register_files.items():
        header = f"# {title} — as of {c.moment:%Y-%m-%d %H:%M} UTC (records dated later left out)\n"
        files[f"governance/registers/{file_name}"] = dump_model(values[name], header).encode("utf-8")
    files["governance/catalog.json"] = _json(catalog_hashes())
    return files


def _history(c: PackageContents) -> bytes:
    return _json(
        [
            {
                "id": s.info.id,
                "started_at": s.info.started_at.isoformat(),
                "finished_at": s.info.finished_at.isoformat(),
                "account_id": s.info.account_id,
                "regions": list(s.info.regions),
                "tool_version": s.info.tool_version,
                "findings": dict(s.counts),
            }
            for s in c.history
        ]
    )


def header_of(c: PackageContents, key_fingerprint: str) -> dict[str, Any]:
    scan = c.scan
    r = c.readiness
    return {
        "as_of": c.as_of.isoformat(),
        "created_at": c.created_at.isoformat().replace("+00:00", "Z"),
        "tool_version": __version__,
        "company": c.config.company.name,
        "scan_id": scan.scan.id if scan else None,
        "account_id": scan.scan.account_id if scan else None,
        "accounts": list(scan.scan.accounts or (scan.scan.account_id,)) if scan else [],
        "scope": [cat.value for cat in c.config.scope.categories],
        "store_history_head": c.store_head,
        "store_history_pin": c.store_pin,
        "signing_key": key_fingerprint,
        "endpoint_warning": endpoint_warning(c.completeness),
        "readiness": {"percent": r.percent, "ready_for_audit": r.ready_for_audit} if r else None,
    }


def render(
    c: PackageContents,
    key_fingerprint: str,
    extra: tuple[dict[str, bytes], dict[str, Any]] | None = None,
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The package's files (SHA256SUMS included; the manifest and signature are the writer's) and the
    manifest's header; `extra` adds files and header fields (a period package's)."""
    files: dict[str, bytes] = dict(extra[0]) if extra else {}
    views = _views(c, files)
    if c.scan:
        files["scan/findings.json"] = json_report.render(c.scan).encode()
        files["scan/completeness.json"] = (
            json.dumps(c.completeness, indent=2, sort_keys=True, default=str) + "\n"
        ).encode()
    files["scan/history.json"] = _history(c)
    files.update(governance_files(c))
    r = c.readiness
    if r is not None:
        files.update(
            {
                f"readiness/readiness{fmt.suffix}": render_readiness(r, fmt).encode("utf-8")
                for fmt in (Format.JSON, Format.HTML, Format.MARKDOWN)
            }
        )
        tested = {
            control: (f"population: {t['population']}", f"samples: {', '.join(t['samples']) or 'none taken yet'}")
            for control, t in (extra[1].get("populations", {}) if extra else {}).items()
        }
        made = deliverable_files(r, c.config, c.registers, c.as_of, c.completeness or None, tested)
        files.update({f"{DELIVERABLES}/{name}": data for name, data in made.items()})
    header = {**header_of(c, key_fingerprint), **(extra[1] if extra else {})}
    verdicts = {x.criterion.id: x for x in r.criteria} if r else {}
    control_credit = {x.control.id: x for crit in r.criteria for x in crit.controls} if r else {}
    files["index.html"] = (
        environment()
        .get_template("package.html.j2")
        .render(
            header=header,
            criteria=views,
            scan=json_report.scan_to_dict(c.scan.scan) if c.scan else None,
            access=c.access,
            disclaimer=DISCLAIMER,
            css=stylesheet(),
            max_key_age=c.config.parameters.access_key_max_age_days,
            verify_command=signing.VERIFY_COMMAND,
            verdicts=verdicts,
            control_credit=control_credit,
            ipe=c.completeness,
            governance=sorted(
                n
                for n in files
                if n.startswith(("governance/", "readiness/", "scan/", "deliverables/", "period/"))
                and not n.startswith("period/scans/")
            ),
        )
        .encode()
    )
    files["SHA256SUMS"] = "".join(f"{sha256(data)}  {name}\n" for name, data in sorted(files.items())).encode()
    return files, header
