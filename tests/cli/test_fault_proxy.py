"""Faults through a real HTTP proxy on 127.0.0.1 in front of moto's server: a proxy's login page with
status 200, a body that is not UTF-8, a hanging endpoint — each an `error` for the affected checks while
the scan goes on, and a hang costs what the timeouts say, not minutes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from evidence_tracer.checks.registry import CheckContext, evaluate
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Status
from evidence_tracer.sources.aws.session import AwsContext, Timeouts
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import Scope
from tests.checks.builders import NOW
from tests.cli.conftest import fake_aws_env
from tests.proxy import Answer, LoopbackProxy, Rule

HTML = b"<!doctype html><html><body>Please sign in to the corporate proxy</body></html>"


def _when(operation: str, answer: Answer) -> Rule:
    def rule(method: str, path: str, headers: dict[str, str], body: bytes) -> Answer | None:
        target = headers.get("X-Amz-Target", "")
        rest_call = operation == "ListDetectors" and method == "GET" and path.startswith("/detector")
        if f"Action={operation}" in body.decode("latin-1") or target.endswith(f".{operation}") or rest_call:
            return answer
        return None

    return rule


@pytest.fixture
def through(moto_server: str) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(fake_aws_env())
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _scan(proxy: LoopbackProxy, timeouts: Timeouts | None = None) -> tuple[Inventory, float]:
    os.environ["AWS_ENDPOINT_URL"] = proxy.endpoint
    started = time.perf_counter()
    source = AwsSource(
        AwsSettings(organization="never"),
        AwsContext(region="us-east-1", timeouts=timeouts or Timeouts(max_attempts=1)),
    )
    only = {"ec2.security_groups", "logs.log_groups", "guardduty.detectors", "cloudtrail.trails"}
    return Inventory(source.collect(Scope.of(["us-east-1"], only)).parts), time.perf_counter() - started


@pytest.mark.parametrize(
    ("operation", "answer", "check_id"),
    [
        ("DescribeSecurityGroups", Answer(200, HTML), "ec2_sg_open_admin_ports"),
        ("DescribeLogGroups", Answer(200, HTML, "application/x-amz-json-1.1"), "logs_retention"),
        (
            "DescribeLogGroups",
            Answer(200, b"\xff\xfe\x00\x81 not utf-8", "application/x-amz-json-1.1"),
            "logs_retention",
        ),
        ("DescribeTrails", Answer(200, b"\xff\xfe\x00\x81", "application/x-amz-json-1.1"), "cloudtrail_multi_region"),
    ],
)
def test_wrong_shaped_answers_through_a_proxy_are_errors(
    through: None, moto_server: str, operation: str, answer: Answer, check_id: str
) -> None:
    proxy = LoopbackProxy(int(moto_server.rsplit(":", 1)[1]), rule=_when(operation, answer))
    try:
        inventory, _ = _scan(proxy)
    finally:
        proxy.close()
    findings = evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))
    mine = [f for f in findings if f.check_id == check_id]
    assert mine and {f.status for f in mine} == {Status.ERROR}, [(f.status, f.message) for f in mine]
    assert any(f.check_id == "guardduty_enabled" and f.status is Status.PASS for f in findings)  # the rest went on


def test_a_hanging_endpoint_costs_what_the_timeouts_allow(through: None, moto_server: str) -> None:
    proxy = LoopbackProxy(
        int(moto_server.rsplit(":", 1)[1]),
        rule=_when("ListDetectors", Answer(200, b"{}", "application/json", hang_seconds=6)),
    )
    try:
        inventory, elapsed = _scan(proxy, Timeouts(connect_seconds=1, read_seconds=1, max_attempts=2))
    finally:
        proxy.close()
    findings = evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))
    [guardduty] = [f for f in findings if f.check_id == "guardduty_enabled"]
    assert guardduty.status is Status.ERROR and "Timeout" in guardduty.message
    assert elapsed < 6  # two attempts of one second each (plus backoff), not the six-second hang
    assert any(f.check_id == "ec2_sg_open_admin_ports" and f.status is not Status.ERROR for f in findings)
