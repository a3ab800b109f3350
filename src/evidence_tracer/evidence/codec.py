"""The store's own format for a scan: versioned, never a report's JSON.

    {"format": "evidence-tracer-scan/3", "scan": {...}, "findings": [{...}]}

A stored finding keeps what the check said (status, resource, message, remediation, evidence ids) and, for
the record, the severity and criteria it carried when it was made. Readers do not trust those two: the
store hands every decoded finding to its `labels` — the catalog as it is now — so a report, the readiness
verdict and the package group a finding under the same criteria and weigh it with the same severity, even
after the catalog changed. A check the catalog no longer knows keeps its stored labels.

Scans stored before this format (the JSON report, schema 1 and 2) are read too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.items import iso, parse_time
from evidence_tracer.jsontext import iter_by_line
from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status

FORMAT = "evidence-tracer-scan/3"
# What the catalog says of a check now: (criteria, severity), or None for a check it does not know.
Labels = Callable[[str], tuple[tuple[str, ...], Severity] | None]


def _scan(scan: ScanInfo) -> dict[str, Any]:
    return {
        "id": scan.id,
        "started_at": iso(scan.started_at),
        "finished_at": iso(scan.finished_at),
        "account_id": scan.account_id,
        "regions": list(scan.regions),
        "tool_version": scan.tool_version,
        "accounts": list(scan.accounts),
        "sources": list(scan.sources),
        **({"merged_from": list(scan.merged_from)} if scan.merged_from else {}),
    }


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "check_id": f.check_id,
        "status": f.status.value,
        "resource_id": f.resource_id,
        "location": f.location,
        "account": f.account,
        "source": f.source,
        "message": f.message,
        "remediation": f.remediation,
        "evidence_ids": list(f.evidence_ids),
        "severity_at_scan": f.severity.value,
        "criteria_at_scan": list(f.criteria),
    }


def encode_scan_chunks(result: ScanResult) -> Iterator[str]:
    """The stored scan's text in pieces, a finding a line, each finding encoded as it is made."""
    body = {"format": FORMAT, "scan": _scan(result.scan), "findings": map(_finding, result.ordered())}
    return iter_by_line(body, sort_keys=True)


def _labelled(
    check_id: str, stored: tuple[tuple[str, ...], Severity], labels: Labels | None
) -> tuple[tuple[str, ...], Severity]:
    now = labels(check_id) if labels is not None else None
    return now if now is not None else stored


def decode_scan(data: bytes, labels: Labels | None) -> ScanResult:
    try:
        raw = json.loads(data)
        if raw.get("format") == FORMAT:
            return _decode(raw, labels)
        if raw.get("schema_version") in (None, 1, 2):
            return _decode({"scan": raw["scan"], "findings": [_from_report(f) for f in raw["findings"]]}, labels)
        raise EvidenceError(f"stored scan has an unknown format {raw.get('format') or raw.get('schema_version')!r}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise EvidenceError(f"stored scan cannot be read: {type(exc).__name__}: {exc}") from None


def _info(s: dict[str, Any]) -> ScanInfo:
    return ScanInfo(
        id=s["id"],
        started_at=parse_time(s["started_at"]),
        finished_at=parse_time(s["finished_at"]),
        account_id=s["account_id"],
        regions=tuple(s["regions"]),
        tool_version=s["tool_version"],
        accounts=tuple(s["accounts"]) if "accounts" in s else (s["account_id"],),
        sources=tuple(s.get("sources", ("aws",))),
        merged_from=tuple(s.get("merged_from", ())),
    )


def _decode(raw: dict[str, Any], labels: Labels | None) -> ScanResult:
    findings = []
    for f in raw["findings"]:
        stored = (tuple(f["criteria_at_scan"]), Severity(f["severity_at_scan"]))
        criteria, severity = _labelled(f["check_id"], stored, labels)
        findings.append(
            Finding(
                check_id=f["check_id"],
                status=Status(f["status"]),
                severity=severity,
                criteria=criteria,
                resource_id=f["resource_id"],
                location=f["location"],
                account=f["account"],
                message=f["message"],
                remediation=f["remediation"],
                evidence_ids=tuple(f["evidence_ids"]),
                source=f["source"],
            )
        )
    return ScanResult(_info(raw["scan"]), tuple(findings))


def _from_report(f: dict[str, Any]) -> dict[str, Any]:
    """A finding of a scan stored as the JSON report (before the store had its own format), in this format."""
    return {
        "check_id": f["check_id"],
        "status": f["status"],
        "resource_id": f["resource_id"],
        "location": f["region"],
        "account": f["account_id"],
        "source": f.get("source", "aws"),
        "message": f["message"],
        "remediation": f.get("remediation", ""),
        "evidence_ids": f.get("evidence_ids", ()),
        "severity_at_scan": f["severity"],
        "criteria_at_scan": f["criteria"],
    }
