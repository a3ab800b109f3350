"""IAM checks: root MFA and keys, user console MFA, access-key age, password policy (CC6.1/CC6.2)."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Finding

GLOBAL = "global"


def _root_arn(inv: Inventory) -> str:
    return f"arn:{inv.partition}:iam::{inv.account_id}:root"


def _root_row_flag(inv: Inventory, attr: str) -> bool | None:
    rows = inv.iam.credential_report.value or ()
    root = next((r for r in rows if r.is_root), None)
    if root is None:
        return None
    if attr == "mfa":
        return root.mfa_active
    return any(k.active for k in root.access_keys)


@check("iam_root_mfa")
def root_mfa(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("iam_root_mfa", inv)
    summary = inv.iam.account_summary
    if summary.value is None:
        assert summary.failure is not None
        yield emit.error(summary.failure, _root_arn(inv), GLOBAL, summary.sources)
        return
    enabled = summary.value.get("AccountMFAEnabled", 0) == 1 or _root_row_flag(inv, "mfa") is True
    sources = (*summary.sources, *inv.iam.credential_report.sources)
    if enabled:
        yield emit.passed(_root_arn(inv), GLOBAL, "The root user has MFA enabled.", sources)
    else:
        yield emit.failed(_root_arn(inv), GLOBAL, "The root user has no MFA device.", sources)


@check("iam_root_access_keys")
def root_access_keys(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("iam_root_access_keys", inv)
    summary = inv.iam.account_summary
    if summary.value is None:
        assert summary.failure is not None
        yield emit.error(summary.failure, _root_arn(inv), GLOBAL, summary.sources)
        return
    present = summary.value.get("AccountAccessKeysPresent", 0) >= 1 or _root_row_flag(inv, "keys") is True
    sources = (*summary.sources, *inv.iam.credential_report.sources)
    if present:
        yield emit.failed(_root_arn(inv), GLOBAL, "The root user has an access key.", sources)
    else:
        yield emit.passed(_root_arn(inv), GLOBAL, "The root user has no access keys.", sources)


@check("iam_user_console_mfa")
def user_console_mfa(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("iam_user_console_mfa", inv)
    report = inv.iam.credential_report
    if report.value is None:
        assert report.failure is not None
        yield emit.error(report.failure, f"arn:{inv.partition}:iam::{inv.account_id}:user/*", GLOBAL,
                         report.sources)
        return
    users = [r for r in report.value if not r.is_root]
    console = [r for r in users if r.password_enabled]
    if not console:
        yield emit.not_applicable(
            f"arn:{inv.partition}:iam::{inv.account_id}:user/*", GLOBAL,
            "No IAM user has a console password.", report.sources,
        )
    for row in console:
        if row.mfa_active:
            yield emit.passed(row.arn, GLOBAL, f"{row.user} signs in to the console with MFA.", report.sources)
        else:
            yield emit.failed(row.arn, GLOBAL, f"{row.user} has a console password but no MFA device.",
                              report.sources, user=row.user)


@check("iam_access_key_age")
def access_key_age(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("iam_access_key_age", inv)
    limit = ctx.config.parameters.access_key_max_age_days
    report = inv.iam.credential_report
    if report.value is None:
        assert report.failure is not None
        yield emit.error(report.failure, f"arn:{inv.partition}:iam::{inv.account_id}:user/*", GLOBAL,
                         report.sources)
        return
    seen = False
    for row in report.value:
        for key in row.access_keys:
            if not key.active:
                continue  # inactive keys cannot be used; the policy covers active ones
            seen = True
            resource = f"{row.arn} (access key {key.slot})"
            if key.last_rotated is None:
                yield emit.failed(resource, GLOBAL,
                                  f"Access key {key.slot} of {row.user} is active with no rotation date.",
                                  report.sources, user=row.user, slot=key.slot)
                continue
            age = (ctx.now - key.last_rotated).days
            if age > limit:
                yield emit.failed(
                    resource, GLOBAL,
                    f"Access key {key.slot} of {row.user} is {age} days old; the access control policy "
                    f"allows {limit}.",
                    report.sources, user=row.user, slot=key.slot,
                )
            else:
                yield emit.passed(resource, GLOBAL,
                                  f"Access key {key.slot} of {row.user} is {age} days old (limit {limit}).",
                                  report.sources)
    if not seen:
        yield emit.not_applicable(f"arn:{inv.partition}:iam::{inv.account_id}:user/*", GLOBAL,
                                  "No active access keys.", report.sources)


@check("iam_password_policy")
def password_policy(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("iam_password_policy", inv)
    want = ctx.config.parameters.password_min_length
    observed = inv.iam.password_policy
    resource = f"arn:{inv.partition}:iam::{inv.account_id}:account-password-policy"
    if observed.failure is not None:
        yield emit.error(observed.failure, resource, GLOBAL, observed.sources)
        return
    policy = observed.value
    if policy is None:
        yield emit.failed(resource, GLOBAL, "The account has no IAM password policy.", observed.sources,
                          min_length=want)
        return
    gaps = []
    if policy.minimum_length < want:
        gaps.append(f"minimum length {policy.minimum_length} (policy requires {want})")
    for flag, label in ((policy.require_symbols, "symbols"), (policy.require_numbers, "numbers"),
                        (policy.require_uppercase, "uppercase"), (policy.require_lowercase, "lowercase")):
        if not flag:
            gaps.append(f"{label} not required")
    if gaps:
        yield emit.failed(resource, GLOBAL, "Password policy falls short: " + "; ".join(gaps) + ".",
                          observed.sources, min_length=want)
    else:
        yield emit.passed(resource, GLOBAL,
                          f"Password policy requires {policy.minimum_length}+ characters of all classes.",
                          observed.sources)
