"""IAM: the credential report (one call for every user), the account summary, the password policy."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from evidence_tracer.inventory import Failure, Observed
from evidence_tracer.inventory.aws import (
    ACCOUNT_SUMMARY,
    CREDENTIAL_REPORT,
    PASSWORD_POLICY,
    CredentialReportRow,
    PasswordPolicy,
)
from evidence_tracer.inventory.credential_report import parse_credential_report
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, observe
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("iam", "GenerateCredentialReport"),
    aws_op("iam", "GetCredentialReport"),
    aws_op("iam", "GetAccountSummary"),
    aws_op("iam", "GetAccountPasswordPolicy"),
)
DATASETS = (CREDENTIAL_REPORT, ACCOUNT_SUMMARY, PASSWORD_POLICY)
_NOT_READY = frozenset({"ReportInProgress", "ReportNotPresent", "ReportExpired"})


def collect_credential_report(
    client: Any, rec: Recorder, sleep: Callable[[float], None] = time.sleep, attempts: int = 20
) -> Observed[tuple[CredentialReportRow, ...]]:
    sources: list[str] = []
    try:
        for attempt in range(attempts):
            generated, rid = rec.call(client, "generate_credential_report")
            sources.append(rid)
            if generated is not None and generated.get("State") == "COMPLETE":
                break
            sleep(min(0.2 * 2**attempt, 5.0))
        report, rid = rec.call(client, "get_credential_report", absent=_NOT_READY)
        sources.append(rid)
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    if report is None:
        return Observed.failed(
            Failure(
                "iam",
                "GetCredentialReport",
                "global",
                "ReportNotReady",
                "the credential report was still being generated",
            ),
            tuple(sources),
        )
    content = report["Content"]
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    return Observed.ok(parse_credential_report(text), (rid,))


def _password_policy(raw: dict[str, Any]) -> PasswordPolicy:
    return PasswordPolicy(
        minimum_length=int(raw.get("MinimumPasswordLength", 0)),
        require_symbols=bool(raw.get("RequireSymbols")),
        require_numbers=bool(raw.get("RequireNumbers")),
        require_uppercase=bool(raw.get("RequireUppercaseCharacters")),
        require_lowercase=bool(raw.get("RequireLowercaseCharacters")),
        max_age_days=raw.get("MaxPasswordAge"),
        reuse_prevention=raw.get("PasswordReusePrevention"),
    )


def collect_iam(client: Any, rec: Recorder, sleep: Callable[[float], None] = time.sleep) -> dict[str, Observed[Any]]:
    report = collect_credential_report(client, rec, sleep)
    summary: Observed[Mapping[str, int]] = observe(
        rec, client, "get_account_summary", lambda raw: dict(raw["SummaryMap"]) if raw else {}
    )
    policy = observe(
        rec,
        client,
        "get_account_password_policy",
        lambda raw: _password_policy(raw["PasswordPolicy"]) if raw else None,
        frozenset({"NoSuchEntity"}),
    )
    return {CREDENTIAL_REPORT.slot(): report, ACCOUNT_SUMMARY.slot(): summary, PASSWORD_POLICY.slot(): policy}
