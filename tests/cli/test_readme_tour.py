"""The README's tour, run top to bottom as written: each line of its first shell block, in a fresh folder, against
the session's moto server (the only change: the AWS endpoint, in the environment). A line that fails, or a tour
that needs a step it does not show, fails this test."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from evidence_tracer.cli.app import main
from tests.cli.conftest import fake_aws_env

README = Path(__file__).resolve().parents[2] / "README.md"


def tour() -> list[list[str]]:
    """The commands of the tour's shell block (comments dropped), each a `tracer …` line."""
    text = README.read_text()
    block = text.split("## A tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    assert commands and all(c[0] == "tracer" for c in commands), commands
    return [c[1:] for c in commands]


def test_the_readme_tour_runs_top_to_bottom_as_written(
    moto_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in [k for k in os.environ if k.startswith(("AWS_", "MOTO_"))]:
        monkeypatch.delenv(key)
    for key, value in fake_aws_env(moto_server).items():
        if key.startswith(("AWS_", "MOTO_")):
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    # The one file the tour names that the user brings: the minutes it files as evidence.
    (tmp_path / "board-minutes.pdf").write_bytes(b"%PDF-1.4 minutes of the 2026 security programme review\n" * 4)
    steps = tour()
    assert [s[0] for s in steps[:2]] == ["init", "scan"] and steps[-1][:2] == ["evidence", "export"]
    for argv in steps:
        with pytest.raises(SystemExit) as done:
            main(argv)
        out = capsys.readouterr()
        assert (done.value.code or 0) == 0, (argv, out.out[-2000:], out.err[-2000:])
    assert (tmp_path / "package.zip").is_file() and (tmp_path / "readiness.html").is_file()
    assert (tmp_path / "deliverables" / "control-matrix.xlsx").is_file()
