"""S3 checks: account and bucket public access blocks, default encryption, versioning of critical buckets."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.inventory.aws import ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKETS, Bucket
from evidence_tracer.models import Finding


def buckets(emit: Emit, part: SourcePart) -> tuple[tuple[Bucket, ...], Finding | None]:
    """The buckets, or the error finding to report when they could not be listed."""
    listing = part.get(BUCKETS)
    if listing.value is None:
        assert listing.failure is not None
        return (), emit.error(listing.failure, f"arn:{emit.partition}:s3:::*", GLOBAL, listing.sources)
    return listing.value, None


@check
def s3_account_public_access_block(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    observed = part.get(ACCOUNT_PUBLIC_ACCESS_BLOCK)
    resource = f"arn:{emit.partition}:s3:::account/{emit.account}"
    if observed.failure is not None:
        yield emit.error(observed.failure, resource, GLOBAL, observed.sources)
    elif observed.value is None:
        yield emit.failed(resource, GLOBAL, "Account-level S3 Block Public Access is not configured.",
                          observed.sources)
    elif observed.value.all_on:
        yield emit.passed(resource, GLOBAL, "All four account-level Block Public Access settings are on.",
                          observed.sources)
    else:
        missing = ", ".join(observed.value.missing())
        yield emit.failed(resource, GLOBAL, f"Account-level Block Public Access is off for: {missing}.",
                          observed.sources)


@check
def s3_bucket_public_access_block(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    account = part.get(ACCOUNT_PUBLIC_ACCESS_BLOCK)
    account_on = account.value is not None and account.value.all_on
    for b in found:
        own = b.public_access_block
        sources = (*own.sources, *account.sources)
        if own.value is not None and own.value.all_on:
            yield emit.passed(b.arn, b.region, f"{b.name} blocks all public access.", own.sources)
        elif account_on:
            yield emit.passed(b.arn, b.region,
                              f"{b.name} is covered by the account-level Block Public Access.", sources)
        elif own.failure is not None:
            yield emit.error(own.failure, b.arn, b.region, sources)
        elif account.failure is not None:
            yield emit.error(account.failure, b.arn, b.region, sources)
        else:
            detail = ("has no Block Public Access configuration" if own.value is None
                      else "leaves off " + ", ".join(own.value.missing()))
            yield emit.failed(b.arn, b.region, f"{b.name} {detail}, and the account level does not cover it.",
                              sources, bucket=b.name)


@check
def s3_bucket_encryption(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    for b in found:
        enc = b.encryption
        if enc.failure is not None:
            yield emit.error(enc.failure, b.arn, b.region, enc.sources)
        elif not enc.value or not any(enc.value):
            yield emit.failed(b.arn, b.region, f"{b.name} has no default encryption configured.",
                              enc.sources, bucket=b.name)
        else:
            yield emit.passed(b.arn, b.region, f"{b.name} encrypts by default ({', '.join(enc.value)}).",
                              enc.sources)


@check
def s3_bucket_versioning(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    settings = ctx.config.s3
    for b in found:
        named = b.name in settings.critical_buckets
        if not named and b.tags.failure is not None:
            yield emit.error(b.tags.failure, b.arn, b.region, b.tags.sources)
            continue
        tagged = (b.tags.value or {}).get(settings.critical_tag.key) == settings.critical_tag.value
        if not (named or tagged):
            yield emit.not_applicable(
                b.arn, b.region,
                f"{b.name} is not marked critical (tag {settings.critical_tag.key}="
                f"{settings.critical_tag.value} or s3.critical_buckets).",
                b.tags.sources,
            )
            continue
        ver = b.versioning
        sources = (*ver.sources, *b.tags.sources)
        if ver.failure is not None:
            yield emit.error(ver.failure, b.arn, b.region, sources)
        elif ver.value == "Enabled":
            yield emit.passed(b.arn, b.region, f"Critical bucket {b.name} has versioning enabled.", sources)
        else:
            state = (ver.value or "never enabled").lower()
            yield emit.failed(b.arn, b.region, f"Critical bucket {b.name} has versioning {state}.",
                              sources, bucket=b.name)
