"""`tracer demo`: the whole flow, offline, against the embedded moto-backed demo account."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evidence_tracer.aws.demo_account import DEMO_REGIONS, demo_environment, seed_demo_account
from evidence_tracer.aws.scan import Progress
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.config import CONFIG_FILE, load_config
from evidence_tracer.evidence.export import ExportResult, export_package
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.governance.owners import owners_of
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
scope:
  categories: [security, availability]
owners:
  GOV: alice.founder@acme.example
  RISK: alice.founder@acme.example
  MON: dave.ops@acme.example
  CTRL: alice.founder@acme.example
  AC: dave.ops@acme.example
  NET: dave.ops@acme.example
  DATA: bob.engineer@acme.example
  END: dave.ops@acme.example
  OPS: dave.ops@acme.example
  IR: alice.founder@acme.example
  CM: bob.engineer@acme.example
  BC: bob.engineer@acme.example
  CAP: bob.engineer@acme.example
  VEN: alice.founder@acme.example
"""

# Manual evidence a real team would upload (governance controls have no API).
DEMO_MANUAL = {
    "GOV-02": ("2026-board-security-review.md", "Minutes of the 2026 annual security programme review",
               "# Security programme review — 2026-10-14\n\nAttendees: Alice (CEO), two advisors.\n"
               "Reviewed: risk register, open gaps, incident log (no incidents). Decision: fund SSO rollout.\n"),
    "CM-01": ("branch-protection-main.json", "Branch protection on main: 1 review + CI required (exported 2026-11)",
              '{"required_pull_request_reviews": {"required_approving_review_count": 1},'
              ' "required_status_checks": {"strict": true, "contexts": ["ci"]}}\n'),
    "CC1.4": ("org-chart-2026-11.txt", "Org chart with security roles",
              "CEO: alice.founder@acme.example (security owner)\nEngineering: bob.engineer, dave.ops\n"),
}
DEMO_AUTHOR = "alice.founder@acme.example"


@dataclass(frozen=True)
class DemoRun:
    workspace: Path
    outcome: ScanOutcome
    reports: dict[Format, Path]
    package: ExportResult
    package_verified: bool


def run_demo(workspace: Path, progress: Progress | None = None) -> DemoRun:
    workspace.mkdir(parents=True, exist_ok=True)
    config_path = workspace / CONFIG_FILE
    if not config_path.exists():
        config_path.write_text(DEMO_CONFIG, encoding="utf-8")
    config = load_config(workspace)
    with demo_environment():
        seed_demo_account()
        outcome = run_scan(AwsContext(region="us-east-1"), config, progress=progress)
    store = EvidenceStore(workspace)
    store.save_scan(outcome.result, outcome.records)
    uploads = workspace / "uploads"
    uploads.mkdir(exist_ok=True)
    for target, (name, note, text) in DEMO_MANUAL.items():
        path = uploads / name
        path.write_text(text, encoding="utf-8")
        store.add_manual(target, path, note, DEMO_AUTHOR)
    stamp = outcome.result.scan.id.split("-")[0]
    package = export_package(store, config, outcome.result.scan.finished_at.date(),
                             workspace / f"auditor-package-{stamp}.zip", owners_of(config))
    verified = verify_package(package.path).ok
    reports_dir = workspace / "reports"
    reports_dir.mkdir(exist_ok=True)
    reports = {}
    for fmt in Format:
        path = reports_dir / f"gap-report{fmt.suffix}"
        path.write_text(render(outcome.result, fmt), encoding="utf-8")
        reports[fmt] = path
    return DemoRun(workspace, outcome, reports, package, verified)
