"""The occurrence calendar of a period: for each control, the occurrences its frequency expects (each month,
quarter or year; each week of collection for a continuous control) and the evidence found for each — manual
items by their effective day, the registers' dated records, and the scans that judged its checks. A missing
occurrence is named ("access review for 2027-Q2: none")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from evidence_tracer.catalog.controls import Control, Frequency
from evidence_tracer.config import add_months
from evidence_tracer.evidence.items import EvidenceItem
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.models import ScanResult, Status


@dataclass(frozen=True)
class Occurrence:
    label: str  # 2027-Q2, 2027-03, week of 2027-03-01, 2027
    start: date
    end: date
    found: tuple[str, ...]  # what shows it: "evidence 1a2b… (file)", "access review 2027-04-10", "scan …"

    @property
    def met(self) -> bool:
        return bool(self.found)


def windows(frequency: Frequency, start: date, end: date, automated: bool = True) -> list[tuple[str, date, date]]:
    """The occurrences a frequency expects in [start, end]: calendar months and quarters that overlap the period,
    weeks (from Monday) for a continuous control that scans show (a continuous control with no check is shown
    monthly), one year ending on the period's end for an annual one. A per-event control has no calendar: its
    occurrences are its population's events."""
    out: list[tuple[str, date, date]] = []
    if frequency is Frequency.CONTINUOUS and not automated:
        frequency = Frequency.MONTHLY
    if frequency is Frequency.ANNUAL:
        return [(f"year to {end}", max(start, add_months(end, -12) + timedelta(days=1)), end)]
    if frequency is Frequency.PER_EVENT:
        return []
    if frequency is Frequency.CONTINUOUS:
        day = start - timedelta(days=start.weekday())
        while day <= end:
            out.append((f"week of {day}", max(day, start), min(day + timedelta(days=6), end)))
            day += timedelta(days=7)
        return out
    months = 1 if frequency is Frequency.MONTHLY else 3
    first = date(start.year, 1 + ((start.month - 1) // months) * months, 1)
    while first <= end:
        last = add_months(first, months) - timedelta(days=1)
        label = f"{first:%Y-%m}" if months == 1 else f"{first.year}-Q{(first.month - 1) // 3 + 1}"
        out.append((label, max(first, start), min(last, end)))
        first = add_months(first, months)
    return out


# The dated records of a register rule, each one an occurrence of the rule's control on its day.
RECORDS: dict[str, Callable[[RegisterSnapshot], list[tuple[date, str]]]] = {
    "access_reviews.cadence": lambda r: [
        (x.date, f"access review {x.date} by {x.reviewer}") for x in r.access_reviews.access_reviews
    ],
    "exercises.tabletop": lambda r: [
        (x.date, f"tabletop {x.date}") for x in r.exercises.exercises if x.kind.value == "tabletop"
    ],
    "exercises.bcdr_test": lambda r: [
        (x.date, f"BC/DR test {x.date}") for x in r.exercises.exercises if x.kind.value == "bcdr"
    ],
    "risks.reviews": lambda r: [
        (x.last_reviewed, f"risk {x.id} reviewed by {x.reviewed_by}") for x in r.risks.risks if x.reviewed_by
    ],
    "scan_reviews.cadence": lambda r: [
        (x.reviewed_at.date(), f"scan {x.scan_id} reviewed by {x.reviewed_by}") for x in r.scan_reviews.scan_reviews
    ],
    "boundary.confirmed": lambda r: [
        (x.confirmed_at.date(), f"boundary confirmed by {x.confirmed_by}") for x in r.boundary.confirmations
    ],
    "people.training": lambda r: [
        (x.training_completed, f"training of {x.email}") for x in r.people.people if x.training_completed
    ],
    "vendors.soc2_reports": lambda r: [
        (x.last_review, f"vendor {x.name} reviewed") for x in r.vendors.vendors if x.last_review
    ],
}


# The events of a per-event rule in [start, end]: (label, day, met, what shows it). Each is an occurrence.
Event = tuple[str, date, bool, str]


def _joiners(r: RegisterSnapshot, start: date, end: date) -> list[Event]:
    return [
        (
            f"joiner {p.email} ({p.joined})",
            p.joined,
            p.background_check is not None,
            f"background check {p.background_check}",
        )
        for p in r.people.people
        if start <= p.joined <= end and p.production_access
    ]


def _leavers(r: RegisterSnapshot, start: date, end: date) -> list[Event]:
    return [
        (
            f"leaver {p.email} ({p.left})",
            p.left,
            p.removed_in_time(),
            f"access removed {p.access_removed}",
        )
        for p in r.people.people
        if p.left is not None and start <= p.left <= end
    ]


def _incidents(r: RegisterSnapshot, start: date, end: date) -> list[Event]:
    return [
        (
            f"incident {i.id} ({i.severity.value})",
            i.resolved,
            i.post_incident_review is not None,
            f"review {i.post_incident_review}",
        )
        for i in r.incidents.incidents
        if i.resolved is not None and start <= i.resolved <= end and i.severity.serious
    ]


# Per-event rules: the events of the period, and the register they come from (whose records show it is kept).
EVENTS: dict[
    str, tuple[Callable[[RegisterSnapshot, date, date], list[Event]], Callable[[RegisterSnapshot], tuple[object, ...]]]
] = {
    "people.background_checks": (_joiners, lambda r: r.people.people),
    "people.leavers": (_leavers, lambda r: r.people.people),
    "incidents.reviews": (_incidents, lambda r: r.incidents.incidents),
}


def _per_event(
    control: Control, start: date, end: date, manual: Sequence[EvidenceItem], registers: RegisterSnapshot
) -> tuple[Occurrence, ...]:
    """Each event of the period a register records is an occurrence (met when its record is there). A period with
    no events says so from the register — when the register is kept (it holds records); an empty register is no
    population at all. A control whose events no register records, or whose register is empty, needs evidence of
    the period's events (a population, management's statement) filed within it."""
    sources = [rule for rule in control.registers if rule in EVENTS]
    kept = [rule for rule in sources if EVENTS[rule][1](registers)]
    if kept:
        events = [e for rule in kept for e in EVENTS[rule][0](registers, start, end)]
        if not events:
            return (Occurrence("events of the period", start, end, (f"none recorded ({', '.join(kept)})",)),)
        return tuple(Occurrence(label, day, day, (what,) if met else ()) for label, day, met, what in events)
    found = tuple(
        f"evidence {m.id[:12]} ({m.filename}, effective {m.effective_day})"
        for m in manual
        if m.control == control.id and start <= m.effective_day <= end
    )
    return (Occurrence("events of the period", start, end, found),)


def calendar(
    control: Control,
    start: date,
    end: date,
    manual: Sequence[EvidenceItem],
    registers: RegisterSnapshot,
    scans: Sequence[ScanResult],
) -> tuple[Occurrence, ...]:
    if control.frequency is Frequency.PER_EVENT:
        return _per_event(control, start, end, manual, registers)
    mine = [m for m in manual if m.control == control.id]
    records = [rec for rule in control.registers if rule in RECORDS for rec in RECORDS[rule](registers)]
    judged = [
        s
        for s in scans
        if any(f.check_id in control.checks and f.status in (Status.PASS, Status.FAIL) for f in s.findings)
    ]
    out = []
    for label, first, last in windows(control.frequency, start, end, bool(control.checks)):
        found = [
            f"evidence {m.id[:12]} ({m.filename}, effective {m.effective_day})"
            for m in mine
            if first <= m.effective_day <= last
        ]
        found += [what for day, what in records if first <= day <= last]
        found += [f"scan {s.scan.id}" for s in judged if first <= s.scan.finished_at.date() <= last][:1]
        out.append(Occurrence(label, first, last, tuple(found)))
    return tuple(out)
