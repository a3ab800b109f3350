"""The week-by-week plan to the audit date: gaps spread over each owner's hours, dated backwards from the
report date so re-running never moves it. No I/O."""

from __future__ import annotations

from datetime import date, timedelta

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.models import Gap, Severity
from evidence_tracer.readiness.model import COLLECTION, PlanWeek


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


PLAN_WEEKS = 13
# Rough effort per gap, in hours, by where it comes from (shown beside each task and used to spread the load).
EFFORT_HOURS = {
    ("scan", Severity.CRITICAL): 2.0,
    ("scan", Severity.HIGH): 2.0,
    ("scan", Severity.MEDIUM): 1.0,
    ("scan", Severity.LOW): 0.5,
    ("policy", None): 3.0,
    ("owner", None): 0.25,
    ("evidence", None): 1.0,
    ("register", None): 1.0,
}
QUICK_FIX_HOURS = 0.5
AUDITOR_GUIDANCE = (
    "Choose the auditor: shortlist 2-3 CPA firms that audit companies of your size and ask each what "
    "its readiness assessment looks like. A Type 1 at a startup-friendly firm typically costs "
    "$8-15K and takes 6-10 weeks elapsed (guidance, not an endorsement of any firm)"
)
# Remediations that take minutes, not hours: fixed in week 1 whatever their place in the list.
QUICK_FIXES = (
    "iam_root_mfa",
    "iam_root_access_keys",
    "s3_account_public_access_block",
    "rds_snapshot_not_public",
    "ebs_snapshot_not_public",
    "ebs_encryption_by_default",
    "guardduty_enabled",
)


def effort(g: Gap) -> float:
    if g.source == "scan" and g.title.split(":")[0] in QUICK_FIXES:
        return QUICK_FIX_HOURS
    return EFFORT_HOURS.get((g.source, g.severity if g.source == "scan" else None), 1.0)


def _task(g: Gap) -> str:
    hours = effort(g)
    size = f"~{int(hours * 60)} min" if hours < 1 else f"~{hours:g} h"
    return f"[{g.severity.value}] {g.title}" + (f" — {g.owner}" if g.owner else "") + f" ({size})"


# The work phases, in order; the two audit weeks follow them, in the week of the report date.
PHASES = (
    "Scope, owners and critical exposures",
    "Auditor selection, people and policies",
    "Readiness assessment and policies",
    "Remediation: critical and high",
    "Remediation: critical and high",
    "Remediation: medium and low",
    "Remediation: medium and low",
    "Evidence and registers",
    "Evidence and registers",
    "Readiness check",
    "Package",
)
MILESTONES: dict[int, tuple[str, ...]] = {
    1: ("Engage the CPA firm; agree the Type 1 report date and scope",),
    2: ("Walk through the readiness assessment with the CPA firm",),
    3: ("Roll out security training and policy acknowledgments to everyone in the people register",),
    5: (
        "Enrol every laptop in device management (disk encryption, screen lock, updates) and keep its report as "
        "evidence",
    ),
    7: (
        "Draft the system description (tracer deliverables) and have management complete its prompts",
        "Commission a penetration test (budget $3-8K) so its report falls inside the audit period",
    ),
    9: (
        "Re-scan (tracer scan) and confirm no critical gap and at most 2 high gaps remain",
        "Walk through every in-scope criterion with its owner (tracer status --explain)",
    ),
    10: (
        "Export and verify the package (tracer evidence export / verify); sign the management assertion",
        "Give the auditor the package and its fingerprint by a separate channel",
    ),
}
AUDIT_WEEKS = (
    ("Audit", "Type 1 fieldwork; answer auditor requests from the request list (deliverables/)"),
    ("Audit", "Report date; plan the Type 2 observation window (typically 3 to 12 months) and keep scanning monthly"),
)


def _earliest(g: Gap) -> int:
    """The first phase a gap's task may go in: exposures and owners first, then people and policies, then the
    rest of the remediation, evidence last."""
    if g.severity is Severity.CRITICAL or g.source == "owner" or (g.source == "scan" and effort(g) <= QUICK_FIX_HOURS):
        return 0
    if g.source == "policy" or (g.source == "register" and g.severity is Severity.HIGH):
        return 1
    if g.source == "scan":
        return 1 if g.severity is Severity.HIGH else 5
    return 2 if g.severity is Severity.HIGH else 7


