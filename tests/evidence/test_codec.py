"""The store's own scan format: versioned, read back exactly, older report-format scans still readable, and a
finding's criteria and severity always today's catalog's."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.checks.registry import catalog_labels, specs
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence import codec
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.models import ScanResult, Severity
from evidence_tracer.report import json_report
from tests.evidence.samples import scan


def encode_scan(result: ScanResult) -> bytes:
    """The stored scan's bytes, as the store writes them piece by piece."""
    return "".join(codec.encode_scan_chunks(result)).encode("utf-8")


def _stale(result: ScanResult) -> ScanResult:
    """The same scan as an older catalog labelled it: other criteria, another severity."""
    return replace(
        result, findings=tuple(replace(f, criteria=("CC9.9",), severity=Severity.LOW) for f in result.findings)
    )


def test_a_scan_reads_back_exactly_in_the_stores_own_format() -> None:
    result, _ = scan()
    data = encode_scan(result)
    assert json.loads(data)["format"] == codec.FORMAT and "schema_version" not in json.loads(data)
    assert codec.decode_scan(data, None) == ScanResult(
        result.scan, tuple(sorted(result.findings, key=lambda f: (f.check_id, f.account, f.location, f.resource_id)))
    )


def test_the_stored_scan_and_the_json_report_list_findings_in_one_order() -> None:
    result, _ = scan()
    shuffled = replace(result, findings=tuple(reversed(result.findings)))
    stored = [(f["check_id"], f["location"], f["resource_id"]) for f in json.loads(encode_scan(shuffled))["findings"]]
    reported = [(f["check_id"], f["region"], f["resource_id"]) for f in json_report.to_dict(shuffled)["findings"]]
    assert len(stored) > 1 and stored == reported == [(f.check_id, f.location, f.resource_id) for f in result.ordered()]


def test_criteria_and_severity_come_from_todays_catalog() -> None:
    result, _ = scan()
    decoded = codec.decode_scan(encode_scan(_stale(result)), catalog_labels)
    for f in decoded.findings:
        assert (f.criteria, f.severity) == (specs()[f.check_id].criteria, specs()[f.check_id].severity)
    # A check the catalog no longer knows keeps what it was stored with.
    gone = replace(result, findings=(replace(result.findings[0], check_id="retired_check", criteria=("CC9.9",)),))
    [kept] = codec.decode_scan(encode_scan(gone), catalog_labels).findings
    assert kept.criteria == ("CC9.9",)


def test_scans_stored_as_the_json_report_are_still_read_and_relabelled() -> None:
    result, _ = scan()
    old = json_report.render(_stale(result)).encode()
    decoded = codec.decode_scan(old, catalog_labels)
    assert {f.resource_id for f in decoded.findings} == {f.resource_id for f in result.findings}
    assert all(f.criteria == specs()[f.check_id].criteria for f in decoded.findings)


@pytest.mark.parametrize(
    "data",
    [
        b'{"format": "evidence-tracer-scan/9", "scan": {}, "findings": []}',
        b'{"format": "evidence-tracer-scan/3", "scan": {"id": 1}}',
        b"not json",
    ],
)
def test_an_unreadable_stored_scan_is_one_clear_error(data: bytes) -> None:
    with pytest.raises(EvidenceError, match="stored scan"):
        codec.decode_scan(data, catalog_labels)


def test_every_view_of_a_stored_scan_agrees_with_the_catalog(tmp_path: Path) -> None:
    """Stored with an older catalog's labels, read through the workspace: today's criteria, today's severity."""
    result, records = scan()
    EvidenceStore(tmp_path).save_scan(_stale(result), records)
    read = Workspace(tmp_path, require=False).scan(result.scan.id)
    assert all(f.criteria == specs()[f.check_id].criteria and f.criteria != ("CC9.9",) for f in read.findings)
