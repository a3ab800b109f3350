"""Populations the sources showed, read from the stored scans' inventories and the filed change populations:
leavers across the identity provider, GitHub and AWS (when each account was last seen active and first seen
gone, against the last day and the register's own removal date), GuardDuty findings with the days they stayed
open against `parameters.remediation_days`, AWS Backup jobs beside the register's restore tests, and the
changes `tracer changes` collected. A scan shows a state at its time, so a removal is bracketed between the
last scan that saw the account active and the first that did not: the population says both."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from evidence_tracer.clock import moment_of
from evidence_tracer.governance.reconcile import AccessRow, accounts
from evidence_tracer.governance.registers import ExerciseKind, PersonRecord
from evidence_tracer.inventory.aws import DETECTORS
from evidence_tracer.inventory.aws_resources import BACKUP_JOBS, IAM_REMOVAL_EVENTS, IAM_REMOVALS, SECURITY_HUB_FINDINGS
from evidence_tracer.inventory.base import NOT_COLLECTED, SourcePart
from evidence_tracer.period.population import Found, Observation, PopulationInputs, inside

_FAILED_JOB = frozenset({"FAILED", "ABORTED", "EXPIRED", "PARTIAL"})


def _read(observed: Iterable[Observation]) -> tuple[str, ...]:
    return tuple(f"scan {o.scan_id} ({o.at:%Y-%m-%d %H:%M} UTC)" for o in observed)


def _active_by_system(rows: Iterable[AccessRow]) -> dict[str, dict[str, bool]]:
    """Per system the scan could read: person email -> whether an account of theirs was active."""
    out: dict[str, dict[str, bool]] = {}
    for r in rows:
        seen = out.setdefault(r.system, {})
        if r.person is not None:
            seen[r.person] = seen.get(r.person, False) or r.active
    return out


@dataclass(frozen=True)
class Removal:
    """An IAM removal CloudTrail recorded: what was taken from which user, when and by whom."""

    event: str
    user: str
    at: datetime
    by: str


def _removals(observed: Iterable[Observation]) -> list[Removal]:
    """Every IAM removal event the stored scans read from CloudTrail's event history (each once)."""
    found: dict[str, Removal] = {}
    for o in observed:
        for part in o.inventory.of("aws"):
            for spec in IAM_REMOVALS:
                for event in part.get(spec).value or ():
                    data = event.data
                    try:
                        detail = json.loads(str(data.get("CloudTrailEvent") or "{}"))
                    except ValueError:
                        detail = {}
                    user = str((detail.get("requestParameters") or {}).get("userName") or "")
                    if not user:
                        user = next((str(r.get("ResourceName")) for r in data.get("Resources") or ()
                                     if r.get("ResourceType") == "AWS::IAM::User"), "")  # fmt: skip
                    if (detail.get("requestParameters") or {}).get("status") not in (None, "Inactive"):
                        continue  # an UpdateAccessKey that turned a key back on
                    when = moment_of(data.get("EventTime"))
                    if user and when is not None:
                        found[event.id] = Removal(
                            str(data.get("EventName", "")), user, when, str(data.get("Username", ""))
                        )
    return sorted(found.values(), key=lambda r: r.at)


def _iam_users(rows: Iterable[AccessRow], into: dict[str, set[str]]) -> None:
    """Add to `into` (person email -> IAM user names) the IAM users a scan matched to people."""
    for r in rows:
        if r.system == "aws-iam" and r.person:
            into.setdefault(r.person, set()).add(r.identity)


def _system_status(
    p: PersonRecord, system: str, states: list[tuple[Observation, dict[str, dict[str, bool]]]]
) -> tuple[str, datetime | None, list[str]]:
    """One leaver's account in one system: (what the scans show, the last moment seen active, problems)."""
    assert p.left is not None
    read = [(o, by[system]) for o, by in states if system in by]
    active = [o.at for o, seen in read if seen.get(p.email)]
    if not active:
        return "no active account seen", None, []
    last = max(active)
    gone = [o.at for o, seen in read if o.at > last and not seen.get(p.email)]
    problems = []
    late = (last.date() - p.left).days
    if late > 0:
        problems.append(f"{p.email}: {system} account seen active {late} day(s) after the last day ({last:%Y-%m-%d})")
    if p.access_removed is not None and last.date() > p.access_removed:
        problems.append(
            f"{p.email}: the register says access was removed on {p.access_removed}, but {system} showed the "
            f"account active on {last:%Y-%m-%d}"
        )
    if not gone:
        return f"still active at the last scan ({last:%Y-%m-%d})", last, problems
    return f"gone by {min(gone):%Y-%m-%d} (last seen active {last:%Y-%m-%d})", last, problems


