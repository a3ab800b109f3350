"""Scans at given moments, with findings for given keys: the period's code reads nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status

START = datetime(2026, 6, 1, 6, tzinfo=UTC)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def finding(
    check: str, resource: str, status: Status, severity: Severity = Severity.HIGH, region: str = "us-east-1"
) -> Finding:
    return Finding(check, status, severity, ("CC6.1",), resource, region, "111122223333", f"{resource} {status.value}")


def scan_at(n: int, *findings: Finding, regions: tuple[str, ...] = ("us-east-1",)) -> ScanResult:
    when = day(n)
    info = ScanInfo(f"s{n:03d}", when, when, "111122223333", regions, "0.1.0", ("111122223333",))
    return ScanResult(info, findings)
