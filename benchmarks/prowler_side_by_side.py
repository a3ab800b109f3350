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
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.cli.conftest import fake_aws_env

from benchmarks.scan_benchmark import REGIONS, Timed, cached_bytecode, moto_server, run_timed, scan, seed, warm

INSTALL = "install Prowler in its own environment (python -m venv P && P/bin/pip install prowler) and pass --prowler"


def run_prowler(prowler: str, endpoint: str, out: Path) -> Timed:
    command = [prowler, "aws", "--compliance", "soc2_aws", "--no-banner", "--output-directory", str(out)]
    timed = run_timed([*command, "--region", *REGIONS], fake_aws_env(endpoint))
    if not any(out.rglob("*.csv")) and not any(out.rglob("*.json*")):
        raise SystemExit(f"prowler wrote no output (exit {timed.done.returncode}):\n{timed.done.stderr[-2000:]}")
    return timed


def line(name: str, seconds: float, cpu: float, server_cpu: float, status: int) -> str:
    return f"   {name:<8} wall {seconds:7.1f} s · own CPU {cpu:6.1f} s · moto's CPU {server_cpu:6.1f} s · exit {status}"


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
            print(line("tracer", ours.seconds, ours.scan_cpu, ours.server_cpu, ours.status))
            print(line("prowler", theirs.seconds, theirs.cpu, theirs.server_cpu, theirs.done.returncode))
            print(f"   prowler / tracer: {theirs.cpu / max(ours.scan_cpu, 0.01):.1f}x the CPU")


if __name__ == "__main__":
    main()