def terminations(i: PopulationInputs, start: date, end: date) -> Found:
    people = i.registers.people.people
    leavers = sorted((p for p in people if inside(p.left, start, end)), key=lambda p: (p.left, p.email))
    # Each scan's accounts reconciled with the register once: who was active where, and their IAM user names.
    states: list[tuple[Observation, dict[str, dict[str, bool]]]] = []
    users: dict[str, set[str]] = {}
    for o in i.observed:
        access, _ = accounts(o.inventory, people)
        states.append((o, _active_by_system(access)))
        _iam_users(access, users)
    systems = sorted({s for _, by in states for s in by})
    removals = _removals(i.observed)
    rows, problems = [], []
    for p in leavers:
        assert p.left is not None
        recorded = (p.access_removed - p.left).days if p.access_removed else None
        if recorded is None:
            problems.append(f"{p.email}: access removal not recorded in the register")
        elif not p.removed_in_time():
            problems.append(f"{p.email}: the register records removal {recorded} days after leaving")
        seen, lasts = [], []
        for r in (r for r in removals if r.user in users.get(p.email, set())):
            late = (r.at.date() - p.left).days
            seen.append(f"aws-iam: {r.event} of {r.user} at {r.at:%Y-%m-%d %H:%M} UTC by {r.by or '?'} (CloudTrail)")
            if late > 0:
                problems.append(f"{p.email}: CloudTrail shows {r.event} of {r.user} {late} day(s) after the last day")
        for system in systems:
            status, last, found = _system_status(p, system, states)
            seen.append(f"{system}: {status}")
            problems += found
            if last is not None:
                lasts.append((last.date() - p.left).days)
        rows.append(
            {
                "id": p.email,
                "left": p.left,
                "access_removed": p.access_removed,
                "days_late": recorded,
                "observed_days_late": max([0, *lasts]) if lasts else None,
                "systems": "; ".join(seen) or "no scan read an account list",
            }
        )
    reconciliation = [f"{len(rows)} leavers of the {len(people)} people in the register"]
    reconciliation.append(
        f"{len(removals)} IAM removal event(s) in CloudTrail's event history ({', '.join(IAM_REMOVAL_EVENTS)})"
    )
    reconciliation.append(
        f"account state read from {len(states)} stored scan(s) covering {', '.join(systems)}"
        if states
        else "no stored scan of the period kept an inventory: the register's dates alone"
    )
    if rows and not states:
        problems.append("no scan corroborates the removals: the register's dates are the only record")
    return Found(tuple(rows), tuple(reconciliation), tuple(problems), _read(i.observed))


def _severity(score: float) -> str:
    return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low"


Open = tuple[str, str, datetime | None]  # type, severity, first seen


def _open_findings(part: SourcePart, region: str) -> tuple[dict[str, Open], bool, list[str]]:
    """The open high and critical findings of one account and region (GuardDuty and Security Hub), whether
    both could be read, and what could not."""
    found: dict[str, Open] = {}
    unread = []
    detectors = part.get(DETECTORS, region)
    if detectors.failure is not None:
        unread.append(f"GuardDuty not read in {part.account} {region}")
    for d in detectors.value or ():
        if d.open_findings.value is None:
            unread.append(f"GuardDuty findings not read in {part.account} {region}")
            continue
        for f in d.open_findings.value:
            found[f.finding_id] = (f.type, _severity(f.severity), f.created_at)
    hub = part.get(SECURITY_HUB_FINDINGS, region)
    if hub.failure is not None and hub.failure.code != NOT_COLLECTED:
        unread.append(f"Security Hub findings not read in {part.account} {region}")
    for item in hub.value or ():
        data = item.data
        label = str((data.get("Severity") or {}).get("Label", "HIGH")).lower()
        kind = str((data.get("Types") or [data.get("Title", "")])[0])
        found[item.id] = (kind, label, moment_of(data.get("FirstObservedAt") or data.get("CreatedAt")))
    return found, not unread, unread


def vulnerabilities(i: PopulationInputs, start: date, end: date) -> Found:
    first: dict[str, tuple[Observation, Open, str, str]] = {}
    last_open: dict[str, datetime] = {}
    unread: list[str] = []
    by_scan: list[tuple[Observation, set[str], set[tuple[str, str]]]] = []
    for o in i.observed:
        open_ids, readable = set(), set()
        for part in o.inventory.of("aws"):
            for region in part.regions:
                found, complete, missing = _open_findings(part, region)
                unread += [f"scan {o.scan_id}: {m}" for m in missing]
                if complete:
                    readable.add((part.account, region))
                for fid, finding in found.items():
                    open_ids.add(fid)
                    first.setdefault(fid, (o, finding, part.account, region))
                    last_open[fid] = o.at
        by_scan.append((o, open_ids, readable))
    rows, problems = [], []
    for fid, (o, (kind, severity, created), account, region) in sorted(
        first.items(), key=lambda kv: (kv[1][0].at, kv[0])
    ):
        seen = created or o.at
        gone = (
            s.at
            for s, ids, readable in by_scan
            if s.at > last_open[fid] and (account, region) in readable and fid not in ids
        )
        resolved = next(gone, None)
        if not (seen.date() <= end and (resolved is None or resolved.date() >= start)):
            continue
        window = int(i.windows.get(severity, 30))
        until = resolved or max(s.at for s, _, _ in by_scan)
        days = (until - seen).days
        rows.append(
            {
                "id": fid,
                "type": kind,
                "severity": severity,
                "account": account,
                "region": region,
                "first_seen": seen,
                "resolved": resolved,
                "days_open": days,
                "window_days": window,
            }
        )
        if days > window:
            state = f"resolved after {days} days" if resolved else f"open {days} days and not resolved"
            problems.append(f"{fid} ({severity}, {kind}): {state}; the window is {window} days")
    return Found(
        tuple(rows),
        (
            f"{len(rows)} high or critical findings open during the period, from {len(by_scan)} stored scan(s): "
            "GuardDuty (ListFindings, severity >= 7, not archived) and Security Hub (GetFindings, HIGH or "
            "CRITICAL, active, not resolved) in each",
        ),
        tuple(problems + unread),
        _read(i.observed),
    )


