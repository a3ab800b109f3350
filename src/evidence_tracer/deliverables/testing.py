"""What an auditor's control matrix holds beyond the controls themselves: how each control is tested, whether it
is a key control, which complementary controls it leans on (customers' CUECs, the subservice organisations'
CSOCs), and the population and sample its operation is tested on. From the control library; nothing invented
per workspace but the risk links, which come from the risk register."""

from __future__ import annotations

from collections.abc import Sequence

from evidence_tracer.catalog.controls import Control, Frequency, controls_for_criterion
from evidence_tracer.checks.registry import specs
from evidence_tracer.governance.registers import RiskRecord
from evidence_tracer.models import Severity

# Complementary user entity controls: what customers must do for the controls to work as described (DC6).
CUECS = (
    "Customers manage their own users' access to the service, including removing leavers promptly.",
    "Customers protect their credentials and enable multi-factor authentication where the service offers it.",
    "Customers report suspected security incidents or vulnerabilities to the security contact promptly.",
    "Customers review the data they upload and do not send data the service is not designed to hold.",
)
# The criteria each CUEC (numbered as listed) bears on.
CUEC_CRITERIA = {1: ("CC6.1", "CC6.2", "CC6.3"), 2: ("CC6.1",), 3: ("CC2.3", "CC7.3", "CC7.4"), 4: ("CC6.7",)}
# What the company relies on AWS for (complementary subservice organisation controls), AWS being carved out.
AWS_CSOCS = (
    "Physical and environmental security of the data centres hosting the system.",
    "Secure decommissioning and disposal of storage media.",
    "Availability and redundancy of the underlying compute, storage and network infrastructure.",
    "Logical separation of customer environments and the integrity of the hypervisor.",
)
CSOC_CRITERIA = ("CC6.4", "CC6.5", "A1.2")
# Type 2 sample sizes by how often a control operates (the audit firms' published tables).
SAMPLE = {
    Frequency.ANNUAL: "1",
    Frequency.QUARTERLY: "2",
    Frequency.MONTHLY: "2 (up to 5)",
    Frequency.CONTINUOUS: "1 per configuration, with the IT general controls over it",
    Frequency.PER_EVENT: "by population: up to 5 all; 6-50 five; 51-250 10%; over 250 25",
}


def test_procedure(control: Control, owner: str) -> str:
    steps = [f"Inquire of the owner ({owner or 'unassigned'}) how the control operates"]
    if control.checks:
        steps.append(
            f"re-perform {', '.join(control.checks)} from the stored AWS responses (scan/, tracer report --reevaluate)"
        )
    if control.registers:
        steps.append("inspect the register entries and agree a selection to their source records")
    if control.evidence:
        steps.append("inspect " + "; ".join(control.evidence))
    return "; ".join(steps) + "."


def is_key(control: Control) -> bool:
    """A key control: it answers a critical exposure, or it is the only control of one of its criteria."""
    critical = any(specs()[c].severity is Severity.CRITICAL for c in control.checks if c in specs())
    return critical or any(len(controls_for_criterion(c)) == 1 for c in control.criteria)


def complementary(control: Control) -> str:
    refs = [f"CUEC {n}" for n, crits in CUEC_CRITERIA.items() if set(crits) & set(control.criteria)]
    if set(CSOC_CRITERIA) & set(control.criteria):
        refs.append("CSOC: AWS (carved out)")
    return ", ".join(refs)


def population(control: Control) -> str:
    if control.frequency is Frequency.CONTINUOUS:
        return "the configuration of every resource in the boundary, each scan"
    if control.frequency is Frequency.PER_EVENT:
        return "every occurrence in the period (each hire, leaver, change or incident)"
    return f"each {control.frequency.value} occurrence in the period"


def risks_addressed(control: Control, risks: Sequence[RiskRecord]) -> str:
    return ", ".join(r.id for r in risks if control.id in r.controls)
