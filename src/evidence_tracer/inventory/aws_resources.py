"""What the AWS source enumerates declaratively: one entry per kind of resource or setting.

Adding a describe-only resource is one entry here; its operations join the read-only allow-list and
`docs/iam-policy.json` by themselves. Checks read these datasets by the constant's name.
"""

from __future__ import annotations

from evidence_tracer.inventory import aws_platform as platform
from evidence_tracer.inventory.aws_spec import Detail, Membership, ResourceSpec, SettingSpec, Spec

# --- data stores ---------------------------------------------------------------------------------
RDS_INSTANCES = ResourceSpec(
    "rds.db_instances", "rds", "DescribeDBInstances", regional=True, result_key="DBInstances", id_field="DBInstanceArn"
)
RDS_CLUSTERS = ResourceSpec(
    "rds.db_clusters", "rds", "DescribeDBClusters", regional=True, result_key="DBClusters", id_field="DBClusterArn"
)
# RDS has no owner-scoped public filter: SnapshotType="public" lists every account's public snapshots in the
# region (thousands), so publicity is read per manual snapshot — manual RDS snapshots are few where EBS's are many.
RDS_MANUAL_SNAPSHOTS = ResourceSpec(
    "rds.manual_snapshots",
    "rds",
    "DescribeDBSnapshots",
    regional=True,
    result_key="DBSnapshots",
    id_field="DBSnapshotArn",
    params={"SnapshotType": "manual"},
    details=(
        Detail(
            "attributes",
            "DescribeDBSnapshotAttributes",
            "DBSnapshotIdentifier",
            "DBSnapshotIdentifier",
            result_key="DBSnapshotAttributesResult",
        ),
    ),
)
DYNAMODB_TABLES = ResourceSpec(
    "dynamodb.tables",
    "dynamodb",
    "ListTables",
    regional=True,
    result_key="TableNames",
    details=(
        Detail(
            "continuous_backups",
            "DescribeContinuousBackups",
            "TableName",
            "",
            result_key="ContinuousBackupsDescription",
        ),
    ),
)
EBS_ENCRYPTION_DEFAULT = SettingSpec(
    "ec2.ebs_encryption_by_default",
    "ec2",
    "GetEbsEncryptionByDefault",
    regional=True,
    required_key="EbsEncryptionByDefault",
)
EBS_VOLUMES = ResourceSpec(
    "ec2.volumes", "ec2", "DescribeVolumes", regional=True, result_key="Volumes", id_field="VolumeId"
)
EBS_SNAPSHOTS = ResourceSpec(
    "ec2.snapshots",
    "ec2",
    "DescribeSnapshots",
    regional=True,
    result_key="Snapshots",
    id_field="SnapshotId",
    params={"OwnerIds": ["self"]},
    # The public ones in one paged call per region (an account with 1,300 snapshots a region is 3 calls, not
    # 1,300); DescribeSnapshotAttribute per snapshot only if the filter is refused.
    membership=Membership(
        "public",
        {"RestorableByUserIds": ["all"]},
        Detail(
            "create_volume_permissions",
            "DescribeSnapshotAttribute",
            "SnapshotId",
            "SnapshotId",
            result_key="CreateVolumePermissions",
            params={"Attribute": "createVolumePermission"},
        ),
        lambda permissions: any(p.get("Group") == "all" for p in permissions or ()),
    ),
)
KMS_KEYS = ResourceSpec(
    "kms.keys",
    "kms",
    "ListKeys",
    regional=True,
    result_key="Keys",
    id_field="KeyArn",
    details=(
        Detail("metadata", "DescribeKey", "KeyId", "KeyId", result_key="KeyMetadata"),
        Detail("rotation", "GetKeyRotationStatus", "KeyId", "KeyId"),
    ),
)
# Resources AWS Backup has recovery points for, with the time of the latest one (one call per page).
BACKUP_PROTECTED = ResourceSpec(
    "backup.protected_resources",
    "backup",
    "ListProtectedResources",
    regional=True,
    result_key="Results",
    id_field="ResourceArn",
)
# AWS Backup's jobs (by default those of the last 30 days): the backups population of a period, scan by scan.
BACKUP_JOBS = ResourceSpec(
    "backup.jobs",
    "backup",
    "ListBackupJobs",
    regional=True,
    result_key="BackupJobs",
    id_field="BackupJobId",
)
SECRETS = ResourceSpec(
    "secretsmanager.secrets", "secretsmanager", "ListSecrets", regional=True, result_key="SecretList", id_field="ARN"
)
EFS_FILE_SYSTEMS = ResourceSpec(
    "efs.file_systems",
    "efs",
    "DescribeFileSystems",
    regional=True,
    result_key="FileSystems",
    id_field="FileSystemArn",
    permission="elasticfilesystem:DescribeFileSystems",
)


