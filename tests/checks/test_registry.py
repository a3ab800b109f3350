from __future__ import annotations

import string

from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.checks.registry import all_checks, evaluate, specs
from evidence_tracer.models import Status
from tests.checks.builders import ctx, inventory

PUBLIC_IDS = {
    "iam_root_mfa", "iam_user_console_mfa", "iam_access_key_age", "iam_root_access_keys", "iam_password_policy",
    "cloudtrail_multi_region", "cloudtrail_log_file_validation", "guardduty_enabled",
    "s3_account_public_access_block", "s3_bucket_public_access_block", "s3_bucket_encryption",
    "s3_bucket_versioning", "ec2_sg_open_admin_ports",
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
        assert fields <= {"account_id", "partition", "region", "user", "slot", "bucket", "group_id", "permission",
                          "trail", "min_length", "db", "kind", "days", "command", "flag", "snapshot", "table",
                          "volume", "key_id", "secret", "log_group", "event", "recorder", "vpc", "load_balancer",
                          "certificate", "domain", "instance", "function", "repository", "detector",
                          "finding_id", "resource_arn", "org", "login", "branch", "repo",
                          "environment"}, spec.check_id


def test_a_clean_inventory_passes_everything_it_judges() -> None:
    findings = evaluate(inventory(), ctx())
    assert {f.check_id for f in findings} == {cid for cid, spec in specs().items() if spec.source == "aws"}
    assert {f.status for f in findings} <= {Status.PASS, Status.NOT_APPLICABLE}


def test_remediations_work_when_followed() -> None:
    from evidence_tracer.checks.registry import specs

    def text(check_id: str) -> str:
        spec = specs()[check_id]
        return spec.remediation.format(region="eu-west-1", account_id="111122223333", partition="aws",
                                       user="bob", slot="1", group_id="sg-1", permission="[]", bucket="b")

    trail = text("cloudtrail_multi_region")
    policy = trail[trail.index("'{"):trail.index("}'") + 2]
    import json

    statements = json.loads(policy.strip("'"))["Statement"]
    assert {s["Action"] for s in statements} == {"s3:GetBucketAcl", "s3:PutObject"}
    assert all(s["Principal"] == {"Service": "cloudtrail.amazonaws.com"} for s in statements)
    assert "their own device" in text("iam_user_console_mfa") and "never by an administrator" in text(
        "iam_user_console_mfa")
    assert "token.actions.githubusercontent.com" in text("iam_access_key_age")
    assert "every port in that range closes" in text("ec2_sg_open_admin_ports")
    assert "already encrypts every new object with SSE-S3" in text("s3_bucket_encryption")
