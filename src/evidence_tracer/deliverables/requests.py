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
from evidence_tracer.readiness import Readiness


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


def request_list(r: Readiness, completeness: Mapping[str, Any] | None = None) -> list[Request]:
    scope = {c.criterion.id for c in r.criteria}
    catalog = criteria()
    out: list[Request] = []

    def add(crit: str, control: str, text: str, kind: str, status: str, location: str, owner: str) -> None:
        out.append(Request(f"PBC-{len(out) + 1:03d}", crit, control, text, kind, status, location, owner))

    for x in in_scope_controls(r):
        crit = ", ".join(c for c in x.control.criteria if c in scope)
        first = catalog[next(c for c in x.control.criteria if c in scope)]
        evidence = next((p for p in x.parts if p.name == "evidence"), None)
        automated = next((p for p in x.parts if p.name == "automated"), None)
        for text in x.control.evidence:
            if evidence is not None and evidence.credit >= 1:
                status = "provided"
            elif x.stale:
                status = "stale"
            else:
                status = "missing"
            places = [item_path(m, first) for m in x.evidence]
            places += [
                f"governance/registers/{rule.split('.')[0].replace('_', '-')}.yaml" for rule in x.control.registers
            ]
            if x.control.satisfied_by:
                places.append(SELF_EVIDENCE_FILES[x.control.satisfied_by.value])
            add(
                crit,
                x.control.id,
                text,
                "register" if x.control.registers else "document",
                status,
                "; ".join(dict.fromkeys(places)) or "—",
                x.owner,
            )
        if x.control.checks:
            judged = automated is not None and automated.refs != ()
            add(
                crit,
                x.control.id,
                f"Results of the automated checks {', '.join(x.control.checks)} with the AWS responses behind them",
                "system-generated",
                "provided" if judged else "missing",
                "scan/findings.json; " + first.folder + "/" if judged else "—",
                x.owner,
            )
    for population in (completeness or {}).get("populations", ()):
        rows = ", ".join(f"{k} {v}" for k, v in sorted(population["rows"].items())) or "no rows"
        add(
            "CC6.1, CC7.1",
            "",
            f"Population {population['service']}:{population['operation']} in "
            f"{population['account']} {population['region']} ({rows}; {population['pages']} page(s)) and how it "
            "was listed",
            "population",
            "provided" if population["complete"] else "incomplete",
            "scan/completeness.json",
            "",
        )
    return out


def request_rows(requests: list[Request]) -> list[tuple[object, ...]]:
    return [astuple(q) for q in requests]
