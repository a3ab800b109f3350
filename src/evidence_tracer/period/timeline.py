"""The timeline of every check and resource over a series of scans: each stretch of failing (an episode) with
when it was first seen, when it was resolved and how many scans it lasted; and the gaps in collection itself —
days of the period with no scan, and scans whose checks could not look — shown as such, never as passes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from evidence_tracer.config import REGION
from evidence_tracer.models import Finding, ScanResult, Severity, Status
from evidence_tracer.period.drift import FindingKey, key_of


@dataclass(frozen=True)
class Episode:
    """One stretch during which a check failed for a resource."""

    key: FindingKey
    severity: Severity
    message: str
    first_failed: datetime  # the finish of the first scan that saw it failing
    first_scan: str
    resolved: datetime | None  # the finish of the first later scan that saw it pass (or no longer saw it)
    resolved_scan: str | None
    scans_failing: int

    @property
    def check_id(self) -> str:
        return self.key[0]

    @property
    def resource_id(self) -> str:
        return self.key[3]

    def days_open(self, until: datetime) -> float:
        """Days from first seen to resolved (or to `until` while still open)."""
        return ((self.resolved or until) - self.first_failed).total_seconds() / 86400


@dataclass(frozen=True)
class CollectionGap:
    """A stretch of the period with no scan, or a scan whose checks could not look."""

    start: date
    end: date
    what: str


@dataclass
class _Open:
    finding: Finding
    first: datetime
    scan: str
    count: int = 1

    def closed(self, key: FindingKey, resolved: datetime | None, scan: str | None) -> Episode:
        f = self.finding
        return Episode(key, f.severity, f.message, self.first, self.scan, resolved, scan, self.count)


def episodes(scans: Sequence[ScanResult]) -> tuple[Episode, ...]:
    """Every failing stretch across `scans` (oldest first). A scan in which the check could not look for the
    resource, or that did not look where it lives, neither ends nor extends an episode."""
    open_: dict[FindingKey, _Open] = {}
    done: list[Episode] = []
    for result in sorted(scans, key=lambda s: s.scan.finished_at):
        statuses = {key_of(f): f for f in result.findings}
        when, sid = result.scan.finished_at, result.scan.id
        for key, f in statuses.items():
            if f.status is Status.FAIL:
                if key in open_:
                    open_[key].count += 1
                else:
                    open_[key] = _Open(f, when, sid)
        for key in list(open_):
            now = statuses.get(key)
            gone = now is None and _covered(result, key)  # no longer seen where the scan looked
            if gone or (now is not None and now.status in (Status.PASS, Status.NOT_APPLICABLE)):
                done.append(open_.pop(key).closed(key, when, sid))
    done += [o.closed(key, None, None) for key, o in open_.items()]
    return tuple(sorted(done, key=lambda e: (e.first_failed, e.key)))


def _covered(result: ScanResult, key: FindingKey) -> bool:
    """Whether the scan looked where the finding lives: an AWS account and region it read (a scan of fewer
    regions does not resolve what it did not look at)."""
    _, account, location, _ = key
    accounts = result.scan.accounts or (result.scan.account_id,)
    if account.isdigit() and len(account) == 12 and account not in accounts:
        return False
    return not (REGION.match(location) and location not in result.scan.regions)


def collection_gaps(
    scans: Sequence[ScanResult], start: date, end: date, allowed_days: int = 0
) -> tuple[CollectionGap, ...]:
    """Each run of more than `allowed_days` days of [start, end] with no scan (0: every day needs one), and each
    scan of the period whose checks could not look (how many), so that a quiet timeline is never read as a clean
    one."""
    scanned = {s.scan.finished_at.date() for s in scans}
    out: list[CollectionGap] = []
    run: date | None = None
    day = start
    while day <= end + timedelta(days=1):
        if day <= end and day not in scanned:
            run = run or day
        elif run is not None:
            length = (day - run).days
            if length > allowed_days:
                out.append(CollectionGap(run, day - timedelta(days=1), f"no scan for {length} day(s)"))
            run = None
        day += timedelta(days=1)
    stretch: list[ScanResult] = []  # consecutive scans whose checks could not all look

    def close() -> None:
        if stretch:
            first, last = stretch[0], stretch[-1]
            most = max(x.count(Status.ERROR) for x in stretch)
            what = (
                f"scan {first.scan.id}: {most} check(s) could not look"
                if len(stretch) == 1
                else f"{len(stretch)} scans ({first.scan.id} to {last.scan.id}): up to {most} check(s) could not look"
            )
            out.append(CollectionGap(first.scan.finished_at.date(), last.scan.finished_at.date(), what))
            stretch.clear()

    for s in sorted(scans, key=lambda s: s.scan.finished_at):
        if not start <= s.scan.finished_at.date() <= end:
            continue
        if s.count(Status.ERROR):
            stretch.append(s)
        else:
            close()
    close()
    return tuple(sorted(out, key=lambda g: (g.start, g.what)))
