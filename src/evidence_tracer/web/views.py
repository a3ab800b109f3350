"""What each page of the portal shows, as values read through the same use cases as the CLI: the policies a
person owes, a policy's approved text, the founder's dashboard (readiness and its trend, gaps by severity and
owner, this week's plan, who owes acknowledgments or training, drift, the period, the auditor's flags) and the
auditor's control matrix. The templates render them; every foreign string is escaped there."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.registers import PersonRecord, find_person
from evidence_tracer.policies.render import POLICIES_DIR
from evidence_tracer.policies.status import PolicyState, PolicyStatus, version_of

TREND_POINTS = 12  # readiness computed at up to this many stored scans
FLAGS_FILE = "portal/auditor-requests.jsonl"


def active_person(ws: Workspace, email: str, now: datetime) -> PersonRecord | None:
    try:
        person = find_person(ws.registers_at(now).people, email)
    except GovernanceError:
        return None
    return person if person.active_on(now.date()) else None


@dataclass(frozen=True)
class Owed:
    name: str
    title: str
    version: int | None


def owing(statuses: Iterable[PolicyStatus], email: str) -> list[PolicyStatus]:
    """The approved policies (a review overdue included) whose current text this person has not acknowledged."""
    return [
        s for s in statuses if s.state in (PolicyState.APPROVED, PolicyState.OVERDUE) and email not in s.acknowledged_by
    ]


def owed(ws: Workspace, email: str, now: datetime) -> list[Owed]:
    register = ws.policies_at(now)
    return [
        Owed(s.name, s.title, version_of(register, s.name, s.file_sha256 or ""))
        for s in owing(ws.policy_statuses(now), email)
    ]


def policy_text(ws: Workspace, name: str) -> str:
    return (ws.path / POLICIES_DIR / f"{name}.md").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Trend:
    points: tuple[tuple[str, int], ...]  # (day, readiness %)
    width: int = 600
    height: int = 160

    def xy(self) -> list[tuple[float, float, str, int]]:
        """Each point's position in the chart, with its day and value."""
        step = (self.width - 40) / max(len(self.points) - 1, 1)
        return [
            (round(20 + i * step, 1), round(self.height - 20 - (self.height - 40) * p / 100, 1), day, p)
            for i, (day, p) in enumerate(self.points)
        ]

    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _, _ in self.xy())


