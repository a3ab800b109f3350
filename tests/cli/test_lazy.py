"""The command table (cli/lazy.py) and the commands it loads stay in step, and `tracer --help` loads none of them."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from evidence_tracer.cli.app import app
from evidence_tracer.cli.lazy import COMMANDS, Lazy

# What only some commands need; the listing of commands needs none of it (nor any command's own module).
HEAVY = ("boto3", "botocore", "openpyxl", "jinja2", "httpx", "starlette", "uvicorn", "cryptography", "yaml")


def first_sentence(text: str) -> str:
    return re.split(r"(?<=\.)\s", re.sub(r"\s+", " ", text.strip()), maxsplit=1)[0]


def flat(panel: str) -> str:
    """Help as one line of words: any panel borders gone, wrapped rows joined (also where a row broke after a
    hyphen, as click's wrapping does)."""
    return re.sub(r"(?<=\w-) ", "", re.sub(r"\s+", " ", re.sub("[│╭╮╰╯─]", " ", panel)))


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda e: e.name)
def test_each_entry_loads_its_command_and_summarises_its_help(entry: Lazy) -> None:
    command = entry.load()
    assert command.name == entry.name
    assert entry.summary == first_sentence(command.help or ""), "the summary is the first sentence of the help"


def test_the_table_names_each_command_once_and_the_root_lists_them_all() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    root = typer.main.get_command(app)
    listed = root.list_commands(typer.Context(root))  # type: ignore[attr-defined]
    assert listed[: len(names)] == names
    assert set(listed) - set(names) == {"version"}


def test_the_listing_shows_every_summary() -> None:
    out = flat(CliRunner().invoke(app, ["--help"]).stdout)
    for entry in COMMANDS:
        assert f" {entry.name} {entry.summary}" in out, entry.name


def test_help_loads_no_command_module_and_no_heavy_library() -> None:
    probe = (
        "import json, sys\n"
        "from evidence_tracer.cli.entry import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Commands" in done.stdout
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    commands = {f"evidence_tracer.cli.{c.target.partition(':')[0]}" for c in COMMANDS}
    assert not loaded & commands
    assert not {m for m in loaded if m.startswith("evidence_tracer.app")}


def test_a_command_runs_and_shows_its_whole_help_when_asked() -> None:
    out = CliRunner().invoke(app, ["deliverables", "--help"])
    assert out.exit_code == 0
    assert "and the management assertion draft." in flat(out.stdout) and "--bridge-letter" in out.stdout


def test_an_unknown_command_is_a_usage_error() -> None:
    out = CliRunner().invoke(app, ["stauts"])
    assert out.exit_code == 2
    assert "No such command" in out.output
