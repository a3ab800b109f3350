"""Populations for a Type 2's tests: every hire, leaver, access review, incident, training completion and policy
acknowledgment of a period, each from one declared query over the registers, with what an auditor needs to test
its completeness and accuracy (IPE): the query and its parameters, the row count reconciled to its source, the
gaps in sequence, and the SHA-256 of the rows."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from evidence_tracer.governance.registers import PoliciesFile
from evidence_tracer.governance.rulebook import RegisterSnapshot

Row = Mapping[str, Any]


@dataclass(frozen=True)
class PopulationInputs:
    registers: RegisterSnapshot
    policies: PoliciesFile


@dataclass(frozen=True)
class Population:
    name: str
    title: str
    control: str  # the control whose operation it is tested for
    start: date
    end: date
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    source: str  # where the rows come from, in words
    reconciliation: tuple[str, ...] = ()  # how the count agrees with the source (or does not)
    exceptions: tuple[str, ...] = ()  # gaps in sequence or time, rows that disagree with the source
    key: str = "id"  # the column that names a row (what a sample selects)

    @property
    def complete(self) -> bool:
        return not self.exceptions

    @property
    def rows_sha256(self) -> str:
        text = json.dumps([dict(r) for r in self.rows], sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def rerun(self) -> str:
        return f"tracer populations export {self.name} --from {self.start} --to {self.end}"

    def ipe(self) -> dict[str, Any]:
        """The completeness-and-accuracy record of the population (AT-C 205.36)."""
        return {
            "population": self.name,
            "title": self.title,
            "control": self.control,
            "query": {"source": self.source, "from": self.start.isoformat(), "to": self.end.isoformat()},
            "rows": len(self.rows),
            "rows_sha256": self.rows_sha256,
            "reconciliation": list(self.reconciliation),
            "exceptions": list(self.exceptions),
            "complete": self.complete,
            "rerun": self.rerun(),
        }


Found = tuple[tuple[Row, ...], tuple[str, ...], tuple[str, ...]]  # rows, reconciliation, exceptions


@dataclass(frozen=True)
class PopulationSpec:
    """One declared query: adding a population is one entry here (and its tests)."""

    name: str
    title: str
    control: str
    columns: tuple[str, ...]
    source: str
    query: Callable[[PopulationInputs, date, date], Found]
    needs: str = ""  # what evidence a sampled item needs

    def run(self, inputs: PopulationInputs, start: date, end: date) -> Population:
        rows, reconciliation, exceptions = self.query(inputs, start, end)
        return Population(
            self.name, self.title, self.control, start, end, self.columns, rows, self.source, reconciliation, exceptions
        )


def _inside(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def _hires(i: PopulationInputs, start: date, end: date) -> Found:
    people = i.registers.people.people
    rows = tuple(
        {
            "id": p.email,
            "role": p.role,
            "joined": p.joined,
            "background_check": p.background_check,
            "training_completed": p.training_completed,
            "production_access": p.production_access,
        }
        for p in sorted(people, key=lambda p: (p.joined, p.email))
        if _inside(p.joined, start, end)
    )
    late = [r["id"] for r in rows if r["production_access"] and r["background_check"] is None]
    return (
        rows,
        (f"{len(rows)} of the {len(people)} people in the register joined in the period",),
        tuple(f"{who}: production access with no background check recorded" for who in late),
    )


def _terminations(i: PopulationInputs, start: date, end: date) -> Found:
    people = i.registers.people.people
    rows, problems = [], []
    for p in sorted(people, key=lambda p: (p.left or end, p.email)):
        if p.left is None or not _inside(p.left, start, end):
            continue
        late = (p.access_removed - p.left).days if p.access_removed else None
        rows.append({"id": p.email, "left": p.left, "access_removed": p.access_removed, "days_late": late})
        if late is None:
            problems.append(f"{p.email}: access removal not recorded")
        elif late > 1:
            problems.append(f"{p.email}: removed {late} days after leaving")
    return tuple(rows), (f"{len(rows)} leavers of the {len(people)} people in the register",), tuple(problems)


def _access_reviews(i: PopulationInputs, start: date, end: date) -> Found:
    reviews = sorted(i.registers.access_reviews.access_reviews, key=lambda r: r.date)
    rows = tuple(
        {
            "id": f"{r.date}:{r.reviewer}",
            "date": r.date,
            "reviewer": r.reviewer,
            "systems": r.systems,
            "accounts_reviewed": len(r.identities),
            "evidence_id": r.evidence_id,
        }
        for r in reviews
        if _inside(r.date, start, end)
    )
    dates = [start - timedelta(days=1), *(r.date for r in reviews if _inside(r.date, start, end)), end]
    longest = max((b - a).days for a, b in itertools.pairwise(dates))
    return (
        rows,
        (f"{len(rows)} reviews; the longest stretch without one is {longest} days",),
        tuple(
            f"a review recorded without the accounts it covered: {r['id']}" for r in rows if not r["accounts_reviewed"]
        ),
    )


def _incidents(i: PopulationInputs, start: date, end: date) -> Found:
    incidents = sorted(i.registers.incidents.incidents, key=lambda x: x.id)
    numbers = [int(x.id.split("-")[1]) for x in incidents]
    missing = sorted(set(range(min(numbers), max(numbers) + 1)) - set(numbers)) if numbers else []
    rows = tuple(
        {
            "id": x.id,
            "severity": x.severity.value,
            "detected": x.detected,
            "resolved": x.resolved,
            "post_incident_review": x.post_incident_review,
            "customer_impact": x.customer_impact,
        }
        for x in incidents
        if _inside(x.detected, start, end)
    )
    return (
        rows,
        (f"{len(rows)} of {len(incidents)} incidents in the register were detected in the period",),
        tuple(f"INC-{n:03d} is missing from the sequence" for n in missing),
    )


def _training(i: PopulationInputs, start: date, end: date) -> Found:
    rows = tuple(
        {"id": p.email, "training_completed": p.training_completed, "joined": p.joined}
        for p in sorted(i.registers.people.people, key=lambda p: p.email)
        if _inside(p.training_completed, start, end)
    )
    return rows, (f"{len(rows)} of {len(i.registers.people.people)} people completed training in the period",), ()


def _acknowledgments(i: PopulationInputs, start: date, end: date) -> Found:
    acks = sorted(i.policies.acknowledgments, key=lambda a: (a.acknowledged_at, a.person, a.policy))
    rows = tuple(
        {"id": f"{a.person}:{a.policy}:{a.acknowledged_at:%Y-%m-%d}", "person": a.person, "policy": a.policy,
         "acknowledged_at": a.acknowledged_at, "sha256": a.sha256, "method": a.method}
        for a in acks
        if _inside(a.acknowledged_at.date(), start, end)
    )  # fmt: skip
    approved = {a.sha256 for a in i.policies.approvals}
    return (
        rows,
        (f"{len(rows)} acknowledgments of {len(acks)} in the register",),
        tuple(f"{r['id']}: acknowledges a text that was never approved" for r in rows if r["sha256"] not in approved),
    )


POPULATIONS: dict[str, PopulationSpec] = {
    spec.name: spec
    for spec in (
        PopulationSpec(
            "hires",
            "New hires",
            "GOV-04",
            ("id", "role", "joined", "background_check", "training_completed", "production_access"),
            "registers/people.yaml: people whose joined date falls in the period",
            _hires,
            "the background check result and the training completion of the hire",
        ),
        PopulationSpec(
            "terminations",
            "Terminations (leavers)",
            "AC-07",
            ("id", "left", "access_removed", "days_late"),
            "registers/people.yaml: people whose left date falls in the period",
            _terminations,
            "the deprovisioning record of every account (IdP, GitHub, AWS) on or before the last day",
        ),
        PopulationSpec(
            "access_reviews",
            "Access reviews",
            "AC-06",
            ("id", "date", "reviewer", "systems", "accounts_reviewed", "evidence_id"),
            "registers/access-reviews.yaml: reviews dated in the period",
            _access_reviews,
            "the review record, the access table reviewed and the changes it made",
        ),
        PopulationSpec(
            "incidents",
            "Security incidents",
            "IR-02",
            ("id", "severity", "detected", "resolved", "post_incident_review", "customer_impact"),
            "registers/incidents.yaml: incidents detected in the period",
            _incidents,
            "the incident ticket, its timeline and (sev1/sev2) the post-incident review",
        ),
        PopulationSpec(
            "training",
            "Security training completions",
            "GOV-05",
            ("id", "training_completed", "joined"),
            "registers/people.yaml: training completions dated in the period",
            _training,
            "the training provider's completion record",
        ),
        PopulationSpec(
            "acknowledgments",
            "Policy acknowledgments",
            "GOV-07",
            ("id", "person", "policy", "acknowledged_at", "sha256", "method"),
            "registers/policies.yaml: acknowledgments made in the period",
            _acknowledgments,
            "the acknowledgment record with the policy text's SHA-256",
        ),
    )
}
