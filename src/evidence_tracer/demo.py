"""`tracer demo`: the whole flow, offline, against the embedded moto-backed demo account."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evidence_tracer.aws.demo_account import DEMO_REGIONS, demo_environment, seed_demo_account
from evidence_tracer.aws.scan import Progress
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.config import CONFIG_FILE, load_config
from evidence_tracer.report import Format, render
from evidence_tracer.scanner import ScanOutcome, run_scan

DEMO_CONFIG = f"""\
# Evidence Tracer workspace for the embedded demo account (all data is fake).
company:
  name: Acme Analytics (demo)
  security_contact: security@acme.example
boundary:
  accounts: ["123456789012"]
  regions: [{", ".join(DEMO_REGIONS)}]
  services: [IAM, S3, EC2, CloudTrail, GuardDuty]
  ci_cd: [GitHub Actions]
parameters:
  access_key_max_age_days: 90
  password_min_length: 14
s3:
  critical_tag: {{key: "tracer:critical", value: "true"}}
"""


@dataclass(frozen=True)
class DemoRun:
    workspace: Path
    outcome: ScanOutcome
    reports: dict[Format, Path]


def run_demo(workspace: Path, progress: Progress | None = None) -> DemoRun:
    workspace.mkdir(parents=True, exist_ok=True)
    config_path = workspace / CONFIG_FILE
    if not config_path.exists():
        config_path.write_text(DEMO_CONFIG, encoding="utf-8")
    config = load_config(workspace)
    with demo_environment():
        seed_demo_account()
        outcome = run_scan(AwsContext(region="us-east-1"), config, progress=progress)
    reports_dir = workspace / "reports"
    reports_dir.mkdir(exist_ok=True)
    reports = {}
    for fmt in Format:
        path = reports_dir / f"gap-report{fmt.suffix}"
        path.write_text(render(outcome.result, fmt), encoding="utf-8")
        reports[fmt] = path
    return DemoRun(workspace, outcome, reports)
