"""The control library, loaded from `controls.yaml`: the one mapping of criteria to checks."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from importlib import resources

from evidence_tracer.catalog.criteria import sort_key
from evidence_tracer.errors import ConfigError
from evidence_tracer.yamlfile import safe_load


class SelfEvidence(StrEnum):
    """Evidence the workspace holds by itself, without an upload."""

    SCAN_HISTORY = "scan_history"
    SYSTEM_BOUNDARY = "system_boundary"
    OWNER_LIST = "owner_list"
    POLICY_APPROVALS = "policy_approvals"


class Frequency(StrEnum):
    """How often a control operates; it sets how long a piece of manual evidence stays current."""

    CONTINUOUS = "continuous"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    PER_EVENT = "per_event"  # each hire, change, incident: the latest occurrence must be within a year

    @property
    def current_for(self) -> timedelta:
        days = {"continuous": 31, "monthly": 31, "quarterly": 92, "annual": 365, "per_event": 365}
        return timedelta(days=days[self.value])


class ControlType(StrEnum):
    PREVENTIVE = "preventive"
    DETECTIVE = "detective"
    CORRECTIVE = "corrective"


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    statement: str
    criteria: tuple[str, ...]
    checks: tuple[str, ...]
    evidence: tuple[str, ...]
    policy: str
    registers: tuple[str, ...]  # register rules (governance.rules.RULES) that show it operating
    frequency: Frequency
    type: ControlType
    satisfied_by: SelfEvidence | None = None


@functools.cache
def controls() -> dict[str, Control]:
    """The control library: controls.yaml, with the checks plug-ins' catalog fragments list under its controls."""
    from evidence_tracer.catalog.fragments import fragments

    text = resources.files("evidence_tracer.catalog").joinpath("controls.yaml").read_text("utf-8")
    raw = safe_load(text)
    for fragment in fragments():
        for control, checks in fragment.control_checks.items():
            if control not in raw:
                raise ConfigError(f"{fragment.package}/catalog.yaml: no control {control!r} in the control library")
            raw[control] = {**raw[control], "checks": [*raw[control].get("checks", ()), *checks]}
    return {
        cid: Control(
            id=cid,
            title=str(v["title"]),
            statement=str(v["statement"]),
            criteria=tuple(v["criteria"]),
            checks=tuple(v.get("checks", ())),
            evidence=tuple(v.get("evidence", ())),
            policy=str(v["policy"]),
            registers=tuple(v.get("registers", ())),
            frequency=Frequency(v["frequency"]),
            type=ControlType(v["type"]),
            satisfied_by=SelfEvidence(v["satisfied_by"]) if v.get("satisfied_by") else None,
        )
        for cid, v in raw.items()
    }


@functools.cache
def criteria_of_check(check_id: str) -> tuple[str, ...]:
    """A check's criteria: those of every control that lists it, in catalog order."""
    found = {c for control in controls().values() if check_id in control.checks for c in control.criteria}
    return tuple(sorted(found, key=sort_key))


@functools.cache
def control_of_rule(rule: str) -> str | None:
    """The control whose operation a register rule shows (the one control that lists it)."""
    return next((c.id for c in controls().values() if rule in c.registers), None)


def controls_for_criterion(criterion_id: str) -> tuple[Control, ...]:
    return tuple(c for c in controls().values() if criterion_id in c.criteria)


def resolve_target(target: str) -> tuple[tuple[str, ...], str | None]:
    """A criterion id (CC6.1) or a control id (AC-06) -> (criteria, control); anything else is refused."""
    from evidence_tracer.catalog.criteria import criteria
    from evidence_tracer.errors import EvidenceError

    if target in criteria():
        return (target,), None
    library = controls()
    if target in library:
        return library[target].criteria, target
    raise EvidenceError(f"{target!r} is neither a Trust Services Criterion (e.g. CC6.1) nor a control (e.g. AC-06)")
