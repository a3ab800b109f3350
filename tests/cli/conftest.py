from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def fake_aws_env(endpoint: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        MOTO_EC2_LOAD_DEFAULT_AMIS="false",
        COLUMNS="200",
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env


def tracer(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real console command in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "evidence_tracer", *args],
        capture_output=True,
        text=True,
        env=env or fake_aws_env(),
        cwd=cwd,
        input=stdin,
        timeout=300,
    )


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The console entry point in this process, as a test under pytest's capture calls it: (exit code, stdout,
    stderr). It always ends in SystemExit, as the command does."""
    from evidence_tracer.cli.app import main

    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


def tracer_in_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The console command run in this process (the CLI flows' fast path): its environment for the duration, its
    stdout and stderr captured, its exit code returned, as `tracer` would give them."""
    import contextlib
    import io

    from evidence_tracer.cli.app import main

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env or fake_aws_env())
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as done:
                code = done.code
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(
        list(args), int(code or 0) if not isinstance(code, str) else 1, out.getvalue(), err.getvalue()
    )
