"""Populations the registers hold: hires, access reviews, incidents, training completions and policy
acknowledgments of a period, each reconciled with its register and checked for gaps in sequence."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from evidence_tracer.period.population import Found, PopulationInputs, inside


def hires(i: PopulationInputs, start: date, end: date) -> Found:
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
        if inside(p.joined, start, end)
    )
    late = [r["id"] for r in rows if r["production_access"] and r["background_check"] is None]
    return Found(
        rows,
        (f"{len(rows)} of the {len(people)} people in the register joined in the period",),
        tuple(f"{who}: production access with no background check recorded" for who in late),
    )


def access_reviews(i: PopulationInputs, start: date, end: date) -> Found:
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
        if inside(r.date, start, end)
    )
    dates = [start - timedelta(days=1), *(r.date for r in reviews if inside(r.date, start, end)), end]
    longest = max((b - a).days for a, b in itertools.pairwise(dates))
    return Found(
        rows,
        (f"{len(rows)} reviews; the longest stretch without one is {longest} days",),
        tuple(
            f"a review recorded without the accounts it covered: {r['id']}" for r in rows if not r["accounts_reviewed"]
        ),
    )


def incidents(i: PopulationInputs, start: date, end: date) -> Found:
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
        if inside(x.detected, start, end)
    )
    return Found(
        rows,
        (f"{len(rows)} of {len(incidents)} incidents in the register were detected in the period",),
        tuple(f"INC-{n:03d} is missing from the sequence" for n in missing),
    )


def training(i: PopulationInputs, start: date, end: date) -> Found:
    rows = tuple(
        {"id": p.email, "training_completed": p.training_completed, "joined": p.joined}
        for p in sorted(i.registers.people.people, key=lambda p: p.email)
        if inside(p.training_completed, start, end)
    )
    return Found(rows, (f"{len(rows)} of {len(i.registers.people.people)} people completed training in the period",))


def acknowledgments(i: PopulationInputs, start: date, end: date) -> Found:
    acks = sorted(i.policies.acknowledgments, key=lambda a: (a.acknowledged_at, a.person, a.policy))
    rows = tuple(
        {"id": f"{a.person}:{a.policy}:{a.acknowledged_at:%Y-%m-%d}", "person": a.person, "policy": a.policy,
         "acknowledged_at": a.acknowledged_at, "sha256": a.sha256, "method": a.method}
        for a in acks
        if inside(a.acknowledged_at.date(), start, end)
    )  # fmt: skip
    approved = {a.sha256 for a in i.policies.approvals}
    return Found(
        rows,
        (f"{len(rows)} acknowledgments of {len(acks)} in the register",),
        tuple(f"{r['id']}: acknowledges a text that was never approved" for r in rows if r["sha256"] not in approved),
    )
