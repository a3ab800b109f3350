from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from evidence_tracer.config import Parameters, boundary_digest, parse_config
from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    BoundaryConfirmation,
    BoundaryFile,
    ExerciseKind,
    ExerciseRecord,
    ExercisesFile,
    IncidentRecord,
    IncidentSeverity,
    IncidentsFile,
    PeopleFile,
    PersonRecord,
    RiskRecord,
    RisksFile,
    ScanReviewRecord,
    ScanReviewsFile,
    VendorRecord,
    VendorsFile,
)
from evidence_tracer.governance.rules import RegisterSnapshot, register_gaps
from evidence_tracer.models import Severity

TODAY = date(2026, 11, 22)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def person(email: str = "a@acme.io", **kw: object) -> PersonRecord:
    base: dict[str, object] = {
        "email": email,
        "role": "Eng",
        "joined": ago(500),
        "background_check": ago(500),
        "training_completed": ago(10),
    }
    return PersonRecord.model_validate({**base, **kw})


# The boundary a healthy workspace's management confirmed, and the scan it reviewed.
BOUNDARY_YAML = "boundary: {accounts: ['111122223333'], regions: [us-east-1], services: [S3]}\n"
BOUNDARY_DIGEST = boundary_digest(parse_config(BOUNDARY_YAML, "tracer.yaml"))
REVIEWED_SCAN = ("s1", datetime(2026, 11, 22, 11, tzinfo=UTC))
MANAGER = "jane@acme.io"


def healthy() -> RegisterSnapshot:
    return RegisterSnapshot(
        people=PeopleFile(people=(person(), person(MANAGER, role="CEO", management=True))),
        vendors=VendorsFile(
            vendors=(VendorRecord(name="AWS", data_received="all", dpa_on_file=True, soc2_report_date=ago(100)),)
        ),
        risks=RisksFile(
            risks=(
                RiskRecord(
                    id="R-001",
                    title="insider",
                    likelihood=2,
                    impact=5,
                    treatment="mitigate",
                    owner="a@acme.io",
                    last_reviewed=ago(10),
                    fraud_related=True,
                    reviewed_by=MANAGER,
                ),
            )
        ),
        access_reviews=AccessReviewsFile(
            access_reviews=(
                AccessReviewRecord(
                    date=ago(30), reviewer="a@acme.io", systems="AWS", identities=("aws-iam:111122223333:a@acme.io",)
                ),
            )
        ),
        exercises=ExercisesFile(
            exercises=(
                ExerciseRecord(kind=ExerciseKind.TABLETOP, date=ago(40), facilitator="a@acme.io", scenario="key leak"),
                ExerciseRecord(kind=ExerciseKind.BCDR, date=ago(40), facilitator="a@acme.io", scenario="restore db"),
            )
        ),
        incidents=IncidentsFile(
            incidents=(
                IncidentRecord(
                    id="INC-001",
                    title="phishing mail",
                    severity=IncidentSeverity.SEV3,
                    detected=ago(60),
                    resolved=ago(59),
                    owner="a@acme.io",
                ),
            )
        ),
        scan_reviews=ScanReviewsFile(
            scan_reviews=(
                ScanReviewRecord(
                    scan_id=REVIEWED_SCAN[0],
                    reviewed_by="a@acme.io",
                    reviewed_at=REVIEWED_SCAN[1] + timedelta(minutes=30),
                    failing=0,
                    decisions="nothing failing; no action needed",
                ),
            )
        ),
        boundary=BoundaryFile(
            confirmations=(
                BoundaryConfirmation(
                    confirmed_by=MANAGER,
                    confirmed_at=datetime(2026, 11, 1, tzinfo=UTC),
                    boundary_sha256=BOUNDARY_DIGEST,
                ),
            )
        ),
    )


# The workspace facts the oversight rules read, as a healthy workspace holds them.
FACTS: dict[str, object] = {
    "owners": {"GOV-01": MANAGER, "AC-01": "a@acme.io"},
    "boundary_sha256": BOUNDARY_DIGEST,
    "scans": dict([REVIEWED_SCAN]),
}


def titles(snapshot: RegisterSnapshot, p: Parameters | None = None, **kw: object) -> dict[str, tuple[str, Severity]]:
    gaps = register_gaps(snapshot, p or Parameters(), TODAY, **{**FACTS, **kw})  # type: ignore[arg-type]
    return {g.title: (g.control or "", g.severity) for g in gaps}


def test_healthy_registers_have_no_gaps() -> None:
    assert titles(healthy()) == {}


def test_empty_registers() -> None:
    found = titles(RegisterSnapshot())
    assert ("GOV-04", Severity.HIGH) in found.values()  # people
    assert ("RISK-01", Severity.HIGH) in found.values()
    assert ("AC-06", Severity.HIGH) in found.values()
    assert {c for c, _ in found.values()} >= {"VEN-01", "IR-01", "BC-02"}


