"""Each AWS answer is redacted once, as it is recorded: the declared inventory is built from the record, so the
snapshot and the stored evidence hold the same redacted value, and the store takes the record as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from evidence_tracer.evidence import items
from evidence_tracer.evidence.items import api_item, canonical_json
from evidence_tracer.evidence.redact import MARK
from evidence_tracer.inventory.aws_resources import SECRETS
from evidence_tracer.models import ApiRecord
from evidence_tracer.sources.aws.caller import Recorder
from evidence_tracer.sources.aws.collectors.declarative import collect_resources
from evidence_tracer.sources.aws.session import AwsContext

TOKEN = "ghp_" + "RedactOnce" * 4


class Put:
    """The store's blob writer, keeping what it was handed."""

    def __init__(self) -> None:
        self.stored: list[bytes] = []

    def __call__(self, data: bytes) -> str:
        self.stored.append(data)
        return "digest"


def _listed(ctx: AwsContext) -> tuple[Recorder, Any]:
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="app/db", SecretString="not-read", Description=f"rotated by the deploy bot, token {TOKEN}"
    )
    rec = Recorder("123456789012")
    observed = collect_resources(ctx.client("secretsmanager"), rec, SECRETS, "us-east-1")
    return rec, observed


def test_the_inventory_holds_the_recorded_redacted_item(ctx: AwsContext) -> None:
    rec, observed = _listed(ctx)
    [secret] = observed.value
    assert secret.data["Description"] == f"rotated by the deploy bot, token {MARK}"
    [record] = rec.records
    assert record.redactions == 1
    listed: Any = record.response["SecretList"]
    assert listed[0]["Description"] == secret.data["Description"]
    assert TOKEN not in repr(record) and TOKEN not in repr(secret)


def test_the_store_does_not_redact_a_recorded_answer_again(ctx: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    rec, _ = _listed(ctx)
    [record] = rec.records

    def refuse(value: Any) -> Any:
        raise AssertionError("redacted twice")

    monkeypatch.setattr(items, "redact", refuse)
    put = Put()
    item = api_item(record, "scan-1", put)
    assert item.redactions == 1 and put.stored == [canonical_json(record.response)]


def test_a_record_no_recorder_redacted_is_redacted_by_the_store() -> None:
    raw = ApiRecord(
        "r1",
        "github",
        "GET /repos",
        {"token": TOKEN},
        "acme",
        "global",
        datetime(2026, 12, 2, tzinfo=UTC),
        "",
        {"note": f"key {TOKEN}"},
    )
    put = Put()
    item = api_item(raw, None, put)
    assert item.redactions == 2 and TOKEN.encode() not in put.stored[0] and item.parameters == {"token": MARK}
