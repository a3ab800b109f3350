"""A draft system description in the AICPA description-criteria form (DC 200, DC1 to DC9), filled from
tracer.yaml, the registers and the scan, with what the tool cannot know left as explicit prompts for
management. Markdown and HTML come from the same sections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from evidence_tracer.catalog.criteria import Category, criteria
from evidence_tracer.config import AuditType, WorkspaceConfig
from evidence_tracer.deliverables.matrix import in_scope_controls
from evidence_tracer.deliverables.testing import AWS_CSOCS, CUECS
from evidence_tracer.governance.registers import VendorRecord
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.readiness import Readiness
from evidence_tracer.report.html import environment, stylesheet
from evidence_tracer.report.markdown import cell

DRAFT = (
    "DRAFT for management to complete and own. Evidence Tracer filled in what tracer.yaml, the registers and "
    "the AWS scan show; every [PROMPT] is something only management can state. This is not a SOC 2 report."
)
_DATA_SERVICES = {"s3", "rds", "dynamodb", "aurora", "efs", "elasticache", "redshift", "opensearch", "documentdb"}


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


def _data_narrative(config: WorkspaceConfig, vendors: Sequence[VendorRecord]) -> str:
    """DC3's data: what is held where (tracer.yaml's boundary and criticality) and where it goes (the vendors)."""
    stores = [s for s in config.boundary.services if s.lower() in _DATA_SERVICES]
    critical = ", ".join(config.criticality.resources) or "the resources tagged with a data classification"
    sent = [f"{v.name} receives {v.data_received}" for v in vendors if v.data_received]
    return (
        "Data: [PROMPT: the kinds of customer data the service holds]. It is stored in "
        + (", ".join(stores) or "[PROMPT: the data stores]")
        + f"; the critical data stores are {critical}. "
        + ("It leaves the system to: " + "; ".join(sent) + "." if sent else "No vendor receives customer data.")
    )


def _subservice(vendors: Sequence[VendorRecord]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The vendors marked as subservice organisations, AWS always among them (the boundary is on AWS)."""
    out = [(v.name, v.purpose or "[PROMPT: what it does for the service]", v.csocs) for v in vendors if v.subservice]
    if not any(name.strip().lower() in ("aws", "amazon web services") for name, _, _ in out):
        out.insert(0, ("Amazon Web Services (AWS)", "cloud hosting of the system", AWS_CSOCS))
    return [(n, p, c or (AWS_CSOCS if n.strip().lower() in ("aws", "amazon web services") else ())) for n, p, c in out]


def _dc9(registers: RegisterSnapshot, start: date, end: date) -> Section:
    """DC9 for a Type 2: the changes the registers record during the period — the boundary confirmed anew (it
    changed), subservice organisations and people in roles that changed — and a prompt for the rest."""
    confirmations = sorted(registers.boundary.confirmations, key=lambda c: c.confirmed_at)
    digests = [c.boundary_sha256 for c in confirmations if c.confirmed_at.date() < start]
    items = []
    for c in confirmations:
        if start <= c.confirmed_at.date() <= end and (not digests or c.boundary_sha256 != digests[-1]):
            items.append(
                f"The system boundary changed; {c.confirmed_by} confirmed the new one on {c.confirmed_at:%Y-%m-%d}"
            )
        digests.append(c.boundary_sha256)
    for v in registers.vendors.vendors:
        changed = [h for h in v.history if h.field == "subservice" and start <= h.recorded_at.date() <= end]
        items += [
            f"{v.name} became a subservice organisation on {h.recorded_at:%Y-%m-%d}"
            for h in changed
            if h.value == "True"
        ]
    return Section(
        "DC9",
        "Significant changes during the period",
        (f"Changes to the system, its boundary and its controls recorded between {start} and {end}:",),
        items=tuple(items) or ("None recorded in the registers.",),
        prompts=("Add other significant changes: new product components, re-architecture, changes of key people.",),
    )


def _coso(config: WorkspaceConfig, registers: RegisterSnapshot, r: Readiness, as_of: date) -> tuple[Section, ...]:
    """The COSO-style sections of the description, drafted from the registers, with what only management knows
    left as prompts."""
    people = registers.people.people
    management = sorted(p.email for p in people if p.management and p.active_on(as_of))
    risks = registers.risks.risks
    reviewed = [r.last_reviewed for r in risks if r.reviewed_by]
    scans = registers.scan_reviews.scan_reviews
    return (
        Section(
            "coso-control-environment",
            "Control environment: integrity, oversight and accountability",
            (
                "Management: " + (", ".join(management) or "[PROMPT: who they are]") + ". [PROMPT: the board or "
                "advisors who oversee the security programme, and how often they meet.]",
                f"{len(people)} people are in the people register; background checks and security training are "
                "recorded there, and every person acknowledges the acceptable use policy.",
            ),
            prompts=("State the reporting lines: who the security owner reports to.",),
        ),
        Section(
            "coso-risk-assessment",
            "Risk assessment: how risks are identified and treated",
            (
                f"The risk register holds {len(risks)} risks rated by likelihood and impact, each with an owner and "
                "a treatment"
                + (f"; management last reviewed it on {max(reviewed)}." if reviewed else "; [PROMPT: review it].")
                + f" It is reviewed at least every {config.parameters.risk_review_cadence_days} days.",
            ),
            prompts=("Describe how fraud risks and significant changes are considered.",),
        ),
        Section(
            "coso-information-and-communication",
            "Information and communication: how security information reaches people",
            (
                "Policies are approved by management and acknowledged by every person (governance/policies/); "
                "customers reach security at " + (config.company.security_contact or "[PROMPT: contact]") + ".",
            ),
            prompts=("Describe how changes to commitments are communicated to customers.",),
        ),
        Section(
            "coso-monitoring-activities",
            "Monitoring activities: how controls are evaluated",
            (
                f"Automated checks run against the AWS boundary; {len(scans)} scan review(s) are recorded, each "
                f"saying who read the results and what was decided. Readiness as of {as_of}: {r.percent}%.",
            ),
            prompts=("Describe any separate evaluations (penetration tests, internal audits) and their dates.",),
        ),
    )


