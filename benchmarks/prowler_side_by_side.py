"""Side by side with Prowler: `tracer scan` and `prowler aws --compliance soc2_aws` against one seeded moto server.

Install Prowler in an environment of its own (its pins are not tracer's), then point this at it:

    python -m venv /tmp/prowler && /tmp/prowler/bin/pip install prowler
    python benchmarks/prowler_side_by_side.py --prowler /tmp/prowler/bin/prowler --sizes 1 16

Both tools run as child processes against the same server (AWS_ENDPOINT_URL), over the same three regions, one
after the other: each one's wall time, its own CPU, and the CPU moto spent answering it are printed. Without a
Prowler to run, it says how to install one and exits (status 2). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.cli.conftest import fake_aws_env

from benchmarks.scan_benchmark import REGIONS, cached_bytecode, moto_server, scan, seed, warm

INSTALL = "install Prowler in its own environment (python -m venv P && P/bin/pip install prowler) and pass --prowler"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # the tool's own CPU (its child process)
    server_cpu: float  # this process's CPU meanwhile: moto answering it
    status: int


def run_prowler(prowler: str, endpoint: str, out: Path) -> Timing:
    command = [prowler, "aws", "--compliance", "soc2_aws", "--no-banner", "--output-directory", str(out)]
    command += ["--region", *REGIONS]
    started, cpu0, child0 = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=fake_aws_env(endpoint), capture_output=True, text=True, check=False)
    wall, server_cpu = time.perf_counter() - started, time.process_time() - cpu0
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not any(out.rglob("*.csv")) and not any(out.rglob("*.json*")):
        raise SystemExit(f"prowler wrote no output (exit {done.returncode}):\n{done.stderr[-2000:]}")
    cpu = child.ru_utime + child.ru_stime - child0.ru_utime - child0.ru_stime
    return Timing(wall, cpu, server_cpu, done.returncode)


def line(name: str, t: Timing) -> str:
    return (
        f"   {name:<8} wall {t.wall:7.1f} s · own CPU {t.cpu:6.1f} s · moto's CPU {t.server_cpu:6.1f} s"
        f" · exit {t.status}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prowler", default=shutil.which("prowler") or "", help="the prowler executable")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1], help="base-account multiples to seed")
    args = parser.parse_args()
    if not args.prowler or not Path(args.prowler).exists():
        print(f"no Prowler to run: {INSTALL} PATH", file=sys.stderr)
        raise SystemExit(2)
    with cached_bytecode():
        for scale in args.sizes:
            with moto_server() as (endpoint, _port), tempfile.TemporaryDirectory() as tmp:
                warm(endpoint)
                n = seed(endpoint, scale)
                workspace = Path(tmp) / "tracer"
                workspace.mkdir()
                ours = scan(endpoint, workspace, 8)
                theirs = run_prowler(args.prowler, endpoint, Path(tmp) / "prowler")
            print(f"== {scale}x: {n['users']} users, {n['buckets']} buckets, {n['groups']} security groups")
            print(line("tracer", Timing(ours.seconds, ours.scan_cpu, ours.server_cpu, 0)))
            print(line("prowler", theirs))
            print(f"   prowler / tracer: {theirs.cpu / max(ours.scan_cpu, 0.01):.1f}x the CPU")


if __name__ == "__main__":
    main()
