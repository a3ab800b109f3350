"""SQS queues and SNS topics whose resource policy opens them to everyone, or to accounts outside the company
(CC6.1, CC6.6): the policy read with each queue's and topic's attributes, judged as a bucket policy is."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.common import listed
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.checks.s3 import policy_exposure
from evidence_tracer.inventory import Resource, SourcePart
from evidence_tracer.inventory.aws_platform import SNS_TOPICS, SQS_QUEUES
from evidence_tracer.inventory.aws_spec import ResourceSpec
from evidence_tracer.models import Finding


def _judge(
    part: SourcePart, ctx: CheckContext, emit: Emit, spec: ResourceSpec, kind: str, name_of: str
) -> Iterator[Finding]:
    found, errors = listed(part, emit, spec, "*")
    yield from errors
    known = part.known_accounts(ctx.config.boundary.accounts)
    for region, item, sources in found:
        attributes = item.detail("attributes")
        evidence = (*sources, *attributes.sources)
        arn = str((attributes.value or {}).get(name_of) or item.id)
        name = _name(item, arn)
        if attributes.failure is not None:
            yield emit.error(attributes.failure, arn, region, evidence)
            continue
        policy = (attributes.value or {}).get("Policy")
        problems = policy_exposure(str(policy), known) if policy else []
        if problems:
            yield emit.failed(
                arn, region, f"The policy of {kind} {name} " + "; ".join(problems) + ".", evidence, name=name
            )
        else:
            yield emit.passed(arn, region, f"The policy of {kind} {name} grants only known accounts.", evidence)


def _name(item: Resource, arn: str) -> str:
    return arn.rsplit(":", 1)[-1] if arn.startswith("arn:") else item.id.rsplit("/", 1)[-1]


@check
def sqs_queue_policy_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _judge(part, ctx, emit, SQS_QUEUES, "queue", "QueueArn")


@check
def sns_topic_policy_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _judge(part, ctx, emit, SNS_TOPICS, "topic", "TopicArn")
