"""The read-only guard is an allow-list of exactly the declared operations, enforced before sending."""

from __future__ import annotations

import boto3
import pytest

from evidence_tracer.errors import ReadOnlyViolation
from evidence_tracer.sources.aws.caller import Recorder
from evidence_tracer.sources.aws.declared import aws_operations, operation_keys
from evidence_tracer.sources.aws.session import AwsContext

WRITE_PREFIXES = (
    "Create",
    "Put",
    "Delete",
    "Update",
    "Attach",
    "Detach",
    "Authorize",
    "Revoke",
    "Start",
    "Stop",
    "Enable",
    "Disable",
    "Tag",
    "Untag",
    "Modify",
    "Set",
    "Remove",
    "Add",
)


def test_the_allow_list_is_the_declared_operations_and_none_writes() -> None:
    keys = operation_keys()
    assert keys == {op.key for op in aws_operations()}
    names = {k.split(":")[1] for k in keys}
    assert not any(n.startswith(WRITE_PREFIXES) for n in names), names
    # Only reads, plus the two non-read calls the design needs and documents; LookupEvents is CloudTrail's read of
    # its event history (the terminations population dates IAM removals with it).
    assert {n for n in names if not n.startswith(("List", "Get", "Describe"))} == {
        "GenerateCredentialReport",
        "AssumeRole",
        "LookupEvents",
    }


@pytest.mark.parametrize(
    ("service", "method", "params"),
    [
        ("sts", "get_session_token", {}),
        ("sts", "get_federation_token", {"Name": "x"}),
        ("cognito-identity", "get_id", {"IdentityPoolId": "us-east-1:00000000-0000-0000-0000-000000000000"}),
        ("redshift", "get_cluster_credentials", {"DbUser": "u", "ClusterIdentifier": "c"}),
        ("ssm", "get_parameter_history", {"Name": "x"}),
        ("ecr", "get_authorization_token", {}),
        ("s3", "get_object", {"Bucket": "b", "Key": "k"}),
        ("secretsmanager", "get_secret_value", {"SecretId": "s"}),
        ("ssm", "get_parameter", {"Name": "x"}),
        ("iam", "list_users", {}),  # a read, but not one Evidence Tracer declares
    ],
)
def test_get_named_calls_with_side_effects_and_undeclared_reads_are_refused(
    ctx: AwsContext, service: str, method: str, params: dict[str, str]
) -> None:
    with pytest.raises(ReadOnlyViolation, match="not among the read-only operations"):
        getattr(ctx.client(service), method)(**params)


def test_presigned_urls_and_tokens_are_refused_on_guarded_clients(ctx: AwsContext) -> None:
    with pytest.raises(ReadOnlyViolation, match="presigned"):
        ctx.client("s3").generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    with pytest.raises(ReadOnlyViolation, match="presigned"):
        ctx.client("s3").generate_presigned_url("list_buckets")
    with pytest.raises(ReadOnlyViolation, match="presigned"):
        ctx.client("s3").generate_presigned_post("b", "k")
    with pytest.raises(ReadOnlyViolation, match="presigned"):
        ctx.client("rds").generate_db_auth_token("db.example", 5432, "admin")


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
    assert ctx.client("s3").list_buckets()["Buckets"] == []  # declared reads still work


def test_even_clients_made_straight_from_the_session_are_guarded(ctx: AwsContext) -> None:
    with pytest.raises(ReadOnlyViolation):
        ctx.session.client("iam").create_user(UserName="mallory")
    with pytest.raises(ReadOnlyViolation):
        ctx.session.client("sts").get_session_token()
