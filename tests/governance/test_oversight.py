"""The judgement criteria earn credit only from records of a person who looked: risks reviewed by management, a
recent scan's results reviewed, the boundary confirmed as tracer.yaml holds it, ownership not concentrated."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from evidence_tracer.governance.registers import (
    BoundaryConfirmation,
    BoundaryFile,
    PeopleFile,
    RisksFile,
    ScanReviewRecord,
    ScanReviewsFile,
)
from evidence_tracer.models import Severity
from tests.governance.test_overdue import BOUNDARY_DIGEST, MANAGER, REVIEWED_SCAN, ago, healthy, person, titles


def test_a_healthy_workspace_has_no_oversight_gap() -> None:
    assert titles(healthy()) == {}


def test_risks_typed_in_without_a_management_review_earn_nothing() -> None:
    snap = healthy()
    unreviewed = replace(snap, risks=RisksFile(risks=(snap.risks.risks[0].model_copy(update={"reviewed_by": None}),)))
    found = titles(unreviewed)
    assert found["The risk assessment has no review by management (a risk counts once management reviewed it)"] == (
        "RISK-01",
        Severity.HIGH,
    )
    assert "Risk R-001 (insider) was last reviewed with no reviewer recorded" in found
    by_engineer = replace(
        snap, risks=RisksFile(risks=(snap.risks.risks[0].model_copy(update={"reviewed_by": "a@acme.io"}),))
    )
    assert "Risk R-001 (insider) was last reviewed by a@acme.io, not management" in titles(by_engineer)


def test_a_risk_owned_by_someone_who_does_not_work_here_is_a_gap() -> None:
    snap = healthy()
    orphan = replace(snap, risks=RisksFile(risks=(snap.risks.risks[0].model_copy(update={"owner": "gone@x.io"}),)))
    assert any("owned by gone@x.io, who is not an active person" in t for t in titles(orphan))


def test_scans_nobody_reviewed_do_not_show_monitoring() -> None:
    none = replace(healthy(), scan_reviews=ScanReviewsFile())
    assert any(t.startswith("No recorded review of scan results in the last 31 days") for t in titles(none))


def test_a_review_recorded_before_the_scan_finished_or_of_an_unknown_scan_does_not_count() -> None:
    scan_id, finished = REVIEWED_SCAN
    early = ScanReviewRecord(
        scan_id=scan_id,
        reviewed_by="a@acme.io",
        reviewed_at=finished - timedelta(hours=1),
        failing=0,
        decisions="looked before it ran",
    )
    found = titles(replace(healthy(), scan_reviews=ScanReviewsFile(scan_reviews=(early,))))
    assert any(t.startswith("No recorded review of scan results") for t in found)
    ghost = early.model_copy(update={"scan_id": "nope", "reviewed_at": finished + timedelta(hours=1)})
    found = titles(replace(healthy(), scan_reviews=ScanReviewsFile(scan_reviews=(ghost,))))
    assert "The scan review by a@acme.io names scan nope, which the store does not hold" in found


def test_a_review_older_than_the_cadence_is_overdue() -> None:
    scan_id, finished = REVIEWED_SCAN
    old = healthy().scan_reviews.scan_reviews[0].model_copy(update={"reviewed_at": finished - timedelta(days=39)})
    found = titles(
        replace(healthy(), scan_reviews=ScanReviewsFile(scan_reviews=(old,))),
        scans={scan_id: finished - timedelta(days=40)},
    )
    assert any(t.startswith("No recorded review of scan results in the last 31 days (last ") for t in found)


def test_the_boundary_counts_once_management_confirmed_what_tracer_yaml_holds_now() -> None:
    assert "No one has confirmed the system boundary in tracer.yaml (CC2.1)" in titles(
        replace(healthy(), boundary=BoundaryFile())
    )
    changed = titles(healthy(), boundary_sha256="f" * 64)
    assert any(t.startswith("The system boundary changed after jane@acme.io confirmed it") for t in changed)
    by_engineer = BoundaryConfirmation(
        confirmed_by="a@acme.io",
        confirmed_at=healthy().boundary.confirmations[0].confirmed_at,
        boundary_sha256=BOUNDARY_DIGEST,
    )
    found = titles(replace(healthy(), boundary=BoundaryFile(confirmations=(by_engineer,))))
    assert any("confirmed by a@acme.io, who is not management" in t for t in found)


def test_one_person_owning_everything_is_a_concentration_unless_they_are_alone() -> None:
    everything = {"GOV-01": MANAGER, "AC-01": MANAGER, "CM-01": MANAGER}
    found = titles(healthy(), owners=everything)
    assert found == {
        "jane@acme.io owns all 3 owned controls while 1 other person works here: no segregation of duties (CC1.3)": (
            "GOV-03",
            Severity.MEDIUM,
        )
    }
    solo = replace(healthy(), people=PeopleFile(people=(person(MANAGER, role="CEO", management=True),)))
    solo = replace(solo, risks=RisksFile(risks=(solo.risks.risks[0].model_copy(update={"owner": MANAGER}),)))
    assert not any("segregation" in t for t in titles(solo, owners=everything))


def test_an_owner_who_is_not_in_the_people_register_is_a_gap() -> None:
    found = titles(healthy(), owners={"GOV-01": MANAGER, "AC-01": "ghost@acme.io", "AC-02": "ghost@acme.io"})
    assert "ghost@acme.io owns 2 controls (AC-01, AC-02) but is not an active person in the people register" in found


def test_a_leaver_reviewed_nothing() -> None:
    """A review by a manager who had left by the review's date does not count."""
    snap = healthy()
    left = person(MANAGER, role="CEO", management=True, left=ago(20))
    people = PeopleFile(people=(snap.people.people[0], left))
    found = titles(replace(snap, people=people))
    assert any(t.startswith("The risk assessment has no review by management") for t in found)
