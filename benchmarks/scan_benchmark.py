"""Scan benchmark: every collected service at 1x, 4x and 16x of a base account over three regions.

moto's threaded server runs on 127.0.0.1; the scan runs in a child process (`tracer scan`, the real
command) so its peak RSS is its own. With --latency-ms a small proxy on 127.0.0.1 sits in front of the
server and delays every request, modelling real AWS round trips, where call count and safe concurrency
decide the time rather than CPU. Prints wall time, peak RSS and calls by operation per size, beside a
naive one-call-per-resource-per-check count. Each size is scanned --repeat times (moto's CPU for the same
answers varies by a fifth from run to run on a shared machine): every run is printed, and the median one in
full. Scans run from cached byte code, as an installed tracer does (`cached_bytecode`). Figures are printed,
never asserted.

    python benchmarks/scan_benchmark.py                   # 1x, 4x, 16x
    python benchmarks/scan_benchmark.py --sizes 16 --latency-ms 80 --workers 16
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.cli.conftest import fake_aws_env
from tests.proxy import LoopbackProxy

REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
# The base account (1x); 16x is the reference account (400 users, 577 buckets, 1200 groups).
BASE = {
    "users": 25,
    "buckets": 36,
    "groups": 75,
    "rds": 2,
    "tables": 3,
    "volumes": 4,
    "keys": 2,
    "log_groups": 4,
    "functions": 2,
    "repositories": 2,
    "secrets": 2,
    "snapshots": 6,  # EBS snapshots per region, one in six public: read with one filtered listing a region
}


def seed(endpoint: str, scale: int, credentials: dict[str, str] | None = None, tag: str = "") -> dict[str, int]:
    """The base account times `scale`, in the account of `credentials` (default: the caller's); `tag` keeps its
    bucket names apart from other accounts' (S3's namespace is global)."""
    session = boto3.session.Session(**(credentials or {}))

    def _client(service: str, endpoint: str, region: str = "us-east-1") -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    n = {k: v * scale for k, v in BASE.items()}
    iam = _client("iam", endpoint)
    for i in range(n["users"]):
        iam.create_user(UserName=f"user-{i:04d}")
        if i % 3 == 0:
            iam.create_login_profile(UserName=f"user-{i:04d}", Password="Bench-Passw0rd!")
        if i % 2 == 0:
            iam.create_access_key(UserName=f"user-{i:04d}")
    for i in range(n["buckets"]):
        region = REGIONS[i % len(REGIONS)]
        kwargs: dict[str, Any] = {"Bucket": f"bench-{tag}bucket-{i:04d}"}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3 = _client("s3", endpoint, region)
        s3.create_bucket(**kwargs)
        if i % 6 == 0:
            s3.put_bucket_tagging(
                Bucket=kwargs["Bucket"], Tagging={"TagSet": [{"Key": "data-classification", "Value": "confidential"}]}
            )
    for i in range(n["groups"]):
        ec2 = _client("ec2", endpoint, REGIONS[i % len(REGIONS)])
        gid = ec2.create_security_group(GroupName=f"bench-sg-{i:04d}", Description="bench")["GroupId"]
        port = 22 if i % 10 == 0 else 443
        ec2.authorize_security_group_ingress(
            GroupId=gid,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ],
        )
    for r, region in enumerate(REGIONS):
        _client("guardduty", endpoint, region).create_detector(Enable=r < 2)
        rds = _client("rds", endpoint, region)
        for i in range(n["rds"]):
            rds.create_db_instance(
                DBInstanceIdentifier=f"db-{r}-{i}",
                DBInstanceClass="db.t3.micro",
                Engine="postgres",
                MasterUsername="bench",
                MasterUserPassword="Bench-Passw0rd",
                AllocatedStorage=20,
                StorageEncrypted=i % 2 == 0,
                BackupRetentionPeriod=7 * (i % 2),
            )
        ddb = _client("dynamodb", endpoint, region)
        for i in range(n["tables"]):
            ddb.create_table(
                TableName=f"table-{i}",
                BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            )
        ec2 = _client("ec2", endpoint, region)
        for i in range(n["volumes"]):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=i % 2 == 0)
        kms = _client("kms", endpoint, region)
        for _ in range(n["keys"]):
            kms.create_key(Description="bench")
        logs = _client("logs", endpoint, region)
        for i in range(n["log_groups"]):
            logs.create_log_group(logGroupName=f"/bench/{i}")
        sm = _client("secretsmanager", endpoint, region)
        for i in range(n["secrets"]):
            sm.create_secret(Name=f"bench/{i}", SecretString="x")
        ecr = _client("ecr", endpoint, region)
        for i in range(n["repositories"]):
            ecr.create_repository(repositoryName=f"repo-{i}")
        volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)["VolumeId"]
        for i in range(n["snapshots"]):
            snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
            if i % 6 == 0:
                ec2.modify_snapshot_attribute(
                    SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
                )
    return n


def naive_calls(n: dict[str, int]) -> int:
    """One call per resource per check that reads it, plus one per region per regional check."""
    per_user = 3  # ListMFADevices, ListAccessKeys, GetLoginProfile
    per_bucket = 7  # location, block, encryption, versioning, tags, policy, logging
    per_region = 30  # one list call per regional check
    per_resource = (
        2
        * (
            n["rds"]
            + n["tables"]
            + n["volumes"]
            + n["keys"]
            + n["secrets"]
            + n["log_groups"]
            + n["functions"]
            + n["repositories"]
        )
        * len(REGIONS)
    )
    return n["users"] * per_user + n["buckets"] * per_bucket + per_region * len(REGIONS) + per_resource + n["groups"]


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time of the whole `tracer scan` process, store included
    rss_kb: int  # its peak RSS
    scan_cpu: float  # its CPU seconds (user + system)
    server_cpu: float  # this process's CPU seconds meanwhile: moto's server (and the proxy) answering it
    calls: Counter[str]
    status: int  # its exit status (1: it found failing checks)


@dataclass(frozen=True)
class Timed:
    """A child process run to its end, and what it cost: its wall time, its own CPU (user + system), and this
    process's CPU meanwhile (moto's server answering it)."""

    done: subprocess.CompletedProcess[str]
    seconds: float
    cpu: float
    server_cpu: float


def run_timed(command: list[str], env: dict[str, str]) -> Timed:
    started, cpu0, child0 = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds, server_cpu = time.perf_counter() - started, time.process_time() - cpu0
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timed(done, seconds, child.ru_utime + child.ru_stime - child0.ru_utime - child0.ru_stime, server_cpu)


def scan(endpoint: str, workspace: Path, workers: int, config: str = "organization: never") -> Run:
    env = fake_aws_env(endpoint)
    (workspace / "tracer.yaml").write_text(f"sources: {{aws: {{workers: {workers}, {config}}}}}\n")
    # VmHWM is this process's own peak RSS: getrusage's ru_maxrss survives exec and would report the parent's
    # (which holds moto's whole account) for a child forked from it.
    probe = (
        "import runpy, sys; sys.argv = ['tracer'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('evidence_tracer', run_name='__main__')\n"
        "finally:\n    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "    print('MAXRSS', hwm[0], file=sys.stderr)\n"
    )
    timed = run_timed(
        [
            sys.executable,
            "-c",
            probe,
            "scan",
            "-w",
            str(workspace),
            "--format",
            "json",
            "-o",
            str(workspace / "scan.json"),
            *(a for r in REGIONS for a in ("-r", r)),
        ],
        env,
    )
    out = timed.done
    if out.returncode not in (0, 1):
        raise SystemExit(out.stderr[-2000:])
    rss_kb = int(next(line.split()[1] for line in out.stderr.splitlines() if line.startswith("MAXRSS")))
    from evidence_tracer.evidence.store import EvidenceStore

    store = EvidenceStore(workspace)
    calls = Counter(f"{i.service}:{i.operation}" for i in store.items(scan_id=store.scans()[-1].id))
    return Run(timed.seconds, rss_kb, timed.cpu, timed.server_cpu, calls, out.returncode)


def per_resource_type(calls: Counter[str], n: dict[str, int], regions: int = len(REGIONS)) -> list[str]:
    """Requests by service, and per resource for the kinds the base account multiplies."""
    by_service: Counter[str] = Counter()
    for op, count in calls.items():
        by_service[op.split(":")[0]] += count
    kinds = {  # service: (one resource, how many)
        "iam": ("user", n["users"]),
        "s3": ("bucket", n["buckets"]),
        "ec2": ("group, volume or snapshot", n["groups"] + regions * (n["volumes"] + n["snapshots"])),
        "rds": ("database", regions * n["rds"]),
        "kms": ("key", regions * n["keys"]),
        "dynamodb": ("table", regions * n["tables"]),
    }
    lines = []
    for service, count in by_service.most_common():
        kind = kinds.get(service)
        per = f" · {count / max(kind[1], 1):.2f} a {kind[0]} ({kind[1]})" if kind else ""
        lines.append(f"   {count:6d}  {service}{per}")
    return lines


@contextmanager
def cached_bytecode() -> Iterator[None]:
    """The scans this process starts run from byte code, as an installed tracer does (pip compiles a package as
    it installs it): a temporary PYTHONPYCACHEPREFIX with writing on, filled by a first, unmeasured scan
    (`warm`). A shell's PYTHONDONTWRITEBYTECODE=1 with a prefix of its own would otherwise have every module of
    boto3, botocore and tracer compiled again in each measured scan: a second of CPU, before the first call."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PYTHONPYCACHEPREFIX"] = tmp
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        try:
            yield
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None)
                if value is not None:
                    os.environ[key] = value


