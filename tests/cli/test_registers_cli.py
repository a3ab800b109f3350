"""Registers never lose data through the CLI: merges change only the fields given, dated facts keep their
history, and concurrent writers each keep their record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.governance.registers import Registers
from tests.cli.conftest import fake_aws_env, run_cli


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, *argv)
    return code, out + err


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    create_workspace(tmp_path, InitAnswers(company="Acme", owner="jane@acme.io"))
    return tmp_path


def test_vendors_add_on_an_existing_vendor_changes_only_the_fields_given(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _run(
            capsys,
            "vendors",
            "add",
            "Stripe",
            "--data",
            "card data",
            "--purpose",
            "payments",
            "--dpa",
            "--soc2-report",
            "2026-03-01",
            "--owner",
            "jane@acme.io",
            "-w",
            str(ws),
        )[0]
        == 0
    )
    code, out = _run(capsys, "vendors", "add", "stripe", "--soc2-report", "2026-09-01", "-w", str(ws))
    assert code == 0 and "updated" in out
    [vendor] = Registers(ws).vendors.load().vendors
    assert (vendor.data_received, vendor.purpose, vendor.dpa_on_file, vendor.owner) == (
        "card data",
        "payments",
        True,
        "jane@acme.io",
    )
    assert vendor.soc2_report_date is not None and vendor.soc2_report_date.isoformat() == "2026-09-01"
    assert [(c.field, c.previous, c.value) for c in vendor.history] == [
        ("soc2_report_date", "2026-03-01", "2026-09-01")
    ]


def test_dated_facts_keep_their_history_and_add_never_replaces(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run(
            capsys,
            "people",
            "add",
            "sam@acme.io",
            "--role",
            "Engineer",
            "--joined",
            "2025-02-01",
            "--training",
            "2025-02-03",
            "-w",
            str(ws),
        )[0]
        == 0
    )
    assert _run(capsys, "people", "update", "sam@acme.io", "--training", "2026-02-10", "-w", str(ws))[0] == 0
    assert (
        _run(
            capsys,
            "people",
            "update",
            "sam@acme.io",
            "--training",
            "2026-11-20",
            "--background-check",
            "2025-01-30",
            "-w",
            str(ws),
        )[0]
        == 0
    )
    [sam] = Registers(ws).people.load().people
    assert sam.training_completed is not None and sam.training_completed.isoformat() == "2026-11-20"
    assert [(c.field, c.previous) for c in sam.history] == [
        ("training_completed", "2025-02-03"),
        ("background_check", None),
        ("training_completed", "2026-02-10"),
    ]
    code, out = _run(capsys, "people", "add", "SAM@acme.io", "--role", "CTO", "--joined", "2026-01-01", "-w", str(ws))
    assert code == 2 and "already in the people register" in out
    assert Registers(ws).people.load().people == (sam,)
    code, out = _run(capsys, "people", "update", "sam@acme.io", "--training", "2099-01-01", "-w", str(ws))
    assert code == 2 and "in the future" in out and Registers(ws).people.load().people == (sam,)


def test_ten_concurrent_people_add_keep_ten_people(ws: Path) -> None:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "evidence_tracer",
                "people",
                "add",
                f"p{i}@acme.io",
                "--role",
                "Engineer",
                "--joined",
                "2026-01-05",
                "-w",
                str(ws),
            ],
            env=fake_aws_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert sorted(p.email for p in Registers(ws).people.load().people) == sorted(f"p{i}@acme.io" for i in range(10))
