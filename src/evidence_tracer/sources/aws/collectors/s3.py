"""S3: the account-level public access block, and per bucket its block, encryption, versioning, tags."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKETS, Bucket, PublicAccessBlock
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, observe
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("s3", "ListBuckets", "s3:ListAllMyBuckets"),
    aws_op("s3", "GetBucketLocation"),
    aws_op("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    aws_op("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    aws_op("s3", "GetBucketVersioning"),
    aws_op("s3", "GetBucketTagging"),
    aws_op("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),
)
DATASETS = (ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKETS)
ClientFor = Callable[[str, str], Any]

_NO_PAB = frozenset({"NoSuchPublicAccessBlockConfiguration"})
_NO_ENCRYPTION = frozenset({"ServerSideEncryptionConfigurationNotFoundError"})
_NO_TAGS = frozenset({"NoSuchTagSet"})


def _pab(raw: dict[str, Any] | None) -> PublicAccessBlock | None:
    if raw is None:
        return None
    conf = raw["PublicAccessBlockConfiguration"]
    return PublicAccessBlock(
        block_public_acls=bool(conf.get("BlockPublicAcls")),
        ignore_public_acls=bool(conf.get("IgnorePublicAcls")),
        block_public_policy=bool(conf.get("BlockPublicPolicy")),
        restrict_public_buckets=bool(conf.get("RestrictPublicBuckets")),
    )


def _region_of(location: str | None) -> str:
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else location


def _algorithms(raw: dict[str, Any] | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    rules = raw["ServerSideEncryptionConfiguration"].get("Rules", [])
    return tuple(str(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm", "")) for r in rules)


def _tags(raw: dict[str, Any] | None) -> Mapping[str, str]:
    return {} if raw is None else {t["Key"]: t["Value"] for t in raw.get("TagSet", [])}


def _versioning(raw: dict[str, Any] | None) -> str | None:
    return None if raw is None else raw.get("Status")


def _bucket(rec: Recorder, client: Any, name: str, region: str, partition: str) -> Bucket:
    return Bucket(
        name=name,
        arn=f"arn:{partition}:s3:::{name}",
        region=region,
        public_access_block=observe(rec, client, "get_public_access_block", _pab, _NO_PAB, Bucket=name),
        encryption=observe(rec, client, "get_bucket_encryption", _algorithms, _NO_ENCRYPTION, Bucket=name),
        versioning=observe(rec, client, "get_bucket_versioning", _versioning, Bucket=name),
        tags=observe(rec, client, "get_bucket_tagging", _tags, _NO_TAGS, Bucket=name),
    )


def collect_s3(
    client_for: ClientFor, rec: Recorder, home_region: str, account_id: str, partition: str,
    regions: Collection[str], workers: int = 8,
) -> dict[str, Observed[Any]]:
    control = client_for("s3control", home_region)
    account_pab = observe(rec, control, "get_public_access_block", _pab, _NO_PAB, AccountId=account_id)

    s3 = client_for("s3", home_region)
    try:
        listing, list_rid = rec.call(s3, "list_buckets")
    except CallFailed as exc:
        return {ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): account_pab,
                BUCKETS.slot(): Observed.failed(exc.failure, (exc.record_id,))}
    assert listing is not None

    def locate_and_read(entry: dict[str, Any]) -> Bucket | None:
        name = str(entry["Name"])
        region = entry.get("BucketRegion")
        if not region:
            try:
                loc, _ = rec.call(s3, "get_bucket_location", Bucket=name)
                region = _region_of(loc.get("LocationConstraint") if loc else None)
            except CallFailed as exc:
                failure: Observed[Any] = Observed.failed(exc.failure, (exc.record_id,))
                return Bucket(name, f"arn:{partition}:s3:::{name}", "unknown",
                              failure, failure, failure, failure)
        if region not in regions:
            return None
        return _bucket(rec, client_for("s3", region), name, region, partition)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = [b for b in pool.map(locate_and_read, listing.get("Buckets", [])) if b is not None]
    return {ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): account_pab, BUCKETS.slot(): Observed.ok(tuple(found), (list_rid,))}
