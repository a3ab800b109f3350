"""`tracer demo --type2`: the demo workspace with an observation period of about 90 days behind it, built offline
through the store's own interface — a scan for each day of the period at its past time (time is given to the
store, never faked in it), with a gap opened and fixed within its window, one that outlived its window and was
answered by management, three days with no scan, and a quarter without its access review."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.config import CONFIG_FILE, add_months
from evidence_tracer.governance.registers import AccessReviewRecord, AccessReviewsFile, PeopleFile, PersonRecord
from evidence_tracer.governance.responses import DeviationResponse
from evidence_tracer.models import Finding, ScanResult, Severity, Status

OUTAGE = range(45, 48)  # days of the period with no scan (the runner was down)
FIXED_IN_TIME = (20, 30)  # a high finding failing from day 20, fixed on day 30: within its 30-day window
DEVIATION = (10, 60)  # a high finding failing from day 10, fixed on day 60: a deviation


def period_of(today: date) -> tuple[date, date]:
    """Three months ending the day before `today` (the demo scan's day): the period the demo has been collecting
    for, whatever the clock says when it is written."""
    end = today - timedelta(days=1)
    return add_months(end, -3) + timedelta(days=1), end


def _history(base: ScanResult, day: int, picks: tuple[Finding, Finding]) -> tuple[Finding, ...]:
    """The findings of the period's day `day`: what the account showed, with its failures fixed before the
    period (the team's starting point) except the two picked ones, which fail on their scenario days."""
    fixed_in_time, deviation = picks
    out = []
    for f in base.findings:
        if f == fixed_in_time:
            failing = FIXED_IN_TIME[0] <= day < FIXED_IN_TIME[1]
        elif f == deviation:
            failing = DEVIATION[0] <= day < DEVIATION[1]
        else:
            failing = False
        out.append(replace(f, status=Status.FAIL if failing else Status.PASS) if f.status is Status.FAIL else f)
    return tuple(out)


def add_period(ws: Workspace, founder: str) -> tuple[date, date]:
    """Write the period into the demo workspace: tracer.yaml's audit, the daily scans, the registers' records."""
    base = ws.latest_scan(datetime.now(UTC))
    assert base is not None, "the demo scans first"
    start, end = period_of(base.scan.finished_at.date())  # it ends before the demo's own scan and records
    highs = [f for f in base.findings if f.status is Status.FAIL and f.severity is Severity.HIGH and f.source == "aws"]
    picks = (highs[0], highs[1])
    config = ws.path / CONFIG_FILE
    text = config.read_text(encoding="utf-8").replace(
        "\naudit:\n  type: type1\n", f"\naudit:\n  type: type2\n  period: {{start: {start}, end: {end}}}\n", 1
    )
    config.write_text(text, encoding="utf-8")
    for day in range((end - start).days + 1):
        if day in OUTAGE:
            continue
        moment = datetime.combine(start + timedelta(days=day), time(5, 17), UTC)
        info = replace(base.scan, id=f"{moment:%Y%m%dT%H%M%SZ}-period{day:02d}", started_at=moment, finished_at=moment)
        ws.save_scan(ScanResult(info, _history(base, day, picks)), (), None)
    deviation = picks[1]
    response = DeviationResponse(
        id="DEV-001",
        check_id=deviation.check_id,
        resource_id=deviation.resource_id,
        first_failed=start + timedelta(days=DEVIATION[0]),
        cause="The fix needed a maintenance window the customer agreed to only late in the quarter",
        remediation=f"Fixed on {start + timedelta(days=DEVIATION[1])} in change CHG-42",
        compensating_control="GuardDuty alerts on the resource were routed to the on-call engineer",
        responded_by=founder,
        responded_at=datetime.combine(end, time(9), UTC),
    )
    ws.registers.exceptions.update(
        lambda current: (current.model_copy(update={"deviations": (*current.deviations, response)}), None)
    )
    q4 = start + timedelta(days=70)  # the later quarter's review happened; the first quarter's did not
    ws.registers.access_reviews.update(
        lambda current: (
            AccessReviewsFile(
                access_reviews=(
                    *current.access_reviews,
                    AccessReviewRecord(date=q4, reviewer=founder, systems="AWS IAM, GitHub, Okta", outcome="no change"),
                )
            ),
            None,
        )
    )
    ws.registers.people.update(lambda current: (_with_hires(current, start), None))
    ws.refresh()
    reconstruct_outage(ws, founder, base, start + timedelta(days=OUTAGE[0]))
    return start, end


HIRES = ("erin.analyst@acme.example", "frank.sre@acme.example")


def _with_hires(people: PeopleFile, start: date) -> PeopleFile:
    """Two hires of the period: one onboarded by the book, one given production access before any background
    check was recorded (the exception the hires population shows)."""
    erin = PersonRecord(
        email=HIRES[0],
        name="Erin Analyst",
        role="Data analyst",
        joined=start + timedelta(days=14),
        background_check=start + timedelta(days=10),
        training_completed=start + timedelta(days=20),
        production_access=False,
    )
    frank = PersonRecord(
        email=HIRES[1],
        name="Frank SRE",
        role="Site reliability engineer",
        joined=start + timedelta(days=40),
        training_completed=start + timedelta(days=45),
    )
    known = {p.email for p in people.people}
    return PeopleFile(people=(*people.people, *(p for p in (erin, frank) if p.email not in known)))


def _fixed(data: dict[str, Any], ws: Workspace) -> dict[str, Any]:
    """A volume's or database's configuration as the team left it the day before the period: what the period's
    scans then show (the demo's starting point has its data-store gaps fixed)."""
    keep = ws.config.parameters.backup_retention_days
    if "VolumeId" in data:
        return {**data, "Encrypted": True}
    return {
        **data,
        "StorageEncrypted": True,
        "PubliclyAccessible": False,
        "DeletionProtection": True,
        "MultiAZ": True,
        "BackupRetentionPeriod": max(int(data.get("BackupRetentionPeriod") or 0), keep),
    }


def reconstruct_outage(ws: Workspace, founder: str, base: ScanResult, day: date) -> None:
    """The first day the runner was down, rebuilt from AWS Config (`tracer history --at`): the demo account's
    volumes and databases as a local Config endpoint records them — as found 60 days before, then as fixed the
    day before the period."""
    import os

    from evidence_tracer.app.history import reconstruct
    from evidence_tracer.fakes.aws_config import FakeConfig, FakeItem, config_api, config_shape
    from evidence_tracer.fakes.server import serve
    from evidence_tracer.inventory.aws_config import CONFIG_TYPES
    from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, demo_environment
    from evidence_tracer.sources.aws.session import AwsContext

    inventory = ws.inventory_of(base.scan.id)
    assert inventory is not None, "the demo's own scan keeps its inventory"
    recorded = datetime.combine(day, time(), UTC) - timedelta(days=60)
    fixed_on = datetime.combine(period_of(base.scan.finished_at.date())[0], time(), UTC) - timedelta(days=1)
    fake = FakeConfig(account=DEMO_ACCOUNT)
    for part in inventory.of("aws"):
        for region in part.regions:
            fake.recorders[region] = {"allSupported": True}
            for kind in CONFIG_TYPES.values():
                for r in part.get(kind.spec, region).value or ():
                    rid = r.id.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
                    for moment, data in ((recorded, dict(r.data)), (fixed_on, _fixed(dict(r.data), ws))):
                        fake.items.setdefault(region, []).append(
                            FakeItem(kind.resource_type, rid, moment, config_shape(data), arn=r.id)
                        )
    with demo_environment(), serve(config_api(fake)) as api:
        os.environ["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = api.base_url
        context = AwsContext(region="us-east-1", simulated="moto, in process (demo)")
        reconstruct(ws, tuple(CONFIG_TYPES), day, founder, datetime.now(UTC), aws_context=context)
