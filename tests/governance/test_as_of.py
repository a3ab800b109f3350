"""Registers as of a past moment: what happened later does not count earlier."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from evidence_tracer.config import Parameters
from evidence_tracer.governance.as_of import policies_as_of, registers_as_of
from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    PeopleFile,
    PoliciesFile,
    PolicyAck,
    PolicyApproval,
)
from evidence_tracer.governance.rules import register_gaps
from tests.governance.test_overdue import TODAY, healthy, person

THEN = datetime.combine(TODAY - timedelta(days=60), datetime.min.time(), UTC)


def test_a_review_held_later_does_not_count_earlier() -> None:
    late = AccessReviewsFile(
        access_reviews=(AccessReviewRecord(date=TODAY - timedelta(days=5), reviewer="a@acme.io", systems="AWS"),)
    )
    regs = replace(healthy(), access_reviews=late)
    assert not any("Access review" in g.title for g in register_gaps(regs, Parameters(), TODAY))
    earlier = registers_as_of(regs, THEN)
    assert earlier.access_reviews.access_reviews == ()
    assert any("Access review missing" in g.title for g in register_gaps(earlier, Parameters(), THEN.date()))


def test_people_and_dates_after_the_moment_are_left_out() -> None:
    joiner = person("new@acme.io", joined=TODAY - timedelta(days=10))
    trained_late = person("old@acme.io", training_completed=TODAY - timedelta(days=3))
    regs = replace(healthy(), people=PeopleFile(people=(joiner, trained_late)))
    earlier = registers_as_of(regs, THEN)
    assert [p.email for p in earlier.people.people] == ["old@acme.io"]
    assert earlier.people.people[0].training_completed is None


def test_approvals_and_acknowledgments_after_the_moment_are_left_out() -> None:
    digest = "0" * 64
    policies = PoliciesFile(
        approvals=(
            PolicyApproval(
                policy="access_control", approved_by="a@acme.io", approved_at=THEN - timedelta(1), sha256=digest
            ),
        ),
        acknowledgments=(
            PolicyAck(policy="access_control", person="a@acme.io", acknowledged_at=THEN + timedelta(1), sha256=digest),
        ),
    )
    earlier = policies_as_of(policies, THEN)
    assert len(earlier.approvals) == 1 and earlier.acknowledgments == ()
