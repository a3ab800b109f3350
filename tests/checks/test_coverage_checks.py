"""The boundary checks on hand-built inventories: a clean account passes each, a table of gaps fails
each with a concrete remediation, and (generated from the catalog's `needs`) an unreadable dataset
makes each one `error`."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from evidence_tracer.checks.registry import specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Dataset, Observed
from evidence_tracer.inventory import aws_platform as platform
from evidence_tracer.inventory import aws_resources as ds
from evidence_tracer.inventory.aws import (
    ACCOUNT_PUBLIC_ACCESS_BLOCK,
    AUTHORIZATION,
    BUCKETS,
    CREDENTIAL_REPORT,
    DETECTORS,
    IDENTITY_CENTER,
    SECURITY_GROUPS,
    TRAIL_BUCKET_LOGGING,
    TRAILS,
    Authorization,
    BucketLogging,
    CredentialReportRow,
    Detector,
    IdentityCenter,
    IdentityCenterUser,
    Principal,
    RoleFacts,
    ThreatFinding,
)
from evidence_tracer.models import Status
from evidence_tracer.sources.aws.declared import datasets_fed_by
from tests.checks.builders import (
    ACCOUNT,
    DEPLOY_ROLE,
    NOW,
    ROOT,
    bucket,
    clean,
    clean_data,
    ctx,
    failed,
    key,
    ok,
    res,
    rule,
    run,
    sg,
    trail,
    user,
    with_data,
)

IC_USER = IdentityCenterUser("u-1", "dana", "Dana", ("dana@acme.example",))

# The checks of 0.1.0, tested in test_iam, test_s3, test_ec2 and test_regional.
ORIGINAL = {
    "iam_root_mfa",
    "iam_root_access_keys",
    "iam_user_console_mfa",
    "iam_access_key_age",
    "iam_password_policy",
    "cloudtrail_multi_region",
    "cloudtrail_log_file_validation",
    "guardduty_enabled",
    "s3_account_public_access_block",
    "s3_bucket_public_access_block",
    "s3_bucket_encryption",
    "s3_bucket_versioning",
    "ec2_sg_open_admin_ports",
}
AWS_CHECKS = sorted(cid for cid, spec in specs().items() if spec.source == "aws")
NEW = sorted(set(AWS_CHECKS) - ORIGINAL)  # GitHub and identity-provider checks: tests/checks/test_github.py


def _db(**fields: Any) -> Observed[Any]:
    base = {
        "DBInstanceIdentifier": "analytics",
        "StorageEncrypted": True,
        "PubliclyAccessible": False,
        "BackupRetentionPeriod": 14,
        "DeletionProtection": True,
        "MultiAZ": True,
        "TagList": [{"Key": "data-classification", "Value": "confidential"}],
    }
    return ok((res(f"arn:aws:rds:us-east-1:{ACCOUNT}:db:analytics", **{**base, **fields}),))


def _stale(name: str, days: int, console: bool = True) -> CredentialReportRow:
    keys = () if console else (key(1, age_days=days),)
    return CredentialReportRow(
        name, f"arn:aws:iam::{ACCOUNT}:user/{name}", NOW - timedelta(days=days), console, None, True, keys
    )


def _principal(name: str, attached: tuple[str, ...] = (), inline: dict[str, str] | None = None) -> Principal:
    return Principal("user", name, f"arn:aws:iam::{ACCOUNT}:user/{name}", attached, inline or {}, (), ok(None))


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
VENDOR_TRUST = json.dumps(
    {
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}}
        ]
    }
)
AVAILABILITY = WorkspaceConfig.model_validate({"scope": {"categories": ["security", "availability"]}})

# check id -> (datasets to replace, expected message fragment, expected remediation fragment, config)
FAILS: dict[str, tuple[dict[Dataset[Any], Observed[Any]], str, str, WorkspaceConfig | None]] = {
    "iam_inactive_credentials": (
        {CREDENTIAL_REPORT: ok((ROOT, _stale("old", 200), _stale("svc", 120, False)))},
        "console password unused for 200 days",
        "delete-login-profile --user-name old",
        None,
    ),
    "iam_privileged_access": (
        {
            AUTHORIZATION: ok(Authorization((_principal("ci", (ADMIN,)),), ())),
            CREDENTIAL_REPORT: ok((ROOT, user("ci", console=False, keys=(key(1),)))),
        },
        "Privileged IAM user ci (via AWS-managed AdministratorAccess) holds long-lived",
        "OIDC",
        None,
    ),
    "iam_user_direct_policies": (
        {AUTHORIZATION: ok(Authorization((_principal("bob", inline={"x": "{}"}),), ()))},
        "x (inline; 0 action(s) on 0 resource(s))",
        "--user-name bob",
        None,
    ),
    "iam_role_trust_restricted": (
        {
            AUTHORIZATION: ok(
                Authorization(
                    (
                        replace(
                            DEPLOY_ROLE,
                            name="vendor",
                            arn=f"arn:aws:iam::{ACCOUNT}:role/vendor",
                            role=ok(RoleFacts(VENDOR_TRUST, None, NOW)),
                        ),
                    ),
                    (),
                )
            )
        },
        "account 999988887777, outside the company, may assume it without an sts:ExternalId",
        "update-assume-role-policy --role-name vendor",
        None,
    ),
    "iam_passrole_not_on_every_role": (
        {
            AUTHORIZATION: ok(
                Authorization(
                    (
                        replace(
                            DEPLOY_ROLE,
                            inline={
                                "ci": '{"Statement": [{"Effect": "Allow", "Action": '
                                '["iam:PassRole"], "Resource": "*"}]}'
                            },
                        ),
                    ),
                    (),
                )
            )
        },
        "Role deploy may pass any role to a service (ci (inline)",
        "Limit iam:PassRole in the policies of the role deploy",
        None,
    ),
    "iam_admin_roles_in_use": (
        {
            AUTHORIZATION: ok(
                Authorization(
                    (
                        replace(
                            DEPLOY_ROLE,
                            attached=("arn:aws:iam::aws:policy/AdministratorAccess",),
                            role=ok(RoleFacts("{}", None, NOW - timedelta(days=300))),
                        ),
                    ),
                    (),
                )
            )
        },
        "Administrator role deploy is never used (300 days",
        "detach-role-policy --role-name deploy",
        None,
    ),
    "iam_access_analyzer_enabled": (
        {ds.ACCESS_ANALYZERS: ok(())},
        "No active IAM Access Analyzer",
        "create-analyzer",
        None,
    ),
    "iam_root_recent_use": (
        {CREDENTIAL_REPORT: ok((replace(ROOT, password_last_used=NOW - timedelta(days=3)),))},
        "The root user was used on",
        "lookup-events",
        None,
    ),
    "iam_console_users_beside_identity_center": (
        {
            IDENTITY_CENTER: ok(
                (IdentityCenter("arn:aws:sso:::instance/ssoins-1", "d-1", ok((IC_USER,)), ok(()), ok(())),)
            )
        },
        "alice signs in as an IAM user",
        "delete-login-profile",
        None,
    ),
    "rds_storage_encrypted": (
        {ds.RDS_INSTANCES: _db(StorageEncrypted=False)},
        "stores data unencrypted",
        "copy-db-snapshot",
        None,
    ),
    "rds_not_publicly_accessible": (
        {ds.RDS_INSTANCES: _db(PubliclyAccessible=True)},
        "publicly accessible",
        "--no-publicly-accessible",
        None,
    ),
    "rds_backup_retention": (
        {ds.RDS_INSTANCES: _db(BackupRetentionPeriod=0)},
        "has automated backups off",
        "modify-db-instance --db-instance-identifier analytics --backup-retention-period 7",
        None,
    ),
    "rds_deletion_protection": (
        {ds.RDS_INSTANCES: _db(DeletionProtection=False)},
        "data-classification tag says data-classification=confidential",
        "--deletion-protection",
        None,
    ),
    "rds_multi_az": ({ds.RDS_INSTANCES: _db(MultiAZ=False)}, "single Availability Zone", "--multi-az", AVAILABILITY),
    "rds_snapshot_not_public": (
        {
            ds.RDS_MANUAL_SNAPSHOTS: ok(
                (
                    res(
                        "arn:snap",
                        {
                            "attributes": ok(
                                {"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all"]}]}
                            )
                        },
                        DBSnapshotIdentifier="export",
                    ),
                )
            )
        },
        "restored by any AWS account",
        "--values-to-remove all",
        None,
    ),
    "dynamodb_point_in_time_recovery": (
        {
            ds.DYNAMODB_TABLES: ok(
                (
                    res(
                        "events",
                        {
                            "continuous_backups": ok(
                                {"PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
                            )
                        },
                    ),
                )
            )
        },
        "no point-in-time recovery",
        "--table-name events",
        None,
    ),
    "ebs_encryption_by_default": (
        {ds.EBS_ENCRYPTION_DEFAULT: ok({"EbsEncryptionByDefault": False})},
        "EBS encryption by default is off",
        "enable-ebs-encryption-by-default",
        None,
    ),
    "ebs_volume_encrypted": (
        {ds.EBS_VOLUMES: ok((res("vol-9", Encrypted=False),))},
        "vol-9 is not encrypted",
        "--volume-id vol-9",
        None,
    ),
    "ebs_snapshot_not_public": (
        {ds.EBS_SNAPSHOTS: ok((res("snap-9", {"public": ok(True)}),))},
        "copied by any AWS account",
        "--group-names all",
        None,
    ),
    "kms_key_rotation": (
        {
            ds.KMS_KEYS: ok(
                (
                    res(
                        "arn:key/2",
                        {
                            "metadata": ok(
                                {
                                    "KeyId": "2",
                                    "KeyManager": "CUSTOMER",
                                    "KeySpec": "SYMMETRIC_DEFAULT",
                                    "KeyState": "Enabled",
                                }
                            ),
                            "rotation": ok({"KeyRotationEnabled": False}),
                        },
                    ),
                )
            )
        },
        "does not rotate",
        "enable-key-rotation --key-id 2",
        None,
    ),
    "efs_encrypted": (
        {ds.EFS_FILE_SYSTEMS: ok((res("arn:fs/fs-9", FileSystemId="fs-9", Encrypted=False),))},
        "fs-9 stores data unencrypted",
        "then delete fs-9",
        None,
    ),
    "secretsmanager_rotation": (
        {ds.SECRETS: ok((res("arn:s", Name="stripe", RotationEnabled=False),))},
        "never rotated",
        "--secret-id stripe",
        None,
    ),
    "cloudtrail_cloudwatch_logs": (
        {TRAILS: ok((trail(log_group=ok(None)),))},
        "not delivered to CloudWatch",
        "--cloud-watch-logs-log-group-arn",
        None,
    ),
    "logs_retention": (
        {ds.LOG_GROUPS: ok((res("app", retentionInDays=30),))},
        "keeps events 30 days",
        "--retention-in-days 365",
        None,
    ),
    "cloudwatch_security_alarms": ({ds.ALARMS: ok(())}, "No metric filter and alarm watch", "put-metric-alarm", None),
    "config_recorder_enabled": (
        {ds.CONFIG_RECORDER_STATUS: ok((res("default", recording=False),))},
        "recorder in us-east-1 but it is stopped",
        "start-configuration-recorder",
        None,
    ),
    "securityhub_enabled": ({ds.SECURITY_HUB: ok(None)}, "Security Hub is not enabled", "enable-security-hub", None),
    "vpc_flow_logs": ({ds.FLOW_LOGS: ok(())}, "runs workloads without flow logs", "--resource-ids vpc-1", None),
    "ec2_sg_open_database_ports": (
        {SECURITY_GROUPS: ok((sg("sg-db", rule("tcp", 5432, 5432, v4=("0.0.0.0/0",))),))},
        "PostgreSQL (5432)",
        "revokes the whole rule",
        None,
    ),
    "ec2_sg_open_all_ports": (
        {SECURITY_GROUPS: ok((sg("sg-all", rule("-1", None, None, v6=("::/0",))),))},
        "every port",
        "--group-id sg-all",
        None,
    ),
    "ec2_default_sg_closed": (
        {SECURITY_GROUPS: ok((sg("sg-0", default=True, egress=(rule("-1", None, None, v4=("0.0.0.0/0",)),)),))},
        "has 1 rule(s)",
        "revoke-security-group-egress",
        None,
    ),
    "elb_https_only": (
        {
            ds.LOAD_BALANCERS: ok(
                (
                    res(
                        "arn:lb",
                        {
                            "listeners": ok(
                                (
                                    {"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "forward"}]},
                                    {"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-2016-08"},
                                )
                            )
                        },
                        LoadBalancerName="legacy",
                    ),
                )
            )
        },
        "serves plain HTTP",
        "Protocol=HTTPS",
        None,
    ),
    "acm_certificate_expiry": (
        {
            ds.CERTIFICATES: ok(
                (
                    res(
                        "arn:cert/9",
                        {
                            "certificate": ok(
                                {
                                    "DomainName": "old.example",
                                    "Status": "ISSUED",
                                    "Type": "IMPORTED",
                                    "NotAfter": (NOW + timedelta(days=10)).isoformat(),
                                }
                            )
                        },
                    ),
                )
            )
        },
        "expires in 10 days",
        "--domain-name old.example",
        None,
    ),
    "ec2_imdsv2_required": (
        {ds.INSTANCES: ok((res("i-9", State={"Name": "running"}, MetadataOptions={"HttpTokens": "optional"}),))},
        "still answers IMDSv1",
        "--http-tokens required",
        None,
    ),
    "lambda_not_public": (
        {
            ds.LAMBDA_FUNCTIONS: ok(
                (
                    res(
                        "arn:fn",
                        {
                            "policy": ok(
                                '{"Statement": [{"Effect": "Allow", "Principal": "*", '
                                '"Action": "lambda:InvokeFunction"}]}'
                            ),
                            "url": ok({"AuthType": "NONE", "FunctionUrl": "https://x.lambda-url"}),
                        },
                        FunctionName="hook",
                    ),
                )
            )
        },
        "resource policy lets anyone invoke it; its function URL needs no authentication",
        "remove-permission",
        None,
    ),
    "ecr_scan_on_push": (
        {
            ds.ECR_REPOSITORIES: ok(
                (res("arn:repo", repositoryName="worker", imageScanningConfiguration={"scanOnPush": False}),)
            )
        },
        "does not scan images on push",
        "scanOnPush=true",
        None,
    ),
    "s3_bucket_acl_not_public": (
        {
            ACCOUNT_PUBLIC_ACCESS_BLOCK: ok(None),
            BUCKETS: ok(
                (bucket("open", pab=ok(None), acl=ok(("http://acs.amazonaws.com/groups/global/AllUsers READ",))),)
            ),
        },
        "The ACL of open grants everyone (READ)",
        "put-bucket-acl --bucket open --acl private",
        None,
    ),
    "sqs_queue_policy_not_public": (
        {
            platform.SQS_QUEUES: ok(
                (
                    res(
                        "https://sqs.us-east-1.amazonaws.com/111122223333/open",
                        {
                            "attributes": ok(
                                {
                                    "Policy": '{"Statement": [{"Effect": "Allow", "Principal": "*", '
                                    '"Action": "sqs:SendMessage"}]}'
                                }
                            )
                        },
                    ),
                )
            )
        },
        "The policy of queue open allows everyone (Principal *) without a condition",
        "set-queue-attributes",
        None,
    ),
    "sns_topic_policy_not_public": (
        {
            platform.SNS_TOPICS: ok(
                (
                    res(
                        "arn:aws:sns:us-east-1:111122223333:alerts",
                        {
                            "attributes": ok(
                                {
                                    "TopicArn": "arn:aws:sns:us-east-1:111122223333:alerts",
                                    "Policy": '{"Statement": [{"Effect": "Allow", "Action": "sns:Subscribe", '
                                    '"Principal": {"AWS": "arn:aws:iam::999988887777:root"}}]}',
                                }
                            )
                        },
                    ),
                )
            )
        },
        "The policy of topic alerts allows account 999988887777",
        "set-topic-attributes",
        None,
    ),
    "redshift_not_publicly_accessible": (
        {platform.REDSHIFT_CLUSTERS: ok((res("dw", ClusterIdentifier="dw", PubliclyAccessible=True, Encrypted=True),))},
        "Redshift cluster dw is publicly accessible",
        "modify-cluster --cluster-identifier dw --no-publicly-accessible",
        None,
    ),
    "redshift_encrypted": (
        {
            platform.REDSHIFT_CLUSTERS: ok(
                (res("dw", ClusterIdentifier="dw", PubliclyAccessible=False, Encrypted=False),)
            )
        },
        "Redshift cluster dw stores data unencrypted",
        "modify-cluster --cluster-identifier dw --encrypted",
        None,
    ),
    "eks_endpoint_not_open_to_internet": (
        {
            platform.EKS_CLUSTERS: ok(
                (res("k8s", {"cluster": ok({"resourcesVpcConfig": {"endpointPublicAccess": True}})}),)
            )
        },
        "The API endpoint of EKS cluster k8s is public to 0.0.0.0/0",
        "update-cluster-config --name k8s",
        None,
    ),
    "apigateway_stage_access_logging": (
        {platform.REST_APIS: ok((res("a1", {"stages": ok(({"stageName": "prod"},))}, id="a1", name="orders"),))},
        "REST API orders stage prod keeps no access log",
        "update-stage --rest-api-id a1 --stage-name prod",
        None,
    ),
    "ssm_documents_not_public": (
        {platform.SSM_DOCUMENTS: ok((res("setup", {"sharing": ok(("all",))}, Name="setup"),))},
        "SSM document setup is shared with every AWS account",
        "modify-document-permission --name setup",
        None,
    ),
    "cloudfront_viewer_https_and_tls": (
        {
            platform.CLOUDFRONT_DISTRIBUTIONS: ok(
                (
                    res(
                        "arn:cf",
                        Id="E2",
                        DefaultCacheBehavior={"ViewerProtocolPolicy": "allow-all"},
                        ViewerCertificate={"CloudFrontDefaultCertificate": True},
                    ),
                )
            )
        },
        "CloudFront distribution E2 serves viewers over plain HTTP",
        "update-distribution --id E2",
        None,
    ),
    "opensearch_domain_protected": (
        {
            platform.OPENSEARCH_DOMAINS: ok(
                (
                    res(
                        "logs",
                        {
                            "domain": ok(
                                {
                                    "AccessPolicies": '{"Statement": [{"Effect": "Allow", "Principal": "*", '
                                    '"Action": "es:*"}]}'
                                }
                            )
                        },
                        DomainName="logs",
                    ),
                )
            )
        },
        "OpenSearch domain logs stores data unencrypted at rest; sends data between nodes unencrypted; accepts plain "
        "HTTP; its access policy allows everyone",
        "update-domain-config --domain-name logs",
        None,
    ),
    "s3_bucket_policy_not_public": (
        {
            BUCKETS: ok(
                (
                    bucket(
                        "open",
                        policy=ok(
                            '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}, '
                            '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, '
                            '"Action": "s3:*"}]}'
                        ),
                    ),
                )
            )
        },
        "allows everyone (Principal *) without a condition; allows account 999988887777",
        "put-bucket-policy",
        None,
    ),
    "s3_critical_bucket_tls_only": (
        {BUCKETS: ok((bucket("vault", tags=ok({"classification": "restricted"})),))},
        "accepts plain-HTTP requests",
        "aws:SecureTransport",
        None,
    ),
    "cloudtrail_bucket_logging": (
        {TRAIL_BUCKET_LOGGING: ok((BucketLogging("trail-logs", ok(None)),))},
        "keeps no server access log",
        "put-bucket-logging --bucket trail-logs",
        None,
    ),
    "cloudtrail_bucket_not_public": (
        {BUCKETS: ok((bucket("trail-logs", pab=ok(None)),)), ACCOUNT_PUBLIC_ACCESS_BLOCK: ok(None)},
        "could be public: Block Public Access is not fully on",
        "put-public-access-block",
        None,
    ),
    "guardduty_findings_triaged": (
        {
            DETECTORS: ok(
                (
                    Detector(
                        "d1",
                        "ENABLED",
                        ok(
                            (
                                ThreatFinding(
                                    "f-old",
                                    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration",
                                    8.0,
                                    "creds",
                                    NOW - timedelta(days=30),
                                    None,
                                ),
                                ThreatFinding(
                                    "f-new",
                                    "Recon:EC2/PortProbeUnprotectedPort",
                                    7.0,
                                    "probe",
                                    NOW - timedelta(days=1),
                                    None,
                                ),
                            )
                        ),
                    ),
                )
            )
        },
        "1 high or critical GuardDuty finding(s) in us-east-1 are open after more than 7 days",
        "archive-findings --detector-id d1 --finding-ids f-old",
        None,
    ),
    "backup_critical_resources_protected": (
        {ds.RDS_INSTANCES: _db(), ds.BACKUP_PROTECTED: ok(())},
        "has no AWS Backup recovery point",
        "create-backup-selection",
        None,
    ),
}


def test_every_new_check_has_a_failing_case_here() -> None:
    assert set(FAILS) == set(NEW)


@pytest.mark.parametrize("check_id", NEW)
def test_a_clean_account_passes(check_id: str) -> None:
    findings = run(check_id, clean(), ctx())
    assert findings, check_id
    assert {f.status for f in findings} <= {Status.PASS, Status.NOT_APPLICABLE}, [f.message for f in findings]
    if check_id not in {"rds_multi_az", "iam_console_users_beside_identity_center", "iam_admin_roles_in_use"}:
        assert any(f.status is Status.PASS for f in findings)


@pytest.mark.parametrize("check_id", NEW)
def test_a_gap_fails_with_a_concrete_remediation(check_id: str) -> None:
    changes, message, remediation, config = FAILS[check_id]
    context = ctx() if config is None else replace(ctx(), config=config)
    fails = [f for f in run(check_id, with_data(changes), context) if f.status is Status.FAIL]
    assert fails, check_id
    assert any(message in f.message for f in fails), [f.message for f in fails]
    assert any(remediation in f.remediation for f in fails), [f.remediation for f in fails]
    assert all(f.account == ACCOUNT and f.source == "aws" and f.criteria for f in fails)


@pytest.mark.parametrize(("check_id", "operation"), [(cid, op) for cid in AWS_CHECKS for op in specs()[cid].needs])
def test_an_unreadable_needed_dataset_is_an_error(check_id: str, operation: str) -> None:
    """Every dataset a needed operation feeds, replaced by the AccessDenied it would give: `error`."""
    keys = datasets_fed_by(operation)
    data = {slot: (failed() if slot.split("@")[0] in keys else value) for slot, value in clean_data().items()}
    findings = run(check_id, replace(clean(), data=data), ctx())
    assert any(f.status is Status.ERROR for f in findings), [(f.status, f.message) for f in findings]
    assert not any(f.status is Status.FAIL for f in findings)


def test_a_stale_recovery_point_is_a_gap() -> None:
    stale = ok(
        (
            res(
                "arn:aws:rds:us-east-1:111122223333:db:analytics",
                ResourceArn=("arn:aws:rds:us-east-1:111122223333:db:analytics"),
                LastBackupTime=(NOW - timedelta(hours=80)).isoformat(),
            ),
        )
    )
    [f] = [
        f
        for f in run(
            "backup_critical_resources_protected",
            with_data({ds.RDS_INSTANCES: _db(), ds.BACKUP_PROTECTED: stale}),
            ctx(),
        )
        if f.status is Status.FAIL
    ]
    assert "80 hours old (limit 48)" in f.message


def test_rds_deletion_protection_says_what_to_declare_when_nothing_is_critical() -> None:
    [finding] = run("rds_deletion_protection", with_data({ds.RDS_INSTANCES: _db(TagList=[])}), ctx())
    assert finding.status is Status.NOT_APPLICABLE and "criticality.resources" in finding.message
    named = WorkspaceConfig.model_validate({"criticality": {"resources": ["analytics"]}})
    [finding] = run(
        "rds_deletion_protection",
        with_data({ds.RDS_INSTANCES: _db(TagList=[], DeletionProtection=False)}),
        replace(ctx(), config=named),
    )
    assert finding.status is Status.FAIL and "listed as critical in tracer.yaml" in finding.message


def test_kms_skips_aws_managed_keys_and_a_stale_alarm_is_named() -> None:
    aws_key = res(
        "arn:key/aws",
        {
            "metadata": ok({"KeyId": "a", "KeyManager": "AWS", "KeyState": "Enabled"}),
            "rotation": ok({"KeyRotationEnabled": False}),
        },
    )
    assert run("kms_key_rotation", with_data({ds.KMS_KEYS: ok((aws_key,))}), ctx()) == []
    silent = ok(
        tuple(
            res(f"arn:alarm:{n}", AlarmName=n, MetricName=n, Namespace="Sec", AlarmActions=[])
            for n in ("root_sign_in", "iam_policy_changes", "cloudtrail_changes", "security_group_changes")
        )
    )
    findings = run("cloudwatch_security_alarms", with_data({ds.ALARMS: silent}), ctx())
    assert {f.status for f in findings} == {Status.FAIL} and all("nobody hears it" in f.message for f in findings)


def test_not_collected_datasets_read_as_errors_never_passes() -> None:
    """What an old snapshot looks like to a new check: the dataset is simply absent."""
    data = {slot: v for slot, v in clean_data().items() if not slot.startswith(ds.RDS_INSTANCES.key)}
    findings = run("rds_not_publicly_accessible", replace(clean(), data=data), ctx())
    assert [f.status for f in findings] == [Status.ERROR]
    assert "not collected in this snapshot" in findings[0].message


@pytest.mark.parametrize(
    ("center", "status"),
    [
        # an instance an Organization made and nobody uses: not a sign-in path people skipped (a false alarm before)
        (IdentityCenter("arn:aws:sso:::instance/ssoins-1", "d-1", ok(()), ok(()), ok(())), Status.NOT_APPLICABLE),
        (IdentityCenter("arn:aws:sso:::instance/ssoins-1", "d-1", ok((IC_USER,)), ok(()), ok(())), Status.FAIL),
        (IdentityCenter("arn:aws:sso:::instance/ssoins-1", "d-1", failed(), ok(()), ok(())), Status.ERROR),
    ],
)
def test_identity_center_counts_only_when_it_has_users_or_assignments(center: IdentityCenter, status: Status) -> None:
    findings = run("iam_console_users_beside_identity_center", with_data({IDENTITY_CENTER: ok((center,))}), ctx())
    assert {f.status for f in findings} == {status}, [f.message for f in findings]


def test_a_grant_to_an_account_of_the_same_organization_is_not_an_unknown_account() -> None:
    from evidence_tracer.inventory.base import ORGANIZATION_ACCOUNTS

    grant = (
        '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, '
        '"Action": "s3:GetObject"}]}'
    )
    part = with_data({BUCKETS: ok((bucket("shared", policy=ok(grant)),))})
    outside = run("s3_bucket_policy_not_public", part, ctx())
    assert [f.status for f in outside] == [Status.FAIL] and "444455556666" in outside[0].message
    member = replace(part, attributes={**part.attributes, ORGANIZATION_ACCOUNTS: f"{ACCOUNT},444455556666"})
    assert [f.status for f in run("s3_bucket_policy_not_public", member, ctx())] == [Status.PASS]


@pytest.mark.parametrize(
    ("attached", "inline", "breadth"),
    [
        (("arn:aws:iam::aws:policy/AdministratorAccess",), {}, "AdministratorAccess (AWS-managed, administrator)"),
        ((), {"narrow": '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}]}'},
         "narrow (inline; 1 action(s) on 1 resource(s))"),
        ((), {"wide": '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'},
         "wide (inline; every action on every resource)"),
        ((), {"s3": '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'},
         "s3 (inline; s3:* on every resource)"),
    ],
)  # fmt: skip
def test_a_direct_policy_is_low_and_says_how_much_it_grants(
    attached: tuple[str, ...], inline: dict[str, str], breadth: str
) -> None:
    principal = replace(_principal("bob", inline=inline), attached=attached)
    (finding,) = run("iam_user_direct_policies", with_data({AUTHORIZATION: ok(Authorization((principal,), ()))}), ctx())
    assert finding.status is Status.FAIL and finding.severity.value == "low" and breadth in finding.message


@pytest.mark.parametrize(
    ("acl", "pab", "status"),
    [
        (ok(("http://acs.amazonaws.com/groups/global/AuthenticatedUsers WRITE",)), ok(None), Status.FAIL),
        (ok(("http://acs.amazonaws.com/groups/global/AllUsers READ",)), None, Status.PASS),  # IgnorePublicAcls on
        (None, None, Status.PASS),  # only the log-delivery group
        (failed(), None, Status.ERROR),
    ],
)
def test_a_public_acl_fails_unless_public_acls_are_ignored(acl: Any, pab: Any, status: Status) -> None:
    changes: dict[Dataset[Any], Observed[Any]] = {
        BUCKETS: ok((bucket("b", acl=acl, pab=pab),)),
        ACCOUNT_PUBLIC_ACCESS_BLOCK: ok(None),
    }
    assert [f.status for f in run("s3_bucket_acl_not_public", with_data(changes), ctx())] == [status]
