"""`tracer history` on the demo workspace against moto (identity, regions) and the fake AWS Config endpoint
(history): a past day rebuilt, judged by the checks that need only what Config records, filed labelled
"reconstructed from AWS Config on DATE" — credited to no control and listed by no scan."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from evidence_tracer.app.history import reconstructable_checks, reconstructions
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.fakes.aws_config import FakeConfig, FakeItem, config_api
from evidence_tracer.fakes.server import serve
from evidence_tracer.sources.aws.demo_account import DEMO_REGIONS
from tests.cli.conftest import fake_aws_env, tracer_in_process

FOUNDER = "alice.founder@acme.example"
DAY = date.today() - timedelta(days=60)


def _item(vid: str, days_before: int, encrypted: bool) -> FakeItem:
    moment = datetime.combine(DAY, datetime.min.time(), UTC) - timedelta(days=days_before)
    arn = f"arn:aws:ec2:us-east-1:123456789012:volume/{vid}"
    return FakeItem("AWS::EC2::Volume", vid, moment, {"volumeId": vid, "encrypted": encrypted}, arn=arn)


@pytest.fixture
def config_env(moto_server: str) -> Iterator[tuple[FakeConfig, dict[str, str]]]:
    fake = FakeConfig(
        recorders={r: {"allSupported": True} for r in DEMO_REGIONS},
        items={"us-east-1": [_item("vol-old", 30, False), _item("vol-old", -10, True), _item("vol-ok", 5, True)]},
    )
    with serve(config_api(fake)) as api:
        yield fake, {**fake_aws_env(moto_server), "AWS_ENDPOINT_URL_CONFIG_SERVICE": api.base_url}


def test_a_past_day_is_rebuilt_judged_and_filed_apart_from_the_scans(
    copy_demo: Path, config_env: tuple[FakeConfig, dict[str, str]]
) -> None:
    _, env = config_env
    ws = Workspace(copy_demo)
    now = datetime.now(UTC)
    scans, score = len(ws.store.scans()), ws.readiness(now).percent
    out = tracer_in_process(
        "history", "AWS::EC2::Volume", "--at", DAY.isoformat(), "--by", FOUNDER, "-w", str(copy_demo), env=env
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"reconstructed from AWS Config on {DAY}" in out.stdout
    assert "1 pass, 1 fail, 0 could not look" in " ".join(out.stdout.split())
    ws = Workspace(copy_demo)
    (stored,) = reconstructions(ws, DAY - timedelta(days=1), DAY, datetime.now(UTC))
    assert stored.evidence.effective == DAY and stored.evidence.control is None  # credited to no control
    doc = stored.document
    assert doc["label"] == f"reconstructed from AWS Config on {DAY}" and doc["checks"] == ["ebs_volume_encrypted"]
    failed = [f for f in doc["findings"] if f["status"] == "fail"]
    assert [f["resource_id"].rsplit(":", 1)[-1] for f in failed] == ["volume/vol-old"]
    assert len(ws.store.scans()) == scans  # never mixed with observed scans
    assert ws.readiness(datetime.now(UTC)).percent == score
    calls = [i for i in ws.store.items() if i.service == "config" and i.operation == "GetResourceConfigHistory"]
    assert len(calls) == 2 and all(json.dumps(i.parameters).count("laterTime") for i in calls)


def test_a_region_without_a_recorder_makes_the_reconstruction_an_error(
    copy_demo: Path, config_env: tuple[FakeConfig, dict[str, str]]
) -> None:
    fake, env = config_env
    del fake.recorders["eu-west-1"]
    out = tracer_in_process(
        "history", "AWS::EC2::Volume", "--at", DAY.isoformat(), "--by", FOUNDER, "-w", str(copy_demo), env=env
    )
    assert out.returncode == 1 and "1 could not look" in out.stdout
    (stored,) = reconstructions(Workspace(copy_demo), DAY, DAY, datetime.now(UTC))
    (error,) = [f for f in stored.document["findings"] if f["status"] == "error"]
    assert error["location"] == "eu-west-1" and "no configuration recorder in eu-west-1" in error["message"]
    assert stored.document["counts"] == {"pass": 1, "fail": 1, "error": 1}


def test_the_timeline_lists_each_recorded_change_and_refuses_unknown_types(
    copy_demo: Path, config_env: tuple[FakeConfig, dict[str, str]]
) -> None:
    _, env = config_env
    since = (DAY - timedelta(days=40)).isoformat()
    out = tracer_in_process("history", "AWS::EC2::Volume", "--since", since, "-w", str(copy_demo), env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("vol-old") == 2 and "vol-ok" in out.stdout
    out = tracer_in_process("history", "AWS::S3::Bucket", "-w", str(copy_demo), env=env)
    assert out.returncode != 0 and "AWS::S3::Bucket" in out.stderr and "AWS::EC2::Volume" in out.stderr
    out = tracer_in_process("history", "AWS::EC2::Volume", "--at", DAY.isoformat(), "-w", str(copy_demo), env=env)
    assert out.returncode != 0 and "--by" in out.stderr


def test_the_rds_checks_need_both_rds_types() -> None:
    assert "rds_not_publicly_accessible" in reconstructable_checks(["AWS::RDS::DBInstance"])
    assert "rds_storage_encrypted" not in reconstructable_checks(["AWS::RDS::DBInstance"])
    assert "rds_storage_encrypted" in reconstructable_checks(["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"])
    assert os.environ.get("AWS_ENDPOINT_URL_CONFIG_SERVICE") is None
