"""`tracer demo`: the whole flow, offline, against the embedded moto-backed demo account:
init -> scan -> policies -> registers -> evidence -> auditor package -> readiness report."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence_tracer.app.auditpack.export import ExportResult, export_package
from evidence_tracer.app.deliverables import workspace_deliverables
from evidence_tracer.app.demo_period import add_period
from evidence_tracer.app.demo_records import (
    DEMO_MANUAL,
    ENGINEER,
    FOUNDER,
    OPS,
    record_incident_and_exception,
    record_oversight,
    record_policies,
    record_registers,
)
from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.app.scan import ScanOutcome, run_scan
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.config import CONFIG_FILE, load_config
from evidence_tracer.deliverables.build import FOLDER as DELIVERABLES
from evidence_tracer.errors import ConfigError
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.fakes.demo import DEMO_GITHUB_TOKEN_ENV, DEMO_OKTA_TOKEN_ENV, demo_github, demo_okta
from evidence_tracer.fakes.github_api import github_api
from evidence_tracer.fakes.okta import okta_api
from evidence_tracer.fakes.server import serve
from evidence_tracer.governance.owners import owners_of
from evidence_tracer.readiness import Readiness
from evidence_tracer.report import Format, render
from evidence_tracer.report.readiness import render_readiness
from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, DEMO_REGIONS, demo_environment, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.base import Progress
from evidence_tracer.sources.github.changes import change_population
from evidence_tracer.sources.github.plugin import settings_of
from evidence_tracer.sources.registry import enabled_sources

MARKER = ".tracer-demo"
DEMO_ANSWERS = InitAnswers(
    company="Acme Analytics (demo)",
    owner=FOUNDER,
    security_contact="security@acme.example",
    uptime_sla=True,
    accounts=(DEMO_ACCOUNT,),
    regions=DEMO_REGIONS,
    services=("IAM", "S3", "EC2", "RDS", "DynamoDB", "Lambda", "ELB", "ECS", "CloudTrail", "GuardDuty", "KMS"),
    ci_cd=("GitHub Actions",),
)


# Control families the founder hands to the people who operate them (the rest stay hers).
DEMO_OWNERS = {"AC": OPS, "NET": OPS, "OPS": OPS, "BC": OPS, "CM": ENGINEER, "END": ENGINEER}


# Manual evidence a real team would upload (governance controls have no API).
@dataclass(frozen=True)
class DemoRun:
    workspace: Path
    outcome: ScanOutcome
    reports: dict[str, Path]
    package: ExportResult
    package_verified: bool
    readiness: Readiness


def _fresh(workspace: Path) -> None:
    if workspace.exists() and any(workspace.iterdir()):
        if not (workspace / MARKER).exists():
            raise ConfigError(f"{workspace} exists and is not an earlier demo; choose another --out")
        shutil.rmtree(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / MARKER).write_text("created by tracer demo; replaced by the next run\n", encoding="utf-8")


@contextmanager
def _tokens(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _demo_sources(github_url: str, okta_url: str) -> str:
    return (
        "\n# The demo's GitHub organisation and Okta org are local fakes that ran only during `tracer demo`; for\n"
        "# your own, point api_url at https://api.github.com and org_url at https://YOUR-ORG.okta.com.\n"
        "sources:\n"
        f'  github: {{enabled: true, organization: acme, repositories: [app, infra], api_url: "{github_url}", '
        f"token_env: {DEMO_GITHUB_TOKEN_ENV}}}\n"
        f'  okta: {{enabled: true, org_url: "{okta_url}", token_env: {DEMO_OKTA_TOKEN_ENV}}}\n'
    )


def run_demo(workspace: Path, progress: Progress | None = None, type2: bool = False) -> DemoRun:
    _fresh(workspace)
    report_date = datetime.now(UTC).date() + timedelta(weeks=12)  # a report date one quarter out
    create_workspace(workspace, replace(DEMO_ANSWERS, audit_date=report_date))
    now = datetime.now(UTC)
    days = [(now - timedelta(days=d)).strftime("%Y-%m-%dT%H:%M:%SZ") for d in (20, 12, 5, 2)]
    github_org, okta_org = demo_github(days), demo_okta()
    with (
        demo_environment(),
        serve(github_api(github_org)) as github,
        serve(okta_api(okta_org)) as okta,
        _tokens({DEMO_GITHUB_TOKEN_ENV: github_org.token, DEMO_OKTA_TOKEN_ENV: okta_org.token}),
    ):
        config_file = workspace / CONFIG_FILE
        text = config_file.read_text(encoding="utf-8")
        for family, person in DEMO_OWNERS.items():  # the people who operate them own them (CC1.3)
            text = text.replace(f"\n  {family}: {FOUNDER}\n", f"\n  {family}: {person}\n")
        config_file.write_text(text + _demo_sources(github.base_url, okta.base_url))
        config = load_config(workspace)
        seed_demo_account()
        context = AwsContext(region="us-east-1", simulated="moto, in process (demo)")
        outcome = run_scan(enabled_sources(config, aws_context=context), config, progress=progress)
        gh = config.sources.github
        population, records = change_population(
            settings_of(config),  # the token's destination checked, as for tracer changes
            github_org.token,
            gh.repositories,
            now - timedelta(days=30),
            now,
        )
    ws = Workspace(workspace)
    ws.save_scan(outcome.result, outcome.records, outcome.inventory)
    ws.store.save_records(records)
    record_registers(workspace, now)  # approvals and acknowledgments are by people the register lists
    record_policies(workspace, now)
    record_incident_and_exception(workspace, now, outcome.result.findings)
    record_oversight(workspace, outcome.result, load_config(workspace))
    changes_file = workspace / "uploads" / "change-population-last-30-days.json"
    changes_file.parent.mkdir(exist_ok=True)
    changes_file.write_text(json.dumps(population.as_json(), indent=2) + "\n", encoding="utf-8")
    ws.add_evidence(
        "CM-01",
        changes_file,
        "Change population, last 30 days (tracer changes): "
        f"{population.counts.get('merged_in_period', 0)} merged pull requests, "
        f"{population.counts.get('direct_pushes', 0)} direct push",
        FOUNDER,
    )
    uploads = workspace / "uploads"
    uploads.mkdir(exist_ok=True)
    for target, (name, note, text) in DEMO_MANUAL.items():
        path = uploads / name
        path.write_text(text, encoding="utf-8")
        ws.add_evidence(target, path, note, FOUNDER)
    stamp = outcome.result.scan.id.split("-")[0]
    ws.refresh()  # the registers and policies were written above
    if type2:
        add_period(ws, FOUNDER)  # a period of daily scans behind the demo, written at their past times
    package = export_package(ws, now.date(), workspace / f"auditor-package-{stamp}.zip", owners_of(ws.config))
    checked = verify_package(package.path)  # against the workspace's own key, as an auditor pins it
    verified = checked.ok and checked.signer == ws.config.signing.public_key_fingerprint
    done = datetime.now(UTC)  # every record above is in: the views are of this moment
    readiness = ws.readiness(done)
    reports_dir = workspace / "reports"
    reports_dir.mkdir(exist_ok=True)
    reports: dict[str, Path] = {}
    for fmt in Format:
        path = reports_dir / f"gap-report{fmt.suffix}"
        path.write_text(render(outcome.result, fmt), encoding="utf-8")
        reports[f"gap report ({fmt.value})"] = path
    for fmt in (Format.HTML, Format.MARKDOWN, Format.JSON):
        path = reports_dir / f"readiness{fmt.suffix}"
        path.write_text(render_readiness(readiness, fmt), encoding="utf-8")
        reports[f"readiness ({fmt.value})"] = path
    for name, data in workspace_deliverables(ws, done).items():
        path = workspace / DELIVERABLES / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        reports[name] = path
    return DemoRun(workspace, outcome, reports, package, verified, readiness)
