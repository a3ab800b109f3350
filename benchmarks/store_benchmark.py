"""Store benchmark: `tracer status` on an S3 evidence store holding a year of daily scans.

moto's threaded S3 server runs on 127.0.0.1 behind a counting proxy (optionally delaying each request, as real
S3 round trips do). A workspace writes N daily scans (each with its API records) into a bucket with Object Lock,
then the real command runs in a child process: `tracer status` on that workspace (its cache warm: only what is
new is read), `tracer status` on a second workspace with nothing but tracer.yaml (cold: the whole history read
once), and `tracer evidence verify` (everything read from S3 again). Prints requests by kind and seconds.

    python benchmarks/store_benchmark.py              # 365 scans
    python benchmarks/store_benchmark.py --scans 90 --latency-ms 20
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.cli.conftest import fake_aws_env
from tests.proxy import LoopbackProxy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scans", type=int, default=365)
    parser.add_argument("--records", type=int, default=6, help="API records per scan")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer
    from tests.evidence.samples import scan

    from evidence_tracer.app.init import InitAnswers, create_workspace
    from evidence_tracer.app.workspace import Workspace

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    seen: Counter[str] = Counter()

    def count(method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        kind = "list" if "list-type=2" in path or "versions" in path else method
        seen[kind] += 1

    proxy = LoopbackProxy(server.get_host_and_port()[1], args.latency_ms / 1000, count)
    env = fake_aws_env(proxy.endpoint)
    os.environ.update(env)
    bucket = "evidence-benchmark"
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket=bucket,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 730}},
        },
    )
    url = f"s3://{bucket}/acme"
    with tempfile.TemporaryDirectory() as tmp:
        writer = Path(tmp) / "writer"
        create_workspace(writer, InitAnswers(company="Acme", owner="alice@acme.example", store=url))
        store = Workspace(writer).store
        start = time.perf_counter()
        first = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0) - timedelta(days=args.scans)
        for day in range(args.scans):
            when = first + timedelta(days=day)
            result, records = scan(when, n_records=args.records)
            from dataclasses import replace

            info = replace(result.scan, id=f"{when:%Y%m%dT%H%M%SZ}-bench{day:03d}", started_at=when, finished_at=when)
            store.save_scan(replace(result, scan=info), records)
        wrote = time.perf_counter() - start
        print(f"wrote {args.scans} scans ({args.records} records each) in {wrote:.1f} s: {dict(seen)} requests")
        reader = Path(tmp) / "reader"
        shutil.copytree(writer, reader, ignore=shutil.ignore_patterns(".tracer"))
        for label, folder, command in (
            ("status, the writer's workspace (cache warm)", writer, ("status",)),
            ("status, a new workspace (cache cold)", reader, ("status",)),
            ("status, the new workspace again (warm)", reader, ("status",)),
            ("evidence verify (everything from S3)", reader, ("evidence", "verify")),
        ):
            seen.clear()
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "evidence_tracer", *command, "-w", str(folder)],
                env=env,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - start
            total = sum(seen.values())
            print(f"{label:48} {elapsed:6.2f} s  {total:5d} requests {dict(seen)}  exit {done.returncode}")
            if done.returncode not in (0, 1):
                print(done.stderr[-2000:])
    proxy.close()
    server.stop()
    load = os.getloadavg()
    print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
