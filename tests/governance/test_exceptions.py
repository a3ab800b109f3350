"""Accepted exceptions: shown as accepted (never a pass), lapsed when they expire or the finding changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from evidence_tracer.governance.exceptions import finding_digest
from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.models import Finding, Severity, Status
from evidence_tracer.readiness import assess
from tests.test_readiness import NOW, inputs, passing_scan

PUBLIC = Finding(
    "s3_bucket_policy_not_public",
    Status.FAIL,
    Severity.CRITICAL,
    ("CC6.1",),
    "marketing-site",
    "us-east-1",
    "111122223333",
    "The policy of marketing-site allows everyone",
    "aws s3api ...",
)


def _exception(finding: Finding, expires: date, approved: datetime = NOW) -> ExceptionRecord:
    return ExceptionRecord(
        id="EX-001",
        check_id=finding.check_id,
        resource_id=finding.resource_id,
        reason="static marketing site, public by design",
        compensating_control="bucket holds only the public website; CI is its only writer",
        approved_by="cfo@acme.io",
        approved_at=approved,
        expires=expires,
        finding_sha256=finding_digest(finding),
    )


def _scan_with(finding: Finding):  # type: ignore[no-untyped-def]
    base = passing_scan()
    return replace(base, findings=(*base.findings, finding))


def test_an_accepted_exception_is_shown_as_such_and_is_not_a_pass() -> None:
    active = _exception(PUBLIC, NOW.date() + timedelta(days=90))
    r = assess(inputs(scan=_scan_with(PUBLIC), exceptions=(active,)))
    assert [a.exception.id for a in r.accepted] == ["EX-001"]
    assert not any(g.title.startswith("s3_bucket_policy_not_public") for g in r.gaps)
    control = r.control("DATA-02")
    assert control is not None and PUBLIC not in control.findings  # set aside, not counted as a pass
    assert r.ready_for_audit  # the critical gap no longer blocks: management accepted it, on the record


def test_an_expired_or_outdated_exception_lapses_and_the_gap_returns() -> None:
    expired = _exception(PUBLIC, NOW.date() - timedelta(days=1), NOW - timedelta(days=100))
    r = assess(inputs(scan=_scan_with(PUBLIC), exceptions=(expired,)))
    gap = next(g for g in r.gaps if g.title.startswith("s3_bucket_policy_not_public"))
    assert f"exception EX-001 expired on {expired.expires}" in gap.title and not r.accepted
    changed = replace(PUBLIC, message="The policy of marketing-site allows everyone to write")
    r = assess(inputs(scan=_scan_with(changed), exceptions=(_exception(PUBLIC, NOW.date() + timedelta(days=9)),)))
    gap = next(g for g in r.gaps if g.title.startswith("s3_bucket_policy_not_public"))
    assert "no longer matches" in gap.title and not r.ready_for_audit
