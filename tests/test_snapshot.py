from __future__ import annotations

import json
from dataclasses import replace

import pytest

from evidence_tracer.aws.demo_account import DEMO_REGIONS, seed_demo_account
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.config import WorkspaceConfig, parse_config
from evidence_tracer.errors import EvidenceError
from evidence_tracer.models import Status
from evidence_tracer.scanner import reevaluate, run_scan
from evidence_tracer.snapshot import dump_inventory, load_inventory
from tests.checks.builders import failed, inventory, key, ok, user, with_iam


def test_hand_built_inventory_round_trips_including_failures() -> None:
    inv = replace(with_iam(credential_report=ok((user("a", keys=(key(1, age_days=3),)),)),
                           password_policy=failed()),
                  regions=("us-east-1",))
    assert load_inventory(dump_inventory(inv)) == inv
    assert load_inventory(dump_inventory(inventory())) == inventory()


def test_collected_inventory_round_trips(aws: None) -> None:
    seed_demo_account()
    outcome = run_scan(AwsContext(region="us-east-1"), WorkspaceConfig(), list(DEMO_REGIONS))
    assert load_inventory(dump_inventory(outcome.inventory)) == outcome.inventory
    # Re-evaluating the same snapshot with the same config gives the same findings...
    same = reevaluate(outcome.result, outcome.inventory, WorkspaceConfig())
    assert same.findings == outcome.result.findings
    # ...and a new policy parameter changes the verdict without touching AWS again.
    lenient = parse_config("parameters: {access_key_max_age_days: 365}\n", "t")
    again = reevaluate(outcome.result, load_inventory(dump_inventory(outcome.inventory)), lenient)
    ages = {f.resource_id.split("/")[-1]: f.status for f in again.findings if f.check_id == "iam_access_key_age"}
    assert ages["ci-deploy (access key 1)"] is Status.PASS


@pytest.mark.parametrize("data", [b"not json", json.dumps({"format": 99}).encode(),
                                  json.dumps({"format": 1, "inventory": {"_t": "Nope"}}).encode(),
                                  json.dumps({"format": 1, "inventory": {"_t": "Failure", "service": "x"}}).encode()])
def test_bad_snapshots_are_clear_errors(data: bytes) -> None:
    with pytest.raises(EvidenceError):
        load_inventory(data)
