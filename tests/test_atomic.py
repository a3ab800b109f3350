"""Crash-safe replacement: whole text, bytes or text in pieces; a failure midway keeps the old file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence_tracer.atomic import write_atomic


def test_text_bytes_and_pieces_are_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    write_atomic(target, "é\n")
    assert target.read_text(encoding="utf-8") == "é\n"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    write_atomic(target, (f"line {n} é\n" for n in range(20_000)))
    assert target.read_text(encoding="utf-8").splitlines()[-1] == "line 19999 é"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]


def test_pieces_that_fail_midway_leave_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n")

    def pieces() -> Iterator[str]:
        yield "new, half"
        raise RuntimeError("the renderer broke")

    with pytest.raises(RuntimeError):
        write_atomic(target, pieces())
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["report.json"]
