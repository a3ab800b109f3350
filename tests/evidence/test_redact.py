from __future__ import annotations

from evidence_tracer.evidence.redact import MARK, redact


def test_secrets_are_replaced_and_counted() -> None:
    response = {
        "Functions": [{"FunctionName": "billing", "Environment": {"Variables": {"DB_PASSWORD": "hunter2",
                                                                               "STRIPE_KEY": "sk_live_x"}}}],
        "taskDefinition": {"containerDefinitions": [{"name": "app", "environment": [
            {"name": "API_TOKEN", "value": "abc123"}]}]},
        "Credentials": {"AccessKeyId": "ASIA123", "SecretAccessKey": "wJalr", "SessionToken": "FQoG"},
        "MasterUserPassword": "pw",
        "Certificate": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    }
    clean, count = redact(response)
    flat = repr(clean)
    for secret in ("hunter2", "sk_live_x", "abc123", "wJalr", "FQoG", "'pw'", "MIIE"):
        assert secret not in flat
    assert clean["Functions"][0]["Environment"]["Variables"] == {"DB_PASSWORD": MARK, "STRIPE_KEY": MARK}
    assert clean["taskDefinition"]["containerDefinitions"][0]["environment"] == [{"name": "API_TOKEN", "value": MARK}]
    assert count >= 5


def test_facts_about_secrets_and_ids_are_kept() -> None:
    response = {"PasswordPolicy": {"MinimumPasswordLength": 14, "MaxPasswordAge": 90, "PasswordReusePrevention": 24},
                "SummaryMap": {"AccountAccessKeysPresent": 0}, "AccessKeyId": "AKIA1", "NextToken": "page-2",
                "PasswordLastUsed": "2026-11-01T00:00:00Z", "Content": "user,arn,password_enabled\n"}
    clean, count = redact(response)
    assert clean == response and count == 0
