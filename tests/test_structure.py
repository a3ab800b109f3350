"""The structure holds: layers one way down (scripts/import_graph.py), small modules, one place that opens
the store for the application."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "evidence_tracer"
MAX_LINES = 400


def test_the_import_graph_has_no_cycle_and_no_upward_arrow() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_graph.py")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "no cycle, no upward arrow" in done.stdout


def test_the_graph_script_fails_on_an_upward_arrow(tmp_path: Path) -> None:
    """The guard can fail: a storage module importing the readiness layer is refused (checked on a copy)."""
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    (copy / "scripts" / "import_graph.py").write_bytes((ROOT / "scripts" / "import_graph.py").read_bytes())
    package = copy / "src" / "evidence_tracer"
    for name in ("evidence", "readiness", "checks", "sources"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("")
    (package / "evidence" / "bad.py").write_text("from evidence_tracer.readiness import assess\n")
    (package / "checks" / "worse.py").write_text("import evidence_tracer.sources\n")
    done = subprocess.run(
        [sys.executable, str(copy / "scripts" / "import_graph.py")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "upward arrow evidence -> readiness (evidence/bad.py)" in done.stderr
    assert "checks imports sources (checks/worse.py)" in done.stderr


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def test_the_application_opens_the_store_in_one_place() -> None:
    """Only app/workspace.py constructs the store, with the catalog's labels: every view reads a stored finding
    through today's catalog."""
    opened = {
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "EvidenceStore(" in p.read_text().replace("class EvidenceStore(", "")
    }
    assert opened == {"app/workspace.py"}, opened
