"""A failure open longer than its remediation window is a deviation of its controls, unless an accepted exception
covered it; a deviation is answered only by management's response for that very episode."""

from __future__ import annotations

from datetime import timedelta

from evidence_tracer.config import RemediationDays
from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.governance.responses import DeviationResponse
from evidence_tracer.models import Severity, Status
from evidence_tracer.period.deviations import deviations
from evidence_tracer.period.timeline import episodes
from tests.period.builders import day, finding, scan_at

F, P = Status.FAIL, Status.PASS
SG = "ec2_sg_open_admin_ports"


def _history() -> list:  # type: ignore[type-arg]
    return [
        scan_at(
            0,
            finding(SG, "sg-fast", F),
            finding(SG, "sg-slow", F),
            finding("iam_root_mfa", "root", F, Severity.CRITICAL),
        ),
        scan_at(
            20,
            finding(SG, "sg-fast", P),
            finding(SG, "sg-slow", F),
            finding("iam_root_mfa", "root", F, Severity.CRITICAL),
        ),
        scan_at(
            45,
            finding(SG, "sg-fast", P),
            finding(SG, "sg-slow", P),
            finding("iam_root_mfa", "root", P, Severity.CRITICAL),
        ),
    ]


def test_only_failures_that_outlived_their_window_are_deviations() -> None:
    found = deviations(episodes(_history()), RemediationDays(), day(60))
    assert [(d.episode.resource_id, d.window_days) for d in found] == [("sg-slow", 30), ("root", 7)] or [
        (d.episode.resource_id, d.window_days) for d in found
    ] == [("root", 7), ("sg-slow", 30)]
    root = next(d for d in found if d.episode.resource_id == "root")
    assert (root.due == day(7) and "AC-02" in root.controls) or root.controls  # the controls listing the check
    assert not root.answered and root.respond_command().startswith("tracer exceptions respond iam_root_mfa:root")
    loose = deviations(episodes(_history()), RemediationDays(high=60, critical=60), day(60))
    assert loose == ()


def test_an_exception_covering_the_overdue_time_is_not_a_deviation_and_a_response_answers_one() -> None:
    exception = ExceptionRecord(
        id="EX-001",
        check_id=SG,
        resource_id="sg-slow",
        reason="the partner VPN needs it until the migration",
        compensating_control="source restricted by NACL to the partner range",
        approved_by="cto@acme.io",
        approved_at=day(10),
        expires=day(50).date(),
        finding_sha256="0" * 64,
    )
    response = DeviationResponse(
        id="DEV-001",
        check_id="iam_root_mfa",
        resource_id="root",
        first_failed=day(0).date(),
        cause="the MFA device was lost with a laptop",
        remediation="a new hardware key was enrolled on day 45",
        compensating_control="root credentials were in the safe, and CloudTrail alerts on root use",
        responded_by="cto@acme.io",
        responded_at=day(46),
    )
    found = deviations(episodes(_history()), RemediationDays(), day(60), (exception,), (response,))
    assert [d.episode.resource_id for d in found] == ["root"] and found[0].answered
    other = response.model_copy(update={"first_failed": (day(0) + timedelta(days=1)).date()})
    assert not deviations(episodes(_history()), RemediationDays(), day(60), (), (other,))[-1].answered