def _weeks(today: date, target: date | None) -> tuple[list[date], list[str]]:
    """The Mondays of the work weeks (from this week) and of the two audit weeks (the report date's week and
    the one before), with a note when the target leaves less time than the plan needs."""
    this_week, notes = _monday(today), []
    report_week = _monday(target) if target else this_week + timedelta(weeks=PLAN_WEEKS - 1)
    if report_week < this_week + timedelta(weeks=2):
        notes.append(
            f"The audit target date {target} leaves less than three weeks from this week: the plan below needs "
            "at least that; move audit.target_date"
        )
        report_week = this_week + timedelta(weeks=2)
    room = (report_week - this_week).days // 7 - 1  # work weeks before the fieldwork week
    work = [this_week + timedelta(weeks=i) for i in range(min(room, len(PHASES)))]
    if room < len(PHASES):
        notes.append(
            f"{len(PHASES)} weeks of work fit in {room} before the report week of {report_week}: the phases are "
            "compressed; more hours per owner or a later target date would ease it"
        )
    return [*work, report_week - timedelta(weeks=1), report_week], notes


def plan(gaps: tuple[Gap, ...], today: date, config: WorkspaceConfig) -> tuple[tuple[PlanWeek, ...], tuple[str, ...]]:
    """A dated path to the audit that starts this week: every critical exposure in week 1, each owner's tasks
    kept within `audit.weekly_hours_per_owner` (spilling to later weeks, and saying so when the report date
    cannot be met), the fieldwork and report in the weeks of `audit.target_date`. Checks that could not look
    are not tasks: one line in week 1 points at their list. Returns the weeks and the plan's warnings."""
    capacity = float(config.audit.weekly_hours_per_owner)
    mondays, notes = _weeks(today, config.audit.target_date)
    work = len(mondays) - 2

    tasks: list[list[str]] = [[] for _ in range(work)]
    load: list[dict[str, float]] = [{} for _ in range(work)]
    spilled: list[Gap] = []
    scope = f"Confirm scope ({', '.join(c.value for c in config.scope.categories)}) and the system boundary"
    tasks[0] += [scope, "tracer scope confirm --by MANAGEMENT_EMAIL once the boundary in tracer.yaml is right"]
    could_not_look = [g for g in gaps if g.source == COLLECTION]
    if could_not_look:
        tasks[0].append(
            f"Make every check able to look: {len(could_not_look)} could not (the 'could not look' list says, for "
            "each, whether it needs a permission, a region or another try)"
        )
    for g in sorted((g for g in gaps if g.source != COLLECTION), key=lambda g: (_earliest(g), g.severity.rank)):
        who, hours, first = g.owner or "unowned", effort(g), _week_of(_earliest(g), work)
        if _earliest(g) == 0 and g.severity is Severity.CRITICAL:
            week = 0  # an exposure is not deferred for anyone's calendar
        else:
            week = next((i for i in range(first, work) if load[i].get(who, 0.0) + hours <= capacity), -1)
            if week < 0:
                spilled.append(g)
                week = work - 1
        load[week][who] = load[week].get(who, 0.0) + hours
        tasks[week].append(_task(g))
    tasks[0].append(AUDITOR_GUIDANCE)
    for phase, lines in MILESTONES.items():
        tasks[_week_of(phase, work)] += lines
    over = sorted({who for week in load[:1] for who, h in week.items() if h > capacity})
    if over:
        notes.append(
            f"Week 1 holds more than {capacity:g} h for {', '.join(over)}: critical exposures are not deferred"
        )
    if spilled:
        notes.append(
            f"{len(spilled)} tasks (~{sum(effort(g) for g in spilled):g} h) do not fit before the report week at "
            f"{capacity:g} h a week per owner: raise audit.weekly_hours_per_owner, share control ownership, or "
            "move audit.target_date (they are listed in the last work week)"
        )
    names = [_phase_name(i, work) for i in range(work)]
    weeks = [
        PlanWeek(1 + (monday - mondays[0]).days // 7, monday, names[i], tuple(tasks[i]) or ("Nothing open — done.",))
        for i, monday in enumerate(mondays[:work])
    ]
    for monday, (stage, line) in zip(mondays[work:], AUDIT_WEEKS, strict=True):
        weeks.append(PlanWeek(1 + (monday - mondays[0]).days // 7, monday, stage, (line,)))
    return tuple(weeks), tuple(notes)


def _week_of(phase: int, work: int) -> int:
    """The week (0-based) a phase falls in when `work` weeks hold the plan: its own, or its share of fewer."""
    return phase if work >= len(PHASES) else (phase * (work - 1)) // (len(PHASES) - 1)


def _phase_name(week: int, work: int) -> str:
    """The name of a week: its phase, or the phases a compressed week holds."""
    held = [PHASES[p] for p in range(len(PHASES)) if _week_of(p, work) == week]
    return " / ".join(dict.fromkeys(held)) or PHASES[min(week, len(PHASES) - 1)]
