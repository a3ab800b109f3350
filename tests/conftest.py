from __future__ import annotations

import functools
import logging
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from evidence_tracer.sources.aws.demo_account import demo_environment, seed_demo_account
from evidence_tracer.sources.aws.moto_answers import teach_moto
from evidence_tracer.sources.aws.session import AwsContext
from tests.cli.conftest import fake_aws_env, tracer


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's in-process AWS with fake credentials; state is discarded after the test."""
    with demo_environment():
        yield


@pytest.fixture
def ctx(aws: None) -> AwsContext:
    return AwsContext(region="us-east-1")


S3_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def _atomic_conditional_puts() -> None:
    """S3 decides `If-None-Match: *` atomically; moto checks, then writes, and two threads can both pass the
    check. Its PutObject handler is serialised here so that the server answers as S3 documents."""
    from moto.s3.responses import S3Response

    if getattr(S3Response.put_object, "_tracer_atomic", False):
        return
    lock = threading.Lock()
    original = S3Response.put_object

    @functools.wraps(original)
    def put_object(self: Any) -> Any:
        with lock:
            return original(self)

    put_object._tracer_atomic = True  # type: ignore[attr-defined]
    S3Response.put_object = put_object  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's threaded S3 server on a free loopback port (real HTTP, real boto3)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    _atomic_conditional_puts()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_endpoint: str) -> Iterator[dict[str, str]]:
    env = {**S3_ENV, "AWS_ENDPOINT_URL": s3_endpoint}
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture
def locked_bucket(s3_env: dict[str, str]) -> Callable[..., str]:
    """A new bucket with versioning and Object Lock (COMPLIANCE, 400 days by default), as `tracer store init`
    makes it: returns its s3:// URL with a prefix."""
    import boto3

    def make(mode: str | None = "COMPLIANCE", days: int = 400) -> str:
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=mode is not None)
        if mode is not None:
            s3.put_object_lock_configuration(
                Bucket=name,
                ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": mode, "Days": days}},
                },
            )
        return f"s3://{name}/team/evidence"

    return make


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's threaded server on a free loopback port, seeded once with the demo account (its backends
    are this process's, so there is one per test session)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    teach_moto()
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
