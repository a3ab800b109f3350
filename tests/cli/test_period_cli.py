"""`tracer drift`, `tracer schedule` and `tracer exceptions respond` on a workspace with two stored scans."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.fakes.server import FakeApi, Reply, serve
from evidence_tracer.models import ScanResult, Severity, Status
from tests.cli.conftest import run_cli as _run

FOUNDER, ENGINEER = "alice.founder@acme.example", "bob.engineer@acme.example"
SERIOUS = (Severity.CRITICAL, Severity.HIGH)


def _second_scan(ws_path: Path) -> tuple[ScanResult, ScanResult]:
    """A later scan through the store's own interface: the first failing finding fixed, the first passing one
    failing now; everything else as it was."""
    ws = Workspace(ws_path)
    first = ws.latest_scan(ws.store.scans()[-1].finished_at)
    assert first is not None
    fixed = next(f for f in first.findings if f.status is Status.FAIL)
    broken = next(f for f in first.findings if f.status is Status.PASS and f.severity in SERIOUS)
    flipped = tuple(
        replace(f, status=Status.PASS) if f == fixed else replace(f, status=Status.FAIL) if f == broken else f
        for f in first.findings
    )
    later = first.scan.finished_at + (datetime.now(UTC) - first.scan.finished_at) / 2  # between it and now
    info = replace(first.scan, id="20261201T230000Z-seconds", started_at=later, finished_at=later)
    second = ScanResult(info, flipped)
    ws.save_scan(second, (), None)
    return first, second


def test_drift_lists_exactly_the_flipped_findings_and_exits_one_on_new_gaps(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _second_scan(copy_demo)
    code, out, _ = _run(capsys, "drift", "-w", str(copy_demo), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["since"] == first.scan.id and data["until"] == second.scan.id
    fixed = next(f for f in first.findings if f.status is Status.FAIL)
    broken = next(f for f in first.findings if f.status is Status.PASS and f.severity in SERIOUS)
    assert [(g["check_id"], g["resource_id"]) for g in data["new_gaps"]] == [(broken.check_id, broken.resource_id)]
    assert [(g["check_id"], g["resource_id"]) for g in data["resolved"]] == [(fixed.check_id, fixed.resource_id)]
    code, out, _ = _run(capsys, "drift", "-w", str(copy_demo), "--since", first.scan.id[:16])
    assert "1 new gap(s), 1 resolved" in out


def test_notify_posts_the_new_serious_gaps_to_a_webhook(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _second_scan(copy_demo)
    api = FakeApi()
    api.route("/hooks/T1", lambda request: Reply(200, {"ok": True}))
    with serve(api) as hook:
        code, _, err = _run(capsys, "drift", "-w", str(copy_demo), "--notify", f"{hook.base_url}/hooks/T1")
    posted = [r for r in api.seen if r.method == "POST"]
    body = json.loads(posted[0].body) if posted else {}
    new = json.loads(_run(capsys, "drift", "-w", str(copy_demo), "--format", "json")[1])["new_gaps"]
    assert code == 1 and len(posted) == 1 and posted[0].headers["content-type"].startswith("application/json")
    assert body["text"].startswith("*Acme Analytics (demo)*: scan ") and new[0]["check_id"] in body["text"]
    assert "1 new critical/high gap(s) posted to the webhook" in err
    api.fault("/hooks/T1", Reply(500, {"error": "down"}))
    with serve(api) as hook:
        code, _, err = _run(capsys, "drift", "-w", str(copy_demo), "--notify", f"{hook.base_url}/hooks/T1")
    assert code == 2 and "refused the message: HTTP 500" in err
    code, _, err = _run(capsys, "drift", "-w", str(copy_demo), "--notify", "http://example.com/hook")
    assert code == 2 and "https://" in err


def test_the_workflow_runs_daily_with_oidc_and_no_keys(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "schedule", "github-actions", "--repo", "acme/compliance", "-w", str(copy_demo))
    assert code == 0
    flow = yaml.safe_load(out)
    assert flow["permissions"] == {"id-token": "write", "contents": "read"}
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # daily
    steps = flow["jobs"]["collect"]["steps"]
    creds = next(s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
    assert creds["with"]["role-to-assume"] == "arn:aws:iam::123456789012:role/EvidenceTracerReadOnly"
    assert not any(k in creds["with"] for k in ("aws-access-key-id", "aws-secret-access-key"))
    runs = [s.get("run", "") for s in steps]
    assert any(r.startswith("tracer scan -w ") for r in runs) and any(r.startswith("tracer drift -w ") for r in runs)
    assert any(r.startswith("tracer changes -w ") for r in runs)  # the demo reads GitHub
    assert any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    assert '"token.actions.githubusercontent.com:sub": "repo:acme/compliance:ref:refs/heads/main"' in out
    code, out, _ = _run(capsys, "schedule", "cron", "-w", str(copy_demo))
    assert code == 0 and "OnCalendar=*-*-* 05:17:00 UTC" in out and "17 5 * * * tracer scan -w " in out
    from evidence_tracer.app.store import set_store_url

    set_store_url(copy_demo, "s3://acme-evidence/prod")  # with the store on S3 every run writes there
    code, out, _ = _run(capsys, "schedule", "github-actions", "--repo", "acme/compliance", "-w", str(copy_demo))
    steps = yaml.safe_load(out)["jobs"]["collect"]["steps"]
    assert code == 0 and not any(s.get("uses", "").startswith("actions/upload-artifact") for s in steps)
    assert "writes to the evidence store s3://acme-evidence/prod/" in out and "tracer permissions --store" in out


def test_a_deviation_response_is_managements_and_names_a_real_episode(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = _second_scan(copy_demo)
    still = next(f for f in first.findings if f.status is Status.FAIL and f.check_id != "")
    day = first.scan.finished_at.date().isoformat()
    args = [
        "exceptions",
        "respond",
        f"{still.check_id}:{still.resource_id}",
        "--first-failed",
        day,
        "--cause",
        "the fix waited for a maintenance window",
        "--remediation",
        "fixed in the change of the following week",
        "--compensating-control",
        "the resource was watched by GuardDuty alerts",
        "-w",
        str(copy_demo),
    ]
    code, _, err = _run(capsys, *args, "--by", ENGINEER)
    assert code == 2 and "a deviation response is signed by management" in err
    code, out, _ = _run(capsys, *args, "--by", FOUNDER)
    assert code == 0 and "DEV-001" in out
    code, _, err = _run(capsys, *[a if a != day else "2020-01-01" for a in args], "--by", FOUNDER)
    assert code == 2 and "no stored scan shows" in err
