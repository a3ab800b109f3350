"""Organization benchmark: an Organization of N member accounts (10, 50, 100), each the 1x base account of
`scan_benchmark.py`, behind the latency proxy, scanned by the real `tracer scan` through the read-only role in
each member. Prints wall time, requests, peak RSS and CPU (the scan's, and moto's answering it) per size.
Figures are printed, never asserted.

    python benchmarks/organization_benchmark.py                     # 10, 50 and 100 members, 80 ms a request
    python benchmarks/organization_benchmark.py --accounts 10 --latency-ms 0
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.proxy import LoopbackProxy

from benchmarks.scan_benchmark import BASE, REGIONS, cached_bytecode, moto_server, per_resource_type, scan, seed, warm

ROLE = "EvidenceTracerReadOnly"


def organization(endpoint: str, members: int) -> list[dict[str, str]]:
    """An Organization with `members` accounts; the credentials of the read-only role in each."""
    org = boto3.client("organizations", region_name="us-east-1", endpoint_url=endpoint)
    org.create_organization(FeatureSet="ALL")
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
    credentials = []
    for i in range(members):
        account = org.create_account(AccountName=f"member-{i:03d}", Email=f"member-{i:03d}@example.com")
        account_id = account["CreateAccountStatus"]["AccountId"]
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
        credentials.append(
            {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            }
        )
    return credentials


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--latency-ms", type=int, default=80, help="delay each request by this much (a proxy)")
    parser.add_argument("--concurrent-accounts", type=int, default=4, help="sources.aws.max_concurrent_accounts")
    args = parser.parse_args()
    with cached_bytecode():
        for members in args.accounts:
            report(members, args)


def report(members: int, args: argparse.Namespace) -> None:
    with moto_server() as (endpoint, port):
        warm(endpoint)
        t0 = time.perf_counter()
        credentials = organization(endpoint, members)
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda n, c: seed(endpoint, 1, c, f"m{n}-"), range(members), credentials))
        seeded = time.perf_counter() - t0
        proxy = LoopbackProxy(port, delay_seconds=args.latency_ms / 1000) if args.latency_ms else None
        config = f"organization: always, max_concurrent_accounts: {args.concurrent_accounts}"
        with tempfile.TemporaryDirectory() as tmp:
            run = scan(proxy.endpoint if proxy else endpoint, Path(tmp), 8, config)
        if proxy:
            proxy.close()
    total = sum(run.calls.values())
    print(
        f"== Organization of {members} member accounts (+ the management account), each the 1x base account over "
        f"{len(REGIONS)} regions (seeded in {seeded:.0f} s); latency {args.latency_ms} ms/request, "
        f"{args.concurrent_accounts} accounts at once"
    )
    print(
        f"   scan wall time {run.seconds:.1f} s ({run.seconds / (members + 1):.1f} s an account) · "
        f"peak RSS {run.rss_kb / 1024:.0f} MB · {total} AWS calls ({total / (members + 1):.0f} an account)"
    )
    print(f"   scan CPU {run.scan_cpu:.1f} s · moto's CPU answering it {run.server_cpu:.1f} s")
    per_account = Counter({op: c // (members + 1) for op, c in run.calls.items()})
    print("   requests by resource type, per account:")
    print("\n".join(per_resource_type(per_account, dict(BASE))))
    print(
        json.dumps(
            {
                "members": members,
                "seconds": round(run.seconds, 1),
                "rss_mb": round(run.rss_kb / 1024),
                "calls": total,
                "scan_cpu": round(run.scan_cpu, 1),
                "server_cpu": round(run.server_cpu, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
