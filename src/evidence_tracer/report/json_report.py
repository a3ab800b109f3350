"""The JSON report: the stable, documented contract (docs/json-format.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status

SCHEMA_VERSION = 2


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def scan_to_dict(scan: ScanInfo) -> dict[str, Any]:
    return {
        "id": scan.id,
        "started_at": _time(scan.started_at),
        "finished_at": _time(scan.finished_at),
        "account_id": scan.account_id,
        "regions": list(scan.regions),
        "tool_version": scan.tool_version,
        "accounts": list(scan.accounts or (scan.account_id,)),
        "sources": list(scan.sources),
    }


def finding_to_dict(f: Finding) -> dict[str, Any]:
    return {
        "check_id": f.check_id,
        "status": f.status.value,
        "severity": f.severity.value,
        "criteria": list(f.criteria),
        "resource_id": f.resource_id,
        "region": f.location,
        "account_id": f.account,
        "source": f.source,
        "message": f.message,
        "remediation": f.remediation,
        "evidence_ids": list(f.evidence_ids),
    }


def to_dict(result: ScanResult) -> dict[str, Any]:
    findings = sorted(result.findings, key=lambda f: (f.check_id, f.account, f.location, f.resource_id))
    return {
        "schema_version": SCHEMA_VERSION,
        "scan": scan_to_dict(result.scan),
        "findings": [finding_to_dict(f) for f in findings],
    }


def render(result: ScanResult) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def from_dict(data: dict[str, Any]) -> ScanResult:
    """Read a result back (reports can be re-rendered from stored scans)."""
    s = data["scan"]
    scan = ScanInfo(
        id=s["id"],
        started_at=_parse_time(s["started_at"]),
        finished_at=_parse_time(s["finished_at"]),
        account_id=s["account_id"],
        regions=tuple(s["regions"]),
        tool_version=s["tool_version"],
        accounts=tuple(s.get("accounts", (s["account_id"],))),
        sources=tuple(s.get("sources", ("aws",))),
    )
    findings = tuple(
        Finding(
            check_id=f["check_id"],
            status=Status(f["status"]),
            severity=Severity(f["severity"]),
            criteria=tuple(f["criteria"]),
            resource_id=f["resource_id"],
            location=f["region"],
            account=f["account_id"],
            message=f["message"],
            remediation=f.get("remediation", ""),
            evidence_ids=tuple(f.get("evidence_ids", ())),
            source=f.get("source", "aws"),
        )
        for f in data["findings"]
    )
    return ScanResult(scan, findings)
