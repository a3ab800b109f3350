"""Who and where the AWS source reads: the caller's account and partition, the regions to scan, the accounts of
the Organization. An answer the scan cannot go on from that is not shaped as AWS documents it (an HTML page with
200) is a `Misshapen` failure the source turns into `error` parts, never a traceback."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from botocore.loaders import create_loader

from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import GLOBAL, Failure
from evidence_tracer.sources.aws.caller import CallFailed, Recorder
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.base import SourceError

_ENABLED = frozenset({"opt-in-not-required", "opted-in"})
_NO_ORGANIZATION = frozenset({"AWSOrganizationsNotInUseException", "AccessDeniedException", "AccessDenied"})


class AwsSourceError(SourceError):
    """The AWS source cannot run at all (no identity, no regions)."""


def identify(ctx: AwsContext, rec: Recorder) -> tuple[str, str]:
    """(account id, partition) of the credentials in use."""
    try:
        raw, _ = rec.call(ctx.client("sts"), "get_caller_identity")
    except CallFailed as exc:
        if exc.failure.code == "UnexpectedResponse":  # not AWS's answer: `error` for every check, not an abort
            raise Misshapen(exc.failure) from None
        raise AwsSourceError(f"cannot identify the AWS account: {exc.failure.describe()}") from None
    try:
        arn = str((raw or {}).get("Arn", "arn:aws:"))
        return str((raw or {})["Account"]), arn.split(":")[1] or "aws"
    except (KeyError, IndexError, AttributeError, TypeError):
        raise Misshapen(
            Failure(
                "sts",
                "GetCallerIdentity",
                GLOBAL,
                "UnexpectedResponse",
                "the answer is not shaped as AWS documents it (no Account)",
            )
        ) from None


@functools.cache
def _partition_patterns() -> dict[str, re.Pattern[str]]:
    endpoints = create_loader().load_data("endpoints")
    return {p["partition"]: re.compile(p["regionRegex"]) for p in endpoints["partitions"]}


def in_partition(region: str, partition: str) -> bool:
    """Whether a region belongs to the caller's partition (a commercial account is never asked about
    cn-* or us-gov-*). An unknown partition keeps every region."""
    pattern = _partition_patterns().get(partition)
    return pattern is None or bool(pattern.match(region))


def resolve_regions(
    ctx: AwsContext, rec: Recorder, requested: Sequence[str] | None, partition: str = "aws"
) -> tuple[tuple[str, ...], dict[str, Failure]]:
    """The regions to scan, and the requested ones that cannot be scanned (with the reason)."""
    try:
        raw, _ = rec.call(ctx.client("ec2"), "describe_regions", AllRegions=True)
    except CallFailed as exc:
        if requested:
            return tuple(dict.fromkeys(requested)), {}
        raise AwsSourceError(
            f"cannot list the account's regions ({exc.failure.describe()}); name them with --region"
        ) from None
    try:
        status = {
            str(r["RegionName"]): str(r.get("OptInStatus", "opt-in-not-required")) for r in (raw or {})["Regions"]
        }
    except (KeyError, TypeError, AttributeError):
        if requested:  # the regions tracer.yaml names are scanned; their checks say what they find
            return tuple(dict.fromkeys(requested)), {}
        raise AwsSourceError(
            "cannot list the account's regions (DescribeRegions answered with something AWS does not send); "
            "name them in tracer.yaml boundary.regions or with --region"
        ) from None
    if not requested:
        return tuple(sorted(r for r, s in status.items() if s in _ENABLED and in_partition(r, partition))), {}
    unusable = {}
    for region in requested:
        if region not in status:
            unusable[region] = Failure(
                "ec2", "DescribeRegions", region, "UnknownRegion", "this region is not known to the account"
            )
        elif status[region] not in _ENABLED:
            unusable[region] = Failure(
                "ec2",
                "DescribeRegions",
                region,
                "RegionNotEnabled",
                f"the region is disabled for this account ({status[region]})",
            )
    return tuple(dict.fromkeys(requested)), unusable


def organization_accounts(ctx: AwsContext, rec: Recorder, required: bool) -> list[str] | None:
    """Active member accounts, or None when the caller cannot list an Organization."""
    accounts: list[str] = []
    try:
        for page, _ in rec.pages(ctx.client("organizations"), "list_accounts"):
            # "Accounts" is in every page AWS sends: a page without it is not AWS's (and not "no members").
            accounts += [str(a["Id"]) for a in page["Accounts"] if a.get("Status", "ACTIVE") == "ACTIVE"]
    except (KeyError, TypeError, AttributeError):
        raise Misshapen(
            Failure(
                "organizations",
                "ListAccounts",
                GLOBAL,
                "UnexpectedResponse",
                "the answer is not shaped as AWS documents it",
            )
        ) from None
    except CallFailed as exc:
        if required:
            raise AwsSourceError(f"cannot list the Organization's accounts: {exc.failure.describe()}") from None
        if exc.failure.code in _NO_ORGANIZATION:
            return None
        raise AwsSourceError(f"cannot list the Organization's accounts: {exc.failure.describe()}") from None
    return accounts


class Misshapen(CollectionError):
    """An answer the scan cannot go on from is not shaped as AWS documents it (an HTML page with 200)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure
