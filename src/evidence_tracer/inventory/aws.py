"""AWS values the hand-written collectors produce, and the typed dataset keys checks read them by.

Declarative resources (RDS instances, KMS keys, ...) need no type here: they are `Resource`s, declared
in `inventory/aws_resources.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from evidence_tracer.inventory.base import Dataset, Observed

# --- IAM -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessKeySlot:
    slot: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    minimum_length: int
    require_symbols: bool
    require_numbers: bool
    require_uppercase: bool
    require_lowercase: bool
    max_age_days: int | None
    reuse_prevention: int | None


# --- S3 --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicAccessBlock:
    block_public_acls: bool
    ignore_public_acls: bool
    block_public_policy: bool
    restrict_public_buckets: bool

    @property
    def all_on(self) -> bool:
        return all(
            (self.block_public_acls, self.ignore_public_acls, self.block_public_policy, self.restrict_public_buckets)
        )

    def missing(self) -> tuple[str, ...]:
        names = {
            "BlockPublicAcls": self.block_public_acls,
            "IgnorePublicAcls": self.ignore_public_acls,
            "BlockPublicPolicy": self.block_public_policy,
            "RestrictPublicBuckets": self.restrict_public_buckets,
        }
        return tuple(name for name, on in names.items() if not on)


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    arn: str
    region: str
    # None (without failure) = no configuration set on the bucket.
    public_access_block: Observed[PublicAccessBlock | None]
    encryption: Observed[tuple[str, ...] | None]
    versioning: Observed[str | None]
    tags: Observed[Mapping[str, str]]
    policy: Observed[str | None]  # the bucket policy document (None: the bucket has none)
    # "GRANTEE PERMISSION" of every ACL grant to a group (AllUsers, AuthenticatedUsers, LogDelivery)
    acl: Observed[tuple[str, ...]]


# --- regional services ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trail:
    name: str
    arn: str
    home_region: str
    multi_region: bool
    log_file_validation: bool
    is_logging: Observed[bool]
    # The CloudWatch Logs group the trail delivers to (None: not delivered). Observed, so a snapshot
    # written before this field existed reads "not collected" rather than "not delivered".
    cloudwatch_logs_group: Observed[str | None]
    s3_bucket: Observed[str | None]  # where the trail delivers its log files


@dataclass(frozen=True, slots=True)
class ThreatFinding:
    """A GuardDuty finding of high or critical severity that nobody has archived."""

    finding_id: str
    type: str
    severity: float
    title: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Detector:
    detector_id: str
    status: str
    open_findings: Observed[tuple[ThreatFinding, ...]]  # high and critical, not archived


@dataclass(frozen=True, slots=True)
class IngressRule:
    protocol: str  # "-1" means all traffic
    from_port: int | None
    to_port: int | None
    ipv4_ranges: tuple[str, ...]
    ipv6_ranges: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SecurityGroup:
    group_id: str
    name: str
    vpc_id: str
    arn: str
    ingress: tuple[IngressRule, ...]
    egress: Observed[tuple[IngressRule, ...]]

    @property
    def is_default(self) -> bool:
        """Every VPC's default group is named "default" (no other group may take the name)."""
        return self.name == "default"


@dataclass(frozen=True, slots=True)
class BucketLogging:
    """Server access logging of a bucket CloudTrail delivers to: the target bucket, or None when off."""

    bucket: str
    target: Observed[str | None]


# --- dataset keys ------------------------------------------------------------------------------

CREDENTIAL_REPORT: Dataset[tuple[CredentialReportRow, ...]] = Dataset(
    "iam.credential_report", "iam", "GetCredentialReport"
)
ACCOUNT_SUMMARY: Dataset[Mapping[str, int]] = Dataset("iam.account_summary", "iam", "GetAccountSummary")
# value None with no failure means "the account has no password policy".
PASSWORD_POLICY: Dataset[PasswordPolicy | None] = Dataset("iam.password_policy", "iam", "GetAccountPasswordPolicy")
ACCOUNT_PUBLIC_ACCESS_BLOCK: Dataset[PublicAccessBlock | None] = Dataset(
    "s3.account_public_access_block", "s3control", "GetPublicAccessBlock"
)
BUCKETS: Dataset[tuple[Bucket, ...]] = Dataset("s3.buckets", "s3", "ListBuckets")
TRAILS: Dataset[tuple[Trail, ...]] = Dataset("cloudtrail.trails", "cloudtrail", "DescribeTrails", regional=True)
TRAIL_BUCKET_LOGGING: Dataset[tuple[BucketLogging, ...]] = Dataset("s3.trail_bucket_logging", "s3", "GetBucketLogging")
DETECTORS: Dataset[tuple[Detector, ...]] = Dataset("guardduty.detectors", "guardduty", "ListDetectors", regional=True)
SECURITY_GROUPS: Dataset[tuple[SecurityGroup, ...]] = Dataset(
    "ec2.security_groups", "ec2", "DescribeSecurityGroups", regional=True
)


@dataclass(frozen=True, slots=True)
class Principal:
    """An IAM user, group or role with what grants it permissions. Policy documents are canonical JSON."""

    kind: str  # user | group | role
    name: str
    arn: str
    attached: tuple[str, ...]  # managed policy ARNs
    inline: Mapping[str, str]  # inline policy name -> document
    groups: tuple[str, ...]  # a user's groups (empty for groups and roles)
    role: Observed[RoleFacts | None]  # a role's trust policy and use; None for users and groups


@dataclass(frozen=True, slots=True)
class RoleFacts:
    trust: str  # the trust policy (AssumeRolePolicyDocument), canonical JSON
    last_used: datetime | None  # RoleLastUsed.LastUsedDate; None: never used (in AWS's tracking window)
    created: datetime


@dataclass(frozen=True, slots=True)
class ManagedPolicy:
    arn: str
    name: str
    document: str  # the default version


@dataclass(frozen=True, slots=True)
class Authorization:
    principals: tuple[Principal, ...]
    policies: tuple[ManagedPolicy, ...]  # customer-managed; AWS-managed ones are known by ARN


AUTHORIZATION: Dataset[Authorization] = Dataset("iam.authorization", "iam", "GetAccountAuthorizationDetails")


@dataclass(frozen=True, slots=True)
class IdentityCenterUser:
    user_id: str
    user_name: str
    display_name: str
    emails: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountAssignment:
    """Who (a user or group) holds which permission set in which account."""

    account: str
    permission_set: str  # its name
    principal_type: str  # USER | GROUP
    principal_id: str


@dataclass(frozen=True, slots=True)
class IdentityCenter:
    """An IAM Identity Center instance: its people, permission sets and assignments to this account."""

    instance_arn: str
    identity_store_id: str
    users: Observed[tuple[IdentityCenterUser, ...]]
    permission_sets: Observed[tuple[str, ...]]  # names
    assignments: Observed[tuple[AccountAssignment, ...]]


IDENTITY_CENTER: Dataset[tuple[IdentityCenter, ...]] = Dataset(
    "sso.identity_center", "sso-admin", "ListInstances", regional=True
)
