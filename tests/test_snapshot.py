from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_tracer.app.scan import reevaluate, run_scan
from evidence_tracer.checks.registry import specs
from evidence_tracer.config import WorkspaceConfig, parse_config
from evidence_tracer.errors import EvidenceError
from evidence_tracer.inventory import NOT_COLLECTED, Inventory
from evidence_tracer.inventory.aws import BUCKETS, CREDENTIAL_REPORT, TRAILS
from evidence_tracer.inventory.aws_resources import RDS_INSTANCES
from evidence_tracer.inventory.codec import dump_inventory, load_inventory
from evidence_tracer.models import Status
from evidence_tracer.report import json_report
from evidence_tracer.sources.aws.declared import datasets_fed_by
from evidence_tracer.sources.aws.demo_account import DEMO_REGIONS, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSource
from tests.checks.builders import failed, inventory, key, ok, user, with_iam

FIXTURES = Path(__file__).parent / "fixtures"
# Written by Evidence Tracer 0.1.0 (commit 0a75f2d, before evidence sources existed) from the demo account.
FORMAT_1 = FIXTURES / "snapshot-format1.json"
FORMAT_1_SCAN = FIXTURES / "scan-format1.json"


def test_hand_built_inventory_round_trips_including_failures() -> None:
    inv = inventory(with_iam(credential_report=ok((user("a", keys=(key(1, age_days=3),)),)), password_policy=failed()))
    assert load_inventory(dump_inventory(inv)) == inv
    assert load_inventory(dump_inventory(inventory())) == inventory()


def test_collected_inventory_round_trips(aws: None) -> None:
    seed_demo_account()
    outcome = run_scan([AwsSource(context=AwsContext(region="us-east-1"))], WorkspaceConfig(), list(DEMO_REGIONS))
    assert load_inventory(dump_inventory(outcome.inventory)) == outcome.inventory
    # Re-evaluating the same snapshot with the same config gives the same findings...
    same = reevaluate(outcome.result, outcome.inventory, WorkspaceConfig())
    assert same.findings == outcome.result.findings
    # ...and a new policy parameter changes the verdict without touching AWS again.
    lenient = parse_config("parameters: {access_key_max_age_days: 365}\n", "t")
    again = reevaluate(outcome.result, load_inventory(dump_inventory(outcome.inventory)), lenient)
    ages = {f.resource_id.split("/")[-1]: f.status for f in again.findings if f.check_id == "iam_access_key_age"}
    assert ages["ci-deploy (access key 1)"] is Status.PASS


def test_a_snapshot_written_before_evidence_sources_still_decodes_and_reevaluates() -> None:
    inv = load_inventory(FORMAT_1.read_bytes())
    [part] = inv.parts
    assert (part.source, part.account, part.regions) == ("aws", "123456789012", DEMO_REGIONS)
    assert {r.user for r in part.get(CREDENTIAL_REPORT).value or ()} >= {"bob.engineer", "ci-deploy"}
    assert len(part.get(BUCKETS).value or ()) == 4
    assert part.get(TRAILS, "us-east-1").value
    # A collector that did not exist then reads as "not collected", not as empty and not as a crash.
    rds = part.get(RDS_INSTANCES, "us-east-1")
    assert rds.failure is not None and rds.failure.code == NOT_COLLECTED

    stored = json_report.from_dict(json.loads(FORMAT_1_SCAN.read_text()))
    result = reevaluate(stored, inv, WorkspaceConfig())
    # Every old verdict is reached again from the old snapshot, but for s3_bucket_encryption, whose meaning
    # changed on purpose (SSE-KMS on critical buckets; AWS encrypts every bucket with SSE-S3 since 2023).
    changed = {"s3_bucket_encryption"}
    old = {(f.check_id, f.resource_id, f.status) for f in stored.findings if f.check_id not in changed}
    new = {(f.check_id, f.resource_id, f.status) for f in result.findings}
    assert old <= new
    # A check added since is judged when the old snapshot holds everything it needs (e.g. dormant
    # credentials from the credential report), and is an `error` "not collected" when it does not.
    held = {slot.split("@")[0] for slot in part.data}
    old_checks = {f.check_id for f in stored.findings}
    judged, not_collected = set(), set()
    for check_id, spec in specs().items():  # the AWS checks: the old snapshot holds one AWS account
        if spec.source != "aws":
            continue
        if check_id in old_checks:
            continue
        needed = {d for op in spec.needs for d in datasets_fed_by(op)}
        mine = [f for f in result.findings if f.check_id == check_id]
        assert mine, check_id
        if needed <= held:
            judged.add(check_id)
        else:
            not_collected.add(check_id)
            # Never a verdict from data the snapshot lacks (n/a for what nothing asks of is fine).
            assert not {f.status for f in mine} & {Status.PASS, Status.FAIL}, check_id
            assert any("not collected in this snapshot" in f.message for f in mine), check_id
    assert {"iam_inactive_credentials", "ec2_sg_open_database_ports"} <= judged
    assert {"rds_storage_encrypted", "cloudwatch_security_alarms", "lambda_not_public"} <= not_collected


def test_a_value_type_that_gained_a_field_decodes_old_snapshots_as_not_collected() -> None:
    raw = json.loads(FORMAT_1.read_bytes())
    bucket = raw["inventory"]["s3"]["buckets"]["value"][0]
    del bucket["versioning"]  # as if Bucket gained `versioning` after this snapshot was written
    [part] = load_inventory(json.dumps(raw).encode()).parts
    first = (part.get(BUCKETS).value or ())[0]
    assert first.versioning.failure is not None and first.versioning.failure.code == NOT_COLLECTED


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        json.dumps({"format": 99}).encode(),
        json.dumps({"format": 2, "inventory": {"_t": "Nope"}}).encode(),
        json.dumps({"format": 2, "inventory": {"_t": "Failure", "service": "x"}}).encode(),
        json.dumps({"format": 1, "inventory": {"_t": "Inventory"}}).encode(),
        json.dumps({"format": 2, "inventory": {"_t": "Observed"}}).encode(),
    ],
)
def test_bad_snapshots_are_clear_errors(data: bytes) -> None:
    with pytest.raises(EvidenceError):
        load_inventory(data)


def test_empty_inventory_round_trips() -> None:
    assert load_inventory(dump_inventory(Inventory())) == Inventory()


def test_aws_value_types_give_new_facts_no_silent_defaults() -> None:
    """A field added to a value type must not decode old snapshots with a made-up default ("not a default
    group", "no log group"): it is required, or an `Observed` that reads "not collected"."""
    import dataclasses

    from evidence_tracer.inventory import aws

    for cls in (
        c
        for c in vars(aws).values()
        if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == aws.__name__
    ):
        for f in dataclasses.fields(cls):
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, (
                f"{cls.__name__}.{f.name} has a default"
            )
