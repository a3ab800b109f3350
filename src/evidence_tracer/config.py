"""The workspace configuration (`tracer.yaml`): the single home of every threshold and scope fact.

Parsed with pydantic; every error names the file, the line and the dotted field.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)

from evidence_tracer.catalog.criteria import Category
from evidence_tracer.names import Person
from evidence_tracer.yamlfile import load_model, parse_model

CONFIG_FILE = "tracer.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RemediationDays(_Strict):
    critical: StrictInt = Field(7, ge=1, le=90)
    high: StrictInt = Field(30, ge=1, le=180)
    medium: StrictInt = Field(90, ge=1, le=365)
    low: StrictInt = Field(180, ge=1, le=730)

    def of(self, severity: str) -> int:
        """The window of a severity (info findings take low's)."""
        return int(getattr(self, severity if severity in type(self).model_fields else "low"))


class Parameters(_Strict):
    """Policy parameters. Each one appears in policy text *and* drives a check or a register. Numbers are
    strict: `true` is not 1 and "90" is not 90."""

    access_key_max_age_days: StrictInt = Field(90, ge=1, le=730)
    password_min_length: StrictInt = Field(14, ge=8, le=128)
    log_retention_days: StrictInt = Field(365, ge=30, le=3650)
    access_review_cadence_days: StrictInt = Field(90, ge=7, le=366)
    policy_review_cadence_days: StrictInt = Field(365, ge=30, le=730)
    training_cadence_days: StrictInt = Field(365, ge=30, le=730)
    vendor_review_cadence_days: StrictInt = Field(365, ge=30, le=730)
    risk_review_cadence_days: StrictInt = Field(365, ge=30, le=730)
    tabletop_cadence_days: StrictInt = Field(365, ge=30, le=730)
    bcdr_test_cadence_days: StrictInt = Field(365, ge=30, le=730)
    incident_notification_hours: StrictInt = Field(72, ge=1, le=720)
    # A console password or an active access key unused this long is a dormant credential to remove.
    inactive_credential_days: StrictInt = Field(90, ge=7, le=730)
    backup_retention_days: StrictInt = Field(7, ge=1, le=35)
    # A critical data store's latest backup may be at most this old (a daily plan plus a day's grace).
    backup_max_age_hours: StrictInt = Field(48, ge=1, le=24 * 35)
    # High/critical GuardDuty findings must be triaged (archived or resolved) within this many days.
    incident_triage_days: StrictInt = Field(7, ge=1, le=90)
    # A resolved sev1/sev2 incident gets its post-incident review within this many days.
    post_incident_review_days: StrictInt = Field(14, ge=1, le=90)
    # New people complete security training within this many days of joining (then every training cadence).
    training_new_hire_days: StrictInt = Field(30, ge=1, le=90)
    # Vulnerabilities in code, dependencies and images are fixed within these many days (change management).
    vuln_critical_fix_days: StrictInt = Field(14, ge=1, le=90)
    vuln_high_fix_days: StrictInt = Field(30, ge=1, le=180)
    # Customer data is deleted within this many days of a contract's end or a verified deletion request.
    data_deletion_days: StrictInt = Field(30, ge=1, le=365)
    # Recovery time objective (hours to restore the service); the recovery point objective is
    # backup_max_age_hours (the most data a restore may lose).
    rto_hours: StrictInt = Field(24, ge=1, le=24 * 14)
    # Days a failing finding may stay open, by severity, before it is a deviation of its control (Type 2).
    remediation_days: RemediationDays = Field(default_factory=lambda: RemediationDays())
    # A person reads a scan's results and records their decisions at least this often (monitoring, CC4.1).
    scan_review_cadence_days: StrictInt = Field(31, ge=1, le=92)


class CriticalTag(_Strict):
    key: str = "tracer:critical"
    value: str = "true"


class S3Settings(_Strict):
    critical_buckets: tuple[str, ...] = ()
    critical_tag: CriticalTag = CriticalTag()


class AwsSourceConfig(_Strict):
    """How the AWS source reads: which accounts, through which role, how hard it pushes."""

    enabled: StrictBool = True
    # auto: every account of the Organization when the caller can list it; always: fail if it cannot.
    organization: Literal["auto", "always", "never"] = "auto"
    role_name: str = Field("EvidenceTracerReadOnly", min_length=1, pattern=r"^[\w+=,.@/-]+$")
    max_concurrent_accounts: StrictInt = Field(4, ge=1, le=32)
    workers: StrictInt = Field(8, ge=1, le=64)  # collections (a service in a region) at once
    resource_workers: StrictInt = Field(16, ge=1, le=128)  # per-resource reads (each bucket's) at once
    connect_timeout_seconds: float = Field(5, gt=0, le=60)
    read_timeout_seconds: float = Field(20, gt=0, le=300)
    max_attempts: StrictInt = Field(4, ge=1, le=10)


class EvidenceSettings(_Strict):
    max_file_mb: StrictInt = Field(100, ge=1, le=10_000)  # the largest file `tracer evidence add` accepts


class StoreSettings(_Strict):
    """Where the evidence lives: this folder's `.tracer/` (the default), or S3 with Object Lock."""

    url: str | None = Field(None, pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")  # s3://BUCKET/PREFIX
    region: str | None = None


class PortalSettings(_Strict):
    """`tracer serve`: the identity provider employees sign in with (OpenID Connect) and the portal's own URL."""

    issuer: str | None = Field(None, pattern=r"^https?://")  # https://accounts.google.com, https://ACME.okta.com
    client_id: str = ""
    client_secret_env: str = "TRACER_OIDC_CLIENT_SECRET"  # the secret stays in the environment, never on disk
    public_url: str = Field("http://127.0.0.1:8765", pattern=r"^https?://")  # behind a proxy: its https URL


class Signing(_Strict):
    # The fingerprint (SHA256:…) of the workspace key that signs auditor packages; `tracer init` writes it.
    public_key_fingerprint: str = Field("", pattern=r"^(SHA256:[A-Za-z0-9+/]{43})?$")


class GitHubSourceConfig(_Strict):
    """GitHub, read with a token from `token_env` (or the gh CLI's login). Repositories in scope are named here;
    empty means every repository of the organisation."""

    enabled: StrictBool = False
    organization: str = ""
    repositories: tuple[str, ...] = ()
    api_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    # Other hosts of GitHub's that may receive the token (a GitHub Enterprise Server): HTTPS only.
    token_hosts: tuple[str, ...] = ()
    # More organisation owners than this is a finding: admins should be few and named.
    max_admins: StrictInt = Field(3, ge=1, le=50)
    timeout_seconds: float = Field(20, gt=0, le=300)


class OktaSourceConfig(_Strict):
    """Okta, read with an API token (SSWS) from `token_env`."""

    enabled: StrictBool = False
    org_url: str = ""  # https://acme.okta.com
    token_env: str = "OKTA_API_TOKEN"
    # Other hosts of Okta's that may receive the token (an Okta custom domain): HTTPS only.
    token_hosts: tuple[str, ...] = ()
    max_admins: StrictInt = Field(3, ge=1, le=50)
    timeout_seconds: float = Field(20, gt=0, le=300)


class GoogleSourceConfig(_Strict):
    """Google Workspace, read with a service account's key and domain-wide delegation (read-only scope)."""

    enabled: StrictBool = False
    admin_email: str = ""
    credentials_file: str = ""  # default: GOOGLE_APPLICATION_CREDENTIALS
    customer: str = "my_customer"
    api_url: str = "https://admin.googleapis.com"
    max_admins: StrictInt = Field(3, ge=1, le=50)
    timeout_seconds: float = Field(20, gt=0, le=300)


class Sources(BaseModel):
    """The evidence sources a scan reads: the built-in ones here, any other section belongs to a plug-in source,
    which validates it (sources/registry.py refuses a section no registered source claims)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    aws: AwsSourceConfig = AwsSourceConfig()
    github: GitHubSourceConfig = GitHubSourceConfig()
    okta: OktaSourceConfig = OktaSourceConfig()
    google: GoogleSourceConfig = GoogleSourceConfig()


class Criticality(_Strict):
    """Which resources are critical (versioning, deletion protection, backups, TLS-only): those named here,
    and those whose tags classify their data. Each finding says which rule made a resource critical."""

    resources: tuple[str, ...] = ()  # names, ids or ARNs
    classification_tag_keys: tuple[str, ...] = (
        "data-classification",
        "dataclassification",
        "classification",
        "sensitivity",
        "data_class",
        "data-class",
    )
    classification_values: tuple[str, ...] = (
        "customer",
        "confidential",
        "restricted",
        "pii",
        "production",
        "critical",
        "sensitive",
    )


ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def check_account(value: str) -> str:
    """An AWS account id (12 digits, leading zeros kept), or a ValueError saying what it looks like."""
    if not ACCOUNT_ID.match(value):
        hint = " (that is a region)" if REGION.match(value) else ""
        raise ValueError(f"{value!r} is not an AWS account id: 12 digits{hint}")
    return value


def check_region(value: str) -> str:
    if not REGION.match(value):
        hint = " (that is an account id)" if ACCOUNT_ID.match(value) else ""
        raise ValueError(f"{value!r} is not an AWS region like eu-west-1{hint}")
    return value


class Boundary(_Strict):
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    ci_cd: tuple[str, ...] = ()

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_account(v) for v in value)

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_region(v) for v in value)


class Company(_Strict):
    name: str = "Example Co"
    security_contact: str = ""


class Scope(_Strict):
    """Trust Services Criteria categories in scope. Security (the common criteria) is always in."""

    categories: tuple[Category, ...] = (Category.SECURITY,)
    # Criteria of an in-scope category that management judges not relevant to the system, with the reason
    # (DC8), e.g. {A1.3: "no recovery commitment beyond backups"}. They are still assessed: not scored away.
    not_relevant: dict[str, str] = Field(default_factory=dict)

    @field_validator("not_relevant")
    @classmethod
    def _reasons(cls, value: dict[str, str]) -> dict[str, str]:
        from evidence_tracer.catalog.criteria import criteria

        for criterion, reason in value.items():
            if criterion not in criteria():
                raise ValueError(f"{criterion!r} is not a Trust Services Criterion (e.g. CC9.2)")
            if len(reason.strip()) < 10:
                raise ValueError(f"{criterion}: say why it is not relevant (at least a sentence)")
        return value

    @field_validator("categories")
    @classmethod
    def _security_is_mandatory(cls, value: tuple[Category, ...]) -> tuple[Category, ...]:
        if Category.SECURITY not in value:
            raise ValueError("security is mandatory in every SOC 2 examination; add it to the list")
        return tuple(dict.fromkeys(value))


def _control_ref(value: str) -> str:
    from evidence_tracer.catalog.controls import controls

    library = controls()
    if value not in library and value not in {cid.rsplit("-", 1)[0] for cid in library}:
        raise ValueError(f"{value!r} is not a control id (e.g. AC-06) or control family (e.g. AC)")
    return value


ControlRef = Annotated[str, AfterValidator(_control_ref)]


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AuditType(StrEnum):
    TYPE1 = "type1"  # design and implementation as of a date
    TYPE2 = "type2"  # operating effectiveness over a period


class Period(_Strict):
    """A Type 2 observation period: 3 to 12 months (the AICPA's guidance; less than 3 is rarely accepted)."""

    start: date
    end: date

    @model_validator(mode="after")
    def _length(self) -> Period:
        """At least 3 months (Jan 1 to Mar 31) and at most 12 (Jan 1 to Dec 31)."""
        if self.end <= self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        shortest, longest = (
            add_months(self.start, 3) - timedelta(days=1),
            add_months(self.start, 12) - timedelta(days=1),
        )
        if not shortest <= self.end <= longest:
            raise ValueError(
                f"a Type 2 period is 3 to 12 months: from {self.start} it ends between {shortest} and {longest}, "
                f"not {self.end}"
            )
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Audit(_Strict):
    # Type 1 (as of a date) or Type 2 (over `period`): every view and deliverable says which it produces.
    type: AuditType = AuditType.TYPE1
    period: Period | None = None
    # The date the Type 1 report is to be "as of" (for a Type 2, the period's end): the plan ends in its week.
    target_date: date | None = None
    # Hours per week each owner can give to the programme; the plan spreads their tasks to fit.
    weekly_hours_per_owner: StrictInt = Field(6, ge=1, le=40)

    @model_validator(mode="after")
    def _type2_has_a_period(self) -> Audit:
        if self.type is AuditType.TYPE2 and self.period is None:
            raise ValueError("a type2 audit needs its observation period: audit.period: {start: DATE, end: DATE}")
        return self

    @property
    def report_date(self) -> date | None:
        """The date the report speaks as of: a Type 2's period end, else the target date."""
        return self.period.end if self.type is AuditType.TYPE2 and self.period else self.target_date


class WorkspaceConfig(_Strict):
    company: Company = Company()
    audit: Audit = Audit()
    scope: Scope = Scope()
    # Control id (AC-06) or family (AC) -> the one person who owns it. A specific id beats its family.
    owners: dict[ControlRef, Person] = Field(default_factory=dict)
    boundary: Boundary = Boundary()
    parameters: Parameters = Parameters()
    s3: S3Settings = S3Settings()
    sources: Sources = Sources()
    criticality: Criticality = Criticality()
    evidence: EvidenceSettings = EvidenceSettings()
    store: StoreSettings = StoreSettings()
    portal: PortalSettings = PortalSettings()
    signing: Signing = Signing()


def boundary_digest(config: WorkspaceConfig) -> str:
    """The SHA-256 of the boundary and scope as tracer.yaml holds them: what a boundary confirmation confirms."""
    import hashlib
    import json

    held = {"boundary": config.boundary.model_dump(mode="json"), "scope": config.scope.model_dump(mode="json")}
    return hashlib.sha256(json.dumps(held, sort_keys=True).encode()).hexdigest()


def parse_config(text: str, source: str) -> WorkspaceConfig:
    """Parse and validate config text; `source` names the file in error messages."""
    return parse_model(text, source, WorkspaceConfig)


def load_config(workspace: Path) -> WorkspaceConfig:
    """Load `tracer.yaml` from the workspace; a workspace without one uses the defaults."""
    return load_model(workspace / CONFIG_FILE, WorkspaceConfig)
