"""Hand-built inventories: a clean account by default, with the part under test replaced."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from evidence_tracer.checks.registry import CheckContext, run_check
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Dataset, Failure, Inventory, Observed, Resource, SourcePart
from evidence_tracer.inventory import aws_platform as platform
from evidence_tracer.inventory import aws_resources as specs
from evidence_tracer.inventory.aws import (
    ACCOUNT_PUBLIC_ACCESS_BLOCK,
    ACCOUNT_SUMMARY,
    AUTHORIZATION,
    BUCKETS,
    CREDENTIAL_REPORT,
    DETECTORS,
    IDENTITY_CENTER,
    PASSWORD_POLICY,
    SECURITY_GROUPS,
    TRAIL_BUCKET_LOGGING,
    TRAILS,
    AccessKeySlot,
    Authorization,
    Bucket,
    BucketLogging,
    CredentialReportRow,
    Detector,
    IngressRule,
    PasswordPolicy,
    Principal,
    PublicAccessBlock,
    RoleFacts,
    SecurityGroup,
    Trail,
)
from evidence_tracer.inventory.base import freeze
from evidence_tracer.models import Finding

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACCOUNT = "111122223333"
DENIED = Failure("svc", "Op", "us-east-1", "AccessDenied", "not authorized")
ALL_ON = PublicAccessBlock(True, True, True, True)
STRONG = PasswordPolicy(16, True, True, True, True, 90, 24)


def ctx(**parameters: Any) -> CheckContext:
    config = WorkspaceConfig.model_validate({"parameters": parameters}) if parameters else WorkspaceConfig()
    return CheckContext(config=config, now=NOW)


def ok(value: Any, *sources: str) -> Observed[Any]:
    """A value read with evidence; JSON-shaped values frozen as collectors freeze them (lists as tuples)."""
    return Observed.ok(freeze(value), sources or ("rec-1",))


def failed(failure: Failure = DENIED) -> Observed[Any]:
    return Observed.failed(failure, ("rec-err",))


def key(slot: int = 1, active: bool = True, age_days: int | None = 10) -> AccessKeySlot:
    rotated = None if age_days is None else NOW - timedelta(days=age_days)
    return AccessKeySlot(slot, active, rotated, None)


def user(
    name: str, console: bool = True, mfa: bool = True, keys: tuple[AccessKeySlot, ...] = ()
) -> CredentialReportRow:
    return CredentialReportRow(name, f"arn:aws:iam::{ACCOUNT}:user/{name}", NOW, console, None, mfa, keys)


def bucket(
    name: str = "data",
    region: str = "us-east-1",
    pab: Observed[Any] | None = None,
    encryption: Observed[Any] | None = None,
    versioning: Observed[Any] | None = None,
    tags: Observed[Any] | None = None,
    policy: Observed[Any] | None = None,
    acl: Observed[Any] | None = None,
) -> Bucket:
    return Bucket(
        name,
        f"arn:aws:s3:::{name}",
        region,
        pab or ok(ALL_ON),
        encryption or ok(("aws:kms",)),
        versioning or ok("Enabled"),
        tags or ok({}),
        policy or ok(None),
        acl or ok(("http://acs.amazonaws.com/groups/s3/LogDelivery WRITE",)),
    )


TLS_ONLY = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", '
    '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'
)


def sg(
    group_id: str,
    *rules: IngressRule,
    region: str = "us-east-1",
    egress: tuple[IngressRule, ...] = (),
    default: bool = False,
) -> SecurityGroup:
    return SecurityGroup(
        group_id,
        "default" if default else group_id,
        "vpc-1",
        f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{group_id}",
        rules,
        ok(egress),
    )


def rule(
    protocol: str = "tcp",
    low: int | None = 22,
    high: int | None = 22,
    v4: tuple[str, ...] = (),
    v6: tuple[str, ...] = (),
) -> IngressRule:
    return IngressRule(protocol, low, high, v4, v6)


def trail(
    name: str = "main",
    region: str = "us-east-1",
    multi: bool = True,
    validation: bool = True,
    logging: Observed[Any] | None = None,
    log_group: Observed[Any] | None = None,
    bucket_name: str = "trail-logs",
) -> Trail:
    return Trail(
        name,
        f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}",
        region,
        multi,
        validation,
        logging if logging is not None else ok(True),
        log_group if log_group is not None else ok(f"arn:aws:logs:{region}:{ACCOUNT}:log-group:trail:*"),
        ok(bucket_name),
    )


def res(resource_id: str, details: dict[str, Observed[Any]] | None = None, **data: Any) -> Resource:
    """A declaratively collected resource: its API fields, and its detail calls' answers."""
    return Resource(resource_id, freeze(data), details or {}, ("rec-1",))


