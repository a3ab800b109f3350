"""Governance registers: reviewable YAML files in the workspace's `registers/` folder.

people.yaml, vendors.yaml, risks.yaml, access-reviews.yaml, exercises.yaml and policies.yaml
(approvals and acknowledgments). They are plain files so that a reviewer can read them and git can
version them; the CLI edits them atomically and validates every field with file:line errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from pydantic import Field

from evidence_tracer.atomic import write_atomic
from evidence_tracer.errors import GovernanceError, StorageError
from evidence_tracer.evidence.lock import STATE_DIR, workspace_lock
from evidence_tracer.evidence.redact import redact_values
from evidence_tracer.governance.record import Change, F, Record
from evidence_tracer.governance.record import build as build
from evidence_tracer.governance.responses import DeviationResponse
from evidence_tracer.names import Person
from evidence_tracer.yamlfile import dump_model, load_model

R = TypeVar("R")

REGISTERS_DIR = "registers"
ACK_BY_CLI = "tracer policies ack (by the person named)"


REMOVAL_DAYS = 1  # a leaver's access is removed by this many days after the last day


class PersonRecord(Record):
    email: Person
    name: str = ""
    role: str
    joined: date
    left: date | None = None
    access_removed: date | None = None
    background_check: date | None = None
    training_completed: date | None = None
    production_access: bool = True
    # Management (a founder, an officer): only they approve policies for the company.
    management: bool = False
    github: str | None = None  # their GitHub login (GitHub does not show members' emails)
    history: tuple[Change, ...] = ()

    def removed_in_time(self) -> bool:
        """A leaver whose access the register shows removed by the day after the last one (the timely rule)."""
        return (
            self.left is not None
            and self.access_removed is not None
            and self.access_removed <= self.left + timedelta(days=REMOVAL_DAYS)
        )

    def active_on(self, day: date) -> bool:
        """Joined by `day` and not yet gone (the last working day still counts)."""
        return self.joined <= day and (self.left is None or self.left >= day)

    def tenure(self) -> str:
        """ "joined 2025-01-06" or "joined 2025-01-06, left 2026-06-30", for a refusal that says why."""
        return f"joined {self.joined}" + (f", left {self.left}" if self.left else "")


class VendorRecord(Record):
    name: str = Field(min_length=1)
    purpose: str = ""
    data_received: str = ""  # empty: receives no customer data
    dpa_on_file: bool = False
    soc2_report_date: date | None = None
    last_review: date | None = None
    owner: Person | None = None
    # A subservice organisation: part of the system's delivery, carved out of the report (DC7), with the
    # controls the company relies on it for (complementary subservice organisation controls).
    subservice: bool = False
    csocs: tuple[str, ...] = ()
    history: tuple[Change, ...] = ()


class Treatment(StrEnum):
    MITIGATE = "mitigate"
    ACCEPT = "accept"
    TRANSFER = "transfer"
    AVOID = "avoid"


class RiskRecord(Record):
    id: str = Field(pattern=r"^R-\d{3,}$")
    title: str = Field(min_length=3)
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    treatment: Treatment
    owner: Person
    last_reviewed: date
    fraud_related: bool = False
    # Who reviewed it on last_reviewed: the assessment counts once management has (tracer risks review --by).
    reviewed_by: Person | None = None
    controls: tuple[str, ...] = ()  # the controls that address it (the control matrix's risk -> control links)
    history: tuple[Change, ...] = ()

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class AccessReviewRecord(Record):
    date: date
    reviewer: Person
    systems: str = Field(min_length=2)
    outcome: str = ""
    evidence_id: str = ""
    identities: tuple[str, ...] = ()  # "system:account:identity" rows reviewed (tracer access-reviews add --from-table)


class ExerciseKind(StrEnum):
    TABLETOP = "tabletop"
    BCDR = "bcdr"


class ExerciseRecord(Record):
    kind: ExerciseKind
    date: date
    facilitator: Person
    scenario: str = Field(min_length=3)
    lessons: str = ""


class IncidentSeverity(StrEnum):
    SEV1 = "sev1"  # customer data exposed or the service down for everyone
    SEV2 = "sev2"  # a security control failed or a part of the service is down
    SEV3 = "sev3"  # contained, no customer impact
    SEV4 = "sev4"  # a near miss or a suspicious event worth recording

    @property
    def serious(self) -> bool:
        """sev1 and sev2: a post-incident review is due for each."""
        return self in (IncidentSeverity.SEV1, IncidentSeverity.SEV2)


class IncidentRecord(Record):
    id: str = Field(pattern=r"^INC-\d{3,}$")
    title: str = Field(min_length=3)
    severity: IncidentSeverity
    detected: date
    resolved: date | None = None
    owner: Person
    customer_impact: bool = False
    customers_notified: date | None = None
    post_incident_review: date | None = None  # the date the review was held
    # Significant to the description (DC4): it prevented a service commitment from being met, or was disclosed.
    significant: bool = False
    summary: str = ""
    history: tuple[Change, ...] = ()


class ExceptionRecord(Record):
    """A gap management accepts on purpose (a marketing bucket that is public by design): shown to the
    auditor as an accepted exception, never as a pass; a gap again once it expires or the resource changes."""

    future_fields: ClassVar[frozenset[str]] = frozenset({"expires"})

    id: str = Field(pattern=r"^EX-\d{3,}$")
    check_id: str = Field(min_length=3)
    resource_id: str = Field(min_length=1)
    reason: str = Field(min_length=10)
    compensating_control: str = Field(min_length=10)
    approved_by: Person
    approved_at: datetime
    expires: date
    finding_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")  # what the finding said when it was accepted


class ScanReviewRecord(Record):
    """A person read a scan's results and decided what to do about them (CC4.1: results are evaluated, not only
    collected)."""

    scan_id: str = Field(min_length=1)
    reviewed_by: Person
    reviewed_at: datetime
    failing: int = Field(ge=0)  # failing findings the scan held when it was reviewed
    decisions: str = Field(min_length=10)


class BoundaryConfirmation(Record):
    """A named person confirmed that tracer.yaml's boundary is the system as it is (the digest of what they
    confirmed: a later edit needs a new confirmation)."""

    confirmed_by: Person
    confirmed_at: datetime
    boundary_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    note: str = ""


class PolicyApproval(Record):
    policy: str
    approved_by: Person
    approved_at: datetime
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class PolicyAck(Record):
    policy: str
    person: Person
    acknowledged_at: datetime
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    method: str = ACK_BY_CLI  # how it was obtained: the CLI, the file (and its hash) it came from, a sign-in
    issuer: str | None = None  # signed in through the portal: the ID token's issuer and subject
    subject: str | None = None


class PeopleFile(Record):
    people: tuple[PersonRecord, ...] = ()


class VendorsFile(Record):
    vendors: tuple[VendorRecord, ...] = ()


class RisksFile(Record):
    risks: tuple[RiskRecord, ...] = ()


class AccessReviewsFile(Record):
    access_reviews: tuple[AccessReviewRecord, ...] = ()


class ExercisesFile(Record):
    exercises: tuple[ExerciseRecord, ...] = ()


class IncidentsFile(Record):
    incidents: tuple[IncidentRecord, ...] = ()


class ExceptionsFile(Record):
    exceptions: tuple[ExceptionRecord, ...] = ()
    deviations: tuple[DeviationResponse, ...] = ()  # management's responses to deviations (Type 2)


class ScanReviewsFile(Record):
    scan_reviews: tuple[ScanReviewRecord, ...] = ()


class BoundaryFile(Record):
    confirmations: tuple[BoundaryConfirmation, ...] = ()


class PoliciesFile(Record):
    approvals: tuple[PolicyApproval, ...] = ()
    acknowledgments: tuple[PolicyAck, ...] = ()


class Register(Generic[F]):
    """One register file: load (defaults when absent), save atomically, update under the workspace lock."""

    def __init__(self, workspace: Path, filename: str, model: type[F], title: str) -> None:
        self.workspace = workspace
        self.path = workspace / REGISTERS_DIR / filename
        self.model = model
        self.title = title

    def load(self) -> F:
        return load_model(self.path, self.model)

    def save(self, value: F) -> None:
        """Write the register; secrets pasted into free text (a key in an outcome, a password in a note) are
        redacted first, so they never reach the disk, the history or a package."""
        clean, _ = redact_values(value.model_dump(mode="json", exclude_none=True))
        header = f"# {self.title}\n# Edited by `tracer` and by hand; every field is validated on load.\n"
        write_atomic(self.path, dump_model(build(self.model, **clean), header))

    def update(self, change: Callable[[F], tuple[F, R]]) -> R:
        """Read, change and write under the workspace lock: ten people added at once are ten people."""
        state = self.workspace / STATE_DIR
        try:
            state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot write {state}: {exc.strerror or exc}") from None
        with workspace_lock(state):
            new, result = change(self.load())
            self.save(new)
        return result


class Registers:
    def __init__(self, workspace: Path) -> None:
        self.people = Register(workspace, "people.yaml", PeopleFile, "People: roles, checks, training, joiners/leavers")
        self.vendors = Register(workspace, "vendors.yaml", VendorsFile, "Vendors: data, DPAs, SOC 2 reports")
        self.risks = Register(workspace, "risks.yaml", RisksFile, "Risk register")
        self.access_reviews = Register(workspace, "access-reviews.yaml", AccessReviewsFile, "Access reviews")
        self.exercises = Register(
            workspace, "exercises.yaml", ExercisesFile, "Incident-response tabletops and BC/DR tests"
        )
        self.policies = Register(workspace, "policies.yaml", PoliciesFile, "Policy approvals and acknowledgments")
        self.incidents = Register(
            workspace,
            "incidents.yaml",
            IncidentsFile,
            "Security incidents: severity, customer impact, notification, post-incident review",
        )
        self.scan_reviews = Register(
            workspace, "scan-reviews.yaml", ScanReviewsFile, "Scan reviews: who read which scan's results, and decided"
        )
        self.boundary = Register(
            workspace,
            "boundary.yaml",
            BoundaryFile,
            "Boundary confirmations: who confirmed tracer.yaml's system boundary",
        )
        self.exceptions = Register(
            workspace,
            "exceptions.yaml",
            ExceptionsFile,
            "Accepted exceptions: gaps management accepts, with reason, compensating control and expiry",
        )


def upsert_person(current: PeopleFile, record: PersonRecord) -> PeopleFile:
    """The register with `record` in its person's place (order kept), or appended."""
    key = record.email.lower()
    if not any(p.email.lower() == key for p in current.people):
        return PeopleFile(people=(*current.people, record))
    return PeopleFile(people=tuple(record if p.email.lower() == key else p for p in current.people))


