"""What the demo workspace records, as a small team would: its people, vendors, risks, reviews,
exercises, an incident, an accepted exception, approved and acknowledged policies and manual evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence_tracer.config import WorkspaceConfig, boundary_digest, load_config
from evidence_tracer.governance.exceptions import finding_digest
from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    BoundaryConfirmation,
    BoundaryFile,
    ExceptionRecord,
    ExceptionsFile,
    ExerciseKind,
    ExerciseRecord,
    ExercisesFile,
    IncidentRecord,
    IncidentSeverity,
    IncidentsFile,
    PeopleFile,
    PersonRecord,
    Registers,
    RiskRecord,
    RisksFile,
    ScanReviewRecord,
    ScanReviewsFile,
    Treatment,
    VendorRecord,
    VendorsFile,
)
from evidence_tracer.models import Finding, ScanResult, Status
from evidence_tracer.policies.render import generate
from evidence_tracer.policies.status import acknowledge, approve

FOUNDER = "alice.founder@acme.example"
ENGINEER = "bob.engineer@acme.example"
OPS = "dave.ops@acme.example"
CONTRACTOR = "carol.contractor@acme.example"


DEMO_MANUAL = {
    "GOV-02": (
        "2026-board-security-review.md",
        "Minutes of the annual security programme review",
        "# Security programme review\n\nAttendees: Alice (CEO), two advisors.\n"
        "Reviewed: risk register, open gaps, incident log (no incidents). Decision: fund SSO rollout.\n",
    ),
    "CM-01": (
        "branch-protection-main.json",
        "Branch protection on main: 1 review + CI required",
        '{"required_pull_request_reviews": {"required_approving_review_count": 1},'
        ' "required_status_checks": {"strict": true, "contexts": ["ci"]}}\n',
    ),
    "GOV-03": (
        "org-chart.txt",
        "Org chart with security roles",
        "CEO: alice.founder@acme.example (security owner)\nEngineering: bob.engineer, dave.ops\n",
    ),
}


def record_registers(workspace: Path, now: datetime) -> None:
    today = now.date()
    regs = Registers(workspace)
    regs.people.save(
        PeopleFile(
            people=(
                PersonRecord(
                    email=FOUNDER,
                    name="Alice Founder",
                    role="CEO",
                    management=True,
                    joined=today - timedelta(days=700),
                    github="alice-founder",
                    background_check=today - timedelta(days=700),
                    training_completed=today - timedelta(days=40),
                ),
                PersonRecord(
                    email=ENGINEER,
                    name="Bob Engineer",
                    role="Engineer",
                    joined=today - timedelta(days=400),
                    github="bob-eng",
                    background_check=today - timedelta(days=400),
                    training_completed=today - timedelta(days=420),
                ),
                PersonRecord(
                    email=OPS,
                    name="Dave Ops",
                    role="DevOps engineer",
                    joined=today - timedelta(days=200),
                    github="dave-ops",
                    training_completed=today - timedelta(days=190),
                ),
                PersonRecord(
                    email=CONTRACTOR,
                    name="Carol Contractor",
                    role="Contract engineer",
                    joined=today - timedelta(days=300),
                    left=today - timedelta(days=20),
                    access_removed=today - timedelta(days=20),
                    background_check=today - timedelta(days=300),
                    training_completed=today - timedelta(days=290),
                ),
            )
        )
    )
    regs.vendors.save(
        VendorsFile(
            vendors=(
                VendorRecord(
                    name="AWS",
                    purpose="hosting",
                    data_received="all production data",
                    dpa_on_file=True,
                    soc2_report_date=today - timedelta(days=120),
                    owner=FOUNDER,
                ),
                VendorRecord(
                    name="Chartmetrics",
                    purpose="product analytics",
                    data_received="user emails and events",
                    dpa_on_file=False,
                    owner=ENGINEER,
                ),
                VendorRecord(name="Linear", purpose="issue tracking", owner=ENGINEER),
            )
        )
    )
    regs.risks.save(
        RisksFile(
            risks=(
                RiskRecord(
                    id="R-001",
                    title="Leaked AWS access key",
                    likelihood=3,
                    impact=5,
                    treatment=Treatment.MITIGATE,
                    owner=OPS,
                    last_reviewed=today - timedelta(days=30),
                    reviewed_by=FOUNDER,
                ),
                RiskRecord(
                    id="R-002",
                    title="Insider exports customer data",
                    likelihood=2,
                    impact=5,
                    treatment=Treatment.MITIGATE,
                    owner=FOUNDER,
                    last_reviewed=today - timedelta(days=30),
                    fraud_related=True,
                    reviewed_by=FOUNDER,
                ),
                RiskRecord(
                    id="R-003",
                    title="Single region outage",
                    likelihood=2,
                    impact=4,
                    treatment=Treatment.ACCEPT,
                    owner=ENGINEER,
                    last_reviewed=today - timedelta(days=400),
                ),
            )
        )
    )
    regs.access_reviews.save(
        AccessReviewsFile(
            access_reviews=(
                AccessReviewRecord(
                    date=today - timedelta(days=120),
                    reviewer=OPS,
                    systems="AWS IAM, GitHub",
                    outcome="removed 2 stale users",
                ),
            )
        )
    )
    regs.exercises.save(
        ExercisesFile(
            exercises=(
                ExerciseRecord(
                    kind=ExerciseKind.TABLETOP,
                    date=today - timedelta(days=60),
                    facilitator=FOUNDER,
                    scenario="Leaked access key used to read S3",
                    lessons="add GuardDuty to us-west-2",
                ),
            )
        )
    )


def record_incident_and_exception(workspace: Path, now: datetime, findings: tuple[Finding, ...]) -> None:
    """A contained phishing incident with its review, and the marketing site's bucket accepted as public on
    purpose (shown as an accepted exception, never a pass)."""
    regs = Registers(workspace)
    today = now.date()
    regs.incidents.save(
        IncidentsFile(
            incidents=(
                IncidentRecord(
                    id="INC-001",
                    title="Phishing mail with a fake AWS login page",
                    severity=IncidentSeverity.SEV3,
                    detected=today - timedelta(days=45),
                    resolved=today - timedelta(days=45),
                    owner=OPS,
                    post_incident_review=today - timedelta(days=40),
                    summary="Reported by Bob; no credentials entered.",
                ),
            )
        )
    )
    public = next(
        f
        for f in findings
        if f.check_id == "s3_bucket_policy_not_public"
        and f.resource_id.endswith(":acme-marketing-site")
        and f.status is Status.FAIL
    )
    regs.exceptions.save(
        ExceptionsFile(
            exceptions=(
                ExceptionRecord(
                    id="EX-001",
                    check_id=public.check_id,
                    resource_id=public.resource_id,
                    reason="The marketing website is served from this bucket and is public by design",
                    compensating_control="The bucket holds only the public website; only the CI role can write to it",
                    approved_by=FOUNDER,
                    approved_at=now,
                    expires=today + timedelta(days=180),
                    finding_sha256=finding_digest(public),
                ),
            )
        )
    )


def record_policies(workspace: Path, now: datetime) -> None:
    generate(workspace, load_config(workspace))
    for name in (
        "information_security",
        "access_control",
        "incident_response",
        "change_management",
        "risk_assessment",
        "acceptable_use",
        "data_handling",
        "security_training",
    ):
        approve(workspace, name, FOUNDER, now)  # vendor_management and business_continuity stay drafts
    for person in (FOUNDER, ENGINEER, OPS):
        acknowledge(workspace, "acceptable_use", person, now)
        acknowledge(workspace, "information_security", person, now)


def record_oversight(workspace: Path, scan: ScanResult, config: WorkspaceConfig) -> None:
    """The founder read the scan once it had finished and decided, and confirmed the boundary tracer.yaml holds."""
    regs, now = Registers(workspace), datetime.now(UTC)
    regs.scan_reviews.save(
        ScanReviewsFile(
            scan_reviews=(
                ScanReviewRecord(
                    scan_id=scan.scan.id,
                    reviewed_by=FOUNDER,
                    reviewed_at=now,
                    failing=scan.count(Status.FAIL),
                    decisions="Public bucket and open SSH: fix this week (tickets SEC-12, SEC-13); "
                    "marketing bucket accepted as EX-001",
                ),
            )
        )
    )
    regs.boundary.save(
        BoundaryFile(
            confirmations=(
                BoundaryConfirmation(
                    confirmed_by=FOUNDER,
                    confirmed_at=now,
                    boundary_sha256=boundary_digest(config),
                    note="Checked against the AWS account and the GitHub organisation",
                ),
            )
        )
    )
