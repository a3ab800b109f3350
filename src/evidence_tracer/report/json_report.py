"""The JSON report: the stable, documented contract (docs/json-format.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from evidence_tracer.jsontext import iter_by_line
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


def _document(result: ScanResult, findings: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "scan": scan_to_dict(result.scan), "findings": findings}


def to_dict(result: ScanResult) -> dict[str, Any]:
    return _document(result, [finding_to_dict(f) for f in result.ordered()])


def render(result: ScanResult) -> str:
    return "".join(render_pieces(result))


def render_pieces(result: ScanResult) -> Iterator[str]:
    """The report's text in pieces, a finding a line, each finding's dict made and encoded in turn."""
    return iter_by_line(_document(result, map(finding_to_dict, result.ordered())))


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