ROOT = CredentialReportRow("<root_account>", f"arn:aws:iam::{ACCOUNT}:root", NOW, False, None, True, ())
SECURITY_FILTERS = {
    "root_sign_in": '{ $.userIdentity.type = "Root" }',
    "iam_policy_changes": "{ ($.eventName = PutUserPolicy) || ($.eventName = AttachRolePolicy) }",
    "cloudtrail_changes": "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }",
    "security_group_changes": "{ ($.eventName = AuthorizeSecurityGroupIngress) }",
}
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts"


OWN_ONLY = (
    '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, '
    '"Action": "sqs:SendMessage"}, {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", '
    '"Condition": {"StringEquals": {"aws:SourceOwner": "111122223333"}}}]}'
)


def clean_regional(region: str = "us-east-1") -> dict[Dataset[Any], Observed[Any]]:
    """Every declaratively collected dataset of one region, configured well."""
    later = (NOW + timedelta(days=200)).isoformat()
    return {
        specs.RDS_INSTANCES: ok(
            (
                res(
                    f"arn:aws:rds:{region}:{ACCOUNT}:db:prod",
                    DBInstanceIdentifier="prod",
                    StorageEncrypted=True,
                    PubliclyAccessible=False,
                    BackupRetentionPeriod=14,
                    DeletionProtection=True,
                    MultiAZ=True,
                    TagList=[{"Key": "data-classification", "Value": "customer"}],
                ),
            )
        ),
        specs.RDS_CLUSTERS: ok(()),
        platform.OPENSEARCH_DOMAINS: ok(
            (
                res(
                    "search",
                    {
                        "domain": ok(
                            {
                                "ARN": f"arn:aws:es:{region}:{ACCOUNT}:domain/search",
                                "EncryptionAtRestOptions": {"Enabled": True},
                                "NodeToNodeEncryptionOptions": {"Enabled": True},
                                "DomainEndpointOptions": {"EnforceHTTPS": True},
                                "VPCOptions": {"VPCId": "vpc-1"},
                            }
                        )
                    },
                    DomainName="search",
                ),
            )
        ),
        platform.REST_APIS: ok(
            (
                res(
                    "a1",
                    {"stages": ok(({"stageName": "prod", "accessLogSettings": {"destinationArn": "arn:logs"}},))},
                    id="a1",
                    name="public-api",
                ),
            )
        ),
        platform.HTTP_APIS: ok(
            (
                res(
                    "h1",
                    {"stages": ok(({"StageName": "$default", "AccessLogSettings": {"DestinationArn": "arn:l"}},))},
                    ApiId="h1",
                    Name="hooks",
                ),
            )
        ),
        platform.SSM_DOCUMENTS: ok((res("runbook", {"sharing": ok(())}, Name="runbook"),)),
        platform.REDSHIFT_CLUSTERS: ok(
            (res("warehouse", ClusterIdentifier="warehouse", PubliclyAccessible=False, Encrypted=True),)
        ),
        platform.EKS_CLUSTERS: ok(
            (
                res(
                    "prod",
                    {
                        "cluster": ok(
                            {
                                "arn": f"arn:aws:eks:{region}:{ACCOUNT}:cluster/prod",
                                "resourcesVpcConfig": {
                                    "endpointPublicAccess": True,
                                    "publicAccessCidrs": ["203.0.113.0/24"],
                                },
                            }
                        )
                    },
                ),
            )
        ),
        platform.SQS_QUEUES: ok(
            (
                res(
                    f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/jobs",
                    {"attributes": ok({"QueueArn": f"arn:aws:sqs:{region}:{ACCOUNT}:jobs", "Policy": OWN_ONLY})},
                ),
            )
        ),
        platform.SNS_TOPICS: ok(
            (res(TOPIC, {"attributes": ok({"TopicArn": TOPIC, "Policy": OWN_ONLY})}, TopicArn=TOPIC),)
        ),
        specs.BACKUP_PROTECTED: ok(
            (
                res(
                    f"arn:aws:rds:{region}:{ACCOUNT}:db:prod",
                    ResourceArn=f"arn:aws:rds:{region}:{ACCOUNT}:db:prod",
                    LastBackupTime=(NOW - timedelta(hours=5)).isoformat(),
                ),
            )
        ),
        specs.RDS_MANUAL_SNAPSHOTS: ok(
            (
                res(
                    "arn:snap",
                    {"attributes": ok({"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": []}]})},
                    DBSnapshotIdentifier="snap",
                ),
            )
        ),
        specs.DYNAMODB_TABLES: ok(
            (
                res(
                    "sessions",
                    {
                        "continuous_backups": ok(
                            {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED"}}
                        )
                    },
                    Id="sessions",
                ),
            )
        ),
        specs.EBS_ENCRYPTION_DEFAULT: ok({"EbsEncryptionByDefault": True}),
        specs.EBS_VOLUMES: ok((res("vol-1", VolumeId="vol-1", Encrypted=True),)),
        specs.EBS_SNAPSHOTS: ok((res("snap-1", {"public": ok(False)}, SnapshotId="snap-1"),)),
        specs.KMS_KEYS: ok(
            (
                res(
                    "arn:key/1",
                    {
                        "metadata": ok(
                            {
                                "KeyId": "1",
                                "KeyManager": "CUSTOMER",
                                "KeySpec": "SYMMETRIC_DEFAULT",
                                "KeyState": "Enabled",
                            }
                        ),
                        "rotation": ok({"KeyRotationEnabled": True}),
                    },
                    KeyId="1",
                ),
            )
        ),
        specs.SECRETS: ok((res("arn:secret", Name="db", RotationEnabled=True),)),
        specs.EFS_FILE_SYSTEMS: ok((res("arn:fs/fs-1", FileSystemId="fs-1", Encrypted=True),)),
        specs.LOG_GROUPS: ok((res("trail", logGroupName="trail"),)),
        specs.METRIC_FILTERS: ok(
            tuple(
                res(
                    name,
                    filterName=name,
                    logGroupName="trail",
                    filterPattern=pattern,
                    metricTransformations=[{"metricName": name, "metricNamespace": "Sec"}],
                )
                for name, pattern in SECURITY_FILTERS.items()
            )
        ),
        specs.ALARMS: ok(
            tuple(
                res(f"arn:alarm:{name}", AlarmName=name, MetricName=name, Namespace="Sec", AlarmActions=[TOPIC])
                for name in SECURITY_FILTERS
            )
        ),
        specs.SNS_SUBSCRIPTIONS: ok((res(f"{TOPIC}:sub", TopicArn=TOPIC, SubscriptionArn=f"{TOPIC}:sub"),)),
        specs.CONFIG_RECORDERS: ok((res("default", name="default"),)),
        specs.CONFIG_RECORDER_STATUS: ok((res("default", name="default", recording=True),)),
        specs.SECURITY_HUB: ok({"HubArn": f"arn:aws:securityhub:{region}:{ACCOUNT}:hub/default"}),
        specs.VPCS: ok((res("vpc-1", VpcId="vpc-1"),)),
        specs.FLOW_LOGS: ok((res("fl-1", FlowLogId="fl-1", ResourceId="vpc-1"),)),
        specs.NETWORK_INTERFACES: ok((res("eni-1", NetworkInterfaceId="eni-1", VpcId="vpc-1"),)),
        specs.INSTANCES: ok(
            (res("i-1", InstanceId="i-1", State={"Name": "running"}, MetadataOptions={"HttpTokens": "required"}),)
        ),
        specs.LOAD_BALANCERS: ok(
            (
                res(
                    "arn:lb/app",
                    {
                        "listeners": ok(
                            (
                                {
                                    "Protocol": "HTTP",
                                    "Port": 80,
                                    "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS"}}],
                                },
                                {"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06"},
                            )
                        )
                    },
                    LoadBalancerName="app",
                ),
            )
        ),
        specs.CERTIFICATES: ok(
            (
                res(
                    "arn:cert/1",
                    {"certificate": ok({"DomainName": "app.example", "Status": "ISSUED", "NotAfter": later})},
                ),
            )
        ),
        specs.LAMBDA_FUNCTIONS: ok((res("arn:fn", {"policy": ok(None), "url": ok(None)}, FunctionName="fn"),)),
        specs.ECR_REPOSITORIES: ok(
            (res("arn:repo", repositoryName="api", imageScanningConfiguration={"scanOnPush": True}),)
        ),
        specs.ACCESS_ANALYZERS: ok((res("arn:analyzer", status="ACTIVE"),)),
        IDENTITY_CENTER: ok(()),
    }