def test_people_gaps_follow_the_training_cadence() -> None:
    snap = healthy()
    stale = RegisterSnapshot(
        **{
            **snap.__dict__,
            "people": PeopleFile(
                people=(
                    *snap.people.people,
                    person("old@acme.io", training_completed=ago(200)),
                    person("new@acme.io", background_check=None),
                )
            ),
        }
    )
    assert titles(stale) == {"No background check recorded for new@acme.io": ("GOV-04", Severity.MEDIUM)}
    strict = Parameters(training_cadence_days=180)
    assert "Security training missing or overdue for old@acme.io" in titles(stale, strict)


def test_leaver_without_timely_removal_is_critical() -> None:
    snap = healthy()
    leavers = RegisterSnapshot(
        **{
            **snap.__dict__,
            "people": PeopleFile(
                people=(
                    *snap.people.people,
                    person("gone@acme.io", left=ago(10), access_removed=ago(3)),
                    person("fine@acme.io", left=ago(10), access_removed=ago(10)),
                )
            ),
        }
    )
    found = titles(leavers)
    assert found == {f"Leaver gone@acme.io (left {ago(10)}) has no timely access removal": ("AC-07", Severity.CRITICAL)}


def test_acknowledgments_grouped_per_person() -> None:
    found = titles(
        healthy(),
        approved_policies=("acceptable_use", "access_control", "data_handling"),
        acknowledged={
            "access_control": ("a@acme.io", MANAGER),
            "acceptable_use": (MANAGER,),
            "data_handling": (MANAGER,),
        },
    )
    assert found == {
        "a@acme.io has not acknowledged: acceptable_use": ("GOV-01", Severity.MEDIUM),
        "a@acme.io has not acknowledged: data_handling": ("GOV-07", Severity.MEDIUM),
    }


def test_vendor_risk_review_and_exercise_gaps() -> None:
    snap = healthy()
    bad = RegisterSnapshot(
        people=snap.people,
        vendors=VendorsFile(
            vendors=(VendorRecord(name="Tracker", data_received="emails"), VendorRecord(name="Docs", data_received=""))
        ),
        risks=RisksFile(
            risks=(
                RiskRecord(
                    id="R-001",
                    title="outage",
                    likelihood=1,
                    impact=1,
                    treatment="accept",
                    owner="a@acme.io",
                    last_reviewed=ago(400),
                ),
            )
        ),
        access_reviews=AccessReviewsFile(
            access_reviews=(AccessReviewRecord(date=ago(91), reviewer="a@acme.io", systems="AWS"),)
        ),
        exercises=ExercisesFile(),
    )
    found = titles(bad)
    assert found["No DPA on file for Tracker, which receives emails"] == ("VEN-01", Severity.HIGH)
    assert "SOC 2 report of Tracker missing or older than 365 days" in found
    assert not any("Docs" in t for t in found)  # receives no customer data
    assert "The risk assessment considers no fraud risk (CC3.3)" in found
    assert "Risk R-001 (outage) not reviewed within 365 days" in found
    assert found[f"Access review missing or overdue (last {ago(91)})"] == ("AC-06", Severity.HIGH)
    assert found["Incident-response tabletop missing or overdue"][0] == "IR-01"
    # The cadence is the workspace's: a 120-day access review cadence makes 91 days fine.
    assert not any(t.startswith("Access review") for t in titles(bad, Parameters(access_review_cadence_days=120)))


def test_incidents_need_reviews_and_notifications_and_none_is_a_low_prompt() -> None:
    serious = IncidentRecord(
        id="INC-002",
        title="leaked key used",
        severity=IncidentSeverity.SEV1,
        detected=ago(40),
        resolved=ago(30),
        owner="a@acme.io",
        customer_impact=True,
    )
    found = titles(replace(healthy(), incidents=IncidentsFile(incidents=(serious,))))
    assert found["Incident INC-002 (leaked key used) has no post-incident review 14 days after it was resolved"] == (
        "IR-02",
        Severity.HIGH,
    )
    assert found["Incident INC-002 (leaked key used) affected customers who were not notified within 72 hours"] == (
        "IR-02",
        Severity.CRITICAL,
    )
    reviewed = serious.model_copy(update={"post_incident_review": ago(25), "customers_notified": ago(39)})
    assert titles(replace(healthy(), incidents=IncidentsFile(incidents=(reviewed,)))) == {}
    assert titles(replace(healthy(), incidents=IncidentsFile())) == {
        "No incidents recorded in the period": ("IR-02", Severity.LOW)
    }