def describe(
    r: Readiness,
    config: WorkspaceConfig,
    registers: RegisterSnapshot,
    as_of: date,
    completeness: Mapping[str, Any] | None = None,
) -> SystemDescription:
    b, company = config.boundary, config.company.name
    scope = [Category(c) for c in r.scope]
    window = config.audit.period if config.audit.type is AuditType.TYPE2 else None
    period_start = window.start if window else as_of - timedelta(days=365)
    active = [p for p in registers.people.people if p.left is None or p.left >= as_of]
    vendors = registers.vendors.vendors
    incidents = [i for i in registers.incidents.incidents if i.detected >= period_start]
    significant = [i for i in incidents if i.significant and i.detected <= as_of]
    span = f"in the period {window.start} to {window.end}" if window else f"in the 12 months to {as_of}"
    catalog = criteria()
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
                + "; control owners are named in the control matrix.",
                "Procedures: the policies "
                + ", ".join(sorted({x.control.policy for x in in_scope_controls(r)}))
                + " (see governance/policies/ in the package).",
                _data_narrative(config, vendors),
                "Boundaries: the system is what the accounts, regions and services above hold and the pipeline "
                "that changes them; customer devices and networks, and the subservice organisations of DC7, are "
                "outside it.",
            ),
            prompts=(
                "Describe the application architecture and how customer data enters, moves through and leaves the "
                "system.",
            ),
        ),
        Section(
            "DC4",
            "System incidents",
            (
                (
                    f"{len(significant)} significant incident(s) {span}: incidents that kept a "
                    "service commitment from being met, or that were disclosed to customers or regulators."
                    if significant
                    else f"No significant incidents are recorded {span} "
                    f"({len(incidents)} incident(s) in the register, none marked significant). "
                    "[PROMPT: confirm that none prevented a service commitment from being met.]"
                ),
            ),
            items=tuple(
                f"{i.id} ({i.severity.value}, detected {i.detected}): {i.title}"
                + (" — customers affected" if i.customer_impact else "")
                + (f"; resolved {i.resolved}" if i.resolved else "; not yet resolved")
                for i in significant
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
                "The carve-out method is used: the controls of the subservice organisations below are not included "
                "in this description. The company relies on them for the complementary subservice organisation "
                "controls listed with each.",
            ),
            items=tuple(
                f"{name}: {purpose}. Relied on for: {'; '.join(csocs) or '[PROMPT: the controls you rely on it for]'}"
                for name, purpose, csocs in _subservice(vendors)
            ),
            prompts=("Other vendors (tools that receive no part of the service's delivery) are not listed here.",),
        ),
        Section(
            "DC8",
            "Criteria not relevant to the system",
            (
                "Within the categories in scope, management judges these criteria not relevant, for the reasons given:"
                if config.scope.not_relevant
                else "Every criterion of the categories in scope is relevant to the system. [PROMPT: if one is "
                "not, say so and why in tracer.yaml scope.not_relevant.]",
            ),
            items=tuple(
                f"{cid} {catalog[cid].title}: {reason}"
                for cid, reason in sorted(config.scope.not_relevant.items())
                if catalog[cid].category in scope
            ),
        ),
        _dc9(registers, window.start, window.end)
        if window
        else Section(
            "DC9",
            "Significant changes during the period",
            (
                "Not applicable: this is a description as of a point in time (Type 1); DC9 applies to the period "
                "of a Type 2 examination.",
            ),
        ),
        *_coso(config, registers, r, as_of),
        Section(
            "appendix-a",
            "Appendix A: what the AWS scan listed (for the auditor's completeness and accuracy testing)",
            ("Counts of what each list call returned in the scan behind this description.",),
            table=_populations(completeness),
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
        lines += [f"## {s.id}. {s.title}" if s.id.startswith("DC") else f"## {s.title}", ""]
        lines += [cell(p) + "\n" for p in s.paragraphs]
        lines += [f"- {cell(i)}" for i in s.items] + ([""] if s.items else [])
        if s.table:
            lines += ["| " + " | ".join(cell(c) for c in s.table[0]) + " |", "|" + "---|" * len(s.table[0])]
            lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in s.table[1:]] + [""]
        lines += [f"**[PROMPT]** {cell(p)}" for p in s.prompts] + ([""] if s.prompts else [])
    return "\n".join(lines) + "\n"


def to_html(d: SystemDescription) -> str:
    return environment().get_template("system_description.html.j2").render(d=d, draft=DRAFT, css=stylesheet())
