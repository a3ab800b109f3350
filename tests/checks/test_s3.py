from __future__ import annotations

from evidence_tracer.inventory.aws import PublicAccessBlock
from evidence_tracer.models import Status
from tests.checks.builders import bucket, ctx, failed, ok, run, with_s3

PARTIAL = PublicAccessBlock(True, True, False, True)


def only(findings: object) -> list[tuple[str, Status]]:
    return [(f.resource_id, f.status) for f in findings]  # type: ignore[attr-defined]


def test_account_public_access_block() -> None:
    assert [f.status for f in run("s3_account_public_access_block", with_s3(), ctx())] == [Status.PASS]
    [none] = run("s3_account_public_access_block", with_s3(account_public_access_block=ok(None)), ctx())
    assert none.status is Status.FAIL and "--account-id 111122223333" in none.remediation
    [part] = run("s3_account_public_access_block", with_s3(account_public_access_block=ok(PARTIAL)), ctx())
    assert part.status is Status.FAIL and "BlockPublicPolicy" in part.message
    [err] = run("s3_account_public_access_block", with_s3(account_public_access_block=failed()), ctx())
    assert err.status is Status.ERROR


def test_bucket_public_access_block_counts_the_account_level_setting() -> None:
    open_bucket = bucket("open", pab=ok(None))
    covered = with_s3(buckets=ok((open_bucket,)))
    [f] = run("s3_bucket_public_access_block", covered, ctx())
    assert f.status is Status.PASS and "account-level" in f.message
    exposed = with_s3(buckets=ok((open_bucket, bucket("half", pab=ok(PARTIAL)))), account_public_access_block=ok(None))
    findings = list(run("s3_bucket_public_access_block", exposed, ctx()))
    assert only(findings) == [("arn:aws:s3:::open", Status.FAIL), ("arn:aws:s3:::half", Status.FAIL)]
    assert "--bucket open" in findings[0].remediation and "BlockPublicPolicy" in findings[1].message
    unknown = with_s3(buckets=ok((bucket("x", pab=failed()),)), account_public_access_block=ok(None))
    assert [f.status for f in run("s3_bucket_public_access_block", unknown, ctx())] == [Status.ERROR]
    # Bucket has none and the account level could not be read: not a pass.
    unread = with_s3(buckets=ok((bucket("x", pab=ok(None)),)), account_public_access_block=failed())
    assert [f.status for f in run("s3_bucket_public_access_block", unread, ctx())] == [Status.ERROR]


def test_bucket_encryption_requires_kms_on_critical_buckets_only() -> None:
    critical = ok({"data-classification": "pii"})
    inv = with_s3(
        buckets=ok(
            (
                bucket("enc", tags=critical),
                bucket("plain", encryption=ok(None), tags=critical),
                bucket("s3-managed", encryption=ok(("AES256",)), tags=critical),
                bucket("x", encryption=failed(), tags=critical),
                bucket("marketing", encryption=ok(None)),
                bucket("unknown", tags=failed()),
            )
        )
    )
    findings = run("s3_bucket_encryption", inv, ctx())
    assert only(findings) == [
        ("arn:aws:s3:::enc", Status.PASS),
        ("arn:aws:s3:::plain", Status.FAIL),
        ("arn:aws:s3:::s3-managed", Status.FAIL),
        ("arn:aws:s3:::x", Status.ERROR),
        ("arn:aws:s3:::marketing", Status.NOT_APPLICABLE),
        ("arn:aws:s3:::unknown", Status.ERROR),
    ]
    marketing = next(f for f in findings if f.resource_id.endswith("marketing"))
    assert "SSE-S3 by default" in marketing.message and "criticality.resources" in marketing.message
    plain = next(f for f in findings if f.resource_id.endswith("plain"))
    assert "pii" in plain.message and "SSE-S3 since January 2023" not in plain.message
    assert "already encrypts every new object with SSE-S3" in plain.remediation


def test_versioning_only_for_critical_buckets_by_tag_or_config() -> None:
    tagged = bucket("tagged", versioning=ok("Suspended"), tags=ok({"tracer:critical": "true"}))
    named = bucket("named", versioning=ok(None))
    plain = bucket("plain", versioning=ok(None))
    good = bucket("good", tags=ok({"tracer:critical": "true"}))
    inv = with_s3(buckets=ok((tagged, named, plain, good)))
    config_ctx = ctx()
    config_ctx = type(config_ctx)(
        config=config_ctx.config.model_copy(
            update={"s3": config_ctx.config.s3.model_copy(update={"critical_buckets": ("named",)})}
        ),
        now=config_ctx.now,
    )
    findings = list(run("s3_bucket_versioning", inv, config_ctx))
    assert only(findings) == [
        ("arn:aws:s3:::tagged", Status.FAIL),
        ("arn:aws:s3:::named", Status.FAIL),
        ("arn:aws:s3:::plain", Status.NOT_APPLICABLE),
        ("arn:aws:s3:::good", Status.PASS),
    ]
    assert "suspended" in findings[0].message and "never enabled" in findings[1].message


def test_versioning_errors_when_criticality_or_state_unreadable() -> None:
    no_tags = bucket("t", tags=failed())
    no_state = bucket("v", versioning=failed(), tags=ok({"tracer:critical": "true"}))
    inv = with_s3(buckets=ok((no_tags, no_state)))
    assert [f.status for f in run("s3_bucket_versioning", inv, ctx())] == [Status.ERROR, Status.ERROR]


def test_bucket_listing_failure_is_an_error_for_every_bucket_check() -> None:
    inv = with_s3(buckets=failed())
    for check_id in ("s3_bucket_public_access_block", "s3_bucket_encryption", "s3_bucket_versioning"):
        assert [f.status for f in run(check_id, inv, ctx())] == [Status.ERROR]


def test_no_buckets_yields_nothing_to_judge() -> None:
    assert list(run("s3_bucket_encryption", with_s3(buckets=ok(())), ctx())) == []
