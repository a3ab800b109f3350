"""The embedded demo account: an in-process moto AWS with realistic gaps and good resources.

This module writes to AWS — but only ever to moto's in-memory AWS, inside `demo_environment()`,
which also swaps in fake credentials so a real account can never be touched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import boto3

DEMO_REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
DEMO_ACCOUNT = "123456789012"

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    "MOTO_ACCOUNT_ID": DEMO_ACCOUNT,
}
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")


@contextmanager
def demo_environment() -> Iterator[None]:
    """Fake credentials + moto's in-process AWS for the duration of the block; env restored after."""
    saved = dict(os.environ)
    for key in list(os.environ):
        if key in _CLEARED or key.startswith("AWS_ENDPOINT_URL"):
            del os.environ[key]
    os.environ.update(_FAKE_ENV)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    try:
        from moto import mock_aws

        with mock_aws():
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def backdate_access_key(user: str, days: int, index: int = 0) -> None:
    """moto stamps keys with 'now'; age one so the key-age policy has something to find."""
    from moto.core.utils import utcnow
    from moto.iam.models import iam_backends

    key = iam_backends[DEMO_ACCOUNT]["global"].users[user].access_keys[index]
    key.create_date = utcnow() - timedelta(days=days)


def _iam(s: Any) -> None:
    iam = s.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    for user in ("alice.founder", "bob.engineer", "carol.contractor", "ci-deploy", "dave.ops"):
        iam.create_user(UserName=user)
    for user in ("alice.founder", "bob.engineer", "dave.ops"):
        iam.create_login_profile(UserName=user, Password="Demo-Passw0rd-Not-Real!")
    for user in ("alice.founder", "dave.ops"):  # MFA done right
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_access_key(UserName="ci-deploy")
    backdate_access_key("ci-deploy", 213)  # older than the 90-day policy
    iam.create_access_key(UserName="dave.ops")
    backdate_access_key("dave.ops", 30)  # within policy
    old = iam.create_access_key(UserName="carol.contractor")["AccessKey"]["AccessKeyId"]
    backdate_access_key("carol.contractor", 400)
    iam.update_access_key(UserName="carol.contractor", AccessKeyId=old, Status="Inactive")  # excluded


def _s3(s: Any) -> None:
    buckets = {
        "acme-prod-customer-data": ("us-east-1", True, True, True, {"tracer:critical": "true"}),
        "acme-db-backups": ("eu-west-1", True, True, False, {"tracer:critical": "true"}),
        "acme-marketing-site": ("us-west-2", False, False, False, {}),
        "acme-cloudtrail-logs": ("us-east-1", True, True, True, {}),
    }
    for name, (region, pab, enc, versioned, tags) in buckets.items():
        s3 = s.client("s3", region_name=region)
        kwargs: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        if pab:
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True,
                "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        if enc:
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v}
                                                                   for k, v in tags.items()]})
    statement = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-cloudtrail-logs/*"}
    s.client("s3").put_bucket_policy(Bucket="acme-cloudtrail-logs",
                                     Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))


def _cloudtrail(s: Any) -> None:
    ct = s.client("cloudtrail", region_name="us-east-1")
    ct.create_trail(Name="org-audit-trail", S3BucketName="acme-cloudtrail-logs", IsMultiRegionTrail=True,
                    EnableLogFileValidation=False)
    ct.start_logging(Name="org-audit-trail")


def _guardduty(s: Any) -> None:
    for region in ("us-east-1", "eu-west-1"):  # us-west-2 forgotten: a gap
        s.client("guardduty", region_name=region).create_detector(Enable=True)


def _ec2(s: Any) -> None:
    rules: dict[str, list[tuple[str, str, list[dict[str, Any]]]]] = {
        "us-east-1": [
            ("bastion-ssh", "SSH from anywhere (a gap)",
             [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
            ("web-alb", "HTTPS from the internet (fine)",
             [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
               "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]),
            ("office-ssh", "SSH from the office range only (fine)",
             [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}]),
        ],
        "eu-west-1": [
            ("legacy-windows", "RDP via IPv6 from anywhere (a gap)",
             [{"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 4000, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]),
        ],
        "us-west-2": [
            ("debug-wide-open", "All traffic from anywhere (a gap)",
             [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
        ],
    }
    for region, groups in rules.items():
        ec2 = s.client("ec2", region_name=region)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for name, description, perms in groups:
            gid = ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc)["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)


def seed_demo_account() -> None:
    """Populate moto's AWS (call inside `demo_environment()`)."""
    s = boto3.session.Session(region_name="us-east-1")
    _iam(s)
    _s3(s)
    _cloudtrail(s)
    _guardduty(s)
    _ec2(s)
