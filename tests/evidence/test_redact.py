from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_tracer.evidence.redact import MARK, redact
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.codec import encode_inventory, load_inventory, snapshot_document


def test_secrets_are_replaced_and_counted() -> None:
    response = {
        "Functions": [
            {
                "FunctionName": "billing",
                "Environment": {"Variables": {"DB_PASSWORD": "hunter2", "STRIPE_KEY": "sk_live_x"}},
            }
        ],
        "taskDefinition": {
            "containerDefinitions": [{"name": "app", "environment": [{"name": "API_TOKEN", "value": "abc123"}]}]
        },
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
    response = {
        "PasswordPolicy": {"MinimumPasswordLength": 14, "MaxPasswordAge": 90, "PasswordReusePrevention": 24},
        "SummaryMap": {"AccountAccessKeysPresent": 0},
        "AccessKeyId": "AKIA1",
        "NextToken": "page-2",
        "PasswordLastUsed": "2026-11-01T00:00:00Z",
        "Content": "user,arn,password_enabled\n",
    }
    clean, count = redact(response)
    assert clean == response and count == 0


SECRETS = st.one_of(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=36, max_size=40).map(
        lambda s: "ghp_" + s.ljust(36, "x")
    ),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=24).map(lambda s: f"sk_live_{s}x"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=12, max_size=24).map(lambda s: f"xoxb-{s}x"),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=13, max_size=13).map(
        lambda s: f"wJalrXUtnFEMI/K7MDENG/bPxRfiCY{s[:9]}a"
    ),  # 40 characters, mixed case, a slash
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=20).map(lambda s: f"password={s}Q9"),
    st.just("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"),
    # GitHub and Okta answers carry tokens in commit messages, PR bodies, profile fields and app settings.
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=10, max_size=20).map(
        lambda s: f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi{s}.c2lnbmF0dXJl{s}"
    ),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=16).map(
        lambda s: f"postgres://app:{s}Z9@db.internal/prod"
    ),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=20, max_size=30).map(lambda s: f"glpat-{s}"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=16, max_size=24).map(lambda s: f"Bearer 7{s}"),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=16).map(lambda s: f"DB_PASSWORD={s}"),
)
KEYS = st.sampled_from(
    [
        "Value",
        "Description",
        "GroupName",
        "Tags",
        "Name",
        "Comment",
        "Key",
        "message",
        "body",
        "title",
        "profile",
        "displayName",
        "commit",
        "settings",
        "label",
    ]
)
PLAIN = st.text("abcdefghij -_.:/", max_size=12)


def _responses(secret: str) -> st.SearchStrategy[object]:
    leaf = st.one_of(PLAIN, st.just(secret), PLAIN.map(lambda p: f"{p} {secret} {p}"), st.integers())

    def nested(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
        return st.one_of(st.lists(inner, min_size=1, max_size=4), st.dictionaries(KEYS, inner, min_size=1, max_size=4))

    return st.recursive(leaf, nested, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_generated_secrets_anywhere_in_a_response_never_survive(data: st.DataObject) -> None:
    secret = data.draw(SECRETS)
    response = {
        "TagSet": [{"Key": "note", "Value": data.draw(_responses(secret))}],
        "Items": data.draw(_responses(secret)),
    }
    clean, _ = redact(response)
    flat = json.dumps(clean)
    marker = secret.split("\n")[1] if "\n" in secret else secret
    assert marker not in flat and marker.split("=")[-1] not in flat


def _bucket_part(account: str, tags: Mapping[str, str]) -> SourcePart:
    """An account's inventory part holding one bucket with these tags."""
    from evidence_tracer.inventory import Observed
    from evidence_tracer.inventory.aws import BUCKETS, Bucket

    bucket = Bucket(
        f"b-{account}",
        f"arn:aws:s3:::b-{account}",
        "us-east-1",
        Observed.ok(None),
        Observed.ok(None),
        Observed.ok(None),
        Observed.ok(tags),
        Observed.ok(None),
        Observed.ok(()),
    )
    return SourcePart("aws", account, ("us-east-1",), {"partition": "aws"}, {BUCKETS.slot(): Observed.ok((bucket,))})


def test_tag_values_descriptions_and_snapshots_never_reach_disk(tmp_path: Path) -> None:
    """Secrets in S3 tag values and security-group descriptions: not in any file the store writes."""
    from datetime import UTC, datetime

    from evidence_tracer.evidence.store import EvidenceStore
    from evidence_tracer.inventory import Inventory
    from evidence_tracer.models import ApiRecord, ScanInfo, ScanResult

    token = "ghp_" + "A1b2C3d4" * 5
    assignment = "password=Hunter2Hunter2"
    now = datetime(2026, 11, 22, tzinfo=UTC)
    record = ApiRecord(
        "r1",
        "ec2",
        "DescribeSecurityGroups",
        {},
        "1",
        "us-east-1",
        now,
        "req",
        {
            "SecurityGroups": [
                {
                    "GroupId": "sg-1",
                    "Description": f"temp {assignment} remove",
                    "IpPermissions": [{"IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": token}]}],
                }
            ]
        },
    )
    inventory = Inventory((_bucket_part("1", {"owner": f"ops {token}"}),))
    store = EvidenceStore(tmp_path)
    store.save_scan(
        ScanResult(ScanInfo("s1", now, now, "1", ("us-east-1",), "0.1.0")), [record], encode_inventory(inventory)
    )
    for path in (tmp_path / ".tracer").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and b"Hunter2Hunter2" not in data, path
    assert load_inventory(store.snapshot_bytes("s1") or b"").parts  # the redacted snapshot still decodes


def test_the_snapshot_redacted_part_by_part_is_the_snapshot_redacted_whole() -> None:
    """Each account's part redacted and encoded in turn gives the very text of the whole document redacted and
    dumped at once: the same secrets gone (by value, and by name inside a mapping), the same bytes, so the same
    digest."""
    from evidence_tracer.evidence.redact import redact_values, redacted_snapshot_chunks
    from evidence_tracer.inventory import Inventory

    token = "ghp_" + "A1b2C3d4" * 5

    tags = {"owner": f"ops {token}", "db_password": "Hunter2", "é": "\u2028"}
    snapshot = encode_inventory(Inventory((_bucket_part("111122223333", tags), _bucket_part("444455556666", tags))))
    text = "".join(redacted_snapshot_chunks(snapshot))
    assert text == json.dumps(redact_values(snapshot)[0], sort_keys=True)
    lazily = snapshot_document(Inventory((_bucket_part("111122223333", tags), _bucket_part("444455556666", tags))))
    assert "".join(redacted_snapshot_chunks(lazily)) == text, "the parts encoded as they are read: the same text"
    assert token not in text and "Hunter2" not in text and text.count(MARK) == 4
    assert load_inventory(text.encode()).parts[1].account == "444455556666"
