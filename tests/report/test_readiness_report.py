"""The readiness report: golden Markdown, JSON shape, and the HTML page in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from evidence_tracer.config import parse_config
from evidence_tracer.models import Finding, Severity, Status
from evidence_tracer.readiness import assess
from evidence_tracer.report import Format
from evidence_tracer.report.readiness import render_readiness
from tests.browser import dump_dom, print_pdf
from tests.test_readiness import inputs, scan

GOLDEN = Path(__file__).parent / "golden"


def sample() -> object:
    config = parse_config("company: {name: Acme <Labs>}\nowners: {AC: cto@acme.io, NET: cto@acme.io}\n", "t")
    bad = scan(
        Finding(
            "ec2_sg_open_admin_ports",
            Status.FAIL,
            Severity.HIGH,
            ("CC6.6",),
            "sg-1",
            "us-east-1",
            "1",
            "sg-1 opens SSH to 0.0.0.0/0 & more",
            "aws ec2 revoke-security-group-ingress --group-id sg-1",
        )
    )
    return assess(inputs(config, scan=bad, manual=()))


def test_markdown_golden() -> None:
    text = render_readiness(sample(), Format.MARKDOWN)  # type: ignore[arg-type]
    path = GOLDEN / "readiness.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_json_shape() -> None:
    data = json.loads(render_readiness(sample(), Format.JSON))  # type: ignore[arg-type]
    assert set(data) == {
        "generated_at",
        "company",
        "scope",
        "scan_id",
        "readiness_percent",
        "ready_for_audit",
        "disclaimer",
        "criteria",
        "gaps",
        "plan",
        "boundary_coverage",
        "signing_key",
        "history_head",
        "not_ready_because",
        "accepted_exceptions",
        "examination",
        "could_not_look",
        "plan_warnings",
    }
    assert data["ready_for_audit"] is False and 0 < data["readiness_percent"] < 100
    assert len(data["criteria"]) == 33 and len(data["plan"]) == 13
    assert data["gaps"][0]["severity"] in ("critical", "high")


def test_csv_is_refused() -> None:
    with pytest.raises(ValueError):
        render_readiness(sample(), Format.CSV)  # type: ignore[arg-type]


@pytest.mark.browser
def test_html_in_chromium_is_self_contained_and_printable(tmp_path: Path) -> None:
    page = tmp_path / "readiness.html"
    html = render_readiness(sample(), Format.HTML)  # type: ignore[arg-type]
    page.write_text(html)
    assert not re.search(r"(src|href)=\"(https?:)?//", html) and "<script" not in html
    dom = dump_dom(page)
    assert "Acme &lt;Labs&gt;" in dom and "0.0.0.0/0 &amp; more" in dom
    assert dom.count('class="criterion-row"') == 33 and dom.count('class="gap"') > 5
    assert "not yet ready for audit" in dom and "only a licensed CPA firm" in dom
    assert "compliant" not in re.sub(r"<[^>]+>", " ", dom).lower()
    pdf = print_pdf(page, tmp_path / "readiness.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = subprocess.run(
        [
            "python3",
            "-c",
            "import sys,re;d=open(sys.argv[1],'rb').read();print(len(re.findall(rb'/Type\\s*/Page[^s]', d)))",
            str(pdf),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert int(pages) >= 2  # a long report paginates instead of being cut off
