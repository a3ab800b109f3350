"""`tracer scan` and `tracer demo` end to end, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.config import load_config
from tests.cli.conftest import fake_aws_env, tracer, tracer_in_process
from tests.conftest import DemoRun


def workspace_in(folder: Path) -> Path:
    """A workspace as `tracer init` leaves it, at its smallest: a tracer.yaml."""
    (folder / "tracer.yaml").write_text("company: {name: Test}\n")
    return folder


def test_every_command_but_init_and_demo_refuses_a_folder_without_tracer_yaml(tmp_path: Path) -> None:
    typo = tmp_path / "wrokspace"
    for args in (
        ("scan",),
        ("status",),
        ("evidence", "add", "AC-06", str(tmp_path), "--by", "a@b.io"),
        ("evidence", "verify"),
        ("people", "add", "a@b.io", "--role", "CEO", "--joined", "2026-01-05"),
        ("policies", "generate"),
        ("scans",),
        ("scope", "confirm", "--by", "a@b.io"),
    ):
        out = tracer(*args, "-w", str(typo))
        assert out.returncode == 2 and out.stderr.count("\n") == 1, (args, out.stderr)
        assert "does not exist: create a workspace with `tracer init" in out.stderr, args
        assert not typo.exists(), args  # nothing created
    tmp_path.joinpath("bare").mkdir()
    out = tracer("scan", "-w", str(tmp_path / "bare"))
    assert out.returncode == 2 and "has no tracer.yaml: run `tracer init` there first" in out.stderr
    assert list((tmp_path / "bare").iterdir()) == []


def test_scan_json_contract_against_moto_server(moto_server: str, tmp_path: Path) -> None:
    out = tracer(
        "scan",
        "-w",
        str(workspace_in(tmp_path)),
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
        "--format",
        "json",
        env=fake_aws_env(moto_server),
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # stdout is only the report; the summary went to stderr
    assert set(data) == {"schema_version", "scan", "findings"}
    assert set(data["scan"]) == {
        "id",
        "started_at",
        "finished_at",
        "account_id",
        "regions",
        "tool_version",
        "accounts",
        "sources",
    }
    assert data["scan"]["regions"] == ["us-east-1", "us-west-2"]
    assert data["scan"]["started_at"].endswith("Z")
    keys = {
        "check_id",
        "status",
        "severity",
        "criteria",
        "resource_id",
        "region",
        "account_id",
        "message",
        "source",
        "remediation",
        "evidence_ids",
    }
    assert all(set(f) == keys for f in data["findings"])
    statuses = {f["status"] for f in data["findings"]}
    assert statuses == {"pass", "fail", "not_applicable", "error"}
    # The only errors are moto's own gaps: no Access Analyzer, no root row in the credential report.
    assert {f["check_id"] for f in data["findings"] if f["status"] == "error"} == {
        "iam_access_analyzer_enabled",
        "iam_root_recent_use",
        "guardduty_findings_triaged",
        "backup_critical_resources_protected",
    }
    account = next(f for f in data["findings"] if f["check_id"] == "s3_account_public_access_block")
    assert account["status"] == "fail"  # read through s3control on a local endpoint
    assert "Findings by criterion" in out.stderr and "CC6.6" in out.stderr


def test_scan_writes_each_format_to_a_file(moto_server: str, tmp_path: Path) -> None:
    ws = workspace_in(tmp_path)
    for suffix in ("md", "csv", "html"):
        target = tmp_path / f"report.{suffix}"
        out = tracer("scan", "-w", str(ws), "-r", "us-east-1", "-o", str(target), env=fake_aws_env(moto_server))
        assert out.returncode == 0, out.stderr
        assert "Report written to" in out.stdout
    assert (tmp_path / "report.md").read_text().startswith("# AWS gap report (SOC 2-aligned)")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text())))
    assert rows and rows[0]["status"] == "fail"
    assert "<!doctype html>" in (tmp_path / "report.html").read_text()


def test_strict_exits_one_when_gaps_exist(moto_server: str, tmp_path: Path) -> None:
    out = tracer(
        "scan", "-w", str(workspace_in(tmp_path)), "-r", "us-east-1", "--strict", env=fake_aws_env(moto_server)
    )
    assert out.returncode == 1


def test_missing_credentials_is_one_line_and_non_zero(tmp_path: Path) -> None:
    env = fake_aws_env("http://127.0.0.1:9")
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    out = tracer("scan", "-w", str(workspace_in(tmp_path)), env=env)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "credentials" in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_profile_is_one_line_and_non_zero(tmp_path: Path) -> None:
    out = tracer("scan", "-w", str(workspace_in(tmp_path)), "--profile", "no-such-profile")
    assert out.returncode == 2 and "no-such-profile" in out.stderr and "Traceback" not in out.stderr


def test_unknown_profile_from_the_environment_is_one_line_and_non_zero(tmp_path: Path) -> None:
    out = tracer("scan", "-w", str(workspace_in(tmp_path)), env={**fake_aws_env(), "AWS_PROFILE": "no-such-profile"})
    assert out.returncode == 2 and "no-such-profile" in out.stderr and "Traceback" not in out.stderr


def test_malformed_config_names_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "tracer.yaml").write_text("company:\n  name: X\nparameters:\n  access_key_max_age_days: ninety\n")
    out = tracer("scan", "-w", str(tmp_path))
    assert out.returncode == 2
    assert f"{tmp_path / 'tracer.yaml'}:4: parameters.access_key_max_age_days" in out.stderr


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    out = tracer("scan", "--format", "pdf")
    assert out.returncode == 2 and "pdf" in out.stderr


def test_demo_runs_offline_and_writes_every_report(demo_run: DemoRun, type2_run: DemoRun, tmp_path: Path) -> None:
    """The session's `tracer demo` (offline: its endpoint leads nowhere) and its `tracer demo --type2` over a copy
    of it, which the Type 2 tests read too."""
    out, ws = demo_run.out, demo_run.workspace
    reports = ws / "reports"
    data = json.loads((reports / "gap-report.json").read_text())
    assert data["scan"]["account_id"] == "123456789012"
    assert sorted(data["scan"]["regions"]) == ["eu-west-1", "us-east-1", "us-west-2"]
    assert {f["status"] for f in data["findings"]} == {"pass", "fail", "not_applicable", "error"}
    assert {f["check_id"] for f in data["findings"] if f["status"] == "error"} == {
        "iam_access_analyzer_enabled",
        "iam_root_recent_use",
        "guardduty_findings_triaged",
        "backup_critical_resources_protected",
    }  # what moto cannot answer
    for name in ("gap-report.md", "gap-report.csv", "gap-report.html"):
        assert (reports / name).stat().st_size > 500
    assert "SOC 2-aligned" in out.stdout and "compliant" not in out.stdout.lower()
    # The whole flow, not just the scan: policies, registers, evidence, package and readiness.
    assert len(list((ws / "policies").glob("*.md"))) == 10
    assert {p.name for p in (ws / "registers").iterdir()} >= {
        "people.yaml",
        "vendors.yaml",
        "risks.yaml",
        "access-reviews.yaml",
        "exercises.yaml",
        "policies.yaml",
    }
    [package] = ws.glob("auditor-package-*.zip")
    assert "verified" in out.stdout
    unpinned = tracer("evidence", "verify", str(package))
    assert unpinned.returncode == 1 and "signer not pinned" in unpinned.stdout
    key = load_config(ws).signing.public_key_fingerprint
    assert tracer("evidence", "verify", str(package), "--expect-key", key).returncode == 0
    readiness = json.loads((reports / "readiness.json").read_text())
    assert 0 < readiness["readiness_percent"] < 100 and readiness["ready_for_audit"] is False
    html = (reports / "readiness.html").read_text()
    could_not_look = [g for g in readiness["gaps"] if g["source"] == "collection"]
    assert html.count('class="gap"') == len(readiness["gaps"]) - len(could_not_look)  # the rest: their own list
    assert len(could_not_look) == len(readiness["could_not_look"]) and 'id="could-not-look"' in html
    again, ws2 = type2_run.out, type2_run.workspace  # an earlier demo (a copy of this one) replaced by the Type 2 demo
    assert f"tracer period -w {ws2}" in again.stdout.replace("\n", "")
    assert len(Workspace(ws2).store.scans()) > 80 and load_config(ws2).audit.type.value == "type2"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = tracer("demo", "--out", str(tmp_path / "mine"))
    assert refused.returncode == 2 and (tmp_path / "mine" / "notes.txt").exists()


def test_version_and_shell_completion() -> None:
    from evidence_tracer import __version__

    version = tracer("--version")
    assert version.returncode == 0 and version.stdout.strip() == __version__
    env = {**fake_aws_env(), "COMP_WORDS": "tracer evi", "COMP_CWORD": "1", "_TRACER_COMPLETE": "complete_bash"}
    console_script = Path(sys.executable).parent / "tracer"  # as the shell calls it
    completion = subprocess.run(
        [str(console_script)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completion.stdout.split() == ["evidence"], completion.stderr
    script = tracer("--show-completion", "bash")
    assert script.returncode == 0 and "_tracer_completion" in script.stdout


def test_a_scan_that_fails_after_staging_its_records_leaves_nothing_of_them(
    moto_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_in(tmp_path)
    staged: list[Path] = []

    def temporary() -> list[Path]:
        return [p for p in (workspace / ".tracer").rglob(".*") if p.is_file() and re.match(r"\.[0-9a-f]{12}\.", p.name)]

    def broken(*_: object, **__: object) -> None:
        staged.extend(temporary())  # the records are on disk, unnamed, when the checks run
        raise RuntimeError("the checks broke")

    monkeypatch.setattr("evidence_tracer.app.scan.evaluate", broken)
    with pytest.raises(RuntimeError, match="the checks broke"):
        tracer_in_process("scan", "-w", str(workspace), "-r", "us-east-1", env=fake_aws_env(moto_server))
    assert len(staged) > 10
    assert temporary() == [], "what was staged is discarded with the scan"
    store = Workspace(workspace).store
    assert store.scans() == [] and store.items() == [] and store.verify() == []