def warm(endpoint: str, config: str = "organization: never") -> None:
    """One scan of the (still empty) server, unmeasured: every module a scan loads is compiled and cached."""
    with tempfile.TemporaryDirectory() as tmp:
        scan(endpoint, Path(tmp), 8, config)


@contextmanager
def moto_server() -> Iterator[tuple[str, int]]:
    """moto's threaded server on a free loopback port, empty, taught the answers moto gets wrong: (endpoint,
    port). Its backends live in this process, so its CPU during a scan is this process's."""
    from moto.server import ThreadedMotoServer

    from evidence_tracer.sources.aws.moto_answers import teach_moto

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # a line (or a traceback) per request otherwise
    teach_moto()
    os.environ.update(fake_aws_env())  # this process seeds the server: the same fake credentials as the scan's
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    try:
        yield endpoint, port
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--latency-ms", type=int, default=0, help="delay each request by this much (a proxy)")
    parser.add_argument("--workers", type=int, default=8, help="sources.aws.workers for the scan")
    parser.add_argument(
        "--resource-workers", type=int, default=0, help="sources.aws.resource_workers (0: the configured default)"
    )
    parser.add_argument("--top", type=int, default=12, help="operations to list per size")
    parser.add_argument("--repeat", type=int, default=3, help="scans of each seeded size (the median is printed)")
    args = parser.parse_args()
    with cached_bytecode():
        for scale in args.sizes:
            report(scale, args)


