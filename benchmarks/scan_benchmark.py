"""Benchmark: a large moto account, scanned, stored and packaged. Prints figures; asserts nothing.

    python benchmarks/scan_benchmark.py [--users 300] [--buckets 150] [--groups 300]

Reports wall time, peak memory, and AWS API calls by operation, set against a naive design that
calls once per resource per check (e.g. per-user MFA and key listings instead of the credential report).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import boto3

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.evidence.export import export_package
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.scanner import run_scan
from evidence_tracer.sources.aws.demo_account import demo_environment
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSource

REGIONS = ("us-east-1", "eu-west-1", "us-west-2")


def seed(users: int, buckets: int, groups: int) -> None:
    s = boto3.session.Session(region_name="us-east-1")
    iam = s.client("iam")
    for i in range(users):
        iam.create_user(UserName=f"user-{i:04d}")
        if i % 3 == 0:
            iam.create_login_profile(UserName=f"user-{i:04d}", Password="Bench-Passw0rd!")
        if i % 2 == 0:
            iam.create_access_key(UserName=f"user-{i:04d}")
    for i in range(buckets):
        region = REGIONS[i % len(REGIONS)]
        kwargs: dict[str, object] = {"Bucket": f"bench-bucket-{i:04d}"}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s.client("s3", region_name=region).create_bucket(**kwargs)
    for i in range(groups):
        region = REGIONS[i % len(REGIONS)]
        ec2 = s.client("ec2", region_name=region)
        gid = ec2.create_security_group(GroupName=f"bench-sg-{i:04d}", Description="bench")["GroupId"]
        port = 22 if i % 10 == 0 else 443
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    for region in REGIONS[:2]:
        s.client("guardduty", region_name=region).create_detector(Enable=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--buckets", type=int, default=150)
    parser.add_argument("--groups", type=int, default=300)
    args = parser.parse_args()
    with demo_environment():
        t0 = time.perf_counter()
        seed(args.users, args.buckets, args.groups)
        seeded = time.perf_counter() - t0
        tracemalloc.start()
        t1 = time.perf_counter()
        outcome = run_scan([AwsSource(context=AwsContext(region="us-east-1"))], WorkspaceConfig(), list(REGIONS))
        elapsed = time.perf_counter() - t1
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        store = EvidenceStore(Path(tmp))
        t2 = time.perf_counter()
        store.save_scan(outcome.result, outcome.records, outcome.inventory)
        stored = time.perf_counter() - t2
        t3 = time.perf_counter()
        package = export_package(store, WorkspaceConfig(), outcome.result.scan.finished_at.date(),
                                 Path(tmp) / "package.zip")
        exported = time.perf_counter() - t3
        t4 = time.perf_counter()
        verify_package(package.path)
        verified = time.perf_counter() - t4
    calls = Counter(f"{r.service}:{r.operation}" for r in outcome.records)
    total = sum(calls.values())
    # Naive: per user (ListMFADevices, ListAccessKeys, GetLoginProfile), per bucket per check
    # (4 checks + location), per region per regional check, plus the global calls.
    naive = args.users * 3 + args.buckets * 5 + len(REGIONS) * 4 + 5
    print(f"account: {args.users} users, {args.buckets} buckets, {args.groups} security groups, "
          f"{len(REGIONS)} regions (seeding took {seeded:.1f}s)")
    print(f"scan wall time:     {elapsed:.2f} s")
    print(f"peak Python memory: {peak / 1e6:.1f} MB (tracemalloc, during the scan)")
    print(f"findings:           {len(outcome.result.findings)}")
    print(f"evidence store:     {len(outcome.records)} records saved in {stored:.2f} s")
    print(f"auditor package:    {package.files} files exported in {exported:.2f} s, verified in {verified:.2f} s")
    print(f"AWS API calls:      {total} (naive per-resource design: about {naive})")
    for op, n in calls.most_common():
        print(f"  {n:6d}  {op}")


if __name__ == "__main__":
    main()
