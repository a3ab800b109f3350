"""Collect the inventory: identity, regions, then every collector concurrently by region and service."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import partial
from typing import Any

from evidence_tracer.aws.caller import CallFailed, Recorder
from evidence_tracer.aws.collectors.cloudtrail import collect_trails
from evidence_tracer.aws.collectors.ec2 import collect_security_groups
from evidence_tracer.aws.collectors.guardduty import collect_detectors
from evidence_tracer.aws.collectors.iam import collect_iam
from evidence_tracer.aws.collectors.s3 import collect_s3
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import (
    Failure,
    Inventory,
    Observed,
    RegionalInventory,
)

Progress = Callable[[str, int, int], None]
_ENABLED = frozenset({"opt-in-not-required", "opted-in"})


def identify(ctx: AwsContext, rec: Recorder) -> tuple[str, str]:
    """(account id, partition) of the credentials in use."""
    try:
        raw, _ = rec.call(ctx.client("sts"), "get_caller_identity")
    except CallFailed as exc:
        raise CollectionError(f"cannot identify the AWS account: {exc.failure.describe()}") from None
    assert raw is not None
    arn = str(raw.get("Arn", "arn:aws:"))
    return str(raw["Account"]), arn.split(":")[1] or "aws"


def resolve_regions(
    ctx: AwsContext, rec: Recorder, requested: Sequence[str] | None
) -> tuple[tuple[str, ...], dict[str, Failure]]:
    """The regions to scan, and the requested ones that cannot be scanned (with the reason)."""
    try:
        raw, _ = rec.call(ctx.client("ec2"), "describe_regions", AllRegions=True)
    except CallFailed as exc:
        if requested:
            return tuple(dict.fromkeys(requested)), {}
        raise CollectionError(
            f"cannot list the account's regions ({exc.failure.describe()}); name them with --region"
        ) from None
    assert raw is not None
    status = {str(r["RegionName"]): str(r.get("OptInStatus", "opt-in-not-required")) for r in raw["Regions"]}
    if not requested:
        return tuple(sorted(r for r, s in status.items() if s in _ENABLED)), {}
    unusable = {}
    for region in requested:
        if region not in status:
            unusable[region] = Failure("ec2", "DescribeRegions", region, "UnknownRegion",
                                       "this region is not known to the account")
        elif status[region] not in _ENABLED:
            unusable[region] = Failure("ec2", "DescribeRegions", region, "RegionNotEnabled",
                                       f"the region is disabled for this account ({status[region]})")
    return tuple(dict.fromkeys(requested)), unusable


def _unreachable(region: str, failure: Failure) -> RegionalInventory:
    gone: Observed[Any] = Observed.failed(failure)
    return RegionalInventory(region, gone, gone, gone)


def collect(
    ctx: AwsContext,
    rec: Recorder,
    requested_regions: Sequence[str] | None = None,
    progress: Progress | None = None,
    workers: int = 8,
) -> Inventory:
    account_id, partition = identify(ctx, rec)
    rec.account_id = account_id
    regions, unusable = resolve_regions(ctx, rec, requested_regions)
    live = [r for r in regions if r not in unusable]
    home = ctx.home_region if ctx.home_region in live or not live else live[0]

    # Clients are made here, in one thread; the tasks only use them.
    iam_client = ctx.client("iam", home)
    clients = {r: (ctx.client("cloudtrail", r), ctx.client("guardduty", r), ctx.client("ec2", r))
               for r in live}
    jobs: dict[str, Callable[[], Any]] = {
        "iam": partial(collect_iam, iam_client, rec),
        "s3": partial(collect_s3, ctx.client, rec, home, account_id, partition, set(live)),
    }
    for region in live:
        ct, gd, ec2 = clients[region]
        jobs[f"cloudtrail {region}"] = partial(collect_trails, ct, rec, region, live)
        jobs[f"guardduty {region}"] = partial(collect_detectors, gd, rec)
        jobs[f"ec2 {region}"] = partial(collect_security_groups, ec2, rec, region, account_id, partition)
    results: dict[str, Any] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(job): label for label, job in jobs.items()}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(futures[future], done, len(futures))

    regional = {
        r: RegionalInventory(r, results[f"cloudtrail {r}"], results[f"guardduty {r}"], results[f"ec2 {r}"])
        for r in live
    }
    regional.update({r: _unreachable(r, f) for r, f in unusable.items()})
    return Inventory(
        account_id=account_id, partition=partition, regions=regions,
        iam=results["iam"], s3=results["s3"], regional={r: regional[r] for r in regions},
    )
