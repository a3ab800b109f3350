"""`tracer store init|migrate|policy`, `tracer init --store` and `tracer permissions --store` against moto's S3 over
real HTTP: the bucket made as the store needs it, the demo's store migrated and verified, then read by a second
workspace that has nothing but tracer.yaml and the registers."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import boto3

from evidence_tracer.config import load_config
from tests.cli.conftest import tracer_in_process


def _env(s3_env: dict[str, str]) -> dict[str, str]:
    import os

    return {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **s3_env, "COLUMNS": "200"}


def test_store_init_makes_the_bucket_and_a_second_run_finds_it_right(s3_env: dict[str, str], tmp_path: Path) -> None:
    name = f"evidence-{uuid.uuid4().hex[:10]}"
    out = tracer_in_process("store", "init", f"s3://{name}/acme", "-w", str(tmp_path), env=_env(s3_env))
    assert out.returncode == 0, out.stderr
    assert "created bucket" in out.stdout and "COMPLIANCE for 730 days" in out.stdout
    s3 = boto3.client("s3")
    lock = s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"]
    assert (
        lock["Rule"]["DefaultRetention"] == {"Mode": "COMPLIANCE", "Days": 730, "Years": 0}
        or lock["Rule"]["DefaultRetention"]["Days"] == 730
    )
    assert all(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"].values())
    assert '"s3:if-none-match": "true"' in out.stdout and "s3:DeleteObjectVersion" in out.stdout
    again = tracer_in_process("store", "init", f"s3://{name}/acme", "-w", str(tmp_path), env=_env(s3_env))
    assert (
        again.returncode == 0 and "set " not in again.stdout and "Object Lock: COMPLIANCE for 730 days" in again.stdout
    )
    short = tracer_in_process("store", "init", f"s3://{name}/acme", "--retention-days", "30", env=_env(s3_env))
    assert short.returncode == 2 and "outlive the period by a year" in short.stderr
    bad = tracer_in_process("store", "init", "s3://Not_A_Bucket/x", env=_env(s3_env))
    assert bad.returncode == 2 and "not a valid S3 bucket name" in bad.stderr


def test_the_demo_store_migrates_and_a_second_workspace_reads_it(
    copy_demo: Path, s3_env: dict[str, str], tmp_path: Path
) -> None:
    name = f"evidence-{uuid.uuid4().hex[:10]}"
    env = _env(s3_env)
    assert tracer_in_process("store", "init", f"s3://{name}/acme", env=env).returncode == 0
    before = tracer_in_process("status", "-w", str(copy_demo), env=env)
    migrated = tracer_in_process("store", "migrate", f"s3://{name}/acme", "-w", str(copy_demo), env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert "verified" in migrated.stdout and load_config(copy_demo).store.url == f"s3://{name}/acme/"
    assert (copy_demo / ".tracer" / "log.jsonl").exists()  # the local copy is kept
    again = tracer_in_process("store", "migrate", f"s3://{name}/acme", "-w", str(copy_demo), env=env)
    assert again.returncode == 2 and "already keeps its evidence" in again.stderr
    # A second machine: tracer.yaml, the registers and the policies, no .tracer of its own but its signing key
    other = tmp_path / "ci"
    shutil.copytree(copy_demo, other, ignore=shutil.ignore_patterns("log.jsonl", "index.sqlite", "blobs", "s3"))
    after = tracer_in_process("status", "-w", str(other), env=env)
    assert after.returncode == before.returncode and after.stdout.split("\n")[:3] == before.stdout.split("\n")[:3]
    verify = tracer_in_process("evidence", "verify", "-w", str(other), env=env)
    assert verify.returncode == 0 and "Evidence store intact" in verify.stdout, verify.stdout
    policy = tracer_in_process("permissions", "--store", "-w", str(other), env=env)
    statements = policy.stdout.split("IAM policy of a writer")[1]
    writer = json.loads(statements[statements.index("{") :])
    assert {a for s in writer["Statement"] for a in s["Action"]} == {
        "s3:PutObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:GetBucketObjectLockConfiguration",
    }


def test_init_with_a_store_writes_it_once(s3_env: dict[str, str], tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = tracer_in_process(
        "init", "-w", str(ws), "--company", "Acme", "--owner", "a@acme.example", "--store", "s3://evidence-x/team",
        env=_env(s3_env),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert load_config(ws).store.url == "s3://evidence-x/team/"
    assert (ws / "tracer.yaml").read_text().count("store:") == 1
    bad = tracer_in_process("init", "-w", str(tmp_path / "b"), "--company", "A", "--owner", "a@acme.example",
                            "--store", "https://example.com", env=_env(s3_env))  # fmt: skip
    assert bad.returncode == 2 and "s3://BUCKET/PREFIX" in bad.stderr
