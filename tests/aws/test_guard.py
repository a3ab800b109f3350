from __future__ import annotations

import boto3
import pytest

from evidence_tracer.aws.actions import SCAN_OPERATIONS, is_read_only
from evidence_tracer.aws.caller import Recorder
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.errors import ReadOnlyViolation


@pytest.mark.parametrize("op", ["ListBuckets", "GetBucketEncryption", "DescribeSecurityGroups",
                                "GenerateCredentialReport", "GetCredentialReport"])
def test_read_operations_allowed(op: str) -> None:
    assert is_read_only(op)


@pytest.mark.parametrize("op", ["CreateBucket", "PutBucketPolicy", "DeleteUser", "UpdateTrail",
                                "AuthorizeSecurityGroupIngress", "StopLogging", "GetObject", "GetSecretValue",
                                "GetParametersByPath", "TagResource", "AssumeRole"])
def test_writes_and_data_reads_refused(op: str) -> None:
    assert not is_read_only(op)


def test_every_scan_operation_is_read_only() -> None:
    assert all(is_read_only(op) for _, op in SCAN_OPERATIONS)


def test_guarded_client_refuses_a_write_before_it_reaches_aws(ctx: AwsContext) -> None:
    s3 = ctx.client("s3")
    with pytest.raises(ReadOnlyViolation, match="s3:CreateBucket"):
        s3.create_bucket(Bucket="should-not-exist")
    with pytest.raises(ReadOnlyViolation):
        ctx.client("ec2", "eu-west-1").create_security_group(GroupName="x", Description="x")
    with pytest.raises(ReadOnlyViolation):
        Recorder().call(ctx.client("iam"), "create_user", UserName="mallory")
    # Nothing was created: an unguarded client sees an empty account.
    raw = boto3.session.Session(region_name="us-east-1")
    assert raw.client("s3").list_buckets()["Buckets"] == []
    assert raw.client("iam").list_users()["Users"] == []
    assert ctx.client("s3").list_buckets()["Buckets"] == []  # reads still work


def test_even_clients_made_straight_from_the_session_are_guarded(ctx: AwsContext) -> None:
    with pytest.raises(ReadOnlyViolation):
        ctx.session.client("iam").create_user(UserName="mallory")
