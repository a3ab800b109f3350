"""The README's checks table is the catalog's, generated; it cannot drift."""

from __future__ import annotations

from pathlib import Path

from evidence_tracer.report.checks_table import checks_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_checks_table_is_the_catalog() -> None:
    text = README.read_text()
    section = text.split("<!-- checks:begin -->\n", 1)[1].split("<!-- checks:end -->", 1)[0]
    assert section == checks_table()
