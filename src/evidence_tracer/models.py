"""Domain values shared by checks, evidence and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 is the most urgent."""
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    status: Status
    severity: Severity
    criteria: tuple[str, ...]
    resource_id: str
    # The source's resource context: where the resource lives (an AWS region, "global", a repository)
    # and whose it is (an AWS account id, a GitHub organisation, an identity-provider domain).
    location: str
    account: str
    message: str
    remediation: str = ""
    evidence_ids: tuple[str, ...] = ()
    source: str = "aws"


@dataclass(frozen=True)
class ScanInfo:
    id: str
    started_at: datetime
    finished_at: datetime
    account_id: str  # the account whose credentials ran the scan
    regions: tuple[str, ...]
    tool_version: str
    accounts: tuple[str, ...] = ()  # every account examined (several when an Organization is scanned)
    sources: tuple[str, ...] = ("aws",)
    # A merged scan (`tracer merge`): the stored scans it combines, each holding its own API records.
    merged_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    scan: ScanInfo
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.findings if f.status is status)

    def ordered(self) -> list[Finding]:
        """The findings in the one order every written form of a scan uses: by check, account, place, resource."""
        return sorted(self.findings, key=lambda f: (f.check_id, f.account, f.location, f.resource_id))


@dataclass(frozen=True)
class ApiRecord:
    """One AWS API call as it happened: the raw material of automated evidence.

    `response` is the parsed response without botocore's transport metadata; `error_code` is set
    (and `response` holds the error body) when AWS answered with an error.
    """

    record_id: str
    service: str
    operation: str
    parameters: dict[str, object]
    account_id: str
    region: str
    collected_at: datetime
    request_id: str
    response: dict[str, object]
    error_code: str = ""
    # How many secrets were replaced in `response` and `parameters` when the record was made, or None when they
    # were not redacted yet (the store redacts those before hashing; a recorder that redacts says so here).
    redactions: int | None = None


@dataclass(frozen=True)
class Gap:
    """Something standing between the workspace and an audit, with who should fix it and how."""

    severity: Severity
    title: str
    action: str
    source: str  # scan | owner | policy | evidence | register
    control: str | None = None
    criteria: tuple[str, ...] = ()
    owner: str = ""
