"""Startup benchmark: the CPU a command costs before and while it works — `tracer version`, `tracer --help` and
`tracer status` on a fresh demo workspace — as the median of several runs of the real console command, with the
modules it loaded that only some commands need. Prints figures; asserts nothing.

Each command runs once first, unmeasured, with byte-code caching on (in a temporary PYTHONPYCACHEPREFIX): an
installed package has its .pyc files, and a machine with PYTHONDONTWRITEBYTECODE=1 would otherwise measure the
compiler instead of the command.

    python benchmarks/startup_benchmark.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HEAVY = ("boto3", "botocore", "openpyxl", "jinja2", "httpx", "starlette", "uvicorn", "joserfc")


def cpu(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tracer = shutil.which("tracer") or str(Path(sys.executable).parent / "tracer")
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        demo = Path(tmp) / "demo"
        subprocess.run([tracer, "demo", "--out", str(demo)], capture_output=True, check=True, env=env)
        for label, command in (
            ("tracer version", [tracer, "version"]),
            ("tracer --help", [tracer, "--help"]),
            ("tracer status (demo)", [tracer, "status", "-w", str(demo)]),
        ):
            cpu(command, env)  # warm: its byte code cached
            figures = sorted(cpu(command, env) for _ in range(args.runs))
            median = statistics.median(figures)
            print(f"{label:24} median {median:.2f} s CPU (min {figures[0]:.2f}, max {figures[-1]:.2f})")
    probe = f"import sys, evidence_tracer.cli.app; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()
    print(f"heavy modules the command line loads before any command runs: {loaded or 'none'}")
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
