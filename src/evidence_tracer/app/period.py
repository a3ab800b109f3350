"""The observation-period use cases: drift between stored scans, and the scans of a period read back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from evidence_tracer.app.history import reconstructions
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import ConfigError, EvidenceError
from evidence_tracer.evidence.items import end_of_day, seen_by
from evidence_tracer.models import ScanResult
from evidence_tracer.period.drift import Drift, drift
from evidence_tracer.period.timeline import Episode, episodes
from evidence_tracer.period.view import PeriodView, period_view


def baseline(ws: Workspace, latest: ScanResult, since: str | None) -> ScanResult | None:
    """The scan to compare `latest` with: the one before it, the scan `since` names (an id or a prefix), or the
    latest one finished by the end of the day `since` names (YYYY-MM-DD)."""
    scans = [s for s in ws.store.scans() if s.id != latest.scan.id and s.finished_at <= latest.scan.finished_at]
    if since is None:
        return ws.scan(scans[-1].id) if scans else None
    try:
        day = date.fromisoformat(since)
    except ValueError:
        return ws.store.load_scan(since)
    by_then = [s for s in scans if s.finished_at <= end_of_day(day)]
    if not by_then:
        raise EvidenceError(
            f"no scan finished by {day}: the first is {scans[0].finished_at:%Y-%m-%d}"
            if scans
            else "only one scan is stored"
        )
    return ws.scan(by_then[-1].id)


def workspace_drift(ws: Workspace, since: str | None, now: datetime) -> Drift | None:
    """Drift of the latest scan against its baseline; None when there is nothing to compare with."""
    latest = ws.latest_scan(now)
    if latest is None:
        raise EvidenceError("no scan stored yet: run tracer scan")
    earlier = baseline(ws, latest, since)
    return drift(earlier, latest) if earlier is not None else None


def drift_message(d: Drift, company: str) -> dict[str, Any]:
    """A Slack-compatible incoming-webhook message naming the new critical and high gaps."""
    lines = [f"*{company}*: scan {d.until} — {d.summary}"]
    lines += [f"• [{f.severity.value}] {f.check_id} {f.resource_id} ({f.location}): {f.message}" for f in d.serious()]
    return {"text": "\n".join(lines)}


def drift_json(d: Drift) -> dict[str, Any]:
    def flips(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [
            {
                "check_id": f.check_id,
                "account": f.account,
                "location": f.location,
                "resource_id": f.resource_id,
                "severity": f.severity.value,
                "before": f.before.value if f.before else None,
                "after": f.after.value if f.after else None,
                "message": f.message,
            }
            for f in items
        ]

    return {
        "since": d.since,
        "until": d.until,
        "new_gaps": flips(d.new_gaps),
        "resolved": flips(d.resolved),
        "unverified": flips(d.unverified),
    }


def period_scans(ws: Workspace, start: date | None, end: datetime) -> list[ScanResult]:
    """Every stored scan finished in [start, end], read once each, oldest first."""
    return [ws.scan(info.id) for info in ws.store.scans(as_of=end) if start is None or info.finished_at.date() >= start]


def find_episode(ws: Workspace, check_id: str, resource_id: str, first_failed: date, now: datetime) -> Episode:
    """The failing stretch of a check and resource that began on `first_failed`, from the stored scans."""
    for e in episodes(period_scans(ws, None, now)):
        if (e.check_id, e.resource_id, e.first_failed.date()) == (check_id, resource_id, first_failed):
            return e
    raise EvidenceError(
        f"no stored scan shows {check_id} failing for {resource_id} from {first_failed} (tracer period lists them)"
    )


def period_bounds(ws: Workspace, start: date | None, end: date | None) -> tuple[date, date]:
    """The period to show: --from/--to, else tracer.yaml's audit.period."""
    configured = ws.config.audit.period
    first = start or (configured.start if configured else None)
    last = end or (configured.end if configured else None)
    if first is None or last is None:
        raise ConfigError(
            "no period: set audit.type: type2 and audit.period: {start: DATE, end: DATE} in tracer.yaml, "
            "or pass --from and --to"
        )
    if last < first:
        raise ConfigError(f"--to {last} is before --from {first}")
    return first, last


def workspace_period(ws: Workspace, start: date, end: date, now: datetime) -> PeriodView:
    """The period [start, end] as the store and the registers hold it by `now` (or by its end, if earlier)."""
    moment = seen_by(end, now)
    return period_view(
        ws.config,
        start,
        end,
        now,
        period_scans(ws, start, moment),
        ws.manual_evidence(moment),
        ws.registers_at(moment),
        ws.exceptions_file_at(moment),
        tuple(r.summary() for r in reconstructions(ws, start, end, now)),  # rebuilt after the fact, about its days
    )
