"""S3 checks: account and bucket public access blocks, default encryption, versioning of critical buckets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evidence_tracer.checks.data import policy_statements
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.inventory.aws import ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKETS, Bucket
from evidence_tracer.inventory.criticality import DECLARE_CRITICAL, critical_reason
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
        yield emit.failed(resource, GLOBAL, "Account-level S3 Block Public Access is not configured.", observed.sources)
    elif observed.value.all_on:
        yield emit.passed(
            resource, GLOBAL, "All four account-level Block Public Access settings are on.", observed.sources
        )
    else:
        missing = ", ".join(observed.value.missing())
        yield emit.failed(
            resource, GLOBAL, f"Account-level Block Public Access is off for: {missing}.", observed.sources
        )


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
            yield emit.passed(
                b.arn, b.region, f"{b.name} is covered by the account-level Block Public Access.", sources
            )
        elif own.failure is not None:
            yield emit.error(own.failure, b.arn, b.region, sources)
        elif account.failure is not None:
            yield emit.error(account.failure, b.arn, b.region, sources)
        else:
            detail = (
                "has no Block Public Access configuration"
                if own.value is None
                else "leaves off " + ", ".join(own.value.missing())
            )
            yield emit.failed(
                b.arn, b.region, f"{b.name} {detail}, and the account level does not cover it.", sources, bucket=b.name
            )


def _critical(ctx: CheckContext, b: Bucket) -> str | None:
    return critical_reason(ctx.config, (b.name, b.arn), b.tags.value or {})


def _critical_or(
    ctx: CheckContext, emit: Emit, b: Bucket, not_critical: str, sources: tuple[str, ...]
) -> tuple[str | None, Finding | None]:
    """Why the bucket is critical, or the finding to give instead: `error` when its tags (what would make it
    critical) could not be read, else `not_applicable` with `not_critical` (which says what to declare)."""
    why = _critical(ctx, b)
    if why is not None:
        return why, None
    if b.tags.failure is not None:
        return None, emit.error(b.tags.failure, b.arn, b.region, b.tags.sources)
    return None, emit.not_applicable(b.arn, b.region, not_critical, sources)


@check
def s3_bucket_encryption(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """AWS has encrypted every new object with SSE-S3 since January 2023, whatever the bucket says; what is
    still worth requiring is SSE-KMS (keys you control, access you can audit) for critical data."""
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    for b in found:
        why, instead = _critical_or(
            ctx,
            emit,
            b,
            f"{b.name} is not critical: AWS encrypts its objects with SSE-S3 "
            f"by default; to require SSE-KMS, {DECLARE_CRITICAL}.",
            b.tags.sources,
        )
        if instead is not None:
            yield instead
            continue
        enc = b.encryption
        sources = (*enc.sources, *b.tags.sources)
        if enc.failure is not None:
            yield emit.error(enc.failure, b.arn, b.region, sources)
        elif enc.value and any(a.startswith("aws:kms") for a in enc.value):
            yield emit.passed(
                b.arn, b.region, f"Critical bucket {b.name} ({why}) encrypts with {', '.join(enc.value)}.", sources
            )
        else:
            state = ", ".join(a for a in enc.value or () if a) or "SSE-S3 only (the AWS default)"
            yield emit.failed(
                b.arn,
                b.region,
                f"Critical bucket {b.name} ({why}) is encrypted with {state}, not a KMS key you control.",
                sources,
                bucket=b.name,
            )


@check
def s3_bucket_versioning(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    marker = ctx.config.s3.critical_tag
    for b in found:
        why, instead = _critical_or(
            ctx,
            emit,
            b,
            f"{b.name} is not marked critical; to require versioning, "
            f"{DECLARE_CRITICAL} (or tag it {marker.key}={marker.value}, or list it in "
            "s3.critical_buckets).",
            b.tags.sources,
        )
        if instead is not None:
            yield instead
            continue
        ver = b.versioning
        sources = (*ver.sources, *b.tags.sources)
        if ver.failure is not None:
            yield emit.error(ver.failure, b.arn, b.region, sources)
        elif ver.value == "Enabled":
            yield emit.passed(b.arn, b.region, f"Critical bucket {b.name} ({why}) has versioning enabled.", sources)
        else:
            state = (ver.value or "never enabled").lower()
            yield emit.failed(
                b.arn, b.region, f"Critical bucket {b.name} ({why}) has versioning {state}.", sources, bucket=b.name
            )


def aws_principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        values = principal.get("AWS", [])
        return [values] if isinstance(values, str) else [str(v) for v in values]
    return []


def account_of(principal: str) -> str | None:
    if principal == "*":
        return None
    if principal.isdigit():
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None


def policy_exposure(document: str, known_accounts: set[str]) -> list[str]:
    """What a bucket policy opens beyond the known accounts: everyone, or accounts nobody declared."""
    problems = []
    for statement in policy_statements(document):
        if statement.get("Effect") != "Allow":
            continue
        for principal in aws_principals(statement):
            if principal == "*" and not statement.get("Condition"):
                problems.append("allows everyone (Principal *) without a condition")
            elif (account := account_of(principal)) and account not in known_accounts:
                problems.append(f"allows account {account}, which is not in the boundary")
    return list(dict.fromkeys(problems))


@check
def s3_bucket_policy_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    known = part.known_accounts(ctx.config.boundary.accounts)
    for b in found:
        policy = b.policy
        if policy.failure is not None:
            yield emit.error(policy.failure, b.arn, b.region, policy.sources)
        elif policy.value is None:
            yield emit.passed(b.arn, b.region, f"{b.name} has no bucket policy.", policy.sources)
        elif problems := policy_exposure(policy.value, known):
            yield emit.failed(
                b.arn, b.region, f"The policy of {b.name} " + "; ".join(problems) + ".", policy.sources, bucket=b.name
            )
        else:
            yield emit.passed(
                b.arn, b.region, f"The policy of {b.name} grants only known accounts and services.", policy.sources
            )


PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "everyone",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "every AWS account",
}


@check
def s3_bucket_acl_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    account = part.get(ACCOUNT_PUBLIC_ACCESS_BLOCK)
    for b in found:
        if b.acl.failure is not None:
            yield emit.error(b.acl.failure, b.arn, b.region, b.acl.sources)
            continue
        public = [
            f"{PUBLIC_GROUPS[uri]} ({permission})"
            for uri, _, permission in (g.partition(" ") for g in b.acl.value or ())
            if uri in PUBLIC_GROUPS
        ]
        ignored = any(o.value is not None and o.value.ignore_public_acls for o in (b.public_access_block, account))
        evidence = (*b.acl.sources, *b.public_access_block.sources, *account.sources)
        if public and not ignored:
            yield emit.failed(
                b.arn, b.region, f"The ACL of {b.name} grants {', '.join(public)}.", evidence, bucket=b.name
            )
        elif public:
            yield emit.passed(
                b.arn,
                b.region,
                f"The ACL of {b.name} grants {', '.join(public)}, but IgnorePublicAcls is on.",
                evidence,
            )
        else:
            yield emit.passed(b.arn, b.region, f"The ACL of {b.name} grants no public group.", evidence)


def _denies_plain_http(document: str) -> bool:
    for statement in policy_statements(document):
        condition = statement.get("Condition") or {}
        transport = (condition.get("Bool") or {}).get("aws:SecureTransport")
        if statement.get("Effect") == "Deny" and str(transport).lower() == "false" and "*" in aws_principals(statement):
            return True
    return False


@check
def s3_critical_bucket_tls_only(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, unlisted = buckets(emit, part)
    if unlisted:
        yield unlisted
    for b in found:
        sources = (*b.policy.sources, *b.tags.sources)
        why, instead = _critical_or(
            ctx, emit, b, f"{b.name} is not critical; to require TLS-only access, {DECLARE_CRITICAL}.", sources
        )
        if instead is not None:
            yield instead
        elif b.policy.failure is not None:
            yield emit.error(b.policy.failure, b.arn, b.region, sources)
        elif b.policy.value and _denies_plain_http(b.policy.value):
            yield emit.passed(
                b.arn, b.region, f"Critical bucket {b.name} ({why}) refuses requests without TLS.", sources
            )
        else:
            yield emit.failed(
                b.arn,
                b.region,
                f"Critical bucket {b.name} ({why}) accepts plain-HTTP requests: no "
                "policy statement denies aws:SecureTransport=false.",
                sources,
                bucket=b.name,
            )
