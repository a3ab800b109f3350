from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from evidence_tracer.sources.aws.demo_account import seed_demo_account


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


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's threaded server on a free loopback port, seeded once with the demo account (its backends
    are this process's, so there is one per test session)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(fake_aws_env(endpoint))
    try:
        seed_demo_account()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `tracer demo` workspace per session (in a child process: the demo's in-process moto must not reset
    the session server's backends). Tests that change it work on a copy (`copy_demo`)."""
    ws = tmp_path_factory.mktemp("demo") / "ws"
    out = tracer("demo", "--out", str(ws), env=fake_aws_env("http://127.0.0.1:9"))
    assert out.returncode == 0, out.stderr
    return ws


@pytest.fixture
def copy_demo(demo_workspace: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def type2_workspace(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's demo with the Type 2 period `tracer demo --type2` adds (the same function, on a copy, in a
    child process: its reconstructed day runs moto in process, which must not reset the session server's
    backends): ~90 days of daily scans with a deviation answered, a gap fixed in time, an outage with its first
    day rebuilt from AWS Config, hires and a missed access review. (test_scan_cli runs `tracer demo --type2`.)"""
    import shutil

    ws = tmp_path_factory.mktemp("demo2") / "ws"
    shutil.copytree(demo_workspace, ws, symlinks=True)
    code = (
        "import sys; from pathlib import Path; from evidence_tracer.app.demo_period import add_period; "
        "from evidence_tracer.app.demo_records import FOUNDER; from evidence_tracer.app.workspace import Workspace; "
        "add_period(Workspace(Path(sys.argv[1])), FOUNDER)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ws)], capture_output=True, text=True, env=fake_aws_env(), timeout=300
    )
    assert done.returncode == 0, done.stderr
    return ws
