"""Synthetic scans for store and package tests (no AWS needed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from evidence_tracer.models import ApiRecord, Finding, ScanInfo, ScanResult, Severity, Status

ACCOUNT = "111122223333"
CSV = (
    "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,"
    "access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated\n"
    "alice,arn:aws:iam::111122223333:user/alice,2026-01-01T00:00:00+00:00,true,2026-11-20T00:00:00+00:00,"
    "true,true,2026-01-02T00:00:00+00:00,false,N/A\n"
)


def record(
    operation: str = "GetAccountSummary",
    response: dict[str, object] | None = None,
    when: datetime | None = None,
    service: str = "iam",
) -> ApiRecord:
    return ApiRecord(
        uuid.uuid4().hex,
        service,
        operation,
        {},
        ACCOUNT,
        "us-east-1",
        when or datetime(2026, 11, 1, 12, tzinfo=UTC),
        "req-" + uuid.uuid4().hex[:6],
        response if response is not None else {"SummaryMap": {"AccountMFAEnabled": 1}},
    )


def scan(when: datetime | None = None, n_records: int = 2) -> tuple[ScanResult, list[ApiRecord]]:
    when = when or datetime(2026, 11, 1, 12, tzinfo=UTC)
    records = [record(when=when), record("GetCredentialReport", {"Content": CSV, "ReportFormat": "text/csv"}, when)]
    records += [
        record("DescribeSecurityGroups", {"SecurityGroups": [{"GroupId": f"sg-{i}"}]}, when, "ec2")
        for i in range(n_records - 2)
    ]
    info = ScanInfo(
        f"{when:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}",
        when,
        when + timedelta(seconds=5),
        ACCOUNT,
        ("us-east-1",),
        "0.1.0",
    )
    findings = (
        Finding(
            "iam_root_mfa",
            Status.PASS,
            Severity.CRITICAL,
            ("CC6.1", "CC6.2"),
            f"arn:aws:iam::{ACCOUNT}:root",
            "global",
            ACCOUNT,
            "root has MFA",
            "",
            (records[0].record_id,),
        ),
        Finding(
            "iam_user_console_mfa",
            Status.PASS,
            Severity.HIGH,
            ("CC6.1", "CC6.2"),
            f"arn:aws:iam::{ACCOUNT}:user/alice",
            "global",
            ACCOUNT,
            "alice has MFA",
            "",
            (records[1].record_id,),
        ),
    )
    return ScanResult(info, findings), records