# --- logging and monitoring ----------------------------------------------------------------------
LOG_GROUPS = ResourceSpec(
    "logs.log_groups", "logs", "DescribeLogGroups", regional=True, result_key="logGroups", id_field="logGroupName"
)
METRIC_FILTERS = ResourceSpec(
    "logs.metric_filters",
    "logs",
    "DescribeMetricFilters",
    regional=True,
    result_key="metricFilters",
    id_field="filterName",
)
ALARMS = ResourceSpec(
    "cloudwatch.alarms", "cloudwatch", "DescribeAlarms", regional=True, result_key="MetricAlarms", id_field="AlarmArn"
)
SNS_SUBSCRIPTIONS = ResourceSpec(
    "sns.subscriptions",
    "sns",
    "ListSubscriptions",
    regional=True,
    result_key="Subscriptions",
    id_field="SubscriptionArn",
)
CONFIG_RECORDERS = ResourceSpec(
    "config.recorders",
    "config",
    "DescribeConfigurationRecorders",
    regional=True,
    result_key="ConfigurationRecorders",
    id_field="name",
)
CONFIG_RECORDER_STATUS = ResourceSpec(
    "config.recorder_status",
    "config",
    "DescribeConfigurationRecorderStatus",
    regional=True,
    result_key="ConfigurationRecordersStatus",
    id_field="name",
)
SECURITY_HUB = SettingSpec(
    "securityhub.hub",
    "securityhub",
    "DescribeHub",
    regional=True,
    required_key="HubArn",
    absent=frozenset({"InvalidAccessException", "ResourceNotFoundException"}),
)
# High and critical Security Hub findings still open (the vulnerabilities population, scan by scan); a region
# without Security Hub has none to list.
SECURITY_HUB_FINDINGS = ResourceSpec(
    "securityhub.findings",
    "securityhub",
    "GetFindings",
    regional=True,
    result_key="Findings",
    id_field="Id",
    params={
        "Filters": {
            "SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}, {"Value": "CRITICAL", "Comparison": "EQUALS"}],
            "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
            "WorkflowStatus": [{"Value": "NEW", "Comparison": "EQUALS"}, {"Value": "NOTIFIED", "Comparison": "EQUALS"}],
        }
    },
    absent=frozenset({"InvalidAccessException"}),
)
VPCS = ResourceSpec("ec2.vpcs", "ec2", "DescribeVpcs", regional=True, result_key="Vpcs", id_field="VpcId")
FLOW_LOGS = ResourceSpec(
    "ec2.flow_logs", "ec2", "DescribeFlowLogs", regional=True, result_key="FlowLogs", id_field="FlowLogId"
)
NETWORK_INTERFACES = ResourceSpec(
    "ec2.network_interfaces",
    "ec2",
    "DescribeNetworkInterfaces",
    regional=True,
    result_key="NetworkInterfaces",
    id_field="NetworkInterfaceId",
)


