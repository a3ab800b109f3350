"""The records of a person who looked, at the command line: scan reviews, the boundary confirmed by management,
risks reviewed by management, every policy approved at once with the version its text prints."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.policies.render import POLICY_NAMES
from tests.cli.conftest import run_cli as _run

FOUNDER, ENGINEER = "alice.founder@acme.example", "bob.engineer@acme.example"


def test_a_scan_review_is_recorded_against_a_stored_scan(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(copy_demo)
    code, _, err = _run(capsys, "scans", "review", "nope", "--by", ENGINEER, "--decisions", "fix all of it", "-w", ws)
    assert code == 2 and "nope" in err
    scan_id = Workspace(copy_demo).store.scans()[-1].id
    code, _, err = _run(capsys, "scans", "review", scan_id, "--by", "x@y.io", "--decisions", "fix all of it", "-w", ws)
    assert code == 2 and "not in the people register" in err
    code, out, _ = _run(
        capsys, "scans", "review", scan_id[:12], "--by", ENGINEER, "--decisions", "SEC-14 for SSH", "-w", ws
    )
    assert code == 0 and f"Review of scan {scan_id}" in out
    code, out, _ = _run(capsys, "scans", "-w", ws)
    assert code == 0 and f"{ENGINEER} " in out.replace("\n", " ")


def test_the_boundary_is_confirmed_by_management_and_an_edit_voids_it(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(copy_demo)
    code, _, err = _run(capsys, "scope", "confirm", "--by", ENGINEER, "-w", ws)
    assert code == 2 and "is not management in the people register" in err
    code, out, _ = _run(capsys, "status", "--explain", "GOV-09", "-w", ws)
    assert (
        "boundary confirmed by alice.founder@acme.example" in out
        and "GOV-09 System description and boundary: 100%" in out
    )
    config = copy_demo / "tracer.yaml"
    config.write_text(config.read_text().replace(', "us-west-2"]', "]", 1))
    code, out, _ = _run(capsys, "status", "--explain", "GOV-09", "-w", ws)
    assert "GOV-09 System description and boundary: 0%" in out, out
    assert "The system boundary changed after alice.founder@acme.example confirmed it" in out
    assert _run(capsys, "scope", "confirm", "--by", FOUNDER, "--note", "us-west-2 retired", "-w", ws)[0] == 0
    code, out, _ = _run(capsys, "scope", "show", "-w", ws)
    assert f"Confirmed   by {FOUNDER}" in out


def test_risk_reviews_are_managements(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(copy_demo)
    code, _, err = _run(capsys, "risks", "review", "R-003", "--by", ENGINEER, "-w", ws)
    assert code == 2 and "a risk review is signed by management" in err
    assert _run(capsys, "risks", "review", "R-003", "--by", FOUNDER, "-w", ws)[0] == 0
    code, out, _ = _run(capsys, "status", "--explain", "RISK-01", "-w", ws)
    assert "RISK-01 Annual risk assessment: 100%" in out and "3 of 3 risks have a recorded reviewer" in out


def test_approve_all_approves_what_is_not_approved_and_the_text_prints_its_version(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(copy_demo)
    code, _, err = _run(capsys, "policies", "approve", "--all", "--by", ENGINEER, "-w", ws)
    assert code == 2 and "policy approval is signed by management" in err
    code, out, _ = _run(capsys, "policies", "approve", "--all", "--by", FOUNDER, "-w", ws)
    assert code == 0 and "vendor_management approved" in out and "business_continuity approved" in out
    assert "access_control approved" not in out  # already approved for its current text
    code, out, _ = _run(capsys, "policies", "approve", "--all", "--by", FOUNDER, "-w", ws)
    assert "Every policy's current text is approved already." in out
    # A parameter change: regenerated text is version 2 in the file and in the register once approved.
    config = copy_demo / "tracer.yaml"
    config.write_text(re.sub(r"access_key_max_age_days: \d+", "access_key_max_age_days: 60", config.read_text()))
    assert _run(capsys, "policies", "generate", "-w", ws)[0] == 0
    text = (copy_demo / "policies" / "access_control.md").read_text()
    assert "| Version | 2 (" in text
    code, out, _ = _run(capsys, "policies", "approve", "access_control", "--by", FOUNDER, "-w", ws)
    assert code == 0 and "(version 2," in out
    code, out, _ = _run(capsys, "policies", "list", "-w", ws)
    row = next(line for line in out.splitlines() if "access_control" in line)
    assert " 2 " in row and "approved" in row
    unchanged = (copy_demo / "policies" / "incident_response.md").read_text()
    assert "| Version | 1 (" in unchanged and len(POLICY_NAMES) == 10


def test_evidence_carries_its_effective_day_and_is_current_by_it(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date, timedelta

    ws = str(copy_demo)
    memo = copy_demo / "review.txt"
    memo.write_text("Minutes of the security programme review held with the board of advisors.\n")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    code, _, err = _run(capsys, "evidence", "add", "GOV-02", str(memo), "--note", "review", "--by", FOUNDER,
                        "--effective", tomorrow, "-w", ws)  # fmt: skip
    assert code == 2 and "is after the day it is filed" in err
    long_ago = (date.today() - timedelta(days=400)).isoformat()
    code, out, _ = _run(capsys, "evidence", "add", "GOV-02", str(memo), "--note", "the 2025 review", "--by", FOUNDER,
                        "--effective", long_ago, "-w", ws)  # fmt: skip
    assert code == 0 and f"effective {long_ago}" in out
    item = next(m for m in Workspace(copy_demo).manual_evidence(datetime.now(UTC)) if m.effective is not None)
    assert item.effective_day.isoformat() == long_ago and item.collected_at.date() == date.today()
    code, out, _ = _run(capsys, "status", "--explain", "GOV-02", "-w", ws)
    assert "older than its annual cadence allows" in out  # filed today, but it speaks for 400 days ago
