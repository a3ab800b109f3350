"""The Type 2 view of a period: per control its occurrences expected and found, its deviations with their
responses; per criterion a roll-up; the collection itself (days with a scan, checks that could not look).
"Operating over the period" is earned only when every control in scope had every occurrence and no deviation
is left unanswered — and the collection has no gap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from evidence_tracer.catalog.controls import Control
from evidence_tracer.catalog.criteria import Criterion, criteria
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.evidence.items import EvidenceItem, seen_by
from evidence_tracer.governance.owners import in_scope_controls, owners_of
from evidence_tracer.governance.registers import ExceptionsFile
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.models import ScanResult
from evidence_tracer.period.calendar import Occurrence, calendar
from evidence_tracer.period.deviations import Deviation, deviations
from evidence_tracer.period.timeline import CollectionGap, Episode, collection_gaps, episodes


@dataclass(frozen=True)
class ControlPeriod:
    control: Control
    owner: str
    occurrences: tuple[Occurrence, ...]
    deviations: tuple[Deviation, ...]

    @property
    def missing(self) -> tuple[Occurrence, ...]:
        return tuple(o for o in self.occurrences if not o.met)

    @property
    def unanswered(self) -> tuple[Deviation, ...]:
        return tuple(d for d in self.deviations if not d.answered)

    @property
    def operating(self) -> bool:
        return not self.missing and not self.unanswered


@dataclass(frozen=True)
class CriterionPeriod:
    criterion: Criterion
    controls: tuple[ControlPeriod, ...]

    @property
    def operating(self) -> bool:
        return all(c.operating for c in self.controls)


@dataclass(frozen=True)
class ReconstructedDay:
    """A day rebuilt from AWS Config (`tracer history --at`): shown beside the observed scans, never counted as
    one — it neither fills a collection gap nor earns an occurrence."""

    day: date
    label: str  # "reconstructed from AWS Config on DATE"
    resource_types: tuple[str, ...]
    counts: dict[str, int]  # pass / fail / error
    evidence_id: str


@dataclass(frozen=True)
class PeriodView:
    company: str
    start: date
    end: date
    generated_at: datetime
    scans: tuple[str, ...]
    days_scanned: int
    collection: tuple[CollectionGap, ...]
    episodes: tuple[Episode, ...]
    controls: tuple[ControlPeriod, ...]
    criteria: tuple[CriterionPeriod, ...]
    reconstructed: tuple[ReconstructedDay, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def until(self) -> datetime:
        """The moment the view speaks as of: the period's end, or now while the period runs."""
        return seen_by(self.end, self.generated_at)

    @property
    def operating(self) -> bool:
        return all(c.operating for c in self.controls) and not self.collection

    def why_not(self) -> tuple[str, ...]:
        missing = sum(len(c.missing) for c in self.controls)
        unanswered = sum(len(c.unanswered) for c in self.controls)
        reasons = [f"{missing} expected occurrence(s) have no evidence"] if missing else []
        reasons += [f"{unanswered} deviation(s) have no management response"] if unanswered else []
        reasons += [f"{len(self.collection)} gap(s) in collection"] if self.collection else []
        return tuple(reasons)


def period_view(
    config: WorkspaceConfig,
    start: date,
    end: date,
    now: datetime,
    scans: Sequence[ScanResult],
    manual: Sequence[EvidenceItem],
    registers: RegisterSnapshot,
    exceptions: ExceptionsFile,
    reconstructed: Sequence[ReconstructedDay] = (),
) -> PeriodView:
    inside = [s for s in scans if start <= s.scan.finished_at.date() <= end]
    until = seen_by(end, now)
    found = episodes(inside)
    deviating = deviations(
        found, config.parameters.remediation_days, until, exceptions.exceptions, exceptions.deviations
    )
    owners = owners_of(config)
    last = min(end, now.date())
    per_control = tuple(
        ControlPeriod(
            c,
            owners.get(c.id, ""),
            calendar(c, start, last, manual, registers, inside),
            tuple(d for d in deviating if c.id in d.controls),
        )
        for c in in_scope_controls(config)
    )
    by_id = {c.control.id: c for c in per_control}
    scoped = [k for k in criteria().values() if k.category in config.scope.categories]
    per_criterion = tuple(
        CriterionPeriod(k, tuple(by_id[c.control.id] for c in per_control if k.id in c.control.criteria))
        for k in scoped
    )
    return PeriodView(
        config.company.name,
        start,
        end,
        now,
        tuple(s.scan.id for s in inside),
        len({s.scan.finished_at.date() for s in inside}),
        collection_gaps(inside, start, last),
        found,
        per_control,
        per_criterion,
        tuple(r for r in reconstructed if start <= r.day <= end),
    )