@dataclass(frozen=True)
class Region:
    """The regional datasets of one region, as `with_regions` puts them into a part."""

    region: str
    data: dict[str, Observed[Any]]


def regional(
    region: str = "us-east-1",
    trails: Observed[Any] | None = None,
    detectors: Observed[Any] | None = None,
    groups: Observed[Any] | None = None,
    **more: Observed[Any],
) -> Region:
    """One region's data; `more` sets other regional datasets by key (e.g. `**{RDS_INSTANCES.key: ok(())}`)."""
    data = {
        TRAILS.slot(region): trails if trails is not None else ok(()),
        DETECTORS.slot(region): detectors if detectors is not None else ok((Detector("d1", "ENABLED", ok(())),)),
        SECURITY_GROUPS.slot(region): groups if groups is not None else ok(()),
    }
    data.update({f"{key}@{region}": value for key, value in more.items()})
    return Region(region, data)


def part(
    data: dict[str, Observed[Any]] | None = None, regions: tuple[str, ...] = ("us-east-1",), account: str = ACCOUNT
) -> SourcePart:
    return SourcePart(source="aws", account=account, regions=regions, attributes={"partition": "aws"}, data=data or {})


OWN_TRUST = json.dumps(
    {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        ]
    },
    sort_keys=True,
)
NARROW = json.dumps(
    {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/app"}]},
    sort_keys=True,
)
DEPLOY_ROLE = Principal(
    "role",
    "deploy",
    f"arn:aws:iam::{ACCOUNT}:role/deploy",
    (),
    {"deploy": NARROW},
    (),
    ok(RoleFacts(OWN_TRUST, NOW - timedelta(days=1), NOW - timedelta(days=300))),
)


SECURE_DISTRIBUTION: dict[str, Any] = {
    "Id": "E1",
    "ARN": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1",
    "DefaultCacheBehavior": {"ViewerProtocolPolicy": "redirect-to-https"},
    "ViewerCertificate": {"ACMCertificateArn": "arn:acm", "MinimumProtocolVersion": "TLSv1.2_2021"},
}


def clean_data() -> dict[str, Observed[Any]]:
    data: dict[str, Observed[Any]] = {
        platform.CLOUDFRONT_DISTRIBUTIONS.slot(): ok(
            (res(str(SECURE_DISTRIBUTION["ARN"]), None, **SECURE_DISTRIBUTION),)
        ),
        CREDENTIAL_REPORT.slot(): ok((ROOT, user("alice"))),
        AUTHORIZATION.slot(): ok(
            Authorization(
                (
                    Principal("user", "alice", f"arn:aws:iam::{ACCOUNT}:user/alice", (), {}, ("developers",), ok(None)),
                    DEPLOY_ROLE,
                ),
                (),
            )
        ),
        ACCOUNT_SUMMARY.slot(): ok({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}),
        PASSWORD_POLICY.slot(): ok(STRONG),
        ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): ok(ALL_ON),
        BUCKETS.slot(): ok(
            (
                bucket(),
                bucket("trail-logs"),
                bucket("crown-jewels", tags=ok({"data-classification": "customer"}), policy=ok(TLS_ONLY)),
            )
        ),
        TRAIL_BUCKET_LOGGING.slot(): ok((BucketLogging("trail-logs", ok("access-logs")),)),
    }
    data.update(regional(trails=ok((trail(),)), groups=ok((sg("sg-web"), sg("sg-0", default=True)))).data)
    data.update({d.slot("us-east-1"): v for d, v in clean_regional().items()})
    return data


