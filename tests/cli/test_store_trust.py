"""The store proves itself before any view uses it: attacks on a copy of the demo workspace, each reproduced
first as the attacker would do it, then shown to hold."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from evidence_tracer.cli.app import main
from evidence_tracer.evidence.blobs import BlobStore


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _percent(out: str) -> int:
    found = re.search(r"(\d+)% SOC 2-aligned", out)
    assert found, out
    return int(found.group(1))


def _forge_an_all_pass_latest_scan(ws: Path) -> str:
    """H1 as found: one INSERT into index.sqlite (the triggers block only UPDATE and DELETE) adds a later scan
    whose every failure passes, its content a well-formed blob in the store."""
    index = ws / ".tracer" / "index.sqlite"
    db = sqlite3.connect(index)
    db.row_factory = sqlite3.Row
    real = db.execute("SELECT * FROM scans ORDER BY finished_at DESC LIMIT 1").fetchone()
    blobs = BlobStore(ws / ".tracer" / "blobs")
    stored = json.loads(blobs.read(real["result_sha256"]))
    for finding in stored["findings"]:
        if finding["status"] == "fail":
            finding["status"] = "pass"
    stored["scan"]["id"] = forged = "29991231T000000Z-forged00"
    digest = blobs.put(json.dumps(stored).encode())
    row = dict(real) | {"id": forged, "finished_at": "2026-12-31T23:00:00Z", "result_sha256": digest}
    db.execute(f"INSERT INTO scans ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    db.commit()
    db.close()
    return forged


def test_an_inserted_scan_row_changes_no_figure_and_blocks_the_package(
    copy_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0
    honest = _percent(out)
    forged = _forge_an_all_pass_latest_scan(copy_demo)

    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0 and _percent(out) == honest and forged not in out
    assert f"scans row {forged} is in the index but not in the history" in err.replace("\n", " ")
    assert "read from the history" in err

    code, out, err = _cli(capsys, "scans", "-w", str(copy_demo))
    assert forged not in out

    package = tmp_path / "package.zip"
    code, _, err = _cli(capsys, "evidence", "export", "--out", str(package), "-w", str(copy_demo))
    assert code == 2 and "fails verification" in err and "Nothing was exported or signed" in err
    assert not package.exists()

    code, out, _ = _cli(capsys, "evidence", "verify", "-w", str(copy_demo))
    assert code == 1 and f"scans row {forged} is in the index but not in the history" in out.replace("\n", " ")


def test_an_edited_row_behind_dropped_triggers_is_caught_too(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "status", "-w", str(copy_demo))
    honest = _percent(out)
    forged = _forge_an_all_pass_latest_scan(copy_demo)
    db = sqlite3.connect(copy_demo / ".tracer" / "index.sqlite")
    digest = db.execute("SELECT result_sha256 FROM scans WHERE id = ?", (forged,)).fetchone()[0]
    db.executescript("DROP TRIGGER scans_append_only_u; DROP TRIGGER scans_append_only_d;")
    db.execute("DELETE FROM scans WHERE id = ?", (forged,))
    db.execute("UPDATE scans SET result_sha256 = ? WHERE finished_at = (SELECT MAX(finished_at) FROM scans)", (digest,))
    db.commit()
    db.close()
    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0 and _percent(out) == honest  # the real latest scan, as the history holds it
    assert "in the index differs from the history (edited)" in err.replace("\n", " ")
    code, out, _ = _cli(capsys, "evidence", "verify", "--rebuild-index", "-w", str(copy_demo))
    assert code == 0, out
    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert _percent(out) == honest and "warning" not in err
