"""Accepted exceptions matched to findings: active ones set a failure aside (shown as accepted, never as a
pass); an expired one, or one whose finding now says something else (the resource changed), lapses and the
gap is back."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.models import Finding, Status


def finding_digest(finding: Finding) -> str:
    """What an exception was accepted for: the check, the resource and what the check said about it."""
    text = "\0".join((finding.check_id, finding.resource_id, finding.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Accepted:
    finding: Finding
    exception: ExceptionRecord


@dataclass(frozen=True)
class Lapsed:
    finding: Finding
    exception: ExceptionRecord
    reason: str


def match(
    findings: Iterable[Finding], exceptions: Iterable[ExceptionRecord], today: date
) -> tuple[dict[Finding, Accepted], dict[Finding, Lapsed]]:
    accepted: dict[Finding, Accepted] = {}
    lapsed: dict[Finding, Lapsed] = {}
    records = list(exceptions)
    for finding in findings:
        if finding.status is not Status.FAIL:
            continue
        mine = [e for e in records if (e.check_id, e.resource_id) == (finding.check_id, finding.resource_id)]
        if not mine:
            continue
        latest = max(mine, key=lambda e: e.approved_at)
        if latest.expires < today:
            lapsed[finding] = Lapsed(finding, latest, f"exception {latest.id} expired on {latest.expires}")
        elif latest.finding_sha256 != finding_digest(finding):
            lapsed[finding] = Lapsed(
                finding, latest, f"exception {latest.id} no longer matches: the finding changed since it was accepted"
            )
        else:
            accepted[finding] = Accepted(finding, latest)
    return accepted, lapsed