def clean(**datasets: Observed[Any]) -> SourcePart:
    """A clean account with some datasets replaced, by key (`clean(**{RDS_INSTANCES.slot("us-east-1"): ...})`)."""
    return part({**clean_data(), **datasets})


def with_data(changes: dict[Dataset[Any], Observed[Any]], region: str = "us-east-1") -> SourcePart:
    """A clean account with the given datasets replaced."""
    return part({**clean_data(), **{d.slot(region): v for d, v in changes.items()}})


def inventory(*parts: SourcePart) -> Inventory:
    return Inventory(parts or (clean(),))


def with_iam(
    credential_report: Observed[Any] | None = None,
    account_summary: Observed[Any] | None = None,
    password_policy: Observed[Any] | None = None,
) -> SourcePart:
    changes: dict[Dataset[Any], Observed[Any]] = {}
    for dataset, value in (
        (CREDENTIAL_REPORT, credential_report),
        (ACCOUNT_SUMMARY, account_summary),
        (PASSWORD_POLICY, password_policy),
    ):
        if value is not None:
            changes[dataset] = value
    return with_data(changes)


def with_s3(
    account_public_access_block: Observed[Any] | None = None, buckets: Observed[Any] | None = None
) -> SourcePart:
    changes: dict[Dataset[Any], Observed[Any]] = {}
    if account_public_access_block is not None:
        changes[ACCOUNT_PUBLIC_ACCESS_BLOCK] = account_public_access_block
    if buckets is not None:
        changes[BUCKETS] = buckets
    return with_data(changes)


def with_regions(*regions: Region) -> SourcePart:
    data = {k: v for k, v in clean_data().items() if "@" not in k}
    for r in regions:
        data.update({d.slot(r.region): v for d, v in clean_regional(r.region).items()})
    for r in regions:
        data.update(r.data)
    return part(data, tuple(r.region for r in regions))


def run(check_id: str, source_part: SourcePart, context: CheckContext | None = None) -> list[Finding]:
    """One check through the registry, as a scan runs it."""
    return list(run_check(check_id, source_part, context or ctx()))
