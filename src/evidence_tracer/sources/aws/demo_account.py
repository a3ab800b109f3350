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

from evidence_tracer.sources.aws.moto_answers import teach_moto

DEMO_REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
# Secrets a careless team leaves in AWS, seeded so the demo shows none of them reaches the workspace or the
# package (a test greps both): a password in a tag judged only by its key, a token in a rule description.
SEEDED_SECRETS = ("Dem0-tag-value-no-pattern", "ghp_" + "DemoSeed" * 5)
DEMO_ACCOUNT = "123456789012"  # moto's default account; members of an Organization get their own ids

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
_CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


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

        teach_moto()
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
        iam.enable_mfa_device(
            UserName=user, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
        )
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
        "acme-db-backups": (
            "eu-west-1",
            True,
            True,
            False,
            {"tracer:critical": "true", "db_password": SEEDED_SECRETS[0]},
        ),
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
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
        if enc:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
                },
            )
        if versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if tags:
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    # The marketing site's bucket is readable by everyone through its ACL (and nothing ignores public ACLs): a
    # gap; the others are private (their clean twins).
    s.client("s3", region_name="us-west-2").put_bucket_acl(Bucket="acme-marketing-site", ACL="public-read")
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::acme-cloudtrail-logs/*",
    }
    s.client("s3").put_bucket_policy(
        Bucket="acme-cloudtrail-logs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    tls_only = {
        "Sid": "DenyPlainHttp",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::acme-prod-customer-data", "arn:aws:s3:::acme-prod-customer-data/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }  # the critical bucket done right
    s.client("s3").put_bucket_policy(
        Bucket="acme-prod-customer-data", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]})
    )
    website = {
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme-marketing-site/*",
    }  # public on purpose, still a finding
    s.client("s3", region_name="us-west-2").put_bucket_policy(
        Bucket="acme-marketing-site", Policy=json.dumps({"Version": "2012-10-17", "Statement": [website]})
    )


def _cloudtrail(s: Any) -> None:
    ct = s.client("cloudtrail", region_name="us-east-1")
    ct.create_trail(
        Name="org-audit-trail",
        S3BucketName="acme-cloudtrail-logs",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=False,
    )
    ct.start_logging(Name="org-audit-trail")


def _guardduty(s: Any) -> None:
    for region in ("us-east-1", "eu-west-1"):  # us-west-2 forgotten: a gap
        s.client("guardduty", region_name=region).create_detector(Enable=True)


def _ec2(s: Any) -> None:
    rules: dict[str, list[tuple[str, str, list[dict[str, Any]]]]] = {
        "us-east-1": [
            (
                "bastion-ssh",
                "SSH from anywhere (a gap)",
                [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            ),
            (
                "web-alb",
                "HTTPS from the internet (fine)",
                [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                        "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                    }
                ],
            ),
            (
                "office-ssh",
                "SSH from the office range only (fine)",
                [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 22,
                        "ToPort": 22,
                        "IpRanges": [{"CidrIp": "203.0.113.0/24", "Description": f"office, key {SEEDED_SECRETS[1]}"}],
                    }
                ],
            ),
        ],
        "eu-west-1": [
            (
                "legacy-windows",
                "RDP via IPv6 from anywhere (a gap)",
                [{"IpProtocol": "tcp", "FromPort": 3000, "ToPort": 4000, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}],
            ),
        ],
        "us-west-2": [
            (
                "debug-wide-open",
                "All traffic from anywhere (a gap)",
                [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            ),
        ],
    }
    for region, groups in rules.items():
        ec2 = s.client("ec2", region_name=region)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for name, description, perms in groups:
            gid = ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc)["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)


def _privileges(s: Any) -> None:
    iam = s.client("iam")
    everything = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    admin = iam.create_policy(PolicyName="acme-admin", PolicyDocument=everything)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="ci-deploy", PolicyArn=admin)  # a CI user with admin and a key: a gap
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="admin", PolicyDocument=everything)
    iam.add_user_to_group(GroupName="admins", UserName="alice.founder")  # admin through a group, no key: fine
    owner = {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"}
    trust = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": owner}]}
    )
    iam.create_role(RoleName="break-glass-admin", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="break-glass-admin", PolicyArn=admin)
    read = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    )
    iam.put_user_policy(UserName="bob.engineer", PolicyName="read-data", PolicyDocument=read)  # direct: a gap
    vendor = {"AWS": "arn:aws:iam::999988887777:root"}  # a vendor's account, trusted without an external id: a gap
    iam.create_role(
        RoleName="vendor-audit",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": vendor}],
            }
        ),
    )
    iam.create_role(RoleName="app-deployer", AssumeRolePolicyDocument=trust)
    app_role = f"arn:aws:iam::{DEMO_ACCOUNT}:role/app"
    for role, resource in (("app-deployer", app_role), ("vendor-audit", "*")):  # narrow: fine; on *: a gap
        iam.put_role_policy(
            RoleName=role,
            PolicyName="pass-role",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": resource}],
                }
            ),
        )


def _queues(s: Any) -> None:
    """A job queue only the account writes to (clean) and a webhook queue anyone may send to (a gap)."""
    sqs = s.client("sqs", region_name="us-east-1")
    for name, principal in (("acme-jobs", {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"}), ("acme-webhooks", "*")):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = f"arn:aws:sqs:us-east-1:{DEMO_ACCOUNT}:{name}"
        statement = {"Effect": "Allow", "Principal": principal, "Action": "sqs:SendMessage", "Resource": arn}
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Statement": [statement]})})


def _databases(s: Any) -> None:
    rds = s.client("rds", region_name="us-east-1")
    common = {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MasterUsername": "acme",
        "MasterUserPassword": "Demo-Passw0rd-Not-Real",
        "AllocatedStorage": 20,
    }
    rds.create_db_instance(
        DBInstanceIdentifier="acme-prod-db",
        StorageEncrypted=True,
        PubliclyAccessible=False,
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        MultiAZ=True,
        Tags=[{"Key": "data-classification", "Value": "customer"}],
        **common,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="acme-analytics-db",
        StorageEncrypted=False,
        PubliclyAccessible=True,
        BackupRetentionPeriod=0,
        DeletionProtection=False,
        MultiAZ=False,
        Tags=[{"Key": "data-classification", "Value": "confidential"}],
        **common,
    )
    rds.create_db_snapshot(DBSnapshotIdentifier="acme-prod-db-before-migration", DBInstanceIdentifier="acme-prod-db")
    rds.create_db_snapshot(DBSnapshotIdentifier="acme-analytics-export", DBInstanceIdentifier="acme-analytics-db")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="acme-analytics-export", AttributeName="restore", ValuesToAdd=["all"]
    )  # shared with every AWS account: a gap
    ddb = s.client("dynamodb", region_name="us-east-1")
    for table in ("acme-sessions", "acme-events"):
        ddb.create_table(
            TableName=table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )
    ddb.update_continuous_backups(
        TableName="acme-sessions", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )


def _storage_and_keys(s: Any) -> None:
    ec2 = s.client("ec2", region_name="us-east-1")
    ec2.enable_ebs_encryption_by_default()  # us-east-1 only: the other regions are gaps
    good = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True)["VolumeId"]
    bad = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)["VolumeId"]
    ec2.create_snapshot(VolumeId=good, Description="nightly")
    shared = ec2.create_snapshot(VolumeId=bad, Description="shared with a contractor")["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=shared, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )  # public: a gap
    kms = s.client("kms", region_name="us-east-1")
    rotated = kms.create_key(Description="acme data key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated)
    kms.create_key(Description="acme legacy key")  # never rotated: a gap
    secrets = s.client("secretsmanager", region_name="us-east-1")
    secrets.create_secret(Name="acme/stripe-api-key", SecretString="sk_live_not_a_real_key")  # never rotated


def seed_demo_account() -> None:
    """Populate moto's AWS (call inside `demo_environment()`): every collected service, each with a
    realistic gap and a clean twin."""
    from evidence_tracer.sources.aws import demo_services  # it imports this module's account and regions

    s = boto3.session.Session(region_name="us-east-1")
    _iam(s)
    _privileges(s)
    _s3(s)
    _cloudtrail(s)
    _guardduty(s)
    _ec2(s)
    _databases(s)
    _queues(s)
    _storage_and_keys(s)
    demo_services.seed_monitoring(s)
    demo_services.seed_compute(s)
    demo_services.seed_platform(s, DEMO_ACCOUNT)
    demo_services.seed_apis_and_documents(s, DEMO_ACCOUNT)
    demo_services.seed_edge_and_search(s)
    demo_services.seed_edge(s)
    demo_services.seed_identity_center(s)