def report(scale: int, args: argparse.Namespace) -> None:
    with moto_server() as (endpoint_url, port):
        warm(endpoint_url)
        t0 = time.perf_counter()
        n = seed(endpoint_url, scale)
        seeded = time.perf_counter() - t0
        endpoint, proxy = endpoint_url, None
        if args.latency_ms:
            proxy = LoopbackProxy(port, delay_seconds=args.latency_ms / 1000)
            endpoint = proxy.endpoint
        runs = []
        for _ in range(max(args.repeat, 1)):
            with tempfile.TemporaryDirectory() as tmp:
                extra = f", resource_workers: {args.resource_workers}" if args.resource_workers else ""
                runs.append(scan(endpoint, Path(tmp), args.workers, "organization: never" + extra))
        if proxy:
            proxy.close()
    run = sorted(runs, key=lambda r: r.seconds / max(r.server_cpu, 0.01))[len(runs) // 2]  # the median ratio
    elapsed, rss_kb, calls = run.seconds, run.rss_kb, run.calls
    total = sum(calls.values())
    print(
        f"== {scale}x: {n['users']} users, {n['buckets']} buckets, {n['groups']} security groups, "
        f"{n['rds'] * 3} databases, {n['tables'] * 3} tables, {n['volumes'] * 3} volumes over {len(REGIONS)} "
        f"regions (seeded in {seeded:.0f} s); latency {args.latency_ms} ms/request, {args.workers} workers, "
        f"{args.resource_workers or 'default'} resource workers"
    )
    for i, r in enumerate(runs, start=1):
        print(
            f"   run {i}: wall {r.seconds:.1f} s · scan CPU {r.scan_cpu:.1f} s · moto's CPU {r.server_cpu:.1f} s · "
            f"wall / moto CPU {r.seconds / max(r.server_cpu, 0.01):.2f}x · peak RSS {r.rss_kb / 1024:.0f} MB"
        )
    print(
        f"   median run: scan wall time {elapsed:.1f} s (whole `tracer scan` process, store included) · "
        f"peak RSS {rss_kb / 1024:.0f} MB · {total} AWS calls "
        f"({total / max(n['buckets'], 1):.1f} per bucket overall) · naive design ≈ {naive_calls(n)}"
    )
    print(
        f"   scan CPU {run.scan_cpu:.1f} s · moto's CPU answering it {run.server_cpu:.1f} s · "
        f"scan wall / moto CPU = {elapsed / max(run.server_cpu, 0.01):.2f}x (the floor moto sets is 1.0x)"
    )
    print("   requests by resource type:")
    print("\n".join(per_resource_type(calls, n)))
    bucket_calls = sum(c for op, c in calls.items() if op.startswith("s3:") and op != "s3:ListBuckets")
    print(
        f"   per-bucket S3 reads: {bucket_calls / max(n['buckets'], 1):.2f} a bucket "
        "(GetBucketLocation only where ListBuckets lacks BucketRegion, as moto's does)"
    )
    for op, count in calls.most_common(args.top):
        print(f"   {count:6d}  {op}")
    print(
        json.dumps(
            {
                "scale": scale,
                "seconds": round(elapsed, 2),
                "rss_mb": round(rss_kb / 1024),
                "calls": total,
                "scan_cpu": round(run.scan_cpu, 2),
                "server_cpu": round(run.server_cpu, 2),
                "ratios": [round(r.seconds / max(r.server_cpu, 0.01), 2) for r in runs],
            }
        )
    )


if __name__ == "__main__":
    main()
