"""Deviations: a failure open longer than its remediation window (tracer.yaml parameters.remediation_days, by
severity) is a deviation of every control whose check it is — unless an accepted exception covered it from the
day the window ran out to the day it ended. Each needs management's response (governance/responses.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from evidence_tracer.catalog.controls import controls
from evidence_tracer.config import RemediationDays
from evidence_tracer.governance.registers import ExceptionRecord
from evidence_tracer.governance.responses import DeviationResponse
from evidence_tracer.period.timeline import Episode


@dataclass(frozen=True)
class Deviation:
    episode: Episode
    window_days: int
    due: datetime  # when the window ran out
    controls: tuple[str, ...]
    response: DeviationResponse | None

    @property
    def answered(self) -> bool:
        return self.response is not None

    def respond_command(self) -> str:
        e = self.episode
        return (
            f"tracer exceptions respond {e.check_id}:{e.resource_id} --first-failed {e.first_failed:%Y-%m-%d} "
            "--cause TEXT --remediation TEXT --compensating-control TEXT --by MANAGEMENT_EMAIL"
        )


def _covered(e: Episode, due: datetime, until: datetime, exceptions: Sequence[ExceptionRecord]) -> bool:
    return any(
        (x.check_id, x.resource_id) == (e.check_id, e.resource_id)
        and x.approved_at <= due
        and x.expires >= (e.resolved or until).date()
        for x in exceptions
    )


def deviations(
    episodes: Sequence[Episode],
    windows: RemediationDays,
    until: datetime,
    exceptions: Sequence[ExceptionRecord] = (),
    responses: Sequence[DeviationResponse] = (),
) -> tuple[Deviation, ...]:
    """The episodes that outlived their window by `until` (the period's end, or now), with their responses."""
    library = controls()
    out = []
    for e in episodes:
        window = windows.of(e.severity.value)
        due = e.first_failed + timedelta(days=window)
        if (e.resolved or until) <= due or _covered(e, due, until, exceptions):
            continue
        mine = tuple(c.id for c in library.values() if e.check_id in c.checks)
        found = next((r for r in responses if r.answers(e.check_id, e.resource_id, e.first_failed.date())), None)
        out.append(Deviation(e, window, due, mine, found))
    return tuple(out)
