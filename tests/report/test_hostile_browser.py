"""Hostile strings (from AWS and from users) opened in headless Chromium in every HTML page we ship: the gap
report, the readiness report and the auditor package's index. Nothing runs, nothing is reordered, the text
is shown as text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evidence_tracer.app.auditpack.export import export_package
from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.app.workspace import Workspace, workspace_readiness
from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.governance.registers import Registers, VendorRecord, VendorsFile
from evidence_tracer.models import Finding, ScanResult, Severity, Status
from evidence_tracer.report import Format, render
from evidence_tracer.report.readiness import render_readiness
from tests.browser import dump_dom
from tests.evidence.samples import ACCOUNT, scan

pytestmark = pytest.mark.browser

PAYLOAD = (
    "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"
    "\u202eevil\u202c [/] =cmd|' /C calc'!A0"
)
NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes |= {name for name, _ in attrs}
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.title += data


def _inert(dom: str, page: str) -> None:
    parsed = _Dom()
    parsed.feed(dom)
    assert parsed.title.strip() != "pwned", page  # no script of theirs ran (it would set exactly that)
    assert "img" not in parsed.tags and "onerror" not in parsed.attributes, page  # no element made from text
    assert parsed.tags.count("script") == 0, page
    text = "".join(parsed.text)
    assert "<script>document.title='pwned'</script>" in text, page  # shown as text
    assert "\u202e" not in text, page  # no reordering


def _hostile_scan() -> tuple[ScanResult, list]:  # type: ignore[type-arg]
    result, records = scan(NOW)
    finding = Finding(
        "ec2_sg_open_admin_ports",
        Status.FAIL,
        Severity.HIGH,
        ("CC6.6",),
        PAYLOAD,
        "us-east-1",
        ACCOUNT,
        f"security group {PAYLOAD} is open",
        f"aws ec2 revoke --group-name '{PAYLOAD}'",
        (records[0].record_id,),
    )
    return ScanResult(result.scan, (*result.findings, finding)), records


def test_every_html_page_keeps_hostile_text_inert(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    create_workspace(ws, InitAnswers(company=PAYLOAD, owner="jane@acme.io"))
    Registers(ws).vendors.save(VendorsFile(vendors=(VendorRecord(name=PAYLOAD, purpose=PAYLOAD),)))
    store = EvidenceStore(ws)
    result, records = _hostile_scan()
    store.save_scan(result, records)
    memo = tmp_path / "review.md"
    memo.write_text(f"# Review\n\n{PAYLOAD}\n")
    store.add_manual(resolve_target("AC-06"), memo, PAYLOAD, "jane@acme.io", now=NOW)
    pages = {
        "gap report": tmp_path / "gap.html",
        "readiness": tmp_path / "readiness.html",
        "package index": tmp_path / "pkg" / "index.html",
    }
    pages["gap report"].write_text(render(result, Format.HTML), encoding="utf-8")
    pages["readiness"].write_text(render_readiness(workspace_readiness(ws, NOW), Format.HTML), encoding="utf-8")
    export_package(Workspace(ws), date(2026, 11, 2), tmp_path / "pkg", {})
    for name, page in pages.items():
        _inert(dump_dom(page), name)
