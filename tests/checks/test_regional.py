from __future__ import annotations

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import Detector
from evidence_tracer.models import Status
from tests.checks.builders import ctx, failed, ok, regional, run, trail, with_regions


def test_guardduty_one_finding_per_region() -> None:
    inv = with_regions(
        regional("us-east-1"),
        regional("eu-west-1", detectors=ok(())),
        regional("us-west-2", detectors=ok((Detector("d", "DISABLED", ok(())),))),
        regional("ap-south-1", detectors=failed()),
    )
    findings = list(run("guardduty_enabled", inv, ctx()))
    assert [(f.location, f.status) for f in findings] == [
        ("us-east-1", Status.PASS),
        ("eu-west-1", Status.FAIL),
        ("us-west-2", Status.FAIL),
        ("ap-south-1", Status.ERROR),
    ]
    assert "--region eu-west-1" in findings[1].remediation
    assert "suspended" in findings[2].message
    assert all(f.criteria == ("CC7.3",) for f in findings)


def test_multi_region_trail_pass_and_the_shadow_copy_is_not_counted_twice() -> None:
    home = trail("org", "us-east-1")
    shadow = trail("org", "us-east-1", logging=Observed())
    inv = with_regions(regional("us-east-1", trails=ok((home,))), regional("eu-west-1", trails=ok((shadow,))))
    assert [f.status for f in run("cloudtrail_multi_region", inv, ctx())] == [Status.PASS]
    assert [f.status for f in run("cloudtrail_log_file_validation", inv, ctx())] == [Status.PASS]


def test_multi_region_fail_cases() -> None:
    single = with_regions(regional(trails=ok((trail(multi=False),))))
    [f] = run("cloudtrail_multi_region", single, ctx())
    assert f.status is Status.FAIL and "no trail records all regions" in f.message
    stopped = with_regions(regional(trails=ok((trail(logging=ok(False)),))))
    [f] = run("cloudtrail_multi_region", stopped, ctx())
    assert f.status is Status.FAIL and "not logging" in f.message
    none = with_regions(regional(trails=ok(())))
    assert [f.status for f in run("cloudtrail_multi_region", none, ctx())] == [Status.FAIL]


def test_multi_region_error_when_status_or_region_unreadable() -> None:
    unknown_status = with_regions(regional(trails=ok((trail(logging=failed()),))))
    assert [f.status for f in run("cloudtrail_multi_region", unknown_status, ctx())] == [Status.ERROR]
    unread = with_regions(regional(trails=failed()), regional("eu-west-1", trails=ok(())))
    assert [f.status for f in run("cloudtrail_multi_region", unread, ctx())] == [Status.ERROR]
    # ...but a logging multi-region trail seen elsewhere is evidence enough.
    seen = with_regions(regional(trails=failed()), regional("eu-west-1", trails=ok((trail(region="eu-west-1"),))))
    assert [f.status for f in run("cloudtrail_multi_region", seen, ctx())] == [Status.PASS]


def test_log_file_validation_per_trail_and_errors() -> None:
    inv = with_regions(
        regional(trails=ok((trail("a"), trail("b", validation=False)))), regional("eu-west-1", trails=failed())
    )
    findings = list(run("cloudtrail_log_file_validation", inv, ctx()))
    assert sorted((f.resource_id.split("/")[-1], f.status) for f in findings) == [
        ("*", Status.ERROR),
        ("a", Status.PASS),
        ("b", Status.FAIL),
    ]
    fail = next(f for f in findings if f.status is Status.FAIL)
    assert "update-trail --name b --enable-log-file-validation" in fail.remediation
    assert [f.status for f in run("cloudtrail_log_file_validation", with_regions(regional(trails=ok(()))), ctx())] == [
        Status.FAIL
    ]
