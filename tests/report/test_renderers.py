"""Renderers against golden files. Regenerate deliberately with UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status
from evidence_tracer.report import Format, render, render_pieces
from evidence_tracer.report.json_report import from_dict, to_dict

GOLDEN = Path(__file__).parent / "golden"


def sample() -> ScanResult:
    info = ScanInfo(
        "20261122T120000Z-abcdef12",
        datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        datetime(2026, 11, 22, 12, 0, 42, tzinfo=UTC),
        "111122223333",
        ("us-east-1", "eu-west-1"),
        "0.1.0",
    )
    findings = (
        Finding(
            "ec2_sg_open_admin_ports",
            Status.FAIL,
            Severity.HIGH,
            ("CC6.6",),
            "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1",
            "us-east-1",
            "111122223333",
            "sg-1 (bastion) allows SSH (22) from 0.0.0.0/0.",
            "aws ec2 revoke-security-group-ingress --group-id sg-1 --region us-east-1 --ip-permissions '[...]'",
            ("e1",),
        ),
        Finding(
            "iam_root_mfa",
            Status.PASS,
            Severity.CRITICAL,
            ("CC6.1", "CC6.2"),
            "arn:aws:iam::111122223333:root",
            "global",
            "111122223333",
            "The root user has MFA enabled.",
            "",
            ("e2",),
        ),
        Finding(
            "guardduty_enabled",
            Status.ERROR,
            Severity.HIGH,
            ("CC7.3",),
            "arn:aws:guardduty:eu-west-1:111122223333:detector/*",
            "eu-west-1",
            "111122223333",
            "Not evaluated — could not read guardduty:ListDetectors in eu-west-1: AccessDenied (<denied> & co).",
            "",
            ("e3",),
        ),
        Finding(
            "s3_bucket_versioning",
            Status.NOT_APPLICABLE,
            Severity.MEDIUM,
            ("A1.2", "CC7.5"),
            "arn:aws:s3:::logs",
            "us-east-1",
            "111122223333",
            "logs is not marked critical.",
            "",
            (),
        ),
    )
    return ScanResult(info, findings)


@pytest.mark.parametrize("fmt", list(Format))
def test_golden(fmt: Format) -> None:
    path = GOLDEN / f"scan{fmt.suffix}"
    rendered = render(sample(), fmt)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")


def test_json_round_trips() -> None:
    result = sample()
    again = from_dict(json.loads(render(result, Format.JSON)))
    assert to_dict(again) == to_dict(result)


def test_html_escapes_and_is_self_contained() -> None:
    html = render(sample(), Format.HTML)
    assert "&lt;denied&gt; &amp; co" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "SOC 2-aligned" in html


def test_no_renderer_claims_compliance() -> None:
    for fmt in Format:
        text = render(sample(), fmt).lower()
        assert "certified" not in text
        assert "compliant" not in text


@pytest.mark.parametrize("fmt", list(Format))
def test_the_pieces_are_the_report(fmt: Format) -> None:
    pieces = list(render_pieces(sample(), fmt))
    assert "".join(pieces) == render(sample(), fmt)
    if fmt is Format.JSON:
        assert len(pieces) > len(sample().findings), "the JSON report is made a finding at a time"
