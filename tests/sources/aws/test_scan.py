"""Collectors against moto: the seeded demo account, and every failure mode turned into data."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from botocore.exceptions import EndpointConnectionError

from evidence_tracer.app.scan import ScanOutcome, run_scan
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import CredentialsError
from evidence_tracer.evidence.redact import MARK
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws import (
    BUCKETS,
    CREDENTIAL_REPORT,
    DETECTORS,
    PASSWORD_POLICY,
    SECURITY_GROUPS,
    TRAILS,
)
from evidence_tracer.models import Finding, Status
from evidence_tracer.sources.aws.account import in_partition
from evidence_tracer.sources.aws.calls import iam_policy_document
from evidence_tracer.sources.aws.declared import aws_operations, operation_keys
from evidence_tracer.sources.aws.demo_account import DEMO_REGIONS, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext, Timeouts
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import Scope
from tests.sources.aws.faults import inject_error

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def demo(aws: None) -> None:
    seed_demo_account()


def scan(ctx: AwsContext, regions: tuple[str, ...] = DEMO_REGIONS) -> ScanOutcome:
    return run_scan([AwsSource(context=ctx)], WorkspaceConfig(), list(regions))


def collect(ctx: AwsContext, regions: list[str] | None = None) -> SourcePart:
    [part] = AwsSource(context=ctx).collect(Scope.of(regions)).parts
    return part


def by_check(findings: tuple[Finding, ...], check_id: str) -> list[Finding]:
    return [f for f in findings if f.check_id == check_id]


def test_inventory_of_the_demo_account(ctx: AwsContext, demo: None) -> None:
    inv = collect(ctx, list(DEMO_REGIONS))
    assert inv.account == "123456789012" and inv.attribute("partition") == "aws"
    rows = {r.user: r for r in inv.get(CREDENTIAL_REPORT).value or ()}
    assert rows["bob.engineer"].password_enabled and not rows["bob.engineer"].mfa_active
    assert rows["alice.founder"].mfa_active
    assert rows["carol.contractor"].access_keys[0].active is False
    assert (policy := inv.get(PASSWORD_POLICY).value) is not None and policy.minimum_length == 8
    buckets = {b.name: b for b in inv.get(BUCKETS).value or ()}
    assert buckets["acme-db-backups"].region == "eu-west-1"
    assert buckets["acme-marketing-site"].public_access_block.value is None
    assert buckets["acme-marketing-site"].encryption.value is None
    assert buckets["acme-prod-customer-data"].encryption.value == ("aws:kms",)
    assert buckets["acme-prod-customer-data"].versioning.value == "Enabled"
    # The seeded password in a tag is gone at collection: judged by its key, its value never held in clear.
    assert buckets["acme-db-backups"].tags.value == {"tracer:critical": "true", "db_password": MARK}
    [trail] = inv.get(TRAILS, "us-east-1").value or ()
    assert trail.multi_region and not trail.log_file_validation and trail.is_logging.value is True
    # The shadow copy in eu-west-1 is not asked for its status again.
    [shadow] = inv.get(TRAILS, "eu-west-1").value or ()
    assert shadow.arn == trail.arn and shadow.is_logging.value is None and shadow.is_logging.failure is None
    assert inv.get(DETECTORS, "us-west-2").value == ()
    wide = next(g for g in inv.get(SECURITY_GROUPS, "us-west-2").value or () if g.name == "debug-wide-open")
    assert wide.ingress[0].protocol == "-1" and wide.ingress[0].ipv4_ranges == ("0.0.0.0/0",)
    rdp = next(g for g in inv.get(SECURITY_GROUPS, "eu-west-1").value or () if g.name == "legacy-windows")
    assert rdp.ingress[0].ipv6_ranges == ("::/0",)
    assert (rdp.ingress[0].from_port, rdp.ingress[0].to_port) == (3000, 4000)


def test_demo_scan_findings(ctx: AwsContext, demo: None) -> None:
    findings = scan(ctx).result.findings
    # moto implements no Access Analyzer and has no root row in its credential report: honest errors.
    assert {f.check_id for f in findings if f.status is Status.ERROR} == {
        "iam_access_analyzer_enabled",
        "iam_root_recent_use",
        "guardduty_findings_triaged",
        "backup_critical_resources_protected",
    }
    failing = {(f.check_id, f.resource_id.split(":")[-1]) for f in findings if f.status is Status.FAIL}
    assert ("iam_user_console_mfa", "user/bob.engineer") in failing
    assert ("iam_access_key_age", "user/ci-deploy (access key 1)") in failing
    assert not any("carol" in r for c, r in failing if c == "iam_access_key_age")
    assert ("s3_bucket_versioning", "acme-db-backups") in failing
    assert ("cloudtrail_log_file_validation", "trail/org-audit-trail") in failing
    gd = {f.location: f.status for f in by_check(findings, "guardduty_enabled")}
    assert gd == {"us-east-1": Status.PASS, "eu-west-1": Status.PASS, "us-west-2": Status.FAIL}
    sgs = {f.message.split(" ")[1]: f.status for f in by_check(findings, "ec2_sg_open_admin_ports")}
    assert sgs["(bastion-ssh)"] is Status.FAIL and sgs["(legacy-windows)"] is Status.FAIL
    assert sgs["(debug-wide-open)"] is Status.FAIL
    assert sgs["(web-alb)"] is Status.PASS and sgs["(office-ssh)"] is Status.PASS
    assert by_check(findings, "cloudtrail_multi_region")[0].status is Status.PASS


def test_scan_makes_only_the_declared_read_only_calls_and_uses_all_of_them(ctx: AwsContext, demo: None) -> None:
    outcome = scan(ctx)
    calls = Counter(f"{r.service}:{r.operation}" for r in outcome.records)
    assert set(calls) <= operation_keys()
    # Every declared operation is used, but for those only an Organization needs, GetFindings, which follows a
    # ListFindings moto does not implement (test_shapes reads it in the documented shape), and the two AWS Config
    # history reads only `tracer history` makes (test_config_history), and DescribeSnapshotAttribute, asked only
    # where the filtered listing of public snapshots is refused (test_snapshot_publicity).
    assert operation_keys() - set(calls) == {
        "ec2:DescribeSnapshotAttribute",
        "sts:AssumeRole",
        "guardduty:GetFindings",
        "config:GetResourceConfigHistory",
        "config:ListDiscoveredResources",
    }
    # Findings point at records of this scan.
    ids = {r.record_id for r in outcome.records}
    assert all(f.evidence_ids and set(f.evidence_ids) <= ids for f in outcome.result.findings)


def test_shipped_iam_policy_is_exactly_what_the_scan_needs() -> None:
    shipped = json.loads((ROOT / "docs" / "iam-policy.json").read_text())
    assert shipped == iam_policy_document(aws_operations())
    read, assume = shipped["Statement"]
    assert read["Effect"] == "Allow" and read["Resource"] == "*"
    assert not any(a.endswith("*") or ":Put" in a or ":Create" in a for a in read["Action"])
    assert "sts:AssumeRole" not in read["Action"]
    # Assuming a role is limited to the member accounts' read-only role, never any role.
    assert assume["Action"] == ["sts:AssumeRole"] and assume["Resource"] == "arn:aws:iam::*:role/EvidenceTracerReadOnly"


def test_a_region_failure_does_not_stop_the_others(ctx: AwsContext, demo: None) -> None:
    inject_error(ctx, "guardduty", "ListDetectors", region="eu-west-1")
    gd = {f.location: f.status for f in by_check(scan(ctx).result.findings, "guardduty_enabled")}
    assert gd == {"us-east-1": Status.PASS, "eu-west-1": Status.ERROR, "us-west-2": Status.FAIL}


def test_throttled_out_is_error_after_retries(aws: None) -> None:
    seed_demo_account()
    ctx = AwsContext(region="us-east-1", timeouts=Timeouts(max_attempts=2))
    inject_error(ctx, "ec2", "DescribeSecurityGroups", "RequestLimitExceeded", status=503)
    [f] = by_check(scan(ctx, ("us-east-1",)).result.findings, "ec2_sg_open_admin_ports")
    assert f.status is Status.ERROR and "RequestLimitExceeded" in f.message


def _raise(exc: Exception):  # type: ignore[no-untyped-def]
    def handler(**_: object) -> None:
        raise exc

    return handler


def test_unreachable_and_unimplemented_apis_are_errors(demo: None) -> None:
    # Connection errors are retried; do not wait here.
    ctx = AwsContext(region="us-east-1", timeouts=Timeouts(max_attempts=1))
    ctx.session.events.register(
        "before-send.guardduty.ListDetectors", _raise(EndpointConnectionError(endpoint_url="https://guardduty.example"))
    )
    ctx.session.events.register("before-send.cloudtrail.DescribeTrails", _raise(NotImplementedError("moto")))
    findings = scan(ctx, ("us-east-1",)).result.findings
    [gd] = by_check(findings, "guardduty_enabled")
    assert gd.status is Status.ERROR and "EndpointConnectionError" in gd.message
    assert {f.status for f in by_check(findings, "cloudtrail_multi_region")} == {Status.ERROR}


def test_disabled_and_unknown_regions_are_errors(ctx: AwsContext, demo: None) -> None:
    outcome = scan(ctx, ("us-east-1", "ap-east-1", "xx-nowhere-1"))
    assert outcome.result.scan.regions == ("us-east-1", "ap-east-1", "xx-nowhere-1")
    gd = {f.location: f for f in by_check(outcome.result.findings, "guardduty_enabled")}
    assert gd["us-east-1"].status is Status.PASS
    assert gd["ap-east-1"].status is Status.ERROR and "RegionNotEnabled" in gd["ap-east-1"].message
    assert gd["xx-nowhere-1"].status is Status.ERROR and "UnknownRegion" in gd["xx-nowhere-1"].message
    sg_regions = {
        f.location for f in by_check(outcome.result.findings, "ec2_sg_open_admin_ports") if f.status is Status.ERROR
    }
    assert sg_regions == {"ap-east-1", "xx-nowhere-1"}


def test_default_regions_are_the_enabled_ones_of_the_callers_partition(ctx: AwsContext, demo: None) -> None:
    source = AwsSource(AwsSettings(organization="never"), ctx)
    collected = source.collect(Scope(only=frozenset({DETECTORS.key})))
    [part] = collected.parts
    assert "us-east-1" in part.regions and "ap-east-1" not in part.regions  # ap-east-1 is opt-in
    assert len(part.regions) > 10
    # moto lists China and GovCloud regions too; a commercial account is never asked about them.
    listed = next(r for r in collected.records if r.operation == "DescribeRegions").response["Regions"]
    assert any(str(r["RegionName"]).startswith(("cn-", "us-gov-")) for r in listed)  # type: ignore[attr-defined]
    assert not any(r.startswith(("cn-", "us-gov-")) for r in part.regions)


def test_partition_membership_follows_botocore() -> None:
    assert in_partition("eu-central-2", "aws") and not in_partition("cn-north-1", "aws")
    assert in_partition("cn-north-1", "aws-cn") and in_partition("us-gov-west-1", "aws-us-gov")
    assert not in_partition("us-east-1", "aws-us-gov")


def test_missing_credentials_raise_one_clear_error(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    with pytest.raises(CredentialsError, match="credentials"):
        scan(AwsContext(region="us-east-1"), ("us-east-1",))


def test_records_handed_to_a_sink_as_they_come_are_the_records_of_a_collection(ctx: AwsContext, demo: None) -> None:
    whole = AwsSource(context=ctx).collect(Scope.of(DEMO_REGIONS))
    handed: list[list[str]] = []
    streamed = AwsSource(context=ctx).collect_into(
        Scope.of(DEMO_REGIONS), lambda records: handed.append([f"{r.service}:{r.operation}" for r in records])
    )
    assert len([batch for batch in handed if batch]) > 10, "handed over job by job, not all at the end"
    assert streamed.records == (), "what was handed over is not returned as well"
    # The same calls (how often the credential report is generated depends on whether one was generated before).
    assert {op for batch in handed for op in batch} == {f"{r.service}:{r.operation}" for r in whole.records}
    assert streamed.parts[0].data.keys() == whole.parts[0].data.keys()