# --- network and compute -------------------------------------------------------------------------
INSTANCES = ResourceSpec(
    "ec2.instances",
    "ec2",
    "DescribeInstances",
    regional=True,
    result_key="Reservations/Instances",
    id_field="InstanceId",
)
LOAD_BALANCERS = ResourceSpec(
    "elbv2.load_balancers",
    "elbv2",
    "DescribeLoadBalancers",
    regional=True,
    result_key="LoadBalancers",
    id_field="LoadBalancerArn",
    details=(Detail("listeners", "DescribeListeners", "LoadBalancerArn", "LoadBalancerArn", result_key="Listeners"),),
)
CERTIFICATES = ResourceSpec(
    "acm.certificates",
    "acm",
    "ListCertificates",
    regional=True,
    result_key="CertificateSummaryList",
    id_field="CertificateArn",
    details=(
        Detail("certificate", "DescribeCertificate", "CertificateArn", "CertificateArn", result_key="Certificate"),
    ),
)
LAMBDA_FUNCTIONS = ResourceSpec(
    "lambda.functions",
    "lambda",
    "ListFunctions",
    regional=True,
    result_key="Functions",
    id_field="FunctionArn",
    details=(
        Detail(
            "policy",
            "GetPolicy",
            "FunctionName",
            "FunctionName",
            result_key="Policy",
            absent=frozenset({"ResourceNotFoundException"}),
        ),
        Detail(
            "url",
            "GetFunctionUrlConfig",
            "FunctionName",
            "FunctionName",
            absent=frozenset({"ResourceNotFoundException"}),
        ),
    ),
)
ECR_REPOSITORIES = ResourceSpec(
    "ecr.repositories",
    "ecr",
    "DescribeRepositories",
    regional=True,
    result_key="repositories",
    id_field="repositoryArn",
)
ACCESS_ANALYZERS = ResourceSpec(
    "accessanalyzer.analyzers", "accessanalyzer", "ListAnalyzers", regional=True, result_key="analyzers", id_field="arn"
)


# --- identity ------------------------------------------------------------------------------------
# CloudTrail's event history of IAM access being taken away (the last 90 days, where IAM's events are kept):
# the moment a leaver's IAM user, password or key was removed, for the terminations population.
IAM_REMOVAL_EVENTS = ("DeleteUser", "DeleteLoginProfile", "DeleteAccessKey", "UpdateAccessKey")
IAM_REMOVALS = tuple(
    ResourceSpec(
        f"cloudtrail.events.{name}",
        "cloudtrail",
        "LookupEvents",
        result_key="Events",
        id_field="EventId",
        params={"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}]},
    )
    for name in IAM_REMOVAL_EVENTS
)

SPECS: tuple[Spec, ...] = (
    RDS_INSTANCES,
    RDS_CLUSTERS,
    RDS_MANUAL_SNAPSHOTS,
    DYNAMODB_TABLES,
    EBS_ENCRYPTION_DEFAULT,
    EBS_VOLUMES,
    EBS_SNAPSHOTS,
    BACKUP_PROTECTED,
    BACKUP_JOBS,
    KMS_KEYS,
    SECRETS,
    EFS_FILE_SYSTEMS,
    platform.REDSHIFT_CLUSTERS,
    LOG_GROUPS,
    METRIC_FILTERS,
    ALARMS,
    SNS_SUBSCRIPTIONS,
    platform.SQS_QUEUES,
    platform.SNS_TOPICS,
    CONFIG_RECORDERS,
    CONFIG_RECORDER_STATUS,
    SECURITY_HUB,
    SECURITY_HUB_FINDINGS,
    VPCS,
    FLOW_LOGS,
    NETWORK_INTERFACES,
    INSTANCES,
    LOAD_BALANCERS,
    CERTIFICATES,
    LAMBDA_FUNCTIONS,
    ECR_REPOSITORIES,
    platform.EKS_CLUSTERS,
    platform.CLOUDFRONT_DISTRIBUTIONS,
    platform.OPENSEARCH_DOMAINS,
    platform.REST_APIS,
    platform.HTTP_APIS,
    platform.SSM_DOCUMENTS,
    *IAM_REMOVALS,
    ACCESS_ANALYZERS,
)
