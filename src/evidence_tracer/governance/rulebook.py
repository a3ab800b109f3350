"""How register rules are declared: `@rule(ID, register=NAME)` on a function of a `RuleContext` that yields the
gaps. `RULES` maps every id to the register it reads (a meta-test checks both against controls.yaml and the
registers); the rules themselves live in governance/rules.py and governance/oversight.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from evidence_tracer.catalog.controls import control_of_rule
from evidence_tracer.config import Parameters
from evidence_tracer.governance.registers import (
    AccessReviewsFile,
    BoundaryFile,
    ExercisesFile,
    IncidentsFile,
    PeopleFile,
    PersonRecord,
    RisksFile,
    ScanReviewsFile,
    VendorsFile,
)
from evidence_tracer.models import Gap, Severity

ADD_PEOPLE = "Add everyone in scope: tracer people add EMAIL --role ROLE --joined DATE"


@dataclass(frozen=True)
class RegisterSnapshot:
    people: PeopleFile = field(default_factory=PeopleFile)
    vendors: VendorsFile = field(default_factory=VendorsFile)
    risks: RisksFile = field(default_factory=RisksFile)
    access_reviews: AccessReviewsFile = field(default_factory=AccessReviewsFile)
    exercises: ExercisesFile = field(default_factory=ExercisesFile)
    incidents: IncidentsFile = field(default_factory=IncidentsFile)
    scan_reviews: ScanReviewsFile = field(default_factory=ScanReviewsFile)
    boundary: BoundaryFile = field(default_factory=BoundaryFile)


@dataclass(frozen=True)
class RuleContext:
    """What every rule may read: the registers, the parameters, the day, which approved policies each person
    acknowledged, and the workspace facts the oversight rules judge: each control's owner, the digest of
    tracer.yaml's boundary, and the stored scans (id -> when it finished)."""

    registers: RegisterSnapshot
    parameters: Parameters
    today: date
    approved_policies: tuple[str, ...] = ()
    acknowledged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owners: Mapping[str, str] = field(default_factory=dict)
    boundary_sha256: str = ""
    scans: Mapping[str, datetime] = field(default_factory=dict)

    @property
    def active(self) -> list[PersonRecord]:
        return [x for x in self.registers.people.people if x.left is None or x.left >= self.today]

    def person(self, email: str) -> PersonRecord | None:
        return next((p for p in self.registers.people.people if p.email.lower() == email.lower()), None)

    def management_on(self, email: str | None, day: date) -> bool:
        """`email` is management in the people register and was active on `day`."""
        found = self.person(email) if email else None
        return found is not None and found.management and found.active_on(day)

    def active_on(self, email: str, day: date) -> bool:
        found = self.person(email)
        return found is not None and found.active_on(day)

    def older(self, when: date | None, days: int) -> bool:
        return when is None or when + timedelta(days=days) < self.today


RuleFn = Callable[[RuleContext], Iterable[Gap]]
RULES: dict[str, str] = {}  # rule id -> the register it reads
_FUNCTIONS: dict[str, RuleFn] = {}


def rule(rule_id: str, register: str) -> Callable[[RuleFn], RuleFn]:
    def register_rule(fn: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"register rule {rule_id} is defined twice")
        RULES[rule_id] = register
        _FUNCTIONS[rule_id] = fn
        return fn

    return register_rule


def rule_gap(severity: Severity, title: str, action: str, rule_id: str, owner: str = "") -> Gap:
    if rule_id not in RULES:
        raise ValueError(f"no register rule {rule_id!r}")
    return Gap(severity, title, action, "register", control_of_rule(rule_id), owner=owner)


def empty_people(ctx: RuleContext, rule_id: str) -> Iterator[Gap]:
    """No one in the people register: nothing can show a people rule operating."""
    if not ctx.registers.people.people:
        yield rule_gap(
            Severity.HIGH,
            f"No records in the people register show {rule_id.split('.')[1]} operating",
            ADD_PEOPLE,
            rule_id,
        )
