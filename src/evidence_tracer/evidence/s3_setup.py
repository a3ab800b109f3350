"""`tracer store init`: the bucket an S3 evidence store needs, created or checked — versioning on, Object Lock with
a default retention of at least the period plus a year, public access blocked, encryption at rest — and the
policies that keep it so: the bucket policy (new objects only, written with If-None-Match; nobody deletes,
shortens a retention or changes the lock) and the writer's IAM policy (exactly the store's operations)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evidence_tracer.errors import StorageError
from evidence_tracer.evidence.s3_bucket import STORE_OPERATIONS, Bucket, S3Location

MODES = ("COMPLIANCE", "GOVERNANCE")
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


@dataclass
class BucketReport:
    done: list[str] = field(default_factory=list)  # what init changed
    found: list[str] = field(default_factory=list)  # what was already right
    problems: list[str] = field(default_factory=list)  # what it could not make right


def init_bucket(
    bucket: Bucket, mode: str, retention_days: int, region: str | None = None, kms_key: str | None = None
) -> BucketReport:
    """Create the bucket (with Object Lock) or check the one that exists, and set what is missing. A retention
    shorter than asked, or a weaker mode, is raised to what was asked; a longer one is kept."""
    from botocore.exceptions import ClientError

    if mode not in MODES:
        raise StorageError(f"--mode {mode!r}: COMPLIANCE or GOVERNANCE")
    report = BucketReport()
    c, name = bucket.client, bucket.location.bucket
    try:
        c.head_bucket(Bucket=name)
        report.found.append(f"bucket {name} exists")
    except ClientError as exc:
        if Bucket.code(exc) not in ("404", "NoSuchBucket", "NotFound"):
            raise StorageError(f"cannot read bucket {name}: {Bucket.code(exc) or exc}") from None
        params: dict[str, Any] = {"Bucket": name, "ObjectLockEnabledForBucket": True}
        if region and region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            c.create_bucket(**params)
        except ClientError as err:
            raise StorageError(f"cannot create bucket {name}: {Bucket.code(err) or err}") from None
        report.done.append(f"created bucket {name} with Object Lock (and so versioning)")
    try:
        versioning = c.get_bucket_versioning(Bucket=name).get("Status")
        (report.found if versioning == "Enabled" else report.problems).append(f"versioning: {versioning or 'off'}")
        lock = bucket.lock()
        rule = ((lock or {}).get("Rule") or {}).get("DefaultRetention") or {}
        days = int(rule.get("Days") or 0) + 365 * int(rule.get("Years") or 0)
        if (
            lock
            and lock.get("ObjectLockEnabled") == "Enabled"
            and days >= retention_days
            and (rule.get("Mode") == mode or rule.get("Mode") == "COMPLIANCE")
        ):
            report.found.append(f"Object Lock: {rule.get('Mode')} for {days} days by default")
        else:
            c.put_object_lock_configuration(
                Bucket=name,
                ObjectLockConfiguration={
                    "ObjectLockEnabled": "Enabled",
                    "Rule": {"DefaultRetention": {"Mode": mode, "Days": max(days, retention_days)}},
                },
            )
            report.done.append(f"Object Lock default retention set: {mode} for {max(days, retention_days)} days")
        _public_access(c, name, report)
        _encryption(c, name, kms_key, report)
    except ClientError as exc:
        raise StorageError(f"cannot set up bucket {name}: {Bucket.code(exc) or exc}") from None
    return report


def _public_access(c: Any, name: str, report: BucketReport) -> None:
    from botocore.exceptions import ClientError

    try:
        current = c.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError as exc:
        if Bucket.code(exc) != "NoSuchPublicAccessBlockConfiguration":
            raise
        current = {}
    if all(current.get(k) for k in ALL_BLOCKED):
        report.found.append("public access: blocked")
        return
    c.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_BLOCKED)
    report.done.append("public access blocked (all four settings)")


def _encryption(c: Any, name: str, kms_key: str | None, report: BucketReport) -> None:
    from botocore.exceptions import ClientError

    try:
        rules = c.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    except ClientError as exc:
        if Bucket.code(exc) != "ServerSideEncryptionConfigurationNotFoundError":
            raise
        rules = []
    algorithms = [(r.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") for r in rules]
    if any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms) and kms_key is None:
        report.found.append(f"encryption at rest: {', '.join(str(a) for a in algorithms)}")
        return
    default: dict[str, str] = (
        {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key} if kms_key else {"SSEAlgorithm": "AES256"}
    )
    c.put_bucket_encryption(
        Bucket=name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}]
        },
    )
    report.done.append(f"encryption at rest: {default['SSEAlgorithm']}")


def _arns(location: S3Location, partition: str = "aws") -> tuple[str, str]:
    bucket = f"arn:{partition}:s3:::{location.bucket}"
    return bucket, f"{bucket}/{location.prefix}*"


def bucket_policy(location: S3Location) -> dict[str, Any]:
    """The bucket policy the store expects: objects are only ever created (PutObject must carry If-None-Match),
    never deleted, their retention never shortened, the lock and versioning never changed; TLS only."""
    bucket, objects = _arns(location)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NewObjectsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {"Null": {"s3:if-none-match": "true"}},
            },
            {
                "Sid": "NothingDeletedOrUnlocked",
                "Effect": "Deny",
                "Principal": "*",
                "Action": [
                    "s3:DeleteObject",
                    "s3:DeleteObjectVersion",
                    "s3:PutObjectRetention",
                    "s3:PutObjectLegalHold",
                    "s3:BypassGovernanceRetention",
                ],
                "Resource": objects,
            },
            {
                "Sid": "LockAndVersioningStay",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning", "s3:DeleteBucket"],
                "Resource": bucket,
            },
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket, f"{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def writer_policy(location: S3Location) -> dict[str, Any]:
    """The IAM policy of a writer (a laptop's profile, CI's role): the store's own operations and nothing else —
    the scanner's read-only policy is separate and unchanged."""
    bucket, objects = _arns(location)
    objects_ops, listing_ops = ("PutObject", "GetObject", "HeadObject"), ("ListObjectsV2", "ListObjectVersions")
    object_actions = sorted({STORE_OPERATIONS[op] for op in objects_ops})
    listing = sorted({STORE_OPERATIONS[op] for op in listing_ops})
    rest = sorted(set(STORE_OPERATIONS.values()) - set(object_actions) - set(listing))
    prefix = {"Condition": {"StringLike": {"s3:prefix": [f"{location.prefix}*"]}}} if location.prefix else {}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "EvidenceObjects", "Effect": "Allow", "Action": object_actions, "Resource": objects},
            {"Sid": "EvidenceListing", "Effect": "Allow", "Action": listing, "Resource": bucket, **prefix},
            {"Sid": "EvidenceLockSettings", "Effect": "Allow", "Action": rest, "Resource": bucket},
        ],
    }