def trend(ws: Workspace, now: datetime) -> Trend:
    scans = ws.store.scans(as_of=now)
    if not scans:
        return Trend(())
    picks = scans[:: max(len(scans) // TREND_POINTS, 1)][-TREND_POINTS:]
    if picks[-1].id != scans[-1].id:
        picks = [*picks[1:], scans[-1]]
    return Trend(tuple((f"{s.finished_at:%Y-%m-%d}", ws.readiness(s.finished_at).percent) for s in picks))


@dataclass(frozen=True)
class Dashboard:
    percent: int
    headline: str
    trend: Trend
    by_severity: dict[str, int]
    by_owner: dict[str, int]
    plan: tuple[str, ...]
    owes: dict[str, list[str]]  # person -> policies they have not acknowledged
    training: list[str]  # people whose training is missing or over a year old
    drift: str
    period: str
    flags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reminders(self) -> str:
        return ", ".join(sorted(set(self.owes) | set(self.training)))


def dashboard(ws: Workspace, now: datetime) -> Dashboard:
    from evidence_tracer.app.period import workspace_drift, workspace_period
    from evidence_tracer.errors import TracerError

    r = ws.readiness(now)
    severity: dict[str, int] = {}
    owners: dict[str, int] = {}
    for g in r.gaps:
        severity[g.severity.value] = severity.get(g.severity.value, 0) + 1
        owners[g.owner or "(no owner)"] = owners.get(g.owner or "(no owner)", 0) + 1
    people = [p for p in ws.registers_at(now).people.people if p.active_on(now.date())]
    policies = ws.policy_statuses(now)
    owes = {p.email: [s.name for s in owing(policies, p.email)] for p in people}
    year = now.date() - timedelta(days=365)
    training = [p.email for p in people if p.training_completed is None or p.training_completed < year]
    try:
        found = workspace_drift(ws, None, now)
        drift = found.summary if found is not None else "one scan stored: nothing to compare yet"
    except TracerError as exc:
        drift = str(exc)
    period = ""
    audit = ws.config.audit
    if audit.period is not None:
        view = workspace_period(ws, audit.period.start, audit.period.end, now)
        verdict = "operating over the period" if view.operating else "not yet operating: " + "; ".join(view.why_not())
        period = f"{view.start} to {view.end}: {verdict}"
    return Dashboard(
        r.percent,
        f"{r.percent}% SOC 2-aligned readiness (ready for audit or not; not a SOC 2 report)",
        trend(ws, now),
        severity,
        dict(sorted(owners.items(), key=lambda kv: -kv[1])),
        r.plan[0].tasks if r.plan else (),
        {k: v for k, v in owes.items() if v},
        training,
        drift,
        period,
        read_flags(ws.path),
    )


def matrix(ws: Workspace, now: datetime) -> list[dict[str, str]]:
    """The auditor's control matrix: each in-scope control with its owner, status and evidence."""
    rows = []
    for criterion in ws.readiness(now).criteria:
        for x in criterion.controls:
            rows.append(
                {
                    "criterion": criterion.criterion.id,
                    "control": x.control.id,
                    "title": x.control.title,
                    "owner": x.owner or "(no owner)",
                    "credit": f"{int(100 * x.score)}%",
                    "evidence": "; ".join(f"{m.filename} ({m.collected_at:%Y-%m-%d})" for m in x.evidence)
                    or "(none yet)",
                    "checks": ", ".join(x.control.checks),
                }
            )
    return rows


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    options: tuple[str, ...]
    answer: str


def training_questions(ws: Workspace) -> tuple[Question, ...]:
    """The short check after the security-awareness reading; its answers are tracer.yaml's own values."""
    config = ws.config
    days = str(config.parameters.access_key_max_age_days)
    contact = config.company.security_contact
    return (
        Question(
            "keys",
            "Within how many days must an access key be rotated?",
            tuple(sorted({days, "365", "7"}, key=int)),
            days,
        ),
        Question(
            "report",
            "Where do you report a suspected security incident, at once?",
            tuple(sorted({contact, "a public channel, once it is confirmed", "nowhere: fix it quietly"})),
            contact,
        ),
        Question(
            "mfa",
            "Does every account that reaches production need multi-factor authentication?",
            ("no, a strong password is enough", "yes"),
            "yes",
        ),
    )


def record_training(ws: Workspace, email: str, now: datetime) -> None:
    """Training completed today, through the people register (the earlier date kept in the record's history)."""
    from evidence_tracer.governance.registers import upsert_person, with_changes

    def done(current: Any) -> tuple[Any, None]:
        person = next(p for p in current.people if p.email.lower() == email.lower())
        return upsert_person(current, with_changes(person, {"training_completed": now.date()}, now)), None

    ws.registers.people.update(done)


def period_of(ws: Workspace, now: datetime) -> tuple[date, date]:
    """The period the auditor's populations cover: tracer.yaml's audit.period, else the last 90 days."""
    period = ws.config.audit.period
    if period is not None:
        return period.start, min(period.end, now.date())
    return now.date() - timedelta(days=90), now.date()


def samples(ws: Workspace, now: datetime) -> list[str]:
    """The samples taken (their request lists, as filed), with the seed in each note."""
    return [f"{m.filename}: {m.note}" for m in ws.manual_evidence(now) if (m.filename or "").startswith("sample-")]


def jsonable(row: Any) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in dict(row).items()}


def read_flags(workspace: Path) -> list[dict[str, Any]]:
    path = workspace / ".tracer" / FLAGS_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def add_flag(workspace: Path, control: str, comment: str, now: datetime) -> dict[str, Any]:
    """An auditor's flag on a control, kept for the founder as a request (redacted, under the workspace lock)."""
    from evidence_tracer.evidence.lock import STATE_DIR, workspace_lock
    from evidence_tracer.evidence.redact import redact_values

    (clean, _), _ = redact_values([comment.strip()[:2000], control])
    record = {"at": now.isoformat(), "control": control, "comment": clean}
    path = workspace / STATE_DIR / FLAGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with workspace_lock(workspace / STATE_DIR), path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    return record


def escape(text: object) -> str:
    return html.escape(str(text))
