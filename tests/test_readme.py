"""The README's checks table is the catalog's, generated; it cannot drift."""

from __future__ import annotations

from pathlib import Path

from evidence_tracer.report.checks_table import checks_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_checks_table_is_the_catalog() -> None:
    text = README.read_text()
    section = text.split("<!-- checks:begin -->\n", 1)[1].split("<!-- checks:end -->", 1)[0]
    assert section == checks_table()


def test_every_generated_document_is_up_to_date() -> None:
    """Each source's permissions document under docs/ and the README's checks table are what
    scripts/generate_docs.py writes from the declarations."""
    import subprocess
    import sys

    script = README.parent / "scripts" / "generate_docs.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
