"""`tracer scans / report / evidence …` end to end, on a workspace filled by real scans."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from evidence_tracer.evidence import signing
from evidence_tracer.evidence.store import EvidenceStore
from tests.cli.conftest import fake_aws_env, tracer


@pytest.fixture(scope="module")
def workspace(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    init = tracer("init", "-w", str(ws), "--company", "Acme", "--owner", "dave.ops@acme.example")
    assert init.returncode == 0, init.stderr
    person = ("people", "add", "dave.ops@acme.example", "--role", "CTO", "--joined", "2025-01-06", "-w", str(ws))
    assert tracer(*person).returncode == 0
    for _ in range(2):
        out = tracer("scan", "-w", str(ws), "-r", "us-east-1", env=fake_aws_env(moto_server))
        assert out.returncode == 0, out.stderr
    return ws


def test_scans_are_listed_and_reports_rendered_from_history(workspace: Path) -> None:
    out = tracer("scans", "-w", str(workspace))
    assert out.returncode == 0 and out.stdout.count("123456789012") == 2
    first = EvidenceStore(workspace).scans()[0].id
    md = tracer("report", "-w", str(workspace), "--scan", first, "--format", "markdown")
    assert md.returncode == 0 and f"`{first}`" in md.stdout
    missing = tracer("report", "-w", str(workspace), "--scan", "nope")
    assert missing.returncode == 2 and "no scan 'nope'" in missing.stderr


def test_reevaluate_a_stored_scan_with_new_parameters(workspace: Path, tmp_path: Path) -> None:
    import shutil

    ws = tmp_path / "copy"
    shutil.copytree(workspace, ws)

    def key_age(*extra: str) -> str:
        out = tracer("report", "-w", str(ws), "--format", "json", *extra)
        assert out.returncode == 0, out.stderr
        return str(
            next(
                f["status"]
                for f in json.loads(out.stdout)["findings"]
                if f["check_id"] == "iam_access_key_age" and "ci-deploy" in f["resource_id"]
            )
        )

    assert key_age() == "fail"  # 213 days against the default 90
    (ws / "tracer.yaml").write_text("parameters:\n  access_key_max_age_days: 365\n")
    assert key_age("--reevaluate") == "pass"
    assert key_age() == "fail"  # the stored result itself is unchanged


def test_manual_evidence_list_users_export_verify(workspace: Path, tmp_path: Path) -> None:
    memo = tmp_path / "access-review.csv"
    memo.write_text("user,decision\nbob.engineer,remove console access\n")
    ok = tracer(
        "evidence",
        "add",
        "AC-06",
        str(memo),
        "--note",
        "Q4 access review",
        "--by",
        "dave.ops@acme.example",
        "-w",
        str(workspace),
    )
    assert ok.returncode == 0, ok.stderr
    assert "CC6.2, CC6.3 (AC-06)" in ok.stdout
    bad = tracer("evidence", "add", "AC-06", str(memo), "--note", "x", "--by", "the team", "-w", str(workspace))
    assert bad.returncode == 2 and "named person" in bad.stderr
    # Filed only by a person of the people register, and only into a workspace (a typo creates nothing).
    stranger = tracer(
        "evidence", "add", "AC-06", str(memo), "--note", "x", "--by", "eve@elsewhere.example", "-w", str(workspace)
    )
    assert stranger.returncode == 2 and "not in the people register" in stranger.stderr
    typo = tmp_path / "not-a-workspace"
    typo.mkdir()
    misfiled = tracer(
        "evidence", "add", "AC-06", str(memo), "--note", "x", "--by", "dave.ops@acme.example", "-w", str(typo)
    )
    assert misfiled.returncode == 2 and "tracer init" in misfiled.stderr and not any(typo.iterdir())
    listed = tracer("evidence", "list", "--control", "AC-06", "-w", str(workspace))
    assert "Q4 access review" in listed.stdout and "1 evidence items" in listed.stdout
    by_criterion = tracer("evidence", "list", "--criterion", "CC6.6", "-w", str(workspace))
    assert "DescribeSecurityGroups" in by_criterion.stdout

    users = tracer("evidence", "users", "-w", str(workspace))
    assert users.returncode == 0 and "bob.engineer" in users.stdout and "console without MFA" in users.stdout
    # A team on SSO: the Identity Center people and the permission sets they hold in the account.
    assert "IAM Identity Center" in users.stdout and "erin@acme.example" in users.stdout
    alice = next(line for line in users.stdout.splitlines() if "alice@acme.example" in line)
    assert "AdministratorAccess in 123456789012" in alice

    package = tmp_path / "package.zip"
    exported = tracer("evidence", "export", "--out", str(package), "-w", str(workspace))
    assert exported.returncode == 0, exported.stderr
    fingerprint = exported.stdout.split("manifest.json): ")[1].split()[0]
    with zipfile.ZipFile(package) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert any(n.startswith("CC6.3-access-changes/manual-") for n in names)
    assert manifest["scan_id"] == EvidenceStore(workspace).scans()[-1].id

    key = signing.fingerprint(signing.load_or_create_key(workspace / ".tracer").public_key())  # pinned
    verified = tracer("evidence", "verify", str(package), "--expect", fingerprint, "--expect-key", key)
    assert verified.returncode == 0 and "Package verified" in verified.stdout
    wrong = tracer("evidence", "verify", str(package), "--expect", "0" * 64)
    assert wrong.returncode == 1 and "fingerprint mismatch" in wrong.stdout

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(
                info, data.replace(b"bob.engineer", b"bob.engineeR") if info.filename == "index.html" else data
            )
    failed = tracer("evidence", "verify", str(tampered))
    assert failed.returncode == 1 and "changed index.html" in failed.stdout and "NOT verified" in failed.stdout

    store_ok = tracer("evidence", "verify", "-w", str(workspace))
    assert store_ok.returncode == 0 and "intact" in store_ok.stdout
    assert tracer("evidence", "export", "--out", str(package), "-w", str(workspace)).returncode == 2


def test_scan_killed_midway_leaves_the_workspace_intact(moto_server: str, workspace: Path) -> None:
    store = EvidenceStore(workspace)
    before = [s.id for s in store.scans()]
    count = len(store.items())
    for delay in (0.5, 1.5, 3.0):
        proc = subprocess.Popen(
            [sys.executable, "-m", "evidence_tracer", "scan", "-w", str(workspace)],
            env=fake_aws_env(moto_server),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    after = [s.id for s in store.scans()]
    assert after[: len(before)] == before
    assert len(store.items()) >= count
    assert store.verify() == []
    for scan_id in after:
        store.load_scan(scan_id)
