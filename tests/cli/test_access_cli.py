"""`tracer evidence users` and `tracer access-reviews add --from-table` on the demo workspace (AWS, GitHub
and Okta accounts reconciled with the people register)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.governance.registers import Registers
from tests.cli.conftest import run_cli


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, *argv)
    return code, out + err


def test_the_demo_shows_github_and_identity_provider_findings(demo_workspace: Path) -> None:
    report = json.loads((demo_workspace / "reports" / "gap-report.json").read_text())
    statuses = {(f["source"], f["status"]) for f in report["findings"]}
    assert {("github", "pass"), ("github", "fail"), ("okta", "pass"), ("okta", "fail")} <= statuses
    readiness = json.loads((demo_workspace / "reports" / "readiness.json").read_text())
    critical = [g["title"] for g in readiness["gaps"] if g["severity"] == "critical"]
    assert any(t.startswith("Leaver carol.contractor@acme.example") and "okta" in t for t in critical)
    titles = [g["title"] for g in readiness["gaps"]]
    assert "github account mallory-x in acme belongs to no one in the people register" in titles
    assert any(t.startswith("github_branch_reviews: acme/infra@main") for t in titles)
    index = next(demo_workspace.glob("auditor-package-*.zip"))
    import zipfile

    with zipfile.ZipFile(index) as package:
        names = package.namelist()
        page = package.read("index.html").decode()
    assert "github_branch_no_bypass" in page and "idp_mfa_enrolled" in page
    assert any(n.startswith("CC8.1") and "manual-" in n and "change-population" in n for n in names)


def test_an_access_review_is_recorded_against_the_table(copy_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "evidence", "users", "-w", str(copy_demo))
    assert code == 0 and "Who has access where" in out and "mallory-x" in out and "the person left on" in out
    code, out = _run(
        capsys,
        "access-reviews",
        "add",
        "--from-table",
        "--reviewer",
        "dave.ops@acme.example",
        "--systems",
        "AWS, GitHub, Okta",
        "--outcome",
        "carol disabled in Okta",
        "-w",
        str(copy_demo),
    )
    assert code == 0, out
    [review] = [r for r in Registers(copy_demo).access_reviews.load().access_reviews if r.identities]
    assert "okta:127.0.0.1:carol.contractor@acme.example" in review.identities
    assert "github:acme:mallory-x" in review.identities
    table = next(i for i in EvidenceStore(copy_demo).items() if i.id == review.evidence_id)
    assert table.control == "AC-06" and (table.filename or "").startswith("access-table-")
    code, out = _run(capsys, "report", "--readiness", "-f", "json", "-w", str(copy_demo))
    titles = [g["title"] for g in json.loads(out)["gaps"]]
    assert not any("did not cover" in t or "does not record which accounts" in t for t in titles)
