"""IAM checks: root MFA and keys, user console MFA, access-key age, password policy (CC6.1/CC6.2)."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.inventory.aws import ACCOUNT_SUMMARY, CREDENTIAL_REPORT, PASSWORD_POLICY
from evidence_tracer.models import Finding


def _root_arn(emit: Emit) -> str:
    return emit.arn("iam", GLOBAL, "root")


def _users(emit: Emit) -> str:
    return emit.arn("iam", GLOBAL, "user/*")


def _root_row_flag(part: SourcePart, attr: str) -> bool | None:
    rows = part.get(CREDENTIAL_REPORT).value or ()
    root = next((r for r in rows if r.is_root), None)
    if root is None:
        return None
    if attr == "mfa":
        return root.mfa_active
    return any(k.active for k in root.access_keys)


@check
def iam_root_mfa(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    summary = part.get(ACCOUNT_SUMMARY)
    if summary.value is None:
        yield emit.unread(summary, _root_arn(emit), GLOBAL)
        return
    enabled = summary.value.get("AccountMFAEnabled", 0) == 1 or _root_row_flag(part, "mfa") is True
    sources = (*summary.sources, *part.get(CREDENTIAL_REPORT).sources)
    if enabled:
        yield emit.passed(_root_arn(emit), GLOBAL, "The root user has MFA enabled.", sources)
    else:
        yield emit.failed(_root_arn(emit), GLOBAL, "The root user has no MFA device.", sources)


@check
def iam_root_access_keys(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    summary = part.get(ACCOUNT_SUMMARY)
    if summary.value is None:
        yield emit.unread(summary, _root_arn(emit), GLOBAL)
        return
    present = summary.value.get("AccountAccessKeysPresent", 0) >= 1 or _root_row_flag(part, "keys") is True
    sources = (*summary.sources, *part.get(CREDENTIAL_REPORT).sources)
    if present:
        yield emit.failed(_root_arn(emit), GLOBAL, "The root user has an access key.", sources)
    else:
        yield emit.passed(_root_arn(emit), GLOBAL, "The root user has no access keys.", sources)


@check
def iam_user_console_mfa(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    report = part.get(CREDENTIAL_REPORT)
    if report.value is None:
        assert report.failure is not None
        yield emit.error(report.failure, _users(emit), GLOBAL, report.sources)
        return
    users = [r for r in report.value if not r.is_root]
    console = [r for r in users if r.password_enabled]
    if not console:
        yield emit.not_applicable(
            _users(emit),
            GLOBAL,
            "No IAM user has a console password.",
            report.sources,
        )
    for row in console:
        if row.mfa_active:
            yield emit.passed(row.arn, GLOBAL, f"{row.user} signs in to the console with MFA.", report.sources)
        else:
            yield emit.failed(
                row.arn, GLOBAL, f"{row.user} has a console password but no MFA device.", report.sources, user=row.user
            )


@check
def iam_access_key_age(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    limit = ctx.config.parameters.access_key_max_age_days
    report = part.get(CREDENTIAL_REPORT)
    if report.value is None:
        assert report.failure is not None
        yield emit.error(report.failure, _users(emit), GLOBAL, report.sources)
        return
    seen = False
    for row in report.value:
        for key in row.access_keys:
            if not key.active:
                continue  # inactive keys cannot be used; the policy covers active ones
            seen = True
            resource = f"{row.arn} (access key {key.slot})"
            if key.last_rotated is None:
                yield emit.failed(
                    resource,
                    GLOBAL,
                    f"Access key {key.slot} of {row.user} is active with no rotation date.",
                    report.sources,
                    user=row.user,
                    slot=key.slot,
                )
                continue
            age = (ctx.now - key.last_rotated).days
            if age > limit:
                yield emit.failed(
                    resource,
                    GLOBAL,
                    f"Access key {key.slot} of {row.user} is {age} days old; the access control policy allows {limit}.",
                    report.sources,
                    user=row.user,
                    slot=key.slot,
                )
            else:
                yield emit.passed(
                    resource,
                    GLOBAL,
                    f"Access key {key.slot} of {row.user} is {age} days old (limit {limit}).",
                    report.sources,
                )
    if not seen:
        yield emit.not_applicable(_users(emit), GLOBAL, "No active access keys.", report.sources)


@check
def iam_password_policy(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    want = ctx.config.parameters.password_min_length
    observed = part.get(PASSWORD_POLICY)
    resource = emit.arn("iam", GLOBAL, "account-password-policy")
    if observed.failure is not None:
        yield emit.error(observed.failure, resource, GLOBAL, observed.sources)
        return
    policy = observed.value
    if policy is None:
        yield emit.failed(
            resource, GLOBAL, "The account has no IAM password policy.", observed.sources, min_length=want
        )
        return
    gaps = []
    if policy.minimum_length < want:
        gaps.append(f"minimum length {policy.minimum_length} (policy requires {want})")
    for flag, label in (
        (policy.require_symbols, "symbols"),
        (policy.require_numbers, "numbers"),
        (policy.require_uppercase, "uppercase"),
        (policy.require_lowercase, "lowercase"),
    ):
        if not flag:
            gaps.append(f"{label} not required")
    if gaps:
        yield emit.failed(
            resource, GLOBAL, "Password policy falls short: " + "; ".join(gaps) + ".", observed.sources, min_length=want
        )
    else:
        yield emit.passed(
            resource,
            GLOBAL,
            f"Password policy requires {policy.minimum_length}+ characters of all classes.",
            observed.sources,
        )
