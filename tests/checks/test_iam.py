from __future__ import annotations

from evidence_tracer.inventory.aws import CredentialReportRow
from evidence_tracer.models import Severity, Status
from tests.checks.builders import ACCOUNT, ctx, failed, key, ok, run, user, with_iam


def statuses(findings: object) -> list[Status]:
    return [f.status for f in findings]  # type: ignore[attr-defined]


def test_root_mfa_pass_fail_error() -> None:
    assert statuses(run("iam_root_mfa", with_iam(), ctx())) == [Status.PASS]
    no_mfa = with_iam(account_summary=ok({"AccountMFAEnabled": 0}), credential_report=ok((user("alice"),)))
    [fail] = run("iam_root_mfa", no_mfa, ctx())
    assert fail.status is Status.FAIL
    assert fail.severity is Severity.CRITICAL
    assert fail.criteria == ("CC6.1", "CC6.2")
    assert fail.resource_id == f"arn:aws:iam::{ACCOUNT}:root"
    assert "MFA" in fail.remediation
    [err] = run("iam_root_mfa", with_iam(account_summary=failed()), ctx())
    assert err.status is Status.ERROR
    assert "AccessDenied" in err.message and err.evidence_ids == ("rec-err",)


def test_root_mfa_read_from_root_row_of_real_credential_report() -> None:
    root = CredentialReportRow("<root_account>", f"arn:aws:iam::{ACCOUNT}:root", None, False, None, True, ())
    inv = with_iam(account_summary=ok({"AccountMFAEnabled": 0}), credential_report=ok((root,)))
    assert statuses(run("iam_root_mfa", inv, ctx())) == [Status.PASS]


def test_root_access_keys() -> None:
    assert statuses(run("iam_root_access_keys", with_iam(), ctx())) == [Status.PASS]
    present = with_iam(account_summary=ok({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1}))
    assert statuses(run("iam_root_access_keys", present, ctx())) == [Status.FAIL]
    assert statuses(run("iam_root_access_keys", with_iam(account_summary=failed()), ctx())) == [Status.ERROR]


def test_console_mfa_per_user_and_not_applicable_without_console_users() -> None:
    report = ok((user("alice"), user("bob", mfa=False), user("svc", console=False, mfa=False)))
    findings = list(run("iam_user_console_mfa", with_iam(credential_report=report), ctx()))
    assert [(f.resource_id.rsplit("/", 1)[1], f.status) for f in findings] == [
        ("alice", Status.PASS),
        ("bob", Status.FAIL),
    ]
    assert "--user-name bob" in findings[1].remediation
    none = list(run("iam_user_console_mfa", with_iam(credential_report=ok((user("svc", console=False),))), ctx()))
    assert statuses(none) == [Status.NOT_APPLICABLE]
    assert statuses(run("iam_user_console_mfa", with_iam(credential_report=failed()), ctx())) == [Status.ERROR]


def test_access_key_age_uses_the_configured_threshold_and_skips_inactive_keys() -> None:
    report = ok(
        (
            user("old", keys=(key(1, age_days=120), key(2, active=False, age_days=900))),
            user("fresh", keys=(key(1, age_days=89),)),
        )
    )
    inv = with_iam(credential_report=report)
    default = list(run("iam_access_key_age", inv, ctx()))
    assert [(f.resource_id.split("/")[-1], f.status) for f in default] == [
        ("old (access key 1)", Status.FAIL),
        ("fresh (access key 1)", Status.PASS),
    ]
    assert "120 days old" in default[0].message and "allows 90" in default[0].message
    # The company's own policy moves the line: the same keys under a 180-day policy all pass.
    assert statuses(run("iam_access_key_age", inv, ctx(access_key_max_age_days=180))) == [Status.PASS, Status.PASS]
    assert statuses(run("iam_access_key_age", inv, ctx(access_key_max_age_days=30))) == [Status.FAIL, Status.FAIL]


def test_access_key_age_edge_cases() -> None:
    exactly = with_iam(credential_report=ok((user("u", keys=(key(1, age_days=90),)),)))
    assert statuses(run("iam_access_key_age", exactly, ctx())) == [Status.PASS]
    undated = with_iam(credential_report=ok((user("u", keys=(key(1, age_days=None),)),)))
    assert statuses(run("iam_access_key_age", undated, ctx())) == [Status.FAIL]
    only_inactive = with_iam(credential_report=ok((user("u", keys=(key(1, active=False, age_days=999),)),)))
    assert statuses(run("iam_access_key_age", only_inactive, ctx())) == [Status.NOT_APPLICABLE]
    assert statuses(run("iam_access_key_age", with_iam(credential_report=failed()), ctx())) == [Status.ERROR]


def test_password_policy() -> None:
    assert statuses(run("iam_password_policy", with_iam(), ctx())) == [Status.PASS]
    [missing] = run("iam_password_policy", with_iam(password_policy=ok(None)), ctx())
    assert missing.status is Status.FAIL and "--minimum-password-length 14" in missing.remediation
    [short] = run("iam_password_policy", with_iam(), ctx(password_min_length=20))
    assert short.status is Status.FAIL and "minimum length 16 (policy requires 20)" in short.message
    assert "--minimum-password-length 20" in short.remediation
    assert statuses(run("iam_password_policy", with_iam(password_policy=failed()), ctx())) == [Status.ERROR]
