"""Public EBS snapshots are read with one filtered, paged DescribeSnapshots per region; only a service that
refuses the filter is asked per snapshot, and the completeness record says which was used."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3

from evidence_tracer.app.completeness import memberships
from evidence_tracer.inventory import Inventory, SourcePart
from evidence_tracer.inventory.aws_resources import EBS_SNAPSHOTS
from evidence_tracer.inventory.aws_spec import Membership
from evidence_tracer.models import Status
from evidence_tracer.sources.aws.caller import Recorder
from evidence_tracer.sources.aws.collectors.declarative import collect_resources
from evidence_tracer.sources.aws.session import AwsContext
from tests.checks.builders import failed, ok, res, run, with_data
from tests.sources.aws.faults import inject_error

REGION = "us-east-1"
assert EBS_SNAPSHOTS.membership is not None
MEMBERSHIP: Membership = EBS_SNAPSHOTS.membership


def _snapshots() -> dict[str, str]:
    """A public, a shared-with-one-account and a private snapshot: {role: snapshot id}."""
    ec2 = boto3.client("ec2", region_name=REGION)
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=1)["VolumeId"]
    ids = {role: ec2.create_snapshot(VolumeId=volume)["SnapshotId"] for role in ("public", "shared", "private")}
    ec2.modify_snapshot_attribute(
        SnapshotId=ids["public"], Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    ec2.modify_snapshot_attribute(
        SnapshotId=ids["shared"], Attribute="createVolumePermission", OperationType="add", UserIds=["210987654321"]
    )
    return ids


def _collect(ctx: AwsContext) -> tuple[dict[str, Any], Counter[str], Recorder]:
    rec = Recorder("123456789012")
    listed = collect_resources(ctx.client("ec2", REGION), rec, EBS_SNAPSHOTS, REGION)
    assert listed.failure is None
    resources = {r.id: r for r in listed.value or ()}
    return resources, Counter(r.operation for r in rec.records), rec


def test_the_public_ones_come_from_one_filtered_listing(ctx: AwsContext) -> None:
    ids = _snapshots()
    resources, calls, rec = _collect(ctx)
    public = {sid for sid, r in resources.items() if MEMBERSHIP.read(r).value}
    assert public == {ids["public"]}
    assert all(MEMBERSHIP.method(r) == "filtered listing" for r in resources.values())
    assert calls == {"DescribeSnapshots": 2}  # the listing and the filtered listing: nothing per snapshot
    filtered = [r for r in rec.records if "RestorableByUserIds" in r.parameters]
    assert [r.parameters for r in filtered] == [{"OwnerIds": ["self"], "RestorableByUserIds": ["all"]}]
    # The finding's evidence is the filtered listing that named (or did not name) the snapshot.
    assert MEMBERSHIP.read(resources[ids["private"]]).sources == (filtered[0].record_id,)


def test_a_refused_filter_falls_back_to_one_attribute_call_per_snapshot(ctx: AwsContext) -> None:
    ids = _snapshots()
    inject_error(ctx, "ec2", "DescribeSnapshots", "InvalidParameterValue", 400, "unknown", body_contains="RestorableBy")
    resources, calls, _ = _collect(ctx)
    assert {sid for sid, r in resources.items() if MEMBERSHIP.read(r).value} == {ids["public"]}
    assert all(MEMBERSHIP.method(r) == "per item" for r in resources.values())
    assert calls == {"DescribeSnapshots": 2, "DescribeSnapshotAttribute": 3}


def test_a_denied_filtered_listing_is_an_error_for_every_snapshot_never_a_pass(ctx: AwsContext) -> None:
    _snapshots()
    inject_error(ctx, "ec2", "DescribeSnapshots", "UnauthorizedOperation", 403, body_contains="RestorableBy")
    resources, calls, _ = _collect(ctx)
    answers = [MEMBERSHIP.read(r) for r in resources.values()]
    assert answers and all(a.failure is not None and a.failure.code == "UnauthorizedOperation" for a in answers)
    assert "DescribeSnapshotAttribute" not in calls


def test_the_completeness_record_says_which_reading_answered(ctx: AwsContext) -> None:
    _snapshots()
    inject_error(ctx, "ec2", "DescribeSnapshots", "InvalidParameterValue", 400, "unknown", body_contains="RestorableBy")
    refused = _collect(ctx)[0]
    fresh = AwsContext(region=REGION)
    filtered = _collect(fresh)[0]
    for resources, method in ((filtered, "filtered listing"), (refused, "per item")):
        part = SourcePart(
            "aws", "123456789012", (REGION,), data={EBS_SNAPSHOTS.slot(REGION): ok(tuple(resources.values()))}
        )
        (row,) = memberships(Inventory((part,)))
        assert row == {
            "account": "123456789012",
            "region": REGION,
            "dataset": "ec2.snapshots",
            "property": "public",
            "method": method,
            "filter": {"RestorableByUserIds": ["all"]},
            "items": 3,
        }


def test_no_snapshots_no_filtered_call(ctx: AwsContext) -> None:
    _, calls, _ = _collect(ctx)
    assert calls == {"DescribeSnapshots": 1}


def test_the_check_reads_either_kind_of_scan_the_same() -> None:
    """A scan that listed the public ones and a scan (or stored snapshot) that asked per snapshot agree."""
    for public, attribute, status in (
        (ok(True, "listing"), ok(({"Group": "all"},), "attr"), Status.FAIL),
        (ok(False, "listing"), ok(({"UserId": "210987654321"},), "attr"), Status.PASS),
        (failed(), failed(), Status.ERROR),
    ):
        for details in ({"public": public}, {"create_volume_permissions": attribute}):
            found = run("ebs_snapshot_not_public", with_data({EBS_SNAPSHOTS: ok((res("snap-1", details),))}))
            assert [f.status for f in found] == [status], details
