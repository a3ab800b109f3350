from __future__ import annotations

import string

import pytest

from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.checks.registry import all_checks, evaluate, specs
from evidence_tracer.models import Status
from tests.checks.builders import ctx, inventory

PUBLIC_IDS = {
    "iam_root_mfa",
    "iam_user_console_mfa",
    "iam_access_key_age",
    "iam_root_access_keys",
    "iam_password_policy",
    "cloudtrail_multi_region",
    "cloudtrail_log_file_validation",
    "guardduty_enabled",
    "s3_account_public_access_block",
    "s3_bucket_public_access_block",
    "s3_bucket_encryption",
    "s3_bucket_versioning",
    "ec2_sg_open_admin_ports",
}


def test_every_catalog_entry_is_implemented_exactly_once_and_vice_versa() -> None:
    assert set(all_checks()) == set(specs())
    assert set(specs()) >= PUBLIC_IDS


def test_every_check_maps_to_known_criteria_and_has_remediation() -> None:
    known = criteria()
    for spec in specs().values():
        assert spec.criteria, spec.check_id
        assert set(spec.criteria) <= set(known), spec.check_id
        assert len(spec.remediation) > 30, spec.check_id
        fields = {f for _, f, _, _ in string.Formatter().parse(spec.remediation) if f}
        assert fields <= {
            "account_id",
            "partition",
            "region",
            "user",
            "role",
            "cluster",
            "api",
            "stage",
            "document",
            "distribution",
            "name",
            "slot",
            "bucket",
            "group_id",
            "permission",
            "trail",
            "min_length",
            "db",
            "kind",
            "days",
            "command",
            "flag",
            "snapshot",
            "table",
            "volume",
            "key_id",
            "secret",
            "log_group",
            "event",
            "recorder",
            "vpc",
            "load_balancer",
            "certificate",
            "domain",
            "instance",
            "function",
            "repository",
            "detector",
            "finding_id",
            "resource_arn",
            "org",
            "login",
            "branch",
            "repo",
            "environment",
            "file_system",
        }, spec.check_id


def test_a_clean_inventory_passes_everything_it_judges() -> None:
    findings = evaluate(inventory(), ctx())
    assert {f.check_id for f in findings} == {cid for cid, spec in specs().items() if spec.source == "aws"}
    assert {f.status for f in findings} <= {Status.PASS, Status.NOT_APPLICABLE}


def test_remediations_work_when_followed() -> None:
    from evidence_tracer.checks.registry import specs

    def text(check_id: str) -> str:
        spec = specs()[check_id]
        return spec.remediation.format(
            region="eu-west-1",
            account_id="111122223333",
            partition="aws",
            user="bob",
            slot="1",
            group_id="sg-1",
            permission="[]",
            bucket="b",
        )

    trail = text("cloudtrail_multi_region")
    policy = trail[trail.index("'{") : trail.index("}'") + 2]
    import json

    statements = json.loads(policy.strip("'"))["Statement"]
    assert {s["Action"] for s in statements} == {"s3:GetBucketAcl", "s3:PutObject"}
    assert all(s["Principal"] == {"Service": "cloudtrail.amazonaws.com"} for s in statements)
    assert "their own device" in text("iam_user_console_mfa") and "never by an administrator" in text(
        "iam_user_console_mfa"
    )
    assert "token.actions.githubusercontent.com" in text("iam_access_key_age")
    assert "every port in that range closes" in text("ec2_sg_open_admin_ports")
    assert "already encrypts every new object with SSE-S3" in text("s3_bucket_encryption")


def test_a_bug_in_a_check_is_raised_not_turned_into_an_error_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only data the check cannot read (UnexpectedShape) becomes `error`; a programming error fails loudly."""
    from evidence_tracer.checks import registry
    from evidence_tracer.errors import UnexpectedShape

    part = inventory().parts[0]

    def buggy(*_: object) -> list[object]:
        return [None.missing]  # type: ignore[attr-defined]

    def misshapen(*_: object) -> list[object]:
        raise UnexpectedShape("retentionInDays is 'forever', not a number")

    monkeypatch.setitem(registry.all_checks(), "ebs_volume_encrypted", buggy)
    with pytest.raises(AttributeError):
        registry.run_check("ebs_volume_encrypted", part, ctx())
    monkeypatch.setitem(registry.all_checks(), "ebs_volume_encrypted", misshapen)
    [finding] = registry.run_check("ebs_volume_encrypted", part, ctx())
    assert finding.status is Status.ERROR and "'forever', not a number" in finding.message


def test_a_failure_must_fill_every_remediation_placeholder() -> None:
    from evidence_tracer.checks.registry import CheckDefinitionError, Emit

    emit = Emit(specs()["ebs_volume_encrypted"], inventory().parts[0])
    assert specs()["ebs_volume_encrypted"].placeholders == {"volume"}
    with pytest.raises(CheckDefinitionError, match="needs \\['volume'\\]"):
        emit.failed("vol-1", "us-east-1", "EBS volume vol-1 is not encrypted.", ())
    assert "vol-1" in emit.failed("vol-1", "us-east-1", "not encrypted", (), volume="vol-1").remediation


def test_declarative_checks_are_registered_by_their_variable_name() -> None:
    from evidence_tracer.checks.attribute import AttributeCheck

    declared = {cid for cid, fn in all_checks().items() if isinstance(fn, AttributeCheck)}
    assert {
        "ecr_scan_on_push",
        "ebs_volume_encrypted",
        "secretsmanager_rotation",
        "rds_not_publicly_accessible",
    } <= declared
    assert "AttributeCheck" not in all_checks()
