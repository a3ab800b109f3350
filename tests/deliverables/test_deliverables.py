"""The Type 1 deliverables, each read back the way its reader opens it: the XLSX with openpyxl, the system
description in headless Chromium, the CSVs with the csv module."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from evidence_tracer.catalog.controls import controls
from evidence_tracer.deliverables.assertion import management_assertion
from evidence_tracer.deliverables.build import deliverable_files
from evidence_tracer.governance.registers import IncidentRecord, IncidentSeverity, IncidentsFile
from evidence_tracer.readiness import assess
from tests.browser import dump_dom
from tests.governance.test_overdue import healthy
from tests.test_readiness import FULL, NOW, inputs, manual_for_everything

AS_OF = date(2026, 11, 22)
HOSTILE_OWNER = '=HYPERLINK("http://evil.example")@acme.io'


def _files(**changes: Any) -> dict[str, bytes]:
    r = assess(inputs(**changes))
    registers = replace(
        healthy(),
        incidents=IncidentsFile(
            incidents=(
                IncidentRecord(
                    id="INC-001",
                    title="Phishing mail reported",
                    severity=IncidentSeverity.SEV3,
                    detected=AS_OF - timedelta(days=30),
                    resolved=AS_OF - timedelta(days=29),
                    owner="a@acme.io",
                ),
            )
        ),
    )
    ipe = {
        "populations": [
            {
                "service": "s3",
                "operation": "ListBuckets",
                "account": "111122223333",
                "region": "us-east-1",
                "parameters": {},
                "pages": 1,
                "rows": {"Buckets": 4},
                "complete": True,
                "errors": [],
                "evidence_ids": ["e1"],
            }
        ]
    }
    return deliverable_files(r, FULL, registers, AS_OF, ipe)


def test_the_xlsx_matrix_reads_back_with_one_row_per_in_scope_control() -> None:
    book = load_workbook(io.BytesIO(_files()["control-matrix.xlsx"]))
    sheet = book["Control matrix"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Criteria", "Criteria text", "Control"] and "Last evidenced (UTC)" in header
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    in_scope = {cid for cid, c in controls().items() if any(k.startswith("CC") for k in c.criteria)}
    assert {r["Control"] for r in rows} == in_scope and len(rows) == len(in_scope)
    ac01 = next(r for r in rows if r["Control"] == "AC-01")
    assert ac01["Frequency"] == "continuous" and ac01["Type"] == "preventive"
    assert ac01["Automated / manual"] == "automated + manual" and "iam_user_console_mfa" in str(
        ac01["Automated checks"]
    )
    assert ac01["Status"] == "evidenced" and ac01["Credit %"] == 100 and ac01["Owner"] == "jane@acme.io"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert sheet.column_dimensions["E"].width >= 50 and sheet["A1"].font.bold
    pbc = book["Requests (PBC)"]
    assert [c.value for c in pbc[1]][:4] == ["Request", "Criteria", "Control", "What the auditor asks for"]


def test_strings_that_look_like_formulas_stay_text() -> None:
    hostile = FULL.model_copy(update={"owners": {**FULL.owners, "AC-01": HOSTILE_OWNER}})
    book = load_workbook(io.BytesIO(_files(config=hostile)["control-matrix.xlsx"]))
    cell = next(row[5] for row in book["Control matrix"].iter_rows(min_row=2) if row[2].value == "AC-01")
    assert cell.value == HOSTILE_OWNER and cell.data_type == "s"
    rows = list(csv.reader(io.StringIO(_files(config=hostile)["control-matrix.csv"].decode())))
    assert all(not c.startswith(("=", "+", "-", "@")) for row in rows for c in row)


def test_the_request_list_says_what_is_provided_missing_or_stale() -> None:
    def statuses(files: dict[str, bytes]) -> dict[tuple[str, str], str]:
        rows = csv.DictReader(io.StringIO(files["request-list.csv"].decode()))
        return {(r["Control"], r["What the auditor asks for"]): r["Status"] for r in rows}

    everything = statuses(_files())
    assert everything[("GOV-02", "Minutes or memo of the latest annual security programme review")] == "provided"
    assert any(
        k[0] == "" and k[1].startswith("s3 populations (Buckets 4)") and v == "provided" for k, v in everything.items()
    )
    nothing = statuses(_files(manual=()))
    assert nothing[("GOV-02", "Minutes or memo of the latest annual security programme review")] == "missing"
    old = tuple(replace(m, collected_at=NOW - timedelta(days=400)) for m in manual_for_everything())
    assert (
        statuses(_files(manual=old))[("GOV-02", "Minutes or memo of the latest annual security programme review")]
        == "stale"
    )
    rows = list(csv.DictReader(io.StringIO(_files()["request-list.csv"].decode())))
    gov02 = next(r for r in rows if r["Control"] == "GOV-02")
    assert gov02["Where in the package"].startswith("CC1.2-") and "manual-m" in gov02["Where in the package"]


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.prompts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("class") == "dc":
            self.sections.append(str(values.get("id")))
        if values.get("class") == "prompt":
            self.prompts += 1


@pytest.mark.browser
def test_the_system_description_has_the_nine_description_criteria_in_chromium(tmp_path: Path) -> None:
    files = _files()
    page = tmp_path / "system-description.html"
    page.write_bytes(files["system-description.html"])
    parser = _Sections()
    dom = dump_dom(page)
    parser.feed(dom)
    assert [x for x in parser.sections if x.startswith("DC")] == [f"DC{i}" for i in range(1, 10)]
    assert parser.prompts >= 3
    assert "DRAFT for management" in dom and "INC-001 (sev3" not in dom  # a sev3 is not a DC4 incident
    assert "s3:ListBuckets → Buckets" in dom  # the scanned populations, in the appendix
    assert "Physical and environmental security" in dom and "AWS" in dom  # DC7 carves AWS out
    assert "Every criterion of the categories in scope is relevant" in dom  # DC8
    text = files["system-description.md"].decode()
    headings = [line for line in text.splitlines() if line.startswith("## DC")]
    assert len(headings) == 9 and headings[0] == "## DC1. Types of services provided"


def test_the_management_assertion_names_company_date_and_categories() -> None:
    text = management_assertion("Acme <Labs>", ("security", "availability"), AS_OF)
    assert "Acme &lt;Labs&gt;'s [PROMPT: system name]" in text and "as of 2026-11-22" in text
    assert "relevant to Security and Availability (applicable" in text and "DC section 200" in text
    assert "not the tool" in text and "compliant" not in text.lower()


def _description(**changes: Any) -> str:
    return _files(**changes)["system-description.md"].decode()


def test_the_request_list_is_one_request_per_control_and_per_service_population() -> None:
    rows = list(csv.DictReader(io.StringIO(_files()["request-list.csv"].decode())))
    controls_rows = [r for r in rows if r["Control"]]
    assert len({r["Control"] for r in controls_rows}) == len(controls_rows)  # one each
    assert [r for r in rows if r["Kind"] == "population"] == [r for r in rows if not r["Control"]]
    assert len(rows) < 80
    gov07 = next(r for r in rows if r["Control"] == "GOV-07")
    assert gov07["Status"] == "provided" and "governance/policies/approvals.json" in gov07["Where in the package"]


def test_dc7_lists_subservice_organisations_only_and_aws_is_carved_out_by_default() -> None:
    from evidence_tracer.deliverables.system_description import describe
    from evidence_tracer.governance.registers import VendorRecord, VendorsFile

    vendors = VendorsFile(
        vendors=(
            VendorRecord(name="Linear", purpose="issue tracking"),
            VendorRecord(
                name="Neon", purpose="managed Postgres", data_received="all", subservice=True, csocs=("backups",)
            ),
        )
    )
    r = assess(inputs())
    d = describe(r, FULL, replace(healthy(), vendors=vendors), AS_OF)
    dc7 = next(x for x in d.sections if x.id == "DC7")
    text = " ".join(dc7.items)
    assert "Amazon Web Services (AWS)" in text and "Physical and environmental security" in text
    assert "Neon: managed Postgres. Relied on for: backups" in text and "Linear" not in text


def test_dc8_dc9_and_dc4_say_what_the_description_criteria_ask() -> None:
    from evidence_tracer.config import parse_config
    from evidence_tracer.deliverables.system_description import describe

    text = _description()
    assert "Every criterion of the categories in scope is relevant" in text
    assert "Not applicable: this is a description as of a point in time (Type 1)" in text
    assert "Joined:" not in text
    assert "No significant incidents are recorded" in text and "Phishing mail" not in text  # a sev3 is not DC4
    config = FULL.model_copy(
        update={"scope": parse_config("scope: {not_relevant: {CC9.2: 'no vendors hold customer data'}}", "t").scope}
    )
    d = describe(assess(inputs(config)), config, healthy(), AS_OF)
    dc8 = next(x for x in d.sections if x.id == "DC8")
    assert dc8.items == ("CC9.2 " + dc8.items[0].split(" ", 1)[1],) and "no vendors hold customer data" in dc8.items[0]
    for section in ("Control environment", "Risk assessment", "Information and communication", "Monitoring activities"):
        assert f"## {section}: " in text
    assert "## Appendix A: " in text and "s3:ListBuckets" in text


def test_the_assertion_is_dated_at_the_report_date_and_says_do_not_sign_while_a_critical_gap_is_open() -> None:
    from evidence_tracer.models import Finding, Severity, Status
    from tests.test_readiness import passing_scan, scan

    clean = _files()["management-assertion.md"].decode()
    assert "DO NOT SIGN" not in clean and f"as of {AS_OF}" in clean
    root = Finding("iam_root_mfa", Status.FAIL, Severity.CRITICAL, ("CC6.1",), "root", "global", "1", "no MFA", "x")
    open_gap = _files(scan=scan(*passing_scan().findings, root))["management-assertion.md"].decode()
    assert "DO NOT SIGN YET" in open_gap and "1 critical gap(s) are open" in open_gap


def test_the_matrix_has_risks_key_controls_test_procedures_complementary_controls_and_samples() -> None:
    rows = list(csv.DictReader(io.StringIO(_files()["control-matrix.csv"].decode())))
    for column in ("Risks addressed", "Key control", "Test procedure", "CUEC / CSOC", "Population (Type 2)"):
        assert column in rows[0]
    by_id = {r["Control"]: r for r in rows}
    assert by_id["AC-01"]["Test procedure"].startswith("Inquire of the owner")
    assert "CUEC 1" in by_id["AC-01"]["CUEC / CSOC"]
    assert any(r["Key control"] == "yes" for r in rows) and any(r["Key control"] == "no" for r in rows)
    assert by_id["RISK-01"]["Sample (Type 2; a Type 1 tests one instance)"] == "1"
