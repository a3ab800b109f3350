"""The evidence store's own S3 client: a bucket and prefix, and exactly the operations the store declares.

It is not the scanner's client (the scanner stays read-only everywhere): the store writes, but only new
objects — every PutObject carries `If-None-Match: *` and the object's SHA-256 as its checksum, so S3 refuses an
overwrite and a corrupted upload, and a bucket with Object Lock keeps each object for its default retention.
Every call is counted (the benchmark prints them) and every failure becomes one StorageError line.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evidence_tracer.errors import StorageError

SCHEME = "s3://"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

# What the store does on every command (reads, new objects), as S3 operations and the IAM actions they need.
STORE_OPERATIONS = {
    "PutObject": "s3:PutObject",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
}
# What `tracer store init` adds, once, to create or check the bucket.
SETUP_OPERATIONS = {
    "HeadBucket": "s3:ListBucket",
    "CreateBucket": "s3:CreateBucket",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # "" or "team/evidence/" (always ending in "/")

    @staticmethod
    def parse(url: str) -> S3Location:
        if not url.startswith(SCHEME):
            raise StorageError(f"{url!r} is not an S3 store: write s3://BUCKET/PREFIX")
        bucket, _, prefix = url[len(SCHEME) :].partition("/")
        if not _BUCKET.match(bucket) or ".." in bucket:
            raise StorageError(f"{bucket!r} is not a valid S3 bucket name (3-63 lowercase letters, digits, . and -)")
        prefix = prefix.strip("/")
        return S3Location(bucket, f"{prefix}/" if prefix else "")

    @property
    def url(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}"

    def key(self, name: str) -> str:
        return self.prefix + name


def _refuse(allowed: frozenset[str]) -> Any:
    def check(model: Any, **_: Any) -> None:
        if model.name not in allowed:
            raise StorageError(f"refused s3:{model.name}: it is not an operation the evidence store declares")

    return check


def store_client(operations: dict[str, str], region: str | None = None) -> Any:
    """A boto3 S3 client that can make only `operations` (the standard credential chain and endpoint)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    try:
        client = boto3.session.Session().client(
            "s3", region_name=region, config=Config(retries={"mode": "standard", "max_attempts": 5})
        )
    except BotoCoreError as exc:
        raise StorageError(f"cannot reach S3 for the evidence store: {exc}") from None
    client.meta.events.register("before-call.s3", _refuse(frozenset(operations)), unique_id="tracer-store-ops")
    return client


class Bucket:
    """The store's objects under one prefix; `requests` counts every call made."""

    def __init__(self, location: S3Location, client: Any) -> None:
        self.location = location
        self.client = client
        self.requests = 0

    def _call(self, operation: str, **params: Any) -> Any:
        from botocore.exceptions import BotoCoreError

        self.requests += 1
        try:
            return getattr(self.client, operation)(Bucket=self.location.bucket, **params)
        except BotoCoreError as exc:  # a ClientError (S3's answer) is the caller's to read
            raise StorageError(f"{self.location.url}: {operation} failed: {exc}") from None

    @staticmethod
    def code(exc: Exception) -> str:
        return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))

    def failed(self, what: str, exc: Exception) -> StorageError:
        return StorageError(f"{self.location.url}: cannot {what}: {self.code(exc) or exc}")

    def put_new(self, name: str, body: Any, sha256_hex: str) -> bool:
        """Write a new object (never an overwrite), checksummed with its SHA-256. False: it already exists."""
        from botocore.exceptions import ClientError

        checksum = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
        try:
            self._call(
                "put_object",
                Key=self.location.key(name),
                Body=body,
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=checksum,
            )
        except ClientError as exc:
            if self.code(exc) in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise self.failed(f"write {name}", exc) from None
        return True

    def get(self, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return bytes(self._call("get_object", Key=self.location.key(name))["Body"].read())
        except ClientError as exc:
            if self.code(exc) in ("NoSuchKey", "404"):
                return None
            raise self.failed(f"read {name}", exc) from None

    def checksum(self, name: str) -> str | None:
        """The SHA-256 (hex) S3 holds for an object, "" when it has none, None when there is no object."""
        from botocore.exceptions import ClientError

        try:
            head = self._call("head_object", Key=self.location.key(name), ChecksumMode="ENABLED")
        except ClientError as exc:
            if self.code(exc) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise self.failed(f"read {name}", exc) from None
        value = head.get("ChecksumSHA256")
        return base64.b64decode(value).hex() if value else ""

    def names(self, folder: str, after: str = "") -> Iterator[str]:
        """The object names under `folder` (relative to the prefix), in order, after `after` (one page per 1000)."""
        from botocore.exceptions import ClientError

        params: dict[str, Any] = {"Prefix": self.location.key(folder)}
        if after:
            params["StartAfter"] = self.location.key(after)
        while True:
            try:
                page = self._call("list_objects_v2", **params)
            except ClientError as exc:
                raise self.failed(f"list {folder}", exc) from None
            for item in page.get("Contents", ()):
                yield str(item["Key"])[len(self.location.prefix) :]
            if not page.get("IsTruncated"):
                return
            params["ContinuationToken"] = page["NextContinuationToken"]

    def rewritten(self) -> tuple[list[str], list[str]]:
        """Names with more than one version (overwritten) and names hidden by a delete marker (deleted)."""
        from botocore.exceptions import ClientError

        counts: dict[str, int] = {}
        hidden: list[str] = []
        params: dict[str, Any] = {"Prefix": self.location.prefix}
        while True:
            try:
                page = self._call("list_object_versions", **params)
            except ClientError as exc:
                raise self.failed("list the object versions", exc) from None
            for v in page.get("Versions", ()):
                name = str(v["Key"])[len(self.location.prefix) :]
                counts[name] = counts.get(name, 0) + 1
            hidden += [str(m["Key"])[len(self.location.prefix) :] for m in page.get("DeleteMarkers", ())]
            if not page.get("IsTruncated"):
                return sorted(n for n, c in counts.items() if c > 1), sorted(set(hidden))
            params["KeyMarker"] = page.get("NextKeyMarker")
            params["VersionIdMarker"] = page.get("NextVersionIdMarker")

    def lock(self) -> dict[str, Any] | None:
        """The bucket's Object Lock configuration, or None when it has none."""
        from botocore.exceptions import ClientError

        try:
            found = self._call("get_object_lock_configuration")
        except ClientError as exc:
            if self.code(exc) == "ObjectLockConfigurationNotFoundError":
                return None
            raise self.failed("read the Object Lock configuration", exc) from None
        return dict(found.get("ObjectLockConfiguration") or {})
