"""The populations the sources showed, on tables of cases: leavers across Okta, GitHub and AWS IAM as the stored
scans saw them (removed in time, removed late, still active, the register contradicted), GuardDuty findings
against their window, AWS Backup jobs beside the restore tests, and changes with their collection's coverage."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from evidence_tracer.governance.registers import (
    ExerciseKind,
    ExerciseRecord,
    ExercisesFile,
    PeopleFile,
    PoliciesFile,
)
from evidence_tracer.inventory import Failure, Inventory, Observed, Resource, SourcePart
from evidence_tracer.inventory.aws import DETECTORS, Detector, ThreatFinding
from evidence_tracer.inventory.aws_resources import BACKUP_JOBS, SECURITY_HUB_FINDINGS
from evidence_tracer.period.population import Observation
from evidence_tracer.period.populations import POPULATIONS, PopulationInputs
from tests.governance.test_overdue import healthy
from tests.governance.test_reconcile import iam, inventory, okta_user, person

START, END = date(2026, 4, 1), date(2026, 6, 30)
LEFT = date(2026, 5, 15)
WINDOWS = {"critical": 7, "high": 30, "medium": 90, "low": 180}


def at(day: date) -> datetime:
    return datetime.combine(day, time(5), UTC)


def seen(day: date, inv: Inventory) -> Observation:
    return Observation(f"scan-{day}", at(day), inv)


def inputs(
    observed: tuple[Observation, ...] = (), *, people: PeopleFile | None = None, **more: Any
) -> PopulationInputs:
    registers = replace(healthy(), people=people or PeopleFile(people=(person("carol@acme.io", LEFT, "carol-dev"),)))
    return PopulationInputs(replace(registers, **more), PoliciesFile(), observed, windows=WINDOWS)


def run(name: str, i: PopulationInputs) -> Any:
    return POPULATIONS[name].run(i, START, END)


BEFORE = inventory(iam_users=(iam("carol"),), github=("carol-dev",), okta=(okta_user("carol@acme.io"),))
GONE = inventory(iam_users=(), github=(), okta=(okta_user("carol@acme.io", "DEPROVISIONED"),))
OKTA_LEFT_ON = inventory(iam_users=(), github=(), okta=(okta_user("carol@acme.io"),))


@pytest.mark.parametrize(
    ("observed", "late", "exceptions"),
    [
        # complete: every account active the day before, gone the day after
        ((seen(LEFT - timedelta(days=1), BEFORE), seen(LEFT + timedelta(days=1), GONE)), 0, ()),
        # incomplete: Okta still active at the last scan, 10 days on; the register says removed on the last day
        (
            (seen(LEFT - timedelta(days=1), BEFORE), seen(LEFT + timedelta(days=10), OKTA_LEFT_ON)),
            10,
            (
                "carol@acme.io: okta account seen active 10 day(s) after the last day (2026-05-25)",
                "carol@acme.io: the register says access was removed on 2026-05-15, but okta showed the account "
                "active on 2026-05-25",
            ),
        ),
        # late but gone: GitHub removed only after a week
        (
            (
                seen(LEFT - timedelta(days=1), BEFORE),
                seen(LEFT + timedelta(days=7), inventory(github=("carol-dev",))),
                seen(LEFT + timedelta(days=8), GONE),
            ),
            7,
            (
                "carol@acme.io: github account seen active 7 day(s) after the last day (2026-05-22)",
                "carol@acme.io: the register says access was removed on 2026-05-15, but github showed the account "
                "active on 2026-05-22",
            ),
        ),
        # reconciliation mismatch: no scan saw anything, the register is uncorroborated
        ((), None, ("no scan corroborates the removals: the register's dates are the only record",)),
    ],
)
def test_terminations_across_systems(
    observed: tuple[Observation, ...], late: int | None, exceptions: tuple[str, ...]
) -> None:
    p = run("terminations", inputs(observed))
    (row,) = p.rows
    assert row["observed_days_late"] == late and p.exceptions == exceptions
    assert len(p.read) == len(observed) and p.reconciliation[0] == "1 leavers of the 1 people in the register"
    if observed:
        assert "gone by" in row["systems"] or "still active" in row["systems"]


def test_terminations_keep_the_registers_own_checks() -> None:
    late = person("late@acme.io", LEFT)
    late = late.model_copy(update={"access_removed": LEFT + timedelta(days=6)})
    unrecorded = person("open@acme.io", LEFT).model_copy(update={"access_removed": None})
    p = run("terminations", inputs((seen(END, GONE),), people=PeopleFile(people=(late, unrecorded))))
    assert p.exceptions == (
        "late@acme.io: the register records removal 6 days after leaving",
        "open@acme.io: access removal not recorded in the register",
    )


def finding(fid: str, severity: float, created: date) -> ThreatFinding:
    return ThreatFinding(fid, "Recon:EC2/PortProbeUnprotectedPort", severity, "probe", at(created), at(created))


def guardduty(*findings: ThreatFinding, readable: bool = True) -> Inventory:
    open_findings = (
        Observed.ok(findings)
        if readable
        else Observed.failed(Failure("guardduty", "ListFindings", "us-east-1", "AccessDenied", "no"))
    )
    part = SourcePart(
        "aws",
        "111122223333",
        ("us-east-1",),
        data={DETECTORS.slot("us-east-1"): Observed.ok((Detector("d", "ENABLED", open_findings),))},
    )
    return Inventory((part,))


def hub(*findings: tuple[str, str, date]) -> Inventory:
    items = tuple(
        Resource(fid, {"Id": fid, "Severity": {"Label": label}, "FirstObservedAt": at(day).isoformat(),
                       "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"]})
        for fid, label, day in findings
    )  # fmt: skip
    part = guardduty().parts[0]
    data = {**part.data, SECURITY_HUB_FINDINGS.slot("us-east-1"): Observed.ok(items)}
    return Inventory((replace(part, data=data),))


@pytest.mark.parametrize(
    ("observed", "rows", "exceptions"),
    [
        # a high finding resolved in 10 days: within its 30-day window
        (
            (
                seen(date(2026, 4, 5), guardduty(finding("f1", 7.5, date(2026, 4, 5)))),
                seen(date(2026, 4, 15), guardduty()),
            ),
            1,
            (),
        ),
        # a critical finding open 12 days: beyond its 7
        (
            (
                seen(date(2026, 4, 5), guardduty(finding("f2", 9.1, date(2026, 4, 5)))),
                seen(date(2026, 4, 17), guardduty()),
            ),
            1,
            ("f2 (critical, Recon:EC2/PortProbeUnprotectedPort): resolved after 12 days; the window is 7 days",),
        ),
        # an unreadable scan never reads as resolved
        (
            (
                seen(date(2026, 6, 1), guardduty(finding("f3", 8.0, date(2026, 5, 1)))),
                seen(date(2026, 6, 2), guardduty(readable=False)),
            ),
            1,
            (
                "f3 (high, Recon:EC2/PortProbeUnprotectedPort): open 32 days and not resolved; the window is 30 days",
                "scan scan-2026-06-02: GuardDuty findings not read in 111122223333 us-east-1",
            ),
        ),
        # a Security Hub finding (with GuardDuty clean) resolved after 40 days: a high one's window is 30
        (
            (
                seen(date(2026, 4, 1), hub(("hub-1", "HIGH", date(2026, 3, 25)))),
                seen(date(2026, 5, 4), hub()),
            ),
            1,
            (
                "hub-1 (high, Software and Configuration Checks/Vulnerabilities/CVE): resolved after 40 days; "
                "the window is 30 days",
            ),
        ),
    ],
)
def test_vulnerabilities_against_their_windows(
    observed: tuple[Observation, ...], rows: int, exceptions: tuple[str, ...]
) -> None:
    p = run("vulnerabilities", inputs(observed))
    assert len(p.rows) == rows and p.exceptions == exceptions


def jobs(*states: tuple[str, date, str]) -> Inventory:
    found = tuple(
        Resource(
            jid, {"BackupJobId": jid, "State": state, "CreationDate": at(day).isoformat(), "ResourceArn": "arn:db"}
        )
        for jid, day, state in states
    )
    return Inventory(
        (SourcePart("aws", "111122223333", ("us-east-1",), data={BACKUP_JOBS.slot("us-east-1"): Observed.ok(found)}),)
    )


RESTORE = ExercisesFile(
    exercises=(
        ExerciseRecord(kind=ExerciseKind.BCDR, date=date(2026, 5, 20), facilitator="a@a.io", scenario="restore the db"),
    )
)


@pytest.mark.parametrize(
    ("observed", "exercises", "rows", "exceptions"),
    [
        (
            (
                seen(
                    date(2026, 5, 1),
                    jobs(("j1", date(2026, 4, 30), "COMPLETED"), ("j0", date(2026, 3, 30), "COMPLETED")),
                ),
            ),
            RESTORE,
            2,
            (),
        ),
        (
            (seen(date(2026, 5, 1), jobs(("j2", date(2026, 4, 30), "FAILED"))),),
            RESTORE,
            2,
            ("backup job j2 of arn:db ended FAILED on 2026-04-30",),
        ),
        (
            (seen(date(2026, 5, 1), jobs(("j3", date(2026, 4, 30), "COMPLETED"))),),
            ExercisesFile(),
            1,
            ("no restore test (a bcdr exercise) is recorded in the period",),
        ),
    ],
)
def test_backups_and_restore_tests(
    observed: tuple[Observation, ...], exercises: ExercisesFile, rows: int, exceptions: tuple[str, ...]
) -> None:
    p = run("backups", inputs(observed, exercises=exercises))
    assert len(p.rows) == rows and p.exceptions == exceptions


def change_doc(start: date, end: date, *changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "period": {"from": at(start).isoformat(), "to": at(end).isoformat()},
        "changes": list(changes),
        "failures": [],
        "evidence_id": "e1",
    }


def change(
    ref: str, merged: date, approvers: tuple[str, ...] = ("bob",), concerns: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "repository": "acme/app",
        "kind": "pull request",
        "reference": ref,
        "author": "dave",
        "approvers": list(approvers),
        "ci": "success",
        "merged_at": at(merged).isoformat(),
        "concerns": list(concerns),
    }


@pytest.mark.parametrize(
    ("docs", "rows", "exceptions"),
    [
        ((change_doc(START, END, change("#1", date(2026, 5, 1))),), 1, ()),
        (
            (
                change_doc(
                    START,
                    END,
                    change(
                        "#2", date(2026, 5, 2), (), ("merged without an approval by someone other than its author",)
                    ),
                ),
            ),
            1,
            ("acme/app#2: merged without an approval by someone other than its author",),
        ),
        (
            (change_doc(START, date(2026, 5, 31), change("#3", date(2026, 5, 3))),),
            1,
            ("no change population covers 2026-06-01..2026-06-30: tracer changes --from 2026-06-01 --to 2026-06-30",),
        ),
    ],
)
def test_changes_and_the_coverage_of_their_collection(
    docs: tuple[dict[str, Any], ...], rows: int, exceptions: tuple[str, ...]
) -> None:
    p = POPULATIONS["changes"].run(replace(inputs(), changes=docs), START, END)
    assert (
        len(p.rows) == rows
        and p.exceptions == exceptions
        and p.read == tuple(f"evidence e1 (tracer changes {START}..{d['period']['to'][:10]})" for d in docs)
    )


def test_cloudtrail_dates_an_iam_removal_exactly() -> None:
    from evidence_tracer.inventory.aws_resources import IAM_REMOVALS

    removed = datetime.combine(LEFT + timedelta(days=5), time(16, 30), UTC)
    event = Resource(
        "ev-1",
        {
            "EventId": "ev-1",
            "EventName": "DeleteLoginProfile",
            "EventTime": removed.isoformat(),
            "Username": "alice.admin",
            "CloudTrailEvent": json.dumps({"requestParameters": {"userName": "carol"}}),
        },
    )
    later = GONE.parts[0]
    with_events = replace(later, data={**later.data, IAM_REMOVALS[1].slot(): Observed.ok((event,))})
    observed = (
        seen(LEFT - timedelta(days=1), BEFORE),
        seen(LEFT + timedelta(days=6), Inventory((with_events, *GONE.parts[1:]))),
    )
    p = run("terminations", inputs(observed))
    (row,) = p.rows
    assert (
        "aws-iam: DeleteLoginProfile of carol at " in row["systems"] and "by alice.admin (CloudTrail)" in row["systems"]
    )
    assert "carol@acme.io: CloudTrail shows DeleteLoginProfile of carol 5 day(s) after the last day" in p.exceptions
    assert p.reconciliation[1].startswith("1 IAM removal event(s) in CloudTrail's event history")
