"""Every account of an Organization, through the read-only role, against moto's Organizations and STS."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse

from evidence_tracer.app.scan import run_scan
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory.aws import BUCKETS
from evidence_tracer.models import ApiRecord, Status
from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import Scope
from tests.sources.aws.faults import _Raw


def _member(org: Any, name: str) -> str:
    status = org.create_account(Email=f"{name}@acme.example", AccountName=name)["CreateAccountStatus"]
    return str(status["AccountId"])


def _as(account: str) -> boto3.session.Session:
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="seed"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )


def _deny_assume_role_into(ctx: AwsContext, account: str) -> list[str]:
    """sts:AssumeRole answers AccessDenied for one account's role, as a missing trust policy would."""
    seen: list[str] = []

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        seen.append(body)
        if f"%3A{account}%3Arole" not in body and f":{account}:role" not in body:
            return None
        xml = (
            b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not trusted</Message>"
            b"</Error><RequestId>fault-1</RequestId></ErrorResponse>"
        )
        return AWSResponse(request.url, 403, {"Content-Type": "text/xml"}, _Raw(xml))

    ctx.session.events.register("before-send.sts.AssumeRole", handler)
    return seen


def _organization() -> tuple[str, str]:
    """The demo account as an Organization's management account, with members "prod" and "legacy"."""
    seed_demo_account()
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    return _member(org, "prod"), _member(org, "legacy")


def test_every_member_account_is_scanned_and_an_unassumable_one_is_an_error(aws: None) -> None:
    prod, legacy = _organization()
    _as(prod).client("s3").create_bucket(Bucket="prod-customer-data")

    ctx = AwsContext(region="us-east-1")
    bodies = _deny_assume_role_into(ctx, legacy)
    source = AwsSource(AwsSettings(organization="auto", max_concurrent_accounts=2), ctx)
    outcome = run_scan([source], WorkspaceConfig(), ["us-east-1"])

    parts = {p.account: p for p in outcome.inventory.parts}
    assert set(parts) == {DEMO_ACCOUNT, prod, legacy}
    failure = parts[legacy].failure
    assert failure is not None and failure.code == "AccessDenied"
    assert {b.name for b in parts[prod].get(BUCKETS).value or ()} == {"prod-customer-data"}
    assert "prod-customer-data" not in {b.name for b in parts[DEMO_ACCOUNT].get(BUCKETS).value or ()}
    # The role assumed is the documented read-only one, never the admin role.
    assert all("EvidenceTracerReadOnly" in b for b in bodies) and len(bodies) == 2

    by_account: dict[str, set[Status]] = {}
    for f in outcome.result.findings:
        by_account.setdefault(f.account, set()).add(f.status)
    assert by_account[legacy] == {Status.ERROR}  # every check says it could not look, none passes
    assert Status.PASS in by_account[prod] and Status.FAIL in by_account[DEMO_ACCOUNT]
    legacy_findings = [f for f in outcome.result.findings if f.account == legacy]
    assert len(legacy_findings) == len({f.check_id for f in outcome.result.findings})
    assert all("AssumeRole" in f.message and "AccessDenied" in f.message for f in legacy_findings)
    # Evidence records carry the account they were read from.
    accounts = {r.account_id for r in outcome.records}
    assert {DEMO_ACCOUNT, prod} <= accounts
    assert outcome.result.scan.accounts == (DEMO_ACCOUNT, prod, legacy) or set(outcome.result.scan.accounts) == {
        DEMO_ACCOUNT,
        prod,
        legacy,
    }


def test_records_of_every_account_reach_the_sink_once_an_unassumable_ones_included(aws: None) -> None:
    prod, legacy = _organization()
    ctx = AwsContext(region="us-east-1")
    _deny_assume_role_into(ctx, legacy)
    handed: list[ApiRecord] = []
    lock = threading.Lock()

    def sink(records: Sequence[ApiRecord]) -> None:  # called from each member's thread
        with lock:
            handed.extend(records)

    source = AwsSource(AwsSettings(organization="auto", max_concurrent_accounts=2), ctx)
    outcome = run_scan([source], WorkspaceConfig(), ["us-east-1"], sink=sink)
    every = [*handed, *outcome.records]
    assert len({r.record_id for r in every}) == len(every), "no record is both handed over and returned"
    assert {r.account_id for r in handed} >= {DEMO_ACCOUNT, prod}
    denied = [r for r in every if r.operation == "AssumeRole" and r.error_code == "AccessDenied"]
    assert len(denied) == 1, "the failed AssumeRole is evidence too, handed over or returned"


def test_boundary_accounts_limit_the_organization_and_never_mode_skips_it(aws: None) -> None:
    prod, _ = _organization()
    ctx = AwsContext(region="us-east-1")
    only = AwsSource(AwsSettings(accounts=(prod,)), ctx).collect(Scope.of(["us-east-1"]))
    assert [p.account for p in only.parts] == [prod]
    # every account of the Organization is known to the checks, also those outside the boundary's scan
    assert len(only.parts[0].known_accounts()) == 3 and DEMO_ACCOUNT in only.parts[0].known_accounts()
    alone = AwsSource(AwsSettings(organization="never"), ctx).collect(Scope.of(["us-east-1"]))
    assert [p.account for p in alone.parts] == [DEMO_ACCOUNT]
    assert not any(r.operation == "ListAccounts" for r in alone.records)


def test_without_an_organization_auto_scans_the_one_account(aws: None) -> None:
    seed_demo_account()
    collected = AwsSource(AwsSettings(), AwsContext(region="us-east-1")).collect(Scope.of(["us-east-1"]))
    assert [p.account for p in collected.parts] == [DEMO_ACCOUNT]
    # The listing is recorded: an auditor sees that the Organization was looked for (moto answers with no
    # accounts where AWS answers AWSOrganizationsNotInUseException; both mean one account).
    listing = [r for r in collected.records if r.operation == "ListAccounts"]
    assert listing and (
        listing[0].error_code == "AWSOrganizationsNotInUseException" or listing[0].response.get("Accounts") == []
    )
