"""What the scan may call, as data: the read-only rule and each operation's IAM action.

`docs/iam-policy.json` is generated from `SCAN_OPERATIONS`; a test keeps the two identical and
another proves a real scan calls nothing outside it.
"""

from __future__ import annotations

READ_ONLY_PREFIXES = ("List", "Get", "Describe")
# Operations outside the prefixes that are still read-only.
READ_ONLY_EXTRA = frozenset({"GenerateCredentialReport"})
# Read operations that would pull customer data or secrets: never needed to assess controls.
DATA_READS = frozenset(
    {"GetObject", "GetObjectTorrent", "GetSecretValue", "GetParameter", "GetParameters",
     "GetParametersByPath", "GetItem", "BatchGetItem", "GetQueryResults", "GetLogEvents"}
)


def is_read_only(operation: str) -> bool:
    if operation in DATA_READS:
        return False
    return operation in READ_ONLY_EXTRA or operation.startswith(READ_ONLY_PREFIXES)


# (botocore service name, operation) -> IAM action. Most are "<prefix>:<Operation>"; S3 differs.
SCAN_OPERATIONS: dict[tuple[str, str], str] = {
    ("sts", "GetCallerIdentity"): "sts:GetCallerIdentity",
    ("ec2", "DescribeRegions"): "ec2:DescribeRegions",
    ("ec2", "DescribeSecurityGroups"): "ec2:DescribeSecurityGroups",
    ("iam", "GenerateCredentialReport"): "iam:GenerateCredentialReport",
    ("iam", "GetCredentialReport"): "iam:GetCredentialReport",
    ("iam", "GetAccountSummary"): "iam:GetAccountSummary",
    ("iam", "GetAccountPasswordPolicy"): "iam:GetAccountPasswordPolicy",
    ("cloudtrail", "DescribeTrails"): "cloudtrail:DescribeTrails",
    ("cloudtrail", "GetTrailStatus"): "cloudtrail:GetTrailStatus",
    ("guardduty", "ListDetectors"): "guardduty:ListDetectors",
    ("guardduty", "GetDetector"): "guardduty:GetDetector",
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketLocation"): "s3:GetBucketLocation",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketVersioning"): "s3:GetBucketVersioning",
    ("s3", "GetBucketTagging"): "s3:GetBucketTagging",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
}


def iam_policy_document() -> dict[str, object]:
    """The minimal IAM policy the scan needs (what `docs/iam-policy.json` must contain)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EvidenceTracerReadOnlyScan",
                "Effect": "Allow",
                "Action": sorted(set(SCAN_OPERATIONS.values())),
                "Resource": "*",
            }
        ],
    }
