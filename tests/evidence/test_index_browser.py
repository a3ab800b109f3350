"""The package's index.html, opened offline in headless Chromium as an auditor would."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evidence_tracer.app.auditpack.export import export_package
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.evidence.store import EvidenceStore
from tests.browser import dump_dom, screenshot
from tests.evidence.samples import scan

pytestmark = pytest.mark.browser


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "section" and values.get("class") == "criterion":
            self.sections.append(str(values.get("id")))


def test_index_maps_criteria_to_controls_findings_and_evidence(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "ws")
    result, records = scan(datetime(2026, 11, 1, tzinfo=UTC))
    store.save_scan(result, records)
    memo = tmp_path / "q3 review.csv"
    memo.write_text("user,decision,reviewer\nalice,keep,cto@acme.io\n")
    store.add_manual(
        resolve_target("AC-06"), memo, "Q3 access review", "jane@acme.io", now=datetime(2026, 10, 2, tzinfo=UTC)
    )
    out = tmp_path / "pkg"
    export_package(
        Workspace(store.workspace, require=False, config=WorkspaceConfig()),
        date(2026, 11, 2),
        out,
        {"AC-06": "jane@acme.io"},
    )

    dom = dump_dom(out / "index.html")
    parser = Links()
    parser.feed(dom)
    assert len(parser.sections) == 33  # every Security criterion, evidenced or not
    local = [h for h in parser.hrefs if not h.startswith("#")]
    assert local, "no evidence links rendered"
    for href in local:
        assert (out / href).is_file(), href
    anchors = {h[1:] for h in parser.hrefs if h.startswith("#")}
    assert anchors == set(parser.sections)
    text = re.sub(r"<[^>]+>", " ", dom)
    assert "AC-06 · Periodic access reviews" in text and "Owner: jane@acme.io" in text
    assert "q3 review.csv" in text and "iam:GetAccountSummary" in text
    assert "not a SOC 2 report" in text and "compliant" not in text.lower()
    shot = screenshot(out / "index.html", tmp_path / "index.png")
    assert shot.stat().st_size > 20_000  # something was drawn
