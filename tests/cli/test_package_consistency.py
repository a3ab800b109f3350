"""The auditor package holds everything the readiness verdict counted, and shows the same verdict."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evidence_tracer.app.auditpack.render import catalog_hashes
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.controls import controls
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.governance.registers import ACK_BY_CLI
from tests.cli.conftest import run_cli as _run


@pytest.fixture(scope="module")
def package(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evidence_tracer.app.auditpack.export import export_package
    from evidence_tracer.config import load_config
    from evidence_tracer.governance.owners import owners_of

    out = tmp_path_factory.mktemp("pkg") / "package"
    config = load_config(demo_workspace)
    export_package(Workspace(demo_workspace), datetime.now(UTC).date(), out, owners_of(config))
    return out


def test_the_package_shows_the_readiness_verdict_it_counted(
    package: Path, demo_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify_package(package).ok
    code, out, _ = _run(capsys, "report", "--readiness", "-f", "json", "-w", str(demo_workspace))
    assert code == 0
    live = json.loads(out)
    packed = json.loads((package / "readiness" / "readiness.json").read_text())
    assert {c["id"]: c["percent"] for c in packed["criteria"]} == {c["id"]: c["percent"] for c in live["criteria"]}
    assert packed["readiness_percent"] == live["readiness_percent"]
    index = (package / "index.html").read_text()
    shown = dict(re.findall(r'data-criterion="([^"]+)">(\d+)%', index))
    assert shown == {c["id"]: str(c["percent"]) for c in packed["criteria"]}
    manifest = json.loads((package / "manifest.json").read_text())["files"]
    names = " ".join(manifest)
    counted = [(x["id"], e) for c in packed["criteria"] for x in c["controls"] for e in x["evidence"]]
    assert counted, "the demo counts manual evidence"
    for control, evidence_id in counted:  # every item the verdict counted is in the package
        assert f"manual-{evidence_id[:12]}" in names, (control, evidence_id)
    automated = {
        x["id"]
        for c in packed["criteria"]
        for x in c["controls"]
        if any(p["name"] == "automated" and p["credit"] > 0 for p in x["parts"])
    }
    findings = json.loads((package / "scan" / "findings.json").read_text())["findings"]
    passed = {f["check_id"] for f in findings if f["status"] == "pass"}
    assert automated
    for control in automated:  # automated credit comes from passing findings the package holds
        assert passed & set(controls()[control].checks), control


def test_the_package_holds_governance_history_and_completeness(package: Path, demo_workspace: Path) -> None:
    gov = package / "governance"
    assert (gov / "tracer.yaml").read_bytes() == (demo_workspace / "tracer.yaml").read_bytes()
    approvals = {a["policy"]: a for a in json.loads((gov / "policies" / "approvals.json").read_text())}
    ac = approvals["access_control"]
    assert ac["state"] == "approved" and ac["approved_by"] == "alice.founder@acme.example"
    assert ac["text_matches_approval"] and ac["version"] == 1 and ac["effective_date"]
    assert (gov / "policies" / "access_control.md").is_file()
    assert approvals["vendor_management"]["state"] == "draft" and approvals["vendor_management"]["approved_by"] is None
    acks = list(csv.DictReader(io.StringIO((gov / "policies" / "acknowledgments.csv").read_text())))
    assert len(acks) == 6 and {a["how_obtained"] for a in acks} == {ACK_BY_CLI}
    assert {p.name for p in (gov / "registers").iterdir()} >= {"people.yaml", "vendors.yaml", "policies.yaml"}
    assert json.loads((gov / "catalog.json").read_text()) == catalog_hashes()
    history = json.loads((package / "scan" / "history.json").read_text())
    assert len(history) == 1 and history[0]["findings"]["fail"] > 0
    ipe = json.loads((package / "scan" / "completeness.json").read_text())
    assert ipe["identity"] and ipe["identity"][0]["arn"].startswith("arn:aws:")
    assert sorted(ipe["regions"]["scanned"]) == ["eu-west-1", "us-east-1", "us-west-2"]
    assert ipe["regions"]["enabled_not_scanned"]  # moto enables every region; the boundary names three
    buckets = next(p for p in ipe["populations"] if p["operation"] == "ListBuckets")
    assert buckets["rows"]["Buckets"] >= 3 and buckets["complete"] and buckets["pages"] >= 1
    assert all("NextToken" not in p["parameters"] for p in ipe["populations"])
    endpoints = {e["source"]: e for e in ipe["endpoints"]}
    assert endpoints["aws"] == {
        "source": "aws",
        "account": "123456789012",
        "endpoint": "moto, in process (demo)",
        "real": False,
    }
    assert not endpoints["github"]["real"] and endpoints["github"]["endpoint"].startswith("http://127.0.0.1:")
    assert not endpoints["okta"]["real"]
    index = (package / "index.html").read_text()
    assert "not a real AWS endpoint" in index and "not a real GitHub endpoint" in index
    assert 'href="readiness/readiness.html"' in index
    assert 'href="governance/policies/approvals.json"' in index


def test_as_of_in_the_future_or_before_the_first_scan_is_an_error(
    demo_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    code, _, err = _run(
        capsys, "evidence", "export", "--as-of", tomorrow, "--out", str(tmp_path / "a"), "-w", str(demo_workspace)
    )
    assert code == 2 and "in the future" in err and not (tmp_path / "a").exists()
    code, _, err = _run(
        capsys, "evidence", "export", "--as-of", "2020-01-01", "--out", str(tmp_path / "b"), "-w", str(demo_workspace)
    )
    assert code == 2 and "before the first scan" in err and not (tmp_path / "b").exists()


def test_the_deliverables_are_in_the_package_and_on_the_command_line(
    package: Path, demo_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    for name in (
        "control-matrix.xlsx",
        "control-matrix.csv",
        "request-list.csv",
        "system-description.md",
        "system-description.html",
        "management-assertion.md",
    ):
        assert (package / "deliverables" / name).stat().st_size > 500, name
        assert f'href="deliverables/{name}"' in (package / "index.html").read_text()
    code, _, err = _run(capsys, "matrix", "-o", str(tmp_path / "m.xlsx"), "-w", str(demo_workspace))
    assert code == 0, err
    sheet = load_workbook(tmp_path / "m.xlsx")["Control matrix"]
    statuses = {row[2].value: row[11].value for row in sheet.iter_rows(min_row=2)}
    packed = json.loads((package / "readiness" / "readiness.json").read_text())
    earned = {x["id"] for c in packed["criteria"] for x in c["controls"] if x["earned"]}
    assert {k for k, v in statuses.items() if str(v).startswith("evidenced")} == earned
    code, out, _ = _run(capsys, "matrix", "-w", str(demo_workspace))
    assert code == 0 and out.startswith("Criteria,Criteria text,Control")
    assert (demo_workspace / "deliverables" / "system-description.html").is_file()  # the demo writes them too


def test_index_matrix_and_readiness_agree_on_every_badge(package: Path) -> None:
    """The index's badge of each criterion is the readiness assessment's, its readiness figure is the report's,
    and the matrix's credit and status of each control are the assessment's: one verdict, three views."""
    readiness = json.loads((package / "readiness" / "readiness.json").read_text())
    index = (package / "index.html").read_text()
    badges = dict(re.findall(r'<a href="#([A-Z0-9.]+)">[^<]+</a> <span class="state [^"]+">([^<]+)</span>', index))
    figures = dict(re.findall(r'<span class="verdict" data-criterion="([A-Z0-9.]+)">(\d+)%</span>', index))
    assert len(badges) == len(readiness["criteria"]) > 30
    for c in readiness["criteria"]:
        assert badges[c["id"]] == c["badge"], c["id"]
        assert int(figures[c["id"]]) == c["percent"], c["id"]
        assert (c["badge"] == "ready") == (c["percent"] == 100), c["id"]
        assert not (c["badge"] == "no evidence" and c["percent"] > 0), c["id"]
        if c["automated"]["fail"] and c["percent"] < 100:
            assert c["badge"] == "gaps", c["id"]
    rows = list(csv.DictReader(io.StringIO((package / "deliverables" / "control-matrix.csv").read_text())))
    by_control = {x["id"]: x for c in readiness["criteria"] for x in c["controls"]}
    for row in rows:
        control = by_control[row["Control"]]
        assert int(row["Credit %"]) == control["percent"], row["Control"]
        assert row["Status"].startswith("evidenced") == control["earned"], row["Control"]
