"""Redaction, exact: a corpus of real-looking secrets (each must go, wherever it stands) and of look-alikes that
must stay (ARNs, resource ids, hashes), then the issue's attacks reproduced on the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_tracer.evidence.redact import MARK, _may_hold_secret, _scrub_patterns, _scrub_text, redact, redact_values

AWS_SECRET_PLAIN = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYab"  # 40, no '/' or '+'
SECRETS = {
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "postgres url": "postgres://app:Sup3rS3cret@db.internal:5432/prod",
    "https url": "https://deploy:hunter2hunter2@git.example.com/repo.git",
    "mysql url": "mysql://root:r00tpass@10.0.0.5/app",
    "redis url": "redis://default:R3disPass@cache:6379",
    "DB_PASSWORD": "DB_PASSWORD=Tr0ub4dor&3",
    "PGPASSWORD": "PGPASSWORD=correcthorse",
    "MYSQL_PWD": "MYSQL_PWD=batterystaple",
    "export": "export AWS_SECRET_ACCESS_KEY=" + AWS_SECRET_PLAIN,
    "json password": '{"password": "letmein-2026"}',
    "json token": '{"auth_token": "abcdef123456"}',
    "json client secret": '{"client_secret": "cs-9f8e7d6c5b4a"}',
    "aws secret plain": AWS_SECRET_PLAIN,
    "aws secret slash": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "pgp block": "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBGE...\n-----END PGP PRIVATE KEY BLOCK-----",
    "rsa key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "openssh key": "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "slack webhook": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "slack token": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "discord webhook": "https://discord.com/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOp",
    "bearer": "Authorization: Bearer 9f8e7d6c5b4a3f2e1d0c",
    "bearer alone": "curl -H 'Bearer 3a4b5c6d7e8f9a0b1c2d'",
    "basic": "Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==",
    "okta ssws": "Authorization: SSWS 00aBcD3fGhIjKlMnOpQrStUvWxYz0123456789AbCd",
    "google api key": "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "google oauth": "ya29.a0AfH6SMBxxxxxxxxxxxxxxxxxxxxxxxx",
    "github pat": "ghp_" + "A1b2C3d4" * 5,
    "github fine grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "gitlab": "glpat-AbCdEfGhIjKlMnOpQrSt",
    "stripe": "sk_live_" + "a1B2c3D4e5" * 3,
    "stripe webhook": "whsec_" + "AbCd1234" * 4,
    "openai": "sk-proj-" + "AbCdEfGh12345678" * 3,
    "anthropic": "sk-ant-" + "api03-AbCdEfGh12345678" * 2,
    "npm": "npm_" + "A1b2C3d4E5f6" * 3,
    "pypi": "pypi-AgEIcHlwaS5vcmcCJDEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZgACKlsz",
    "docker": "dckr_pat_AbCdEfGhIjKlMnOpQrStUvWx",
    "shopify": "shpat_" + "0123456789abcdef" * 2,
    "sendgrid": "SG.AbCdEfGhIjKlMnOpQrStUv.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG",
    "digitalocean": "dop_v1_" + "0123456789abcdef" * 4,
    "vault": "hvs.CAESIAbCdEfGhIjKlMnOpQrStUvWxYz",
    "azure": "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
    "api key header": "x-api-key: 7f3c9a1b2d4e6f80",
    "yaml secret": "client-secret: s3cr3t-v4lu3",
    "private key var": "PRIVATE_KEY=abc123def456",
}
SECRET_PART = {
    "postgres url": "Sup3rS3cret",
    "https url": "hunter2hunter2",
    "mysql url": "r00tpass",
    "redis url": "R3disPass",
    "DB_PASSWORD": "Tr0ub4dor",
    "PGPASSWORD": "correcthorse",
    "MYSQL_PWD": "batterystaple",
    "export": AWS_SECRET_PLAIN,
    "json password": "letmein-2026",
    "json token": "abcdef123456",
    "json client secret": "cs-9f8e7d6c5b4a",
    "pgp block": "lQOYBGE",
    "rsa key": "MIIEpAIBAAKCAQEA",
    "openssh key": "b3BlbnNzaC1rZXktdjEAAAAA",
    "bearer": "9f8e7d6c5b4a3f2e1d0c",
    "bearer alone": "3a4b5c6d7e8f9a0b1c2d",
    "basic": "dXNlcjpwYXNzd29yZDEyMw",
    "okta ssws": "00aBcD3fGhIjKlMnOpQrStUvWxYz0123456789AbCd",
    "azure": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
    "api key header": "7f3c9a1b2d4e6f80",
    "yaml secret": "s3cr3t-v4lu3",
    "private key var": "abc123def456",
}
KEEP = {
    "secret arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    "role arn": "arn:aws:iam::123456789012:role/EvidenceTracerReadOnly",
    "kms arn": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "git sha": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "fingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
    "access key id": "AKIAIOSFODNN7EXAMPLE",
    "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "sg id": "sg-0123456789abcdef0",
    "instance id": "i-0abcd1234efgh5678",
    "bucket": "acme-prod-customer-exports",
    "policy name": "password_policy",
    "prose": "Access keys are rotated every 90 days; the token bucket limits calls.",
    "email": "alice.founder@acme.example",
    "url": "https://api.github.com/orgs/acme/members?per_page=100",
    "basic prose": "basic protections are on for every account",
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_every_secret_shape_is_redacted_in_free_text(name: str) -> None:
    text = f"note: {SECRETS[name]} (seen in a description)"
    clean, count = redact_values(text)
    part = SECRET_PART.get(name, SECRETS[name])
    assert part not in clean and count >= 1, (name, clean)
    assert MARK in clean


@pytest.mark.parametrize("name", sorted(KEEP))
def test_ids_hashes_and_prose_are_not_redacted(name: str) -> None:
    clean, count = redact_values(KEEP[name])
    assert clean == KEEP[name] and count == 0, (name, clean)


def test_the_corpus_is_large_enough() -> None:
    assert len(SECRETS) >= 40 and len(KEEP) >= 10


def test_key_value_pairs_are_judged_by_their_key_and_tag_keys_by_their_value() -> None:
    token = "ghp_" + "Z9y8X7w6" * 5
    answer = {
        "TagList": [
            {"Key": "db_password", "Value": "Plain text, no pattern at all"},
            {"Key": "owner", "Value": "alice"},
            {"Key": token, "Value": "x"},
        ],
        "Environment": [{"name": "API_KEY", "value": "no-pattern-here"}],
    }
    for clean, _ in (redact(answer), redact_values(answer)):
        text = json.dumps(clean)
        assert "Plain text, no pattern at all" not in text and "no-pattern-here" not in text
        assert token not in text and '"alice"' in text and '"db_password"' in text
    snapshot = {"tags": {"_map": {"db_password": "Plain text, no pattern at all", "owner": "alice"}}}
    assert "Plain text" not in json.dumps(redact_values(snapshot)[0])


def test_a_note_and_a_file_name_never_reach_disk_in_clear(tmp_path: Path) -> None:
    """H3 as found: `evidence add --note "ghp_… password=x"` and a file named after a token were stored as
    typed in log.jsonl, the index, the package's sidecars and its index.html."""
    from evidence_tracer.catalog.controls import resolve_target
    from evidence_tracer.evidence.store import EvidenceStore

    token = "ghp_" + "Q1w2E3r4" * 5
    memo = tmp_path / f"review-{token}.md"
    memo.write_text("# Access review\n\nEvery production account was reviewed and kept or removed.\n")
    store = EvidenceStore(tmp_path / "ws")
    item = store.add_manual(
        resolve_target("AC-06"), memo, f"reviewed {token} password=Hunter2Hunter2", "dave.ops@acme.example"
    )
    assert item.redactions >= 3
    for path in (tmp_path / "ws" / ".tracer").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and b"Hunter2Hunter2" not in data, path


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_the_prefilter_lets_every_secret_shape_through(name: str) -> None:
    """The cheap test before the patterns never decides alone that a secret is not one."""
    for text in (SECRETS[name], f"note: {SECRETS[name]} (seen)", SECRETS[name].upper(), SECRETS[name].lower()):
        assert _scrub_text(text) == _scrub_patterns(text), (name, text)
        if _scrub_patterns(text)[1]:
            assert _may_hold_secret(text), (name, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_the_prefilter_changes_no_answer(text: str) -> None:
    assert _scrub_text(text) == _scrub_patterns(text)


@pytest.mark.parametrize("name", sorted(SECRETS))
@pytest.mark.parametrize(("letter", "alike"), [("s", "\u017f"), ("k", "\u212a"), ("i", "\u0131"), ("I", "\u0130")])
def test_the_prefilter_folds_case_as_the_patterns_do(name: str, letter: str, alike: str) -> None:
    """The prefilter reads lower-cased text; the patterns use re.IGNORECASE, which also takes the long s, the Kelvin
    sign and the dotless and dotted i for s, k and i (`pa\\u017fsword=…` is caught by the patterns, so the prefilter
    must let it through)."""
    for text in (SECRETS[name], f"password={SECRETS[name]}", f"Authorization: Bearer {SECRETS[name]}"):
        folded = text.replace(letter, alike)
        assert _scrub_text(folded) == _scrub_patterns(folded), (name, folded)


def test_plain_ids_skip_the_patterns() -> None:
    plain = ["arn:aws:s3:::acme-prod", "sg-0123456789abcdef0", "2026-12-02T03:30:08+00:00", "us-east-1", "alice"]
    assert not any(_may_hold_secret(p) for p in plain)
