"""The issue's scenario end to end: every policy approved and acknowledged unread, one record per register,
a file filed against every control, on an account with a public unencrypted database, Postgres open to the
internet and an admin user with old keys — and the verdict is still "not ready", each shortcut named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_tracer.catalog.controls import controls
from evidence_tracer.policies.render import POLICY_NAMES
from tests.cli.conftest import run_cli as _run

PEOPLE = ("alice.founder@acme.example", "bob.engineer@acme.example", "dave.ops@acme.example")


def test_paperwork_does_not_make_a_vulnerable_account_ready(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(copy_demo)
    for name in POLICY_NAMES:  # approved and acknowledged in a shell loop, unread
        assert _run(capsys, "policies", "approve", name, "--by", PEOPLE[0], "-w", ws)[0] == 0
        for person in PEOPLE:
            assert _run(capsys, "policies", "ack", name, "--by", person, "-w", ws)[0] == 0
    tiny = copy_demo / "ok.txt"
    tiny.write_text("ok\n")
    code, _, err = _run(capsys, "evidence", "add", "GOV-02", str(tiny), "--note", "done", "--by", PEOPLE[0], "-w", ws)
    assert code == 2 and "non-blank bytes" in err  # a 4-byte file cannot be evidence
    filler = copy_demo / "evidence.txt"
    filler.write_text("This document is evidence that the control operates as designed.\n")
    for cid in controls():
        code, _, err = _run(
            capsys, "evidence", "add", cid, str(filler), "--note", "see file", "--by", PEOPLE[0], "-w", ws
        )
        assert code == 0, err
    code, out, _ = _run(capsys, "report", "--readiness", "-f", "json", "-w", ws)
    data = json.loads(out)
    assert data["ready_for_audit"] is False and data["not_ready_because"]
    titles = [g["title"] for g in data["gaps"] if g["severity"] in ("critical", "high")]
    for shortcut in (
        "rds_not_publicly_accessible",
        "rds_storage_encrypted",
        "ec2_sg_open_database_ports",
        "iam_privileged_access",
        "iam_root_mfa",
    ):
        assert any(t.startswith(shortcut) for t in titles), (shortcut, titles)
    code, out, _ = _run(capsys, "status", "-w", ws)
    assert "not yet ready for audit" in out and "not ready:" in out


def test_explain_decomposes_a_control_and_a_criterion(demo_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "status", "--explain", "AC-01", "-w", str(demo_workspace))
    assert code == 0
    assert out.startswith("AC-01 Multi-factor authentication: ")
    assert "prerequisite owner: met — dave.ops@acme.example" in out  # the demo gives AC to its operator
    assert "prerequisite policy: met — access_control: approved" in out
    assert "automated: " in out and "weighted by severity" in out and "fail: iam_user_console_mfa" in out
    code, out, _ = _run(capsys, "status", "--explain", "cc1.2", "-w", str(demo_workspace))
    assert code == 0 and out.startswith("CC1.2 ") and "= the mean of its" in out
    assert "GOV-02 Oversight of the security programme" in out and "evidence " in out
    code, _, err = _run(capsys, "status", "--explain", "XX-9", "-w", str(demo_workspace))
    assert code == 2 and "neither a control" in err


def test_exceptions_and_incidents_through_the_cli(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(copy_demo)
    code, out = _run(
        capsys,
        "exceptions",
        "add",
        "s3_bucket_policy_not_public",
        "--reason",
        "static marketing site, public by design",
        "--compensating-control",
        "holds only the public website; CI is its only writer",
        "--approved-by",
        PEOPLE[0],
        "--expires",
        "2099-01-01",
        "-w",
        ws,
    )[:2]
    assert code == 2, out  # more than a year ahead
    from datetime import UTC, datetime, timedelta

    until = (datetime.now(UTC) + timedelta(days=90)).date().isoformat()
    code, out, err = _run(
        capsys,
        "exceptions",
        "add",
        "s3_bucket_policy_not_public",
        "--reason",
        "static marketing site, public by design",
        "--compensating-control",
        "holds only the public website; CI is its only writer",
        "--approved-by",
        PEOPLE[0],
        "--expires",
        until,
        "-w",
        ws,
    )
    assert code == 0, err
    assert "EX-002" in out and "not a pass" in out  # the demo accepted EX-001 already
    code, out, _ = _run(capsys, "report", "--readiness", "-f", "json", "-w", ws)
    data = json.loads(out)
    assert [e["resource_id"] for e in data["accepted_exceptions"]] == ["arn:aws:s3:::acme-marketing-site"]
    assert not any(g["title"].startswith("s3_bucket_policy_not_public") for g in data["gaps"])
    code, _, err = _run(
        capsys,
        "incidents",
        "add",
        "Leaked key used to list buckets",
        "--severity",
        "sev2",
        "--detected",
        "2026-10-01",
        "--resolved",
        "2026-10-02",
        "--owner",
        PEOPLE[2],
        "-w",
        ws,
    )
    assert code == 0, err
    code, out, _ = _run(capsys, "report", "--readiness", "-f", "json", "-w", ws)
    assert any(g["title"].startswith("Incident INC-002") for g in json.loads(out)["gaps"])
    assert _run(capsys, "incidents", "update", "INC-002", "--post-incident-review", "2026-10-09", "-w", ws)[0] == 0
    code, out, _ = _run(capsys, "report", "--readiness", "-f", "json", "-w", ws)
    assert not any(g["title"].startswith("Incident INC-002") for g in json.loads(out)["gaps"])
