"""The collected AWS state: plain frozen values, produced by collectors and read by checks.

Every piece is an `Observed`: either a value with the evidence records it came from, or a
`Failure` saying why it could not be read. Checks never see boto3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """A read that did not happen: the reason a check must say `error`."""

    service: str
    operation: str
    region: str
    code: str
    message: str

    def describe(self) -> str:
        return f"could not read {self.service}:{self.operation} in {self.region}: {self.code} ({self.message})"


@dataclass(frozen=True)
class Observed(Generic[T]):
    value: T | None = None
    failure: Failure | None = None
    sources: tuple[str, ...] = ()

    @staticmethod
    def ok(value: T, sources: tuple[str, ...] = ()) -> Observed[T]:
        return Observed(value=value, failure=None, sources=sources)

    @staticmethod
    def failed(failure: Failure, sources: tuple[str, ...] = ()) -> Observed[T]:
        return Observed(value=None, failure=failure, sources=sources)


# --- IAM -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessKeySlot:
    slot: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None


@dataclass(frozen=True)
class CredentialReportRow:
    user: str
    arn: str
    created: datetime | None
    password_enabled: bool
    password_last_used: datetime | None
    mfa_active: bool
    access_keys: tuple[AccessKeySlot, ...]

    @property
    def is_root(self) -> bool:
        return self.user == "<root_account>"


@dataclass(frozen=True)
class PasswordPolicy:
    minimum_length: int
    require_symbols: bool
    require_numbers: bool
    require_uppercase: bool
    require_lowercase: bool
    max_age_days: int | None
    reuse_prevention: int | None


@dataclass(frozen=True)
class IamInventory:
    credential_report: Observed[tuple[CredentialReportRow, ...]]
    account_summary: Observed[Mapping[str, int]]
    # value None with no failure means "the account has no password policy".
    password_policy: Observed[PasswordPolicy | None]


# --- S3 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicAccessBlock:
    block_public_acls: bool
    ignore_public_acls: bool
    block_public_policy: bool
    restrict_public_buckets: bool

    @property
    def all_on(self) -> bool:
        return all(
            (self.block_public_acls, self.ignore_public_acls, self.block_public_policy,
             self.restrict_public_buckets)
        )

    def missing(self) -> tuple[str, ...]:
        names = {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }
        return tuple(name for name, on in names.items() if not on)


@dataclass(frozen=True)
class Bucket:
    name: str
    arn: str
    region: str
    # None (without failure) = no configuration set on the bucket.
    public_access_block: Observed[PublicAccessBlock | None]
    encryption: Observed[tuple[str, ...] | None]
    versioning: Observed[str | None]
    tags: Observed[Mapping[str, str]]


@dataclass(frozen=True)
class S3Inventory:
    account_public_access_block: Observed[PublicAccessBlock | None]
    buckets: Observed[tuple[Bucket, ...]]


# --- regional services ----------------------------------------------------------------------


@dataclass(frozen=True)
class Trail:
    name: str
    arn: str
    home_region: str
    multi_region: bool
    log_file_validation: bool
    is_logging: Observed[bool]


@dataclass(frozen=True)
class Detector:
    detector_id: str
    status: str


@dataclass(frozen=True)
class IngressRule:
    protocol: str  # "-1" means all traffic
    from_port: int | None
    to_port: int | None
    ipv4_ranges: tuple[str, ...]
    ipv6_ranges: tuple[str, ...]


@dataclass(frozen=True)
class SecurityGroup:
    group_id: str
    name: str
    vpc_id: str
    arn: str
    ingress: tuple[IngressRule, ...]


@dataclass(frozen=True)
class RegionalInventory:
    region: str
    trails: Observed[tuple[Trail, ...]]
    detectors: Observed[tuple[Detector, ...]]
    security_groups: Observed[tuple[SecurityGroup, ...]]


@dataclass(frozen=True)
class Inventory:
    account_id: str
    partition: str
    regions: tuple[str, ...]
    iam: IamInventory
    s3: S3Inventory
    regional: Mapping[str, RegionalInventory] = field(default_factory=dict)
