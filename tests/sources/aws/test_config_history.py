"""AWS Config's history read back through a local fake that answers as the Config API documents (every answer
checked against botocore's own service model): the item in force at a moment, all pages, deleted resources,
and a region without a recorder (`error`, never an empty history)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.model import Shape

from evidence_tracer.fakes.aws_config import TARGET, FakeConfig, FakeItem, config_api
from evidence_tracer.fakes.server import FakeApi, serve
from evidence_tracer.inventory.aws_config import CONFIG_TYPES, describe_shape
from evidence_tracer.inventory.aws_resources import EBS_VOLUMES
from evidence_tracer.sources.aws.caller import Recorder
from evidence_tracer.sources.aws.collectors.config_history import history_at, timeline
from evidence_tracer.sources.aws.declared import operation_keys
from evidence_tracer.sources.aws.demo_account import demo_environment
from evidence_tracer.sources.aws.history import read_history
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
REGION = "us-east-1"


def volume(vid: str, day: int, encrypted: bool, status: str = "OK") -> FakeItem:
    return FakeItem(
        "AWS::EC2::Volume",
        vid,
        T0 + timedelta(days=day),
        {"volumeId": vid, "encrypted": encrypted, "size": 8, "attachments": [{"instanceId": "i-1"}]},
        status,
        {"env": "prod"},
        arn=f"arn:aws:ec2:{REGION}:123456789012:volume/{vid}",
    )


def history() -> list[FakeItem]:
    return [
        volume("vol-a", 0, False),
        volume("vol-a", 10, True),  # encrypted by a replacement on day 10
        volume("vol-b", 0, True),
        volume("vol-b", 5, True, "ResourceDeleted"),
        volume("vol-c", 20, False),  # created after the moment we ask about
        *(volume(f"vol-p{i}", 1, True) for i in range(5)),
    ]


@pytest.fixture
def config() -> Iterator[tuple[FakeConfig, FakeApi]]:
    fake = FakeConfig(recorders={REGION: {"allSupported": True}}, items={REGION: history()}, page_size=2)
    with demo_environment(), serve(config_api(fake)) as api:
        os.environ["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = api.base_url
        yield fake, api


def _client() -> Any:
    return AwsContext(region=REGION).client("config", REGION)


def test_the_item_in_force_at_a_moment_is_read_for_every_resource_across_pages(
    config: tuple[FakeConfig, FakeApi],
) -> None:
    rec = Recorder("123456789012")
    found = history_at(_client(), rec, "AWS::EC2::Volume", REGION, T0 + timedelta(days=7))
    assert found.failure is None
    by_id = {i.resource_id: i for i in found.items}
    assert set(by_id) == {"vol-a", "vol-b", *(f"vol-p{i}" for i in range(5))}  # vol-c did not exist yet
    assert by_id["vol-a"].configuration["encrypted"] is False  # the day-0 item, not the day-10 one
    assert not by_id["vol-b"].exists  # deleted on day 5
    listings = [r for r in rec.records if r.operation == "ListDiscoveredResources"]
    assert len(listings) == 4  # 8 resources in pages of 2: every page is its own record
    assert all(r.parameters.get("includeDeletedResources") is True for r in listings)
    assert {r.error_code for r in rec.records} == {""}
    assert set(found.sources) == {r.record_id for r in rec.records}


def test_a_timeline_follows_the_history_pages(config: tuple[FakeConfig, FakeApi]) -> None:
    fake, _ = config
    fake.items[REGION] += [volume("vol-a", d, d % 2 == 0) for d in range(11, 16)]
    rec = Recorder()
    found = timeline(_client(), rec, "AWS::EC2::Volume", REGION, T0, T0 + timedelta(days=30))
    a = [i for i in found.items if i.resource_id == "vol-a"]
    assert [i.captured for i in a] == sorted(i.captured for i in a) and len(a) == 7
    pages = [
        r for r in rec.records if r.operation == "GetResourceConfigHistory" and r.parameters["resourceId"] == "vol-a"
    ]
    assert len(pages) == 4 and "nextToken" in pages[-1].parameters


@pytest.mark.parametrize(
    ("recorders", "why"),
    [
        ({}, "no configuration recorder"),
        ({REGION: {"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]}}, "does not record"),
    ],
)
def test_a_region_without_a_recorder_for_the_type_is_an_error_not_an_empty_history(
    config: tuple[FakeConfig, FakeApi], recorders: dict[str, Any], why: str
) -> None:
    fake, _ = config
    fake.recorders = recorders
    found = history_at(_client(), Recorder(), "AWS::EC2::Volume", REGION, T0 + timedelta(days=7))
    assert found.failure is not None and found.failure.code == "NoConfigRecorder" and why in found.failure.message
    assert found.items == ()


def test_a_misshapen_answer_is_a_failure(config: tuple[FakeConfig, FakeApi]) -> None:
    _, api = config
    from evidence_tracer.fakes.server import Reply

    api.fault("^/$", Reply(200, {"ConfigurationRecorders": [{"name": "x"}], "resourceIdentifiers": [{"nope": 1}]}))
    found = history_at(_client(), Recorder(), "AWS::EC2::Volume", REGION, T0)
    assert found.failure is not None


def test_the_reconstructed_part_holds_the_dataset_in_the_describe_apis_shape(
    config: tuple[FakeConfig, FakeApi],
) -> None:
    read = read_history(
        AwsSource(AwsSettings(organization="never")), ["AWS::EC2::Volume"], [REGION], T0 + timedelta(days=7)
    )
    (account,) = read.accounts
    part = account.part(T0 + timedelta(days=7))
    assert part.attribute("reconstructed") == (T0 + timedelta(days=7)).isoformat()
    volumes = part.get(EBS_VOLUMES, REGION).value
    assert volumes is not None
    by_id = {v.data["VolumeId"]: v for v in volumes}
    assert set(by_id) == {"vol-a", *(f"vol-p{i}" for i in range(5))}  # the deleted vol-b is not there
    assert by_id["vol-a"].data["Encrypted"] is False
    assert by_id["vol-a"].data["Tags"] == ({"Key": "env", "Value": "prod"},)
    assert by_id["vol-a"].data["Attachments"] == ({"InstanceId": "i-1"},)


def test_history_operations_are_on_the_read_only_allow_list() -> None:
    assert {"config:GetResourceConfigHistory", "config:ListDiscoveredResources"} <= operation_keys()
    policy = json.loads(Path("docs/iam-policy.json").read_text(encoding="utf-8"))
    actions = {a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {"config:GetResourceConfigHistory", "config:ListDiscoveredResources"} <= actions


def test_describe_shape_turns_config_keys_into_the_describe_apis() -> None:
    assert describe_shape({"dBInstanceArn": "x", "storageEncrypted": True, "tagList": [{"key": "a"}]}) == {
        "DBInstanceArn": "x",
        "StorageEncrypted": True,
        "TagList": [{"Key": "a"}],
    }
    assert set(CONFIG_TYPES) >= {"AWS::RDS::DBInstance", "AWS::EC2::Volume"}


# --- the fake's answers against botocore's model ---------------------------------------------------------------


def shape_problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Where `value` (JSON as the wire carries it) does not fit botocore's `shape`."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        problems = [f"{path}.{k}: not in the model" for k in value if k not in shape.members]
        problems += [f"{path}.{k}: required" for k in shape.required_members if k not in value]
        for k, v in value.items():
            if k in shape.members:
                problems += shape_problems(shape.members[k], v, f"{path}.{k}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [p for i, v in enumerate(value) for p in shape_problems(shape.member, v, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        return [p for k, v in value.items() for p in shape_problems(shape.value, v, f"{path}.{k}")]
    kinds: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "boolean": bool,
        "integer": int,
        "long": int,
        "timestamp": (int, float),
        "double": (int, float),
        "float": (int, float),
    }
    expected = kinds[kind]
    if not isinstance(value, expected) or (kind in ("integer", "long") and isinstance(value, bool)):
        return [f"{path}: {type(value).__name__}, the model says {kind}"]
    enum = getattr(shape, "enum", None)
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {enum}"]
    return []


def test_every_answer_of_the_fake_fits_botocores_model_of_config(config: tuple[FakeConfig, FakeApi]) -> None:
    fake, api = config
    fake.items[REGION].append(FakeItem("AWS::EC2::Volume", "vol-n", T0, {}, "ResourceNotRecorded", name="named"))
    read_history(AwsSource(AwsSettings(organization="never")), ["AWS::EC2::Volume"], [REGION], T0 + timedelta(days=30))
    timeline(_client(), Recorder(), "AWS::EC2::Volume", REGION, T0, T0 + timedelta(days=30))
    model = botocore.session.get_session().get_service_model("config")
    seen: set[str] = set()
    for request in api.seen:
        operation = request.headers["x-amz-target"].removeprefix(TARGET)
        reply = api.answer(request)
        assert reply.status == 200, (operation, reply.body)
        problems = shape_problems(model.operation_model(operation).output_shape, reply.body)
        assert problems == [], (operation, problems)
        seen.add(operation)
    assert seen == {"DescribeConfigurationRecorders", "ListDiscoveredResources", "GetResourceConfigHistory"}
    error = model.shape_for("ResourceNotDiscoveredException")
    assert error.metadata.get("exception")


def test_the_shape_check_finds_what_botocore_would_not_accept() -> None:
    model = botocore.session.get_session().get_service_model("config")
    shape = model.operation_model("GetResourceConfigHistory").output_shape
    bad = {
        "configurationItems": [{"configurationItemCaptureTime": "2026-01-01", "configurationItemStatus": "Fine"}],
        "x": 1,
    }
    problems = shape_problems(shape, bad)
    assert any("x: not in the model" in p for p in problems)
    assert any("configurationItemCaptureTime: str" in p for p in problems)
    assert any("'Fine' is not one of" in p for p in problems)
