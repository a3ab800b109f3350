"""`tracer period` on the Type 2 demo: the missing occurrence and the deviation are named, collection gaps are
gaps, and the HTML timeline renders in Chromium."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from evidence_tracer.app.demo_period import DEVIATION, FIXED_IN_TIME, OUTAGE
from evidence_tracer.config import load_config
from tests.browser import dump_dom
from tests.cli.conftest import run_cli as _run

FOUNDER = "alice.founder@acme.example"


def _view(capsys: pytest.CaptureFixture[str], ws: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = _run(capsys, "period", "-w", str(ws), "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_type2_demo_names_the_missing_access_review_and_the_answered_deviation(
    type2_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(type2_workspace)
    period = config.audit.period
    assert config.audit.type.value == "type2" and period is not None
    view = _view(capsys, type2_workspace)
    assert view["type"] == "type2" and view["period"]["start"] == period.start.isoformat()
    assert view["operating_over_the_period"] is False
    controls = {c["id"]: c for c in view["controls"]}
    reviews = controls["AC-06"]
    assert reviews["occurrences_expected"] == 2 and reviews["occurrences_found"] == 1
    first_quarter = reviews["occurrences"][0]["label"]
    assert reviews["missing"] == [f"Periodic access reviews for {first_quarter}: none"]
    deviations = [d for c in view["controls"] for d in c["deviations"]]
    answered = [d for d in deviations if d["response"]]
    assert len(answered) == 1 and answered[0]["response"]["id"] == "DEV-001"
    assert answered[0]["first_failed"] == (period.start + timedelta(days=DEVIATION[0])).isoformat()
    assert answered[0]["days_open"] == DEVIATION[1] - DEVIATION[0] and answered[0]["window_days"] == 30
    timeline = view["timeline"]
    in_time = [e for e in timeline if e["days_open"] == FIXED_IN_TIME[1] - FIXED_IN_TIME[0]]
    assert in_time and not any(d["first_failed"] == in_time[0]["first_failed"] for d in deviations)
    outage = [g for g in view["collection"]["gaps"] if g["what"] == f"no scan for {len(OUTAGE)} day(s)"]
    assert outage and outage[0]["start"] == (period.start + timedelta(days=OUTAGE[0])).isoformat()
    assert view["collection"]["days_scanned"] == view["period"]["days"] - len(OUTAGE)
    # A per-event control with no register of its events needs evidence of them: never a vacuous pass.
    assert controls["CM-01"]["occurrences_expected"] == 1 and not controls["CM-01"]["operating"]


def test_a_narrower_window_and_the_markdown_and_html_views(
    type2_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    period = load_config(type2_workspace).audit.period
    assert period is not None
    first = (period.start + timedelta(days=FIXED_IN_TIME[0])).isoformat()
    narrow = _view(capsys, type2_workspace, "--from", first, "--to", (period.start + timedelta(days=25)).isoformat())
    assert narrow["period"]["days"] == 6 and narrow["timeline"]
    code, out, _ = _run(capsys, "period", "-w", str(type2_workspace))
    assert code == 0 and "not yet operating over the period" in out and "## Missing occurrences" in out
    page = tmp_path / "period.html"
    assert _run(capsys, "period", "-w", str(type2_workspace), "-f", "html", "-o", str(page))[0] == 0
    text = page.read_text()
    assert "<script" not in text and not re.search(r'(src|href)="https?:', text)  # no script, no external asset
    dom = dump_dom(page)
    assert dom.count('<svg class="timeline"') == len(re.findall(r'<section class="control"', dom)) > 30
    assert 'class="missing-occ"' in dom and 'class="failing"' in dom and "no scan for 3 day(s)" in dom
    code, _, err = _run(capsys, "period", "-w", str(type2_workspace), "--from", "2026-05-02", "--to", "2026-05-01")
    assert code == 2 and "before --from" in err


def test_a_type1_workspace_has_no_period_unless_one_is_asked(
    demo_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "period", "-w", str(demo_workspace))
    assert code == 2 and "no period: set audit.type: type2" in err
    today = date.today()
    view = _view(capsys, demo_workspace, "--from", (today - timedelta(days=7)).isoformat(), "--to", today.isoformat())
    assert view["collection"]["scans"] == 1


def test_the_period_package_verifies_and_holds_the_timeline_and_every_scan(
    type2_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import zipfile

    out = tmp_path / "period.zip"
    code, printed, err = _run(
        capsys, "evidence", "export", "--period", "audit", "--out", str(out), "-w", str(type2_workspace)
    )
    period = load_config(type2_workspace).audit.period
    assert code == 0 and period is not None and f"as of {period.end}" in printed, err
    key = load_config(type2_workspace).signing.public_key_fingerprint
    code, printed, _ = _run(capsys, "evidence", "verify", str(out), "--expect-key", key)
    assert code == 0, printed
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        view = json.loads(z.read("period/period.json"))
        manifest = json.loads(z.read("manifest.json"))
    assert view["timeline"] and view["period"]["end"] == period.end.isoformat()
    scans = [n for n in names if n.startswith("period/scans/")]
    assert len(scans) == view["collection"]["scans"] == view["period"]["days"] - len(OUTAGE)
    assert {"period/readiness-at-start.json", "period/policy-approvals.json", "period/period.html"} <= names
    with zipfile.ZipFile(out) as z:
        terminations = json.loads(z.read("period/populations/terminations.json"))
    assert terminations["ipe"]["rows"] == len(terminations["rows"]) and len(terminations["ipe"]["rows_sha256"]) == 64
    assert manifest["type"] == "type2"
    assert manifest["period"] == {"start": view["period"]["start"], "end": view["period"]["end"]}
    code, _, err = _run(
        capsys, "evidence", "export", "--period", "2026-01-01", "--out", str(tmp_path / "x"), "-w", str(type2_workspace)
    )
    assert code == 2 and "START..END" in err


def test_the_bridge_letter_covers_the_days_after_the_period_and_does_not_deny_open_gaps(
    type2_workspace: Path, demo_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "d"
    code, _, err = _run(capsys, "deliverables", "-w", str(type2_workspace), "--out", str(out), "--bridge-letter")
    assert code == 0, err
    letter = (out / "bridge-letter.md").read_text()
    period = load_config(type2_workspace).audit.period
    assert period is not None and f"period {period.start} to {period.end}" in letter
    assert "1 day from" in letter or "days from" in letter
    assert "critical gap(s) are open" in letter and "We are not aware of any significant deficiency" not in letter
    description = (out / "system-description.md").read_text()
    assert f"recorded between {period.start} and {period.end}" in description  # DC9 of the period
    assert f"in the period {period.start} to {period.end}" in description  # DC4 of the period
    code, _, err = _run(capsys, "deliverables", "-w", str(type2_workspace), "--out", str(out), "--bridge-letter",
                        "--to", period.end.isoformat())  # fmt: skip
    assert code == 2 and "a day after the period's end" in err
    code, _, err = _run(capsys, "deliverables", "-w", str(demo_workspace), "--out", str(out), "--bridge-letter")
    assert code == 2 and "a bridge letter follows a Type 2 period" in err


def test_a_bridge_letter_names_the_changes_and_the_significant_incidents() -> None:
    from datetime import UTC, datetime

    from evidence_tracer.deliverables.bridge import bridge_letter
    from evidence_tracer.governance.registers import (
        BoundaryConfirmation,
        BoundaryFile,
        IncidentRecord,
        IncidentSeverity,
        IncidentsFile,
        PoliciesFile,
    )
    from evidence_tracer.governance.rulebook import RegisterSnapshot

    end = date(2026, 6, 30)
    confirm = [
        BoundaryConfirmation(
            confirmed_by="cto@a.io", confirmed_at=datetime(2026, 1, 5, tzinfo=UTC), boundary_sha256="a" * 64
        ),
        BoundaryConfirmation(
            confirmed_by="cto@a.io", confirmed_at=datetime(2026, 7, 9, tzinfo=UTC), boundary_sha256="b" * 64
        ),
    ]
    sev3, sev1 = IncidentSeverity.SEV3, IncidentSeverity.SEV1
    incidents = (
        IncidentRecord(id="INC-001", title="Phishing mail", severity=sev3, detected=date(2026, 7, 2), owner="cto@a.io"),
        IncidentRecord(
            id="INC-002",
            title="Outage of the API",
            severity=sev1,
            detected=date(2026, 7, 20),
            owner="cto@a.io",
            significant=True,
        ),
    )
    regs = RegisterSnapshot(
        boundary=BoundaryFile(confirmations=tuple(confirm)), incidents=IncidentsFile(incidents=incidents)
    )
    letter = bridge_letter("Acme", (date(2026, 1, 1), end), date(2026, 8, 31), regs, PoliciesFile())
    assert "the 62 days from 2026-06-30 to 2026-08-31" in letter
    assert "The system boundary changed; cto@a.io confirmed it on 2026-07-09." in letter
    assert "INC-002 (sev1, detected 2026-07-20): Outage of the API" in letter and "Phishing" not in letter
    assert "We are not aware of any significant deficiency" in letter


def test_a_type2_assertion_speaks_of_operation_throughout_the_period(
    type2_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    period = load_config(type2_workspace).audit.period
    assert period is not None
    assert _run(capsys, "deliverables", "-w", str(type2_workspace), "--out", str(tmp_path))[0] == 0
    text = (tmp_path / "management-assertion.md").read_text()
    span = f"throughout the period {period.start} to {period.end}"
    assert f'(the "system") {span}' in text and "3. The controls stated in the description operated effectively" in text
    assert "DO NOT SIGN YET" in text and "operated effectively throughout" in text.split("DRAFT generated")[0]


def test_the_period_package_holds_every_population_its_samples_and_the_reconstructed_day(
    type2_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import csv
    import io
    import shutil
    import zipfile

    ws = tmp_path / "ws"
    shutil.copytree(type2_workspace, ws, symlinks=True)
    period = load_config(ws).audit.period
    assert period is not None
    bounds = ("--from", period.start.isoformat(), "--to", period.end.isoformat())
    code, _, err = _run(capsys, "sample", "hires", *bounds, "--seed", "auditor-7", "--by", FOUNDER, "-w", str(ws))
    assert code == 0, err
    out = tmp_path / "period.zip"
    code, _, err = _run(capsys, "evidence", "export", "--period", "audit", "--out", str(out), "-w", str(ws))
    assert code == 0, err
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        index = z.read("index.html").decode()
        matrix = list(csv.DictReader(io.StringIO(z.read("deliverables/control-matrix.csv").decode())))
        hires = json.loads(z.read("period/populations/hires.json"))
        terminations = json.loads(z.read("period/populations/terminations.json"))
        changes = json.loads(z.read("period/populations/changes.json"))
        samples = json.loads(z.read("period/samples.json"))["samples"]
        view = json.loads(z.read("period/period.json"))
    from evidence_tracer.period.populations import POPULATIONS

    assert {f"period/populations/{n}.json" for n in POPULATIONS} <= names
    # the demo's two hires, one given production access before any background check
    assert hires["ipe"]["rows"] == 2 and any("no background check" in e for e in hires["ipe"]["exceptions"])
    # the leaver whose Okta account the scans still show active
    assert any("okta account seen active" in e for e in terminations["ipe"]["exceptions"])
    assert any("merged without an approval" in e for e in changes["ipe"]["exceptions"])
    (sample,) = samples
    assert sample["file"] in names and "auditor-7" in sample["note"] and sample["file"] in index
    (reconstructed,) = view["reconstructed"]
    assert reconstructed["label"].startswith("reconstructed from AWS Config on")
    assert reconstructed["counts"]["error"] == 0 and manifest["reconstructed_days"] == [reconstructed["day"]]
    assert any(n.startswith("period/reconstructions/reconstruction-") for n in names)
    gov04 = next(r for r in matrix if r["Control"] == "GOV-04")
    population_column = next(k for k in gov04 if k.lower().startswith("population"))
    sample_column = next(k for k in gov04 if k.lower().startswith("sample"))
    assert "period/populations/hires.json" in gov04[population_column]
    assert sample["file"] in gov04[sample_column]
    assert "period/populations/hires.json" in index
