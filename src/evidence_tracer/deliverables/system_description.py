"""A draft system description in the AICPA description-criteria form (DC 200, DC1 to DC9), filled from
tracer.yaml, the registers and the scan, with what the tool cannot know left as explicit prompts for
management. Markdown and HTML come from the same sections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from evidence_tracer.catalog.criteria import Category, criteria
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.deliverables.matrix import in_scope_controls
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.readiness import Readiness
from evidence_tracer.report.html import environment, stylesheet
from evidence_tracer.report.markdown import cell

DRAFT = (
    "DRAFT for management to complete and own. Evidence Tracer filled in what tracer.yaml, the registers and "
    "the AWS scan show; every [PROMPT] is something only management can state. This is not a SOC 2 report."
)
NOT_IN_SCOPE_REASON = {
    Category.AVAILABILITY: "no uptime commitment (SLA) is made to customers (tracer.yaml scope)",
    Category.CONFIDENTIALITY: "customers do not entrust data under confidentiality terms (tracer.yaml scope)",
    Category.PROCESSING_INTEGRITY: "customers do not rely on the accuracy of the processing (tracer.yaml scope)",
    Category.PRIVACY: "no personal information is processed in scope of a privacy commitment (tracer.yaml scope)",
}
# Complementary user entity controls: what customers must do for the controls to work as described.
CUECS = (
    "Customers manage their own users' access to the service, including removing leavers promptly.",
    "Customers protect their credentials and enable multi-factor authentication where the service offers it.",
    "Customers report suspected security incidents or vulnerabilities to the security contact promptly.",
    "Customers review the data they upload and do not send data the service is not designed to hold.",
)
# What the company relies on AWS for (complementary subservice organisation controls), AWS being carved out.
AWS_CSOCS = (
    "Physical and environmental security of the data centres hosting the system.",
    "Secure decommissioning and disposal of storage media.",
    "Availability and redundancy of the underlying compute, storage and network infrastructure.",
    "Logical separation of customer environments and the integrity of the hypervisor.",
)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # first row is the header
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SystemDescription:
    company: str
    as_of: date
    categories: tuple[str, ...]
    sections: tuple[Section, ...] = field(default_factory=tuple)


def _populations(completeness: Mapping[str, Any] | None) -> tuple[tuple[str, ...], ...]:
    totals: dict[str, int] = {}
    for p in (completeness or {}).get("populations", ()):
        for name, count in p["rows"].items():
            key = f"{p['service']}:{p['operation']} → {name}"
            totals[key] = totals.get(key, 0) + int(count)
    rows = sorted((k, str(v)) for k, v in totals.items() if v)
    return (("What the scan listed", "Rows"), *rows) if rows else ()


def describe(
    r: Readiness,
    config: WorkspaceConfig,
    registers: RegisterSnapshot,
    as_of: date,
    completeness: Mapping[str, Any] | None = None,
) -> SystemDescription:
    b, company = config.boundary, config.company.name
    scope = [Category(c) for c in r.scope]
    period_start = as_of - timedelta(days=365)
    active = [p for p in registers.people.people if p.left is None or p.left >= as_of]
    vendors = registers.vendors.vendors
    incidents = [i for i in registers.incidents.incidents if i.detected >= period_start]
    joiners = [p for p in registers.people.people if p.joined >= period_start]
    leavers = [p for p in registers.people.people if p.left is not None and p.left >= period_start]
    catalog = criteria()
    out_of_scope = [c for c in Category if c not in scope]
    sections = (
        Section(
            "DC1",
            "Types of services provided",
            (f"{company} provides [PROMPT: the service, who its customers are and what they use it for].",),
            prompts=("Describe the service in the words of your customer contracts.",),
        ),
        Section(
            "DC2",
            "Principal service commitments and system requirements",
            (
                f"Trust Services categories in scope: {', '.join(c.value for c in scope)}.",
                "Commitments made to customers in contracts, terms of service and the security page: [PROMPT].",
            ),
            items=tuple(
                filter(
                    None,
                    (
                        f"Access keys are rotated within {config.parameters.access_key_max_age_days} days and "
                        f"access is reviewed every {config.parameters.access_review_cadence_days} days "
                        "(access control policy).",
                        f"Security incidents affecting customers are notified within "
                        f"{config.parameters.incident_notification_hours} hours (incident response policy).",
                        f"Logs are retained for {config.parameters.log_retention_days} days.",
                        "Availability commitment: [PROMPT: the uptime SLA]." if Category.AVAILABILITY in scope else "",
                    ),
                )
            ),
            prompts=(
                "List the commitments (SLA, notification times, encryption, data location) exactly as "
                "contracts state them.",
            ),
        ),
        Section(
            "DC3",
            "Components of the system",
            (
                "Infrastructure: AWS account(s) "
                + (", ".join(b.accounts) or "[PROMPT: accounts]")
                + " in region(s) "
                + (", ".join(b.regions) or "every enabled region")
                + "; services in the boundary: "
                + (", ".join(b.services) or "[PROMPT]")
                + ".",
                "Software: [PROMPT: the application, its main components and third-party software]; changes reach "
                "production through " + (", ".join(b.ci_cd) or "[PROMPT: CI/CD]") + ".",
                f"People: {len(active)} people in the people register, with roles "
                + (", ".join(sorted({p.role for p in active})) or "[PROMPT]")
                + ".",
                "Procedures: the policies "
                + ", ".join(sorted({x.control.policy for x in in_scope_controls(r)}))
                + " (see governance/policies/ in the package).",
                "Data: [PROMPT: the kinds of customer data held and where]; the data stores the scan found are "
                "listed below.",
            ),
            table=_populations(completeness),
            prompts=("Describe the application architecture and the customer data flows.",),
        ),
        Section(
            "DC4",
            "System incidents",
            (
                (
                    f"{len(incidents)} incident(s) recorded in the incidents register in the 12 months to {as_of}."
                    if incidents
                    else f"No incidents are recorded in the incidents register for the 12 months to "
                    f"{as_of}. [PROMPT: confirm that none occurred.]"
                ),
            ),
            items=tuple(
                f"{i.id} ({i.severity.value}, detected {i.detected}): {i.title}"
                + (" — customers affected" if i.customer_impact else "")
                for i in incidents
            ),
        ),
        Section(
            "DC5",
            "Applicable trust services criteria and related controls",
            (
                "Each criterion in scope and the controls that meet it are listed in the control matrix "
                "(deliverables/control-matrix.xlsx).",
            ),
            table=(
                ("Criterion", "Controls"),
                *(
                    (f"{c.criterion.id} {c.criterion.title}", ", ".join(x.control.id for x in c.controls))
                    for c in r.criteria
                ),
            ),
        ),
        Section(
            "DC6",
            "Complementary user entity controls",
            ("The controls assume that customers do the following:",),
            items=CUECS,
            prompts=("Adjust to what your contracts actually require of customers.",),
        ),
        Section(
            "DC7",
            "Subservice organisations",
            (
                "The carve-out method is used: the controls of the subservice organisations below are not included in "
                "this description. The company relies on AWS for:",
            ),
            items=(
                *AWS_CSOCS,
                *(
                    f"Vendor {v.name}: {v.purpose or 'purpose [PROMPT]'}; receives "
                    f"{v.data_received or 'no customer data'}; SOC 2 report "
                    f"{v.soc2_report_date or 'not on file'}"
                    for v in vendors
                ),
            ),
        ),
        Section(
            "DC8",
            "Criteria not applicable",
            ("Categories not in scope, and why:" if out_of_scope else "Every category is in scope.",),
            items=tuple(
                f"{c.value}: {NOT_IN_SCOPE_REASON[c]} — {sum(1 for k in catalog.values() if k.category is c)} criteria"
                for c in out_of_scope
            ),
        ),
        Section(
            "DC9",
            "Significant changes during the period",
            ("[PROMPT: changes to the system, its boundary or its controls in the period.]",),
            items=(
                *(f"Joined: {p.email} ({p.role}, {p.joined})" for p in joiners),
                *(f"Left: {p.email} ({p.left})" for p in leavers),
            ),
        ),
    )
    return SystemDescription(company, as_of, tuple(c.value for c in scope), sections)


def to_markdown(d: SystemDescription) -> str:
    lines = [
        f"# System description — {cell(d.company)} (draft)",
        "",
        f"> {DRAFT}",
        "",
        f"As of {d.as_of} · categories: {', '.join(d.categories)}",
        "",
    ]
    for s in d.sections:
        lines += [f"## {s.id}. {s.title}", ""]
        lines += [cell(p) + "\n" for p in s.paragraphs]
        lines += [f"- {cell(i)}" for i in s.items] + ([""] if s.items else [])
        if s.table:
            lines += ["| " + " | ".join(cell(c) for c in s.table[0]) + " |", "|" + "---|" * len(s.table[0])]
            lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in s.table[1:]] + [""]
        lines += [f"**[PROMPT]** {cell(p)}" for p in s.prompts] + ([""] if s.prompts else [])
    return "\n".join(lines) + "\n"


def to_html(d: SystemDescription) -> str:
    return environment().get_template("system_description.html.j2").render(d=d, draft=DRAFT, css=stylesheet())
