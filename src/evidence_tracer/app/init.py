"""Create a workspace's `tracer.yaml` from answers (flags or prompts). The file explains itself."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evidence_tracer.atomic import write_atomic
from evidence_tracer.catalog.controls import controls
from evidence_tracer.catalog.criteria import Category
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig, parse_config
from evidence_tracer.errors import ConfigError
from evidence_tracer.evidence.lock import STATE_DIR
from evidence_tracer.evidence.signing import fingerprint, load_or_create_key
from evidence_tracer.names import validate_person

CATEGORY_GUIDANCE = {
    Category.SECURITY: "always in scope: the common criteria CC1-CC9",
    Category.AVAILABILITY: "add when you commit to uptime (an SLA in contracts or on your site)",
    Category.CONFIDENTIALITY: "add when customers give you data under NDA or contractually confidential terms",
    Category.PROCESSING_INTEGRITY: "add when customers rely on your processing being complete and accurate "
    "(payments, payroll, billing, calculations)",
    Category.PRIVACY: "add when you process personal data of EU/UK residents or health data and promise how",
}


@dataclass(frozen=True)
class InitAnswers:
    company: str
    owner: str
    security_contact: str = ""
    uptime_sla: bool = False
    confidential_data: bool = False
    personal_data: bool = False
    processing_integrity: bool = False
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    ci_cd: tuple[str, ...] = ()
    parameters: dict[str, int] = field(default_factory=dict)
    audit_date: date | None = None
    period: tuple[date, date] | None = None  # a Type 2's observation period (start, end)
    store: str | None = None  # s3://BUCKET/PREFIX: the evidence kept in S3 (default: this folder's .tracer/)

    def categories(self) -> list[Category]:
        chosen = [Category.SECURITY]
        for flag, cat in (
            (self.uptime_sla, Category.AVAILABILITY),
            (self.confidential_data, Category.CONFIDENTIALITY),
            (self.processing_integrity, Category.PROCESSING_INTEGRITY),
            (self.personal_data, Category.PRIVACY),
        ):
            if flag:
                chosen.append(cat)
        return chosen


def _scalar(value: str) -> str:
    """A user's answer as one double-quoted YAML scalar (JSON's quoting is valid YAML): a newline, a quote or
    a `key:` inside it stays text and cannot add or change a setting."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


STORE_COMMENT = "# Where the evidence is kept (tracer store init; tracer store migrate)."


def store_section(url: str) -> list[str]:
    """tracer.yaml's `store:` lines for an S3 store (the URL checked and written in its one form)."""
    from evidence_tracer.evidence.s3_bucket import S3Location

    return [STORE_COMMENT, "store:", f"  url: {_scalar(S3Location.parse(url).url)}", ""]


def render_config(answers: InitAnswers) -> str:
    owner = validate_person(answers.owner, "--owner")
    families = sorted({cid.rsplit("-", 1)[0] for cid in controls()})
    defaults = WorkspaceConfig().parameters.model_dump()
    params = {**defaults, **answers.parameters}
    guidance = "\n".join(f"#   {c.value:21} {text}" for c, text in CATEGORY_GUIDANCE.items())
    lines = [
        "# Evidence Tracer workspace. Every threshold lives here once and flows into the policies and the checks.",
        "company:",
        f"  name: {_scalar(answers.company)}",
        f"  security_contact: {_scalar(answers.security_contact or owner)}",
        "",
        "# Trust Services Criteria categories in scope:",
        guidance,
        "scope:",
        f"  categories: {_flow([c.value for c in answers.categories()])}",
        "",
        "# The system boundary: what the auditor will examine.",
        "boundary:",
        f"  accounts: {_flow(answers.accounts)}",
        f"  regions: {_flow(answers.regions)}  # empty: every enabled region",
        f"  services: {_flow(answers.services)}",
        f"  ci_cd: {_flow(answers.ci_cd)}",
        "",
        "# One named person per control (an id like AC-06, or a family like AC). Never a team.",
        "owners:",
        *[f"  {family}: {owner}" for family in families],
        "",
        "# Policy parameters (days unless named otherwise).",
        "parameters:",
        *[f"  {key}: {value}" for key, value in params.items()],
        "",
        "# type1: design as of a date; type2: operation over the period (3 to 12 months). The target date is",
        "# the report's: the plan ends in its week.",
        "audit:",
        f"  type: {'type2' if answers.period else 'type1'}",
        *([f"  period: {{start: {answers.period[0]}, end: {answers.period[1]}}}"] if answers.period else []),
        f"  target_date: {answers.audit_date.isoformat()}"
        if answers.audit_date
        else "  target_date: null  # YYYY-MM-DD once you know it",
        "",
        "s3:",
        "  critical_buckets: []",
        '  critical_tag: {key: "tracer:critical", value: "true"}',
        "",
        *(store_section(answers.store) if answers.store else []),
    ]
    text = "\n".join(lines)
    parsed = parse_config(text, CONFIG_FILE)  # never write a file that would not load
    if (parsed.company.name, parsed.company.security_contact) != (answers.company, answers.security_contact or owner):
        raise ConfigError("the company name or security contact cannot be written as given")
    return text


def create_workspace(workspace: Path, answers: InitAnswers, force: bool = False) -> Path:
    path = workspace / CONFIG_FILE
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; use --force to replace it")
    config = render_config(answers)  # invalid answers stop here, before anything is created
    key = load_or_create_key(workspace / STATE_DIR)
    text = config + (
        "# The key that signs auditor packages (its private part stays in .tracer/signing-key, never exported).\n"
        f'signing:\n  public_key_fingerprint: "{fingerprint(key.public_key())}"\n'
    )
    write_atomic(path, text)
    return path