def backups(i: PopulationInputs, start: date, end: date) -> Found:
    jobs: dict[str, tuple[str, str, Mapping[str, Any]]] = {}
    unread = []
    for o in i.observed:
        for part in o.inventory.of("aws"):
            for region in part.regions:
                listed = part.get(BACKUP_JOBS, region)
                if listed.failure is not None:
                    unread.append(f"scan {o.scan_id} {part.account} {region}: {listed.failure.describe()}")
                for job in listed.value or ():
                    jobs[job.id] = (part.account, region, job.data)
    rows: list[dict[str, Any]] = []
    problems = []
    for jid, (account, region, data) in sorted(jobs.items(), key=lambda kv: str(kv[1][2].get("CreationDate"))):
        created = moment_of(data.get("CreationDate"))
        if created is None or not inside(created.date(), start, end):
            continue
        state = str(data.get("State", ""))
        rows.append(
            {
                "id": jid,
                "kind": "backup job",
                "account": account,
                "region": region,
                "resource": data.get("ResourceArn"),
                "date": created.date(),
                "state": state,
            }
        )
        if state in _FAILED_JOB:
            problems.append(f"backup job {jid} of {data.get('ResourceArn')} ended {state} on {created:%Y-%m-%d}")
    tests = [e for e in i.registers.exercises.exercises if e.kind is ExerciseKind.BCDR and inside(e.date, start, end)]
    rows += [
        {"id": f"restore-test:{e.date}", "kind": "restore test", "account": "", "region": "", "resource": e.scenario,
         "date": e.date, "state": "recorded"}
        for e in tests
    ]  # fmt: skip
    if not tests:
        problems.append("no restore test (a bcdr exercise) is recorded in the period")
    days = sorted({r["date"] for r in rows if r["kind"] == "backup job"})
    marks = [start - timedelta(days=1), *days, end + timedelta(days=1)]
    longest = max((b - a).days - 1 for a, b in itertools.pairwise(marks))
    return Found(
        tuple(rows),
        (
            f"{len(rows) - len(tests)} AWS Backup jobs (ListBackupJobs in each stored scan) and {len(tests)} restore "
            f"test(s) from registers/exercises.yaml; the longest stretch without a backup job is {longest} days",
        ),
        tuple(problems + unread),
        _read(i.observed),
    )


def changes(i: PopulationInputs, start: date, end: date) -> Found:
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    covered: list[tuple[date, date]] = []
    read, problems = [], []
    for doc in i.changes:
        period = doc.get("period") or {}
        first, last = moment_of(period.get("from")), moment_of(period.get("to"))
        if first is None or last is None:
            continue
        covered.append((first.date(), last.date()))
        read.append(f"evidence {doc.get('evidence_id', '?')} (tracer changes {first:%Y-%m-%d}..{last:%Y-%m-%d})")
        problems += [f"the collection {first:%Y-%m-%d}..{last:%Y-%m-%d} failed: {f}" for f in doc.get("failures", ())]
        for c in doc.get("changes", ()):
            merged = moment_of(c.get("merged_at"))
            if merged is not None and inside(merged.date(), start, end):
                found[(str(c.get("repository")), str(c.get("reference")))] = c
    day, holes = start, []
    for since, until in sorted(covered):
        if since > day:
            holes.append((day, since - timedelta(days=1)))
        day = max(day, until + timedelta(days=1))
    if day <= end:
        holes.append((day, end))
    problems += [f"no change population covers {a}..{b}: tracer changes --from {a} --to {b}" for a, b in holes]
    rows = tuple(
        {
            "id": f"{c.get('repository')}{ref}"
            if str(ref).startswith("#")
            else f"{c.get('repository')}@{str(ref)[:12]}",
            "repository": c.get("repository"),
            "kind": c.get("kind"),
            "author": c.get("author"),
            "approvers": ", ".join(c.get("approvers", ())),
            "ci": c.get("ci"),
            "merged_at": c.get("merged_at"),
            "concerns": "; ".join(c.get("concerns", ())),
        }
        for (_, ref), c in sorted(found.items(), key=lambda kv: str(kv[1].get("merged_at")))
    )
    problems += [f"{r['id']}: {r['concerns']}" for r in rows if r["concerns"]]
    return Found(
        rows,
        (
            f"{len(rows)} changes merged or pushed to a default branch in the period, from {len(read)} change "
            "population(s) filed by tracer changes (pull requests listed against the search API's total, and "
            "every commit of the default branch checked for one)",
        ),
        tuple(problems),
        tuple(read),
    )
