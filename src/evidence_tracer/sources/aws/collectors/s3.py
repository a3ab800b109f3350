"""S3: the account-level public access block, and per bucket its block, encryption, versioning, tags."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from evidence_tracer.evidence.redact import redact
from evidence_tracer.inventory import Failure, Observed
from evidence_tracer.inventory.aws import (
    ACCOUNT_PUBLIC_ACCESS_BLOCK,
    BUCKETS,
    TRAIL_BUCKET_LOGGING,
    TRAILS,
    Bucket,
    BucketLogging,
    PublicAccessBlock,
)
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, observe, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("s3", "ListBuckets", "s3:ListAllMyBuckets"),
    aws_op("s3", "GetBucketLocation"),
    aws_op("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    aws_op("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    aws_op("s3", "GetBucketVersioning"),
    aws_op("s3", "GetBucketTagging"),
    aws_op("s3", "GetBucketPolicy"),
    aws_op("s3", "GetBucketAcl"),
    aws_op("s3", "GetBucketLogging"),
    aws_op("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),
)
DATASETS = (ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKETS, TRAIL_BUCKET_LOGGING)
ClientFor = Callable[[str, str], Any]

_NO_PAB = frozenset({"NoSuchPublicAccessBlockConfiguration"})
_NO_ENCRYPTION = frozenset({"ServerSideEncryptionConfigurationNotFoundError"})
_NO_TAGS = frozenset({"NoSuchTagSet"})
_NO_POLICY = frozenset({"NoSuchBucketPolicy"})
NOT_READ = "NotRead"
Critical = Callable[[str, Mapping[str, str]], bool]


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
    """A bucket's tags, a tag whose key names a secret (db_password) with its value redacted."""
    tag_set, _ = redact(raw.get("TagSet", []) if raw is not None else [])
    return {t["Key"]: t["Value"] for t in tag_set}


def _versioning(raw: dict[str, Any] | None) -> str | None:
    return None if raw is None else raw.get("Status")


def _policy(raw: dict[str, Any] | None) -> str | None:
    if raw is None:
        return None
    document = raw["Policy"]
    cleaned, _ = redact(json.loads(document) if isinstance(document, str) else document)
    return json.dumps(cleaned, sort_keys=True)


def _group_grants(raw: dict[str, Any] | None) -> tuple[str, ...]:
    """The ACL's grants to groups (a URI grantee), as "URI PERMISSION"; "Grants" is in every answer AWS sends."""
    grants = (raw or {})["Grants"]
    return tuple(
        f"{g['Grantee']['URI']} {g.get('Permission', '')}"
        for g in grants
        if g.get("Grantee", {}).get("Type") == "Group"
    )


def _not_read(name: str, operation: str) -> Observed[Any]:
    return Observed.failed(
        Failure(
            "s3",
            operation,
            "global",
            NOT_READ,
            f"{name} was not judged critical when scanned, so this was not read; re-scan",
        )
    )


def _bucket(rec: Recorder, client: Any, name: str, region: str, partition: str, critical: Critical) -> Bucket:
    """Three reads for every bucket (block, policy, tags); versioning and encryption only for a critical
    one (or one whose tags could not be read), since only there do the checks require something of them."""
    tags = observe(rec, client, "get_bucket_tagging", _tags, _NO_TAGS, Bucket=name)
    read_more = tags.value is None or critical(name, tags.value)
    return Bucket(
        name=name,
        arn=f"arn:{partition}:s3:::{name}",
        region=region,
        public_access_block=observe(rec, client, "get_public_access_block", _pab, _NO_PAB, Bucket=name),
        encryption=observe(rec, client, "get_bucket_encryption", _algorithms, _NO_ENCRYPTION, Bucket=name)
        if read_more
        else _not_read(name, "GetBucketEncryption"),
        versioning=observe(rec, client, "get_bucket_versioning", _versioning, Bucket=name)
        if read_more
        else _not_read(name, "GetBucketVersioning"),
        tags=tags,
        policy=observe(rec, client, "get_bucket_policy", _policy, _NO_POLICY, Bucket=name),
        acl=observe(rec, client, "get_bucket_acl", _group_grants, Bucket=name),
    )


def collect_s3(
    client_for: ClientFor,
    rec: Recorder,
    home_region: str,
    account_id: str,
    partition: str,
    regions: Collection[str],
    critical: Critical = lambda name, tags: True,
    workers: int = 8,
) -> dict[str, Observed[Any]]:
    control = client_for("s3control", home_region)
    account_pab = observe(rec, control, "get_public_access_block", _pab, _NO_PAB, AccountId=account_id)

    s3 = client_for("s3", home_region)
    entries: list[dict[str, Any]] = []
    list_rids: list[str] = []
    try:
        for page, rid in rec.pages(s3, "list_buckets"):
            list_rids.append(rid)
            entries += page["Buckets"]
    except CallFailed as exc:
        return {
            ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): account_pab,
            BUCKETS.slot(): Observed.failed(exc.failure, (*list_rids, exc.record_id)),
        }
    except KeyError:
        return {
            ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): account_pab,
            BUCKETS.slot(): Observed.failed(
                unexpected(s3, "list_buckets", "the answer has no 'Buckets'"), tuple(list_rids)
            ),
        }

    def locate_and_read(entry: dict[str, Any]) -> Bucket | None:
        name = str(entry["Name"])
        region = entry.get("BucketRegion")  # AWS names the region in the listing; older answers do not
        if not region:
            try:
                loc, _ = rec.call(s3, "get_bucket_location", Bucket=name)
                region = _region_of(loc.get("LocationConstraint") if loc else None)
            except CallFailed as exc:
                failure: Observed[Any] = Observed.failed(exc.failure, (exc.record_id,))
                return Bucket(
                    name,
                    f"arn:{partition}:s3:::{name}",
                    "unknown",
                    failure,
                    failure,
                    failure,
                    failure,
                    failure,
                    failure,
                )
        if region not in regions:
            return None
        return _bucket(rec, client_for("s3", region), name, region, partition, critical)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = [b for b in pool.map(locate_and_read, entries) if b is not None]
    return {
        ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): account_pab,
        BUCKETS.slot(): Observed.ok(tuple(found), tuple(list_rids)),
    }


def collect_trail_bucket_logging(
    client_for: ClientFor, rec: Recorder, home_region: str, data: Mapping[str, Observed[Any]]
) -> dict[str, Observed[Any]]:
    """Server access logging of the buckets CloudTrail writes to (read after trails and buckets are known)."""
    names = sorted(
        {
            str(t.s3_bucket.value)
            for slot, observed in data.items()
            if slot.startswith(f"{TRAILS.key}@")
            for t in observed.value or ()
            if t.s3_bucket.value
        }
    )
    regions = {b.name: b.region for b in data.get(BUCKETS.slot(), Observed()).value or ()}

    def target(raw: dict[str, Any] | None) -> str | None:
        return (raw or {}).get("LoggingEnabled", {}).get("TargetBucket") or None

    found = []
    for name in names:
        region = regions.get(name, home_region)
        client = client_for("s3", home_region if region == "unknown" else region)
        found.append(BucketLogging(name, observe(rec, client, "get_bucket_logging", target, Bucket=name)))
    return {TRAIL_BUCKET_LOGGING.slot(): Observed.ok(tuple(found))}
