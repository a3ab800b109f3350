"""Logging and monitoring checks: CloudTrail into CloudWatch Logs, log retention, security alarms that
reach a person, AWS Config, Security Hub, GuardDuty findings left untriaged, VPC flow logs (CC7.1-CC7.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from evidence_tracer.checks.cloudtrail import each_trail, trails_by_arn
from evidence_tracer.checks.common import as_int, listed
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.checks.s3 import buckets, policy_exposure
from evidence_tracer.inventory import GLOBAL, NOT_COLLECTED, Failure, Resource, SourcePart
from evidence_tracer.inventory.aws import ACCOUNT_PUBLIC_ACCESS_BLOCK, TRAIL_BUCKET_LOGGING
from evidence_tracer.inventory.aws_resources import (
    ALARMS,
    CONFIG_RECORDER_STATUS,
    CONFIG_RECORDERS,
    FLOW_LOGS,
    LOG_GROUPS,
    METRIC_FILTERS,
    NETWORK_INTERFACES,
    SECURITY_HUB,
    SNS_SUBSCRIPTIONS,
    VPCS,
)
from evidence_tracer.models import Finding

# The CloudTrail events a security alarm must watch, and how to recognise a metric filter for each.
SECURITY_EVENTS: dict[str, tuple[str, re.Pattern[str]]] = {
    "root_sign_in": ("use of the root user", re.compile(r"userIdentity\.type\s*=\s*\"?Root", re.I)),
    "iam_policy_changes": ("IAM policy changes", re.compile(r"(Put|Attach|Detach|Delete)(User|Group|Role)Policy")),
    "cloudtrail_changes": ("CloudTrail configuration changes", re.compile(r"StopLogging|DeleteTrail|UpdateTrail")),
    "security_group_changes": (
        "security-group changes",
        re.compile(r"(Authorize|Revoke)SecurityGroup(Ingress|Egress)"),
    ),
}


@check
def cloudtrail_cloudwatch_logs(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    trails, first = each_trail(part, emit, "There is no CloudTrail trail to deliver to CloudWatch Logs.")
    yield from first
    for trail, sources in trails:
        group = trail.cloudwatch_logs_group
        evidence = (*sources, *group.sources)
        if group.failure is not None:
            yield emit.error(group.failure, trail.arn, trail.home_region, evidence)
        elif group.value:
            yield emit.passed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} delivers to CloudWatch Logs ({group.value}).",
                evidence,
            )
        else:
            yield emit.failed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} is not delivered to CloudWatch Logs, so no alarm can watch it.",
                evidence,
                trail=trail.name,
            )


@check
def logs_retention(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    want = ctx.config.parameters.log_retention_days
    groups, errors = listed(part, emit, LOG_GROUPS, "log-group:*")
    yield from errors
    for region, group, sources in groups:
        arn = emit.arn("logs", region, f"log-group:{group.id}")
        days = group.data.get("retentionInDays")
        if days is None:
            yield emit.passed(arn, region, f"Log group {group.id} keeps events forever.", sources)
        elif as_int(days, f"retentionInDays of {group.id}") >= want:
            yield emit.passed(arn, region, f"Log group {group.id} keeps events {days} days (policy: {want}).", sources)
        else:
            yield emit.failed(
                arn,
                region,
                f"Log group {group.id} keeps events {days} days; the logging policy requires {want}.",
                sources,
                log_group=group.id,
                days=_retention_value(want),
            )


def _retention_value(days: int) -> int:
    """The smallest retention CloudWatch Logs accepts that is at least `days`."""
    allowed = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)
    return next((a for a in allowed if a >= days), allowed[-1])


def _topics_with_subscribers(part: SourcePart, region: str) -> set[str]:
    subs = part.get(SNS_SUBSCRIPTIONS, region).value or ()
    return {str(s.data.get("TopicArn")) for s in subs if str(s.data.get("SubscriptionArn", "")).startswith("arn:")}


@check
def cloudwatch_security_alarms(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    trails, failures = trails_by_arn(part)
    failures += [t.cloudwatch_logs_group.failure for t, _ in trails.values() if t.cloudwatch_logs_group.failure]
    groups = {
        str(t.cloudwatch_logs_group.value).split(":log-group:")[-1].removesuffix(":*"): t.home_region
        for t, _ in trails.values()
        if t.cloudwatch_logs_group.value
    }
    resource = emit.arn("cloudwatch", "*", "alarm:*")
    if not groups and failures:
        yield emit.error(failures[0], resource, failures[0].region)
        return
    if not groups:
        home = part.regions[0] if part.regions else "us-east-1"
        for event, (label, _) in SECURITY_EVENTS.items():
            yield emit.failed(
                f"{resource} ({event})",
                home,
                f"No alarm on {label}: CloudTrail is not delivered "
                "to CloudWatch Logs (see cloudtrail_cloudwatch_logs).",
                (),
                event=event,
                log_group="CLOUDTRAIL-LOG-GROUP",
                region=home,
            )
        return
    for log_group, region in groups.items():
        observed = {ds.key: part.get(ds, region) for ds in (METRIC_FILTERS, ALARMS, SNS_SUBSCRIPTIONS)}
        evidence = tuple(s for o in observed.values() for s in o.sources)
        broken = next((o.failure for o in observed.values() if o.failure is not None), None)
        if broken is not None:
            yield emit.error(broken, resource, region, evidence)
            continue
        filters: tuple[Resource, ...] = observed[METRIC_FILTERS.key].value or ()
        alarms: tuple[Resource, ...] = observed[ALARMS.key].value or ()
        notified = _topics_with_subscribers(part, region)
        for event, (label, pattern) in SECURITY_EVENTS.items():
            metrics = {
                (str(t.get("metricNamespace")), str(t.get("metricName")))
                for f in filters
                if f.data.get("logGroupName") == log_group and pattern.search(str(f.data.get("filterPattern", "")))
                for t in f.data.get("metricTransformations") or ()
            }
            watching = [a for a in alarms if (str(a.data.get("Namespace")), str(a.data.get("MetricName"))) in metrics]
            reaching = [a for a in watching if any(str(t) in notified for t in a.data.get("AlarmActions") or ())]
            target = f"{resource} ({event})"
            if reaching:
                yield emit.passed(
                    target,
                    region,
                    f"Alarm {reaching[0].data.get('AlarmName')} notifies a subscribed SNS topic on {label}.",
                    evidence,
                )
            elif watching:
                yield emit.failed(
                    target,
                    region,
                    f"The alarm on {label} notifies no SNS topic with a subscriber, so nobody hears it.",
                    evidence,
                    event=event,
                    log_group=log_group,
                )
            else:
                yield emit.failed(
                    target,
                    region,
                    f"No metric filter and alarm watch {label} in {log_group}.",
                    evidence,
                    event=event,
                    log_group=log_group,
                )


@check
def config_recorder_enabled(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for region in part.regions:
        recorders, status = part.get(CONFIG_RECORDERS, region), part.get(CONFIG_RECORDER_STATUS, region)
        resource = emit.arn("config", region, "configuration-recorder/*")
        evidence = (*recorders.sources, *status.sources)
        failure = recorders.failure or status.failure
        if failure is not None:
            yield emit.error(failure, resource, region, evidence)
            continue
        recording = [s.id for s in status.value or () if s.data.get("recording")]
        if recording:
            yield emit.passed(resource, region, f"AWS Config is recording in {region} ({recording[0]}).", evidence)
        elif recorders.value:
            yield emit.failed(
                resource,
                region,
                f"AWS Config has a recorder in {region} but it is stopped.",
                evidence,
                recorder=recorders.value[0].id,
            )
        else:
            yield emit.failed(
                resource, region, f"AWS Config records nothing in {region}.", evidence, recorder="default"
            )


@check
def securityhub_enabled(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for region in part.regions:
        hub = part.get(SECURITY_HUB, region)
        resource = emit.arn("securityhub", region, "hub/default")
        if hub.failure is not None:
            yield emit.error(hub.failure, resource, region, hub.sources)
        elif hub.value:
            yield emit.passed(
                str(hub.value.get("HubArn", resource)), region, f"Security Hub is on in {region}.", hub.sources
            )
        else:
            yield emit.failed(resource, region, f"Security Hub is not enabled in {region}.", hub.sources)


def _vpcs_with_workloads(part: SourcePart, region: str) -> set[str]:
    return {str(n.data.get("VpcId")) for n in part.get(NETWORK_INTERFACES, region).value or ()}


@check
def vpc_flow_logs(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    vpcs, errors = listed(part, emit, VPCS, "vpc/*")
    yield from errors
    for region in part.regions:
        flows, interfaces = part.get(FLOW_LOGS, region), part.get(NETWORK_INTERFACES, region)
        mine = [(v, s) for r, v, s in vpcs if r == region]
        if not mine:
            continue
        failure = flows.failure or interfaces.failure
        if failure is not None:
            yield emit.error(failure, emit.arn("ec2", region, "vpc/*"), region, (*flows.sources, *interfaces.sources))
            continue
        logged = {str(f.data.get("ResourceId")) for f in flows.value or ()}
        busy = _vpcs_with_workloads(part, region)
        for vpc, sources in mine:
            arn = emit.arn("ec2", region, f"vpc/{vpc.id}")
            evidence = (*sources, *flows.sources, *interfaces.sources)
            if vpc.id in logged:
                yield emit.passed(arn, region, f"VPC {vpc.id} has flow logs.", evidence)
            elif vpc.id in busy:
                yield emit.failed(arn, region, f"VPC {vpc.id} runs workloads without flow logs.", evidence, vpc=vpc.id)
            else:
                yield emit.not_applicable(
                    arn, region, f"VPC {vpc.id} has no network interfaces (no workloads).", evidence
                )


def _trail_buckets(part: SourcePart, emit: Emit) -> tuple[dict[str, tuple[str, ...]], list[Finding]]:
    """The buckets trails deliver to (with the evidence naming them), or the errors that hide them."""
    trails, failures = trails_by_arn(part)
    errors = [emit.error(f, emit.arn("cloudtrail", f.region, "trail/*"), f.region) for f in failures]
    found: dict[str, tuple[str, ...]] = {}
    for trail, sources in trails.values():
        if trail.s3_bucket.failure is not None:
            errors.append(emit.error(trail.s3_bucket.failure, trail.arn, trail.home_region, sources))
        elif trail.s3_bucket.value:
            found[trail.s3_bucket.value] = (*found.get(trail.s3_bucket.value, ()), *sources)
    return found, errors


@check
def cloudtrail_bucket_logging(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    names, errors = _trail_buckets(part, emit)
    yield from errors
    logging = part.get(TRAIL_BUCKET_LOGGING)
    if logging.value is None:
        yield emit.unread(logging, emit.arn("s3", GLOBAL, "*"), GLOBAL)
        return
    read = {entry.bucket: entry.target for entry in logging.value}
    for name, sources in names.items():
        arn = f"arn:{emit.partition}:s3:::{name}"
        target = read.get(name)
        if target is None:
            yield emit.error(
                Failure("s3", "GetBucketLogging", GLOBAL, NOT_COLLECTED, "not read in this snapshot"),
                arn,
                GLOBAL,
                sources,
            )
        elif target.failure is not None:
            yield emit.error(target.failure, arn, GLOBAL, (*sources, *target.sources))
        elif target.value:
            yield emit.passed(
                arn, GLOBAL, f"CloudTrail bucket {name} logs access to {target.value}.", (*sources, *target.sources)
            )
        else:
            yield emit.failed(
                arn,
                GLOBAL,
                f"CloudTrail bucket {name} keeps no server access log: reads and deletes "
                "of the audit trail itself go unrecorded.",
                (*sources, *target.sources),
                bucket=name,
            )


@check
def cloudtrail_bucket_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    names, errors = _trail_buckets(part, emit)
    yield from errors
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
        return
    by_name = {b.name: b for b in found}
    account = part.get(ACCOUNT_PUBLIC_ACCESS_BLOCK)
    known = part.known_accounts(ctx.config.boundary.accounts)
    for name, sources in names.items():
        arn = f"arn:{emit.partition}:s3:::{name}"
        bucket = by_name.get(name)
        if bucket is None:
            yield emit.error(
                Failure(
                    "s3",
                    "ListBuckets",
                    GLOBAL,
                    "OutsideAccount",
                    f"{name} is not a bucket of account {part.account}; scan the account that "
                    "holds it (a log archive account of the Organization)",
                ),
                arn,
                GLOBAL,
                sources,
            )
            continue
        evidence = (*sources, *bucket.public_access_block.sources, *bucket.policy.sources, *account.sources)
        failure = bucket.policy.failure or (bucket.public_access_block.failure if account.failure else None)
        if failure is not None:
            yield emit.error(failure, arn, GLOBAL, evidence)
            continue
        blocked = (bucket.public_access_block.value is not None and bucket.public_access_block.value.all_on) or (
            account.value is not None and account.value.all_on
        )
        exposure = policy_exposure(bucket.policy.value, known) if bucket.policy.value else []
        if exposure or not blocked:
            detail = "; ".join(exposure) if exposure else "Block Public Access is not fully on for it"
            yield emit.failed(
                arn, GLOBAL, f"CloudTrail bucket {name} could be public: {detail}.", evidence, bucket=name
            )
        else:
            yield emit.passed(
                arn,
                GLOBAL,
                f"CloudTrail bucket {name} blocks public access and its policy grants "
                "only known accounts and services.",
                evidence,
            )
