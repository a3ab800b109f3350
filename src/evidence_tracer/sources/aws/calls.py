"""AWS operations as data: a declared call is (botocore service, API operation, IAM action).

Collectors declare the calls they make next to their code (`OPERATIONS`), declarative resources
declare theirs in `specs.py`; the read-only guard's allow-list and `docs/iam-policy.json` are both
generated from those declarations (`evidence_tracer.sources.aws.source.AwsSource.operations`).
"""

from __future__ import annotations

from collections.abc import Iterable

from evidence_tracer.sources.base import Operation

SOURCE = "aws"
# botocore service names whose IAM action prefix differs.
_IAM_PREFIX = {
    "elbv2": "elasticloadbalancing",
    "sso-admin": "sso",
    "accessanalyzer": "access-analyzer",
    "s3control": "s3",
}


def aws_op(service: str, operation: str, permission: str | None = None) -> Operation:
    """A declared AWS call; the IAM action defaults to `<prefix>:<Operation>`."""
    return Operation(SOURCE, service, operation, permission or f"{_IAM_PREFIX.get(service, service)}:{operation}")


ASSUME_ROLE = "sts:AssumeRole"


def iam_policy_document(
    operations: Iterable[Operation], role_name: str = "EvidenceTracerReadOnly"
) -> dict[str, object]:
    """The minimal IAM policy for these operations (what `docs/iam-policy.json` holds). Assuming a role
    is allowed only for the read-only role of the Organization's member accounts, never any role."""
    actions = {op.permission for op in operations}
    statements: list[dict[str, object]] = [
        {
            "Sid": "EvidenceTracerReadOnlyScan",
            "Effect": "Allow",
            "Action": sorted(actions - {ASSUME_ROLE}),
            "Resource": "*",
        },
    ]
    if ASSUME_ROLE in actions:
        statements.append(
            {
                "Sid": "EvidenceTracerMemberAccounts",
                "Effect": "Allow",
                "Action": [ASSUME_ROLE],
                "Resource": f"arn:aws:iam::*:role/{role_name}",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
