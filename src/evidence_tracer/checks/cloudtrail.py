"""CloudTrail checks: a logging multi-region trail, and log file validation on every trail (CC7.2)."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import Failure, SourcePart
from evidence_tracer.inventory.aws import TRAILS, Trail
from evidence_tracer.models import Finding


def trails_by_arn(part: SourcePart) -> tuple[dict[str, tuple[Trail, tuple[str, ...]]], list[Failure]]:
    """Each distinct trail once (the copy that carries its logging status), with its evidence,
    plus the regions whose trails could not be listed."""
    found: dict[str, tuple[Trail, tuple[str, ...]]] = {}
    failures: list[Failure] = []
    for region in part.regions:
        observed = part.get(TRAILS, region)
        if observed.value is None:
            assert observed.failure is not None
            failures.append(observed.failure)
            continue
        for trail in observed.value:
            has_status = trail.is_logging.value is not None or trail.is_logging.failure is not None
            if trail.arn not in found or has_status:
                found[trail.arn] = (trail, (*observed.sources, *trail.is_logging.sources))
    return found, failures


def each_trail(part: SourcePart, emit: Emit, missing: str) -> tuple[list[tuple[Trail, tuple[str, ...]]], list[Finding]]:
    """Every distinct trail to judge, and the findings that come first: an error per region whose trails
    could not be listed, or a failure saying `missing` when the account has no trail at all."""
    trails, failures = trails_by_arn(part)
    first = [emit.error(f, emit.arn("cloudtrail", f.region, "trail/*"), f.region) for f in failures]
    if not trails and not failures:
        home = part.regions[0] if part.regions else "us-east-1"
        first.append(emit.failed(emit.arn("cloudtrail", "*", "trail/*"), home, missing, (), trail="YOUR-TRAIL"))
    return list(trails.values()), first


@check
def cloudtrail_multi_region(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    trails, failures = trails_by_arn(part)
    home = part.regions[0] if part.regions else "us-east-1"
    for trail, sources in trails.values():
        if trail.multi_region and trail.is_logging.value:
            yield emit.passed(
                trail.arn, trail.home_region, f"Trail {trail.name} records every region and is logging.", sources
            )
            return
    unknown = [t for t, _ in trails.values() if t.multi_region and t.is_logging.failure is not None]
    resource = emit.arn("cloudtrail", "*", "trail/*")
    all_sources = [s for _, srcs in trails.values() for s in srcs]
    if unknown:
        assert unknown[0].is_logging.failure is not None
        yield emit.error(unknown[0].is_logging.failure, unknown[0].arn, unknown[0].home_region, all_sources)
    elif failures:
        yield emit.error(failures[0], resource, failures[0].region, all_sources)
    else:
        stopped = [t.name for t, _ in trails.values() if t.multi_region]
        detail = (
            f"multi-region trail(s) {', '.join(stopped)} are not logging" if stopped else "no trail records all regions"
        )
        yield emit.failed(resource, home, f"CloudTrail gap: {detail}.", all_sources)


@check
def cloudtrail_log_file_validation(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    trails, first = each_trail(part, emit, "There is no CloudTrail trail whose log files could be validated.")
    yield from first
    for trail, sources in trails:
        if trail.log_file_validation:
            yield emit.passed(
                trail.arn, trail.home_region, f"Trail {trail.name} has log file validation enabled.", sources
            )
        else:
            yield emit.failed(
                trail.arn,
                trail.home_region,
                f"Trail {trail.name} does not validate its log files (digests are off).",
                sources,
                trail=trail.name,
            )
