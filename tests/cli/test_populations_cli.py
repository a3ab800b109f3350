"""`tracer populations` and `tracer sample` on the demo: exported with their IPE record and filed in the store's
chain; the same seed gives the same request list."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evidence_tracer.app.workspace import Workspace
from tests.cli.conftest import run_cli as _run

FOUNDER = "alice.founder@acme.example"
WIDE = ("--from", "2020-01-01", "--to", date.today().isoformat())


def test_populations_are_listed_exported_with_their_ipe_and_filed(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(copy_demo)
    code, out, _ = _run(capsys, "populations", "list")
    assert code == 0 and "terminations" in out and "AC-07" in out
    before = len(Workspace(copy_demo).manual_evidence(_now()))
    out_dir = copy_demo / "pop"
    code, out, err = _run(
        capsys, "populations", "export", "terminations", *WIDE, "--by", FOUNDER, "--out", str(out_dir), "-w", ws
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO((out_dir / f"population-terminations-{WIDE[1]}-{WIDE[3]}.csv").read_text())))
    ipe = json.loads((out_dir / f"population-terminations-{WIDE[1]}-{WIDE[3]}.ipe.json").read_text())
    assert (
        rows
        and ipe["rows"] == len(rows)
        and ipe["collected_by"] == FOUNDER
        and ipe["rerun"].startswith("tracer populations export")
    )
    filed = list(Workspace(copy_demo).manual_evidence(_now()))[before:]
    assert len(filed) == 1 and filed[0].control == "AC-07" and ipe["rows_sha256"] in (filed[0].note or "")
    code, _, err = _run(capsys, "populations", "export", "nope", *WIDE, "--by", FOUNDER, "-w", ws)
    assert code == 2 and "the populations are:" in err


def test_the_same_seed_gives_the_same_sample_and_its_request_list(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(copy_demo)
    first, second = copy_demo / "s1", copy_demo / "s2"
    for out in (first, second):
        code, printed, err = _run(capsys, "sample", "acknowledgments", *WIDE, "--seed", "kpmg-2027", "--by", FOUNDER,
                                  "--out", str(out), "-w", ws)  # fmt: skip
        assert code == 0, err
    name = f"sample-acknowledgments-{WIDE[1]}-{WIDE[3]}.csv"
    assert (first / name).read_bytes() == (second / name).read_bytes()
    rows = list(csv.DictReader(io.StringIO((first / name).read_text())))
    assert rows and all(r["evidence needed"] and r["already in the store"] for r in rows)
    assert "population table" in printed
    code, printed, _ = _run(
        capsys, "sample", "acknowledgments", *WIDE, "--seed", "kpmg-2027", "--size", "2", "--by", FOUNDER, "-w", ws
    )
    assert code == 0 and "2 of" in printed


def _now() -> datetime:
    return datetime.now(UTC)
