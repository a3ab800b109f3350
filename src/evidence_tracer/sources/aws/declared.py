"""Every operation the AWS source may perform, gathered from where each is declared: next to the
hand-written collectors (`OPERATIONS`, with the `DATASETS` they fill) and in the declarative specs.
The read-only guard's allow-list, `docs/iam-policy.json` and the registry-wide "access denied on a
needed operation is an error" test are all generated from this one list."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from evidence_tracer.inventory.aws_resources import SPECS
from evidence_tracer.inventory.aws_spec import ResourceSpec, Spec
from evidence_tracer.sources.aws.calls import aws_op
from evidence_tracer.sources.aws.collectors import (
    cloudtrail,
    config_history,
    ec2,
    guardduty,
    iam,
    iam_authorization,
    identity_center,
    s3,
)
from evidence_tracer.sources.base import Operation

IDENTITY = (aws_op("sts", "GetCallerIdentity"), aws_op("ec2", "DescribeRegions"))
# Only with an Organization: list its accounts, assume the read-only role in each.
ORGANIZATION = (aws_op("organizations", "ListAccounts"), aws_op("sts", "AssumeRole"))
# `tracer history`: the past read back from AWS Config (no dataset of a scan; a reconstruction of a past day).
HISTORY = config_history.OPERATIONS
COLLECTORS = (iam, iam_authorization, identity_center, s3, cloudtrail, guardduty, ec2)


def spec_calls(spec: Spec) -> tuple[Operation, ...]:
    """The calls a declarative spec makes: its list or setting operation, then each detail call."""
    details = spec.details if isinstance(spec, ResourceSpec) else ()
    if isinstance(spec, ResourceSpec) and spec.membership is not None:
        details = (*details, spec.membership.fallback)  # asked only if the filtered listing is refused
    return (
        aws_op(spec.service, spec.operation, spec.permission),
        *(aws_op(spec.service, d.operation, d.permission) for d in details),
    )


def _feeds() -> Iterator[tuple[tuple[Operation, ...], tuple[str, ...]]]:
    """(operations, dataset keys they fill), per collector and per spec."""
    for module in COLLECTORS:
        yield module.OPERATIONS, tuple(d.key for d in module.DATASETS)
    for spec in SPECS:
        yield spec_calls(spec), (spec.key,)


@functools.cache
def aws_operations() -> tuple[Operation, ...]:
    declared = [*IDENTITY, *ORGANIZATION, *HISTORY, *(op for ops, _ in _feeds() for op in ops)]
    return tuple(sorted(set(declared)))


def operation_keys() -> frozenset[str]:
    return frozenset(op.key for op in aws_operations())


def datasets_fed_by(operation_key: str) -> frozenset[str]:
    """The dataset keys whose collection makes this operation (empty for identity/organization calls)."""
    return frozenset(d for ops, datasets in _feeds() if any(op.key == operation_key for op in ops) for d in datasets)
