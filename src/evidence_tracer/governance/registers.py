"""Governance registers: reviewable YAML files in the workspace's `registers/` folder.

people.yaml, vendors.yaml, risks.yaml, access-reviews.yaml, exercises.yaml and policies.yaml
(approvals and acknowledgments). They are plain files so that a reviewer can read them and git can
version them; the CLI edits them atomically and validates every field with file:line errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evidence_tracer.atomic import write_atomic
from evidence_tracer.clock import FUTURE_TOLERANCE
from evidence_tracer.errors import GovernanceError, StorageError
from evidence_tracer.evidence.lock import STATE_DIR, workspace_lock
from evidence_tracer.evidence.redact import redact_values
from evidence_tracer.names import Person
from evidence_tracer.yamlfile import dump_model, load_model

REGISTERS_DIR = "registers"
ACK_BY_CLI = "tracer policies ack (by the person named)"


# A date in a register may be at most this far ahead of today (time zones); later ones are refused.


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Fields that name a date ahead on purpose (an expiry); every other date records something that happened.
    future_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _not_in_the_future(self) -> _Record:
        """A training "completed" next month, a review dated next week: records of what has not happened are
        refused, in every register, whether typed at the CLI or by hand."""
        latest = datetime.now(UTC) + FUTURE_TOLERANCE
        for name, value in self:
            if name in self.future_fields:
                continue
            when = (
                value
                if isinstance(value, datetime)
                else (datetime.combine(value, time(), UTC) if isinstance(value, date) else None)
            )
            if when is not None and (when if when.tzinfo else when.replace(tzinfo=UTC)) > latest:
                raise ValueError(f"{name} {value.isoformat()} is in the future; record things once they happened")
        return self


class Change(_Record):
    """A value a record held before a change: dated facts are never overwritten, only superseded."""

    field: str
    recorded_at: datetime
    previous: str | None = None
    value: str | None = None


class PersonRecord(_Record):
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

    def active_on(self, day: date) -> bool:
        """Joined by `day` and not yet gone (the last working day still counts)."""
        return self.joined <= day and (self.left is None or self.left >= day)

    def tenure(self) -> str:
        """ "joined 2025-01-06" or "joined 2025-01-06, left 2026-06-30", for a refusal that says why."""
        return f"joined {self.joined}" + (f", left {self.left}" if self.left else "")


class VendorRecord(_Record):
    name: str = Field(min_length=1)
    purpose: str = ""
    data_received: str = ""  # empty: receives no customer data
    dpa_on_file: bool = False
    soc2_report_date: date | None = None
    last_review: date | None = None
    owner: Person | None = None
    history: tuple[Change, ...] = ()


class Treatment(StrEnum):
    MITIGATE = "mitigate"
    ACCEPT = "accept"
    TRANSFER = "transfer"
    AVOID = "avoid"


class RiskRecord(_Record):
    id: str = Field(pattern=r"^R-\d{3,}$")
    title: str = Field(min_length=3)
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    treatment: Treatment
    owner: Person
    last_reviewed: date
    fraud_related: bool = False
    history: tuple[Change, ...] = ()

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class AccessReviewRecord(_Record):
    date: date
    reviewer: Person
    systems: str = Field(min_length=2)
    outcome: str = ""
    evidence_id: str = ""
    identities: tuple[str, ...] = ()  # "system:account:identity" rows reviewed (tracer access-reviews add --from-table)


class ExerciseKind(StrEnum):
    TABLETOP = "tabletop"
    BCDR = "bcdr"


class ExerciseRecord(_Record):
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


class IncidentRecord(_Record):
    id: str = Field(pattern=r"^INC-\d{3,}$")
    title: str = Field(min_length=3)
    severity: IncidentSeverity
    detected: date
    resolved: date | None = None
    owner: Person
    customer_impact: bool = False
    customers_notified: date | None = None
    post_incident_review: date | None = None  # the date the review was held
    summary: str = ""
    history: tuple[Change, ...] = ()


class ExceptionRecord(_Record):
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


class PolicyApproval(_Record):
    policy: str
    approved_by: Person
    approved_at: datetime
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class PolicyAck(_Record):
    policy: str
    person: Person
    acknowledged_at: datetime
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    method: str = ACK_BY_CLI  # how it was obtained: the CLI, or the file (and its hash) it was imported from


class PeopleFile(_Record):
    people: tuple[PersonRecord, ...] = ()


class VendorsFile(_Record):
    vendors: tuple[VendorRecord, ...] = ()


class RisksFile(_Record):
    risks: tuple[RiskRecord, ...] = ()


class AccessReviewsFile(_Record):
    access_reviews: tuple[AccessReviewRecord, ...] = ()


class ExercisesFile(_Record):
    exercises: tuple[ExerciseRecord, ...] = ()


class IncidentsFile(_Record):
    incidents: tuple[IncidentRecord, ...] = ()


class ExceptionsFile(_Record):
    exceptions: tuple[ExceptionRecord, ...] = ()


class PoliciesFile(_Record):
    approvals: tuple[PolicyApproval, ...] = ()
    acknowledgments: tuple[PolicyAck, ...] = ()


F = TypeVar("F", bound=_Record)
R = TypeVar("R")


def build(model: type[F], **fields: object) -> F:
    """Make a register record from CLI input; invalid fields become one GovernanceError naming them."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            (f"{'.'.join(str(p) for p in e['loc'])}: " if e["loc"] else "")
            + str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise GovernanceError(problems) from None


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


def next_id(prefix: str, existing: Iterable[str]) -> str:
    numbers = [int(i.split("-")[1]) for i in existing]
    return f"{prefix}-{(max(numbers) + 1) if numbers else 1:03d}"


def next_risk_id(current: RisksFile) -> str:
    return next_id("R", (r.id for r in current.risks))
