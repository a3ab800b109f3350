"""The benchmarks stay runnable: each one's options parse, and the Prowler harness says how to get a Prowler."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = sorted(
    p.stem for p in (Path(__file__).parents[1] / "benchmarks").glob("*.py") if not p.stem.startswith("_")
)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_every_benchmark_answers_help(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = importlib.import_module(f"benchmarks.{name}")
    monkeypatch.setattr(sys, "argv", [name, "--help"])
    with pytest.raises(SystemExit) as done:
        module.main()
    assert done.value.code == 0 and "usage:" in capsys.readouterr().out


def test_the_prowler_harness_without_prowler_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import prowler_side_by_side

    monkeypatch.setattr(sys, "argv", ["prowler_side_by_side", "--prowler", str(tmp_path / "absent")])
    with pytest.raises(SystemExit) as done:
        prowler_side_by_side.main()
    assert done.value.code == 2 and "pip install prowler" in capsys.readouterr().err
