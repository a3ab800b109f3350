"""The request (PBC, "provided by client") list: every item an auditor will ask for in this scope, with its
status, where it is in the package and who owns it. From the control library's evidence requests, the
automated checks and the populations the scan listed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import astuple, dataclass
from typing import Any

from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.deliverables.layout import item_path
from evidence_tracer.deliverables.matrix import in_scope_controls
from evidence_tracer.readiness import ControlReadiness, Readiness


@dataclass(frozen=True)
class Request:
    id: str
    criteria: str
    control: str
    request: str
    kind: str  # document | register | system-generated | population
    status: str  # provided | missing | stale | incomplete
    location: str
    owner: str


COLUMNS = (
    "Request",
    "Criteria",
    "Control",
    "What the auditor asks for",
    "Kind",
    "Status",
    "Where in the package",
    "Owner",
)
WIDTHS = (10, 14, 10, 60, 16, 12, 60, 28)
SELF_EVIDENCE_FILES = {
    "scan_history": "scan/history.json",
    "system_boundary": "governance/tracer.yaml",
    "owner_list": "governance/tracer.yaml",
    "policy_approvals": "governance/policies/approvals.json",
}


def _status(x: ControlReadiness, places: list[str]) -> str:
    """provided: the control's evidence is in the package and earns its credit; in package, with gaps: the
    documents are there but do not yet show the control operating; stale; missing: nothing to hand over."""
    earned = all(p.credit >= 1 for p in x.parts if p.counts) and bool(x.parts)
    if earned and places:
        return "provided"
    if places:
        return "in package, with gaps"
    return "stale" if x.stale else "missing"


def request_list(r: Readiness, completeness: Mapping[str, Any] | None = None) -> list[Request]:
    """One request per in-scope control (what a person hands over for it), then one per population the scan
    listed (summed over accounts and regions): the list a person answers, not one row per API call."""
    scope = {c.criterion.id for c in r.criteria}
    catalog = criteria()
    out: list[Request] = []

    def add(crit: str, control: str, text: str, kind: str, status: str, location: str, owner: str) -> None:
        out.append(Request(f"PBC-{len(out) + 1:03d}", crit, control, text, kind, status, location, owner))

    for x in in_scope_controls(r):
        crit = ", ".join(c for c in x.control.criteria if c in scope)
        first = catalog[next(c for c in x.control.criteria if c in scope)]
        automated = next((p for p in x.parts if p.name == "automated"), None)
        asked = list(x.control.evidence)
        places = [item_path(m, first) for m in x.evidence]
        places += [f"governance/registers/{rule.split('.')[0].replace('_', '-')}.yaml" for rule in x.control.registers]
        if x.control.satisfied_by:
            places.append(SELF_EVIDENCE_FILES[x.control.satisfied_by.value])
        if x.control.checks:
            asked.append(f"results of the automated checks {', '.join(x.control.checks)} with the AWS responses")
            if automated is not None and automated.refs:
                places += ["scan/findings.json", first.folder + "/"]
        kind = (
            "register"
            if x.control.registers
            else ("system-generated" if x.control.checks and not x.control.evidence else "document")
        )
        add(
            crit,
            x.control.id,
            "; ".join(asked) or x.control.statement,
            kind,
            _status(x, places),
            "; ".join(dict.fromkeys(places)) or "—",
            x.owner,
        )
    grouped: dict[str, dict[str, Any]] = {}  # by service: one request for its populations
    for population in (completeness or {}).get("populations", ()):
        entry = grouped.setdefault(population["service"], {"rows": {}, "calls": set(), "complete": True, "lists": 0})
        for name, count in population["rows"].items():
            entry["rows"][name] = entry["rows"].get(name, 0) + int(count)
        entry["calls"].add(population["operation"])
        entry["complete"] = entry["complete"] and bool(population["complete"])
        entry["lists"] += 1
    for service, entry in sorted(grouped.items()):
        rows = ", ".join(f"{k} {v}" for k, v in sorted(entry["rows"].items()) if v) or "nothing listed"
        add(
            "CC6.1, CC7.1",
            "",
            f"{service} populations ({rows}): the complete lists from {', '.join(sorted(entry['calls']))} "
            f"({entry['lists']} account/region list(s)) and how they were listed",
            "population",
            "provided" if entry["complete"] else "incomplete",
            "scan/completeness.json",
            "",
        )
    return out


def request_rows(requests: list[Request]) -> list[tuple[object, ...]]:
    return [astuple(q) for q in requests]