def with_changes(record: F, changes: Mapping[str, object], now: datetime) -> F:
    """`record` with `changes` applied; every field whose value changes leaves its previous value in the
    record's history (when it has one), so a training date is superseded, never lost."""
    current = record.model_dump()
    changed = {k: v for k, v in changes.items() if current.get(k) != v}
    if not changed:
        return record
    update: dict[str, object] = dict(changed)
    if "history" in type(record).model_fields:

        def text(value: object) -> str | None:
            return None if value is None else (value.isoformat() if isinstance(value, date) else str(value))

        update["history"] = (
            *current.get("history", ()),
            *(
                Change(field=k, previous=text(current.get(k)), value=text(v), recorded_at=now).model_dump()
                for k, v in changed.items()
            ),
        )
    return build(type(record), **{**current, **update})


def find_person(current: PeopleFile, email: str) -> PersonRecord:
    for p in current.people:
        if p.email.lower() == email.lower():
            return p
    raise GovernanceError(f"{email} is not in the people register; add them with `tracer people add`")


def signer(people: PeopleFile, by: str, day: date, *, management: bool = False, what: str = "this") -> str:
    """The register's spelling of the person who signs a record: listed, active on `day` (joined, not yet left)
    and, when `management`, marked as management. A signature by anyone else is not evidence of anything."""
    record = find_person(people, by)
    if not record.active_on(day):
        raise GovernanceError(f"{record.email} is not an active person on {day} ({record.tenure()})")
    if management and not record.management:
        raise GovernanceError(
            f"{record.email} is not management in the people register: {what} is signed by management "
            f"(tracer people update {record.email} --management, for a founder or an officer)"
        )
    return record.email


def next_id(prefix: str, existing: Iterable[str]) -> str:
    numbers = [int(i.split("-")[1]) for i in existing]
    return f"{prefix}-{(max(numbers) + 1) if numbers else 1:03d}"


def next_risk_id(current: RisksFile) -> str:
    return next_id("R", (r.id for r in current.risks))
