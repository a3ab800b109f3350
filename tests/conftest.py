from __future__ import annotations

import functools
import logging
import os
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DemoRun:
    """A `tracer demo` run: the workspace it made and what the command printed."""

    workspace: Path
    out: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One `tracer demo` per session (in a child process: the demo's in-process moto must not reset the session
    server's backends). Tests that change its workspace work on a copy (`copy_demo`)."""
    ws = tmp_path_factory.mktemp("demo") / "ws"
    out = tracer("demo", "--out", str(ws), env=fake_aws_env("http://127.0.0.1:9"))
    assert out.returncode == 0, out.stderr
    return DemoRun(ws, out)


@pytest.fixture(scope="session")
def demo_workspace(demo_run: DemoRun) -> Path:
    return demo_run.workspace


@pytest.fixture
def copy_demo(demo_workspace: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "ws"
    shutil.copytree(demo_workspace, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def type2_run(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`tracer demo --type2` over a copy of the session's demo, which it replaces (in a child process: its
    reconstructed day runs moto in process, which must not reset the session server's backends): the demo with
    ~90 days of daily scans behind it, a deviation answered, a gap fixed in time, an outage with its first day
    rebuilt from AWS Config, hires and a missed access review."""
    import shutil

    ws = tmp_path_factory.mktemp("demo2") / "ws"
    shutil.copytree(demo_workspace, ws, symlinks=True)
    out = tracer("demo", "--type2", "--out", str(ws), env=fake_aws_env("http://127.0.0.1:9"))
    assert out.returncode == 0, out.stderr
    return DemoRun(ws, out)


@pytest.fixture(scope="session")
def type2_workspace(type2_run: DemoRun) -> Path:
    return type2_run.workspace
