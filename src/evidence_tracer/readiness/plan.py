"""The week-by-week plan to the audit date: gaps spread over each owner's hours, dated backwards from the
report date so re-running never moves it. No I/O."""

from __future__ import annotations

from datetime import date, timedelta

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.models import Gap, Severity
from evidence_tracer.readiness.model import PlanWeek


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


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


def _spread(selected: list[Gap], weeks: int, capacity: float) -> list[list[str]]:
    """The gaps over `weeks` weeks, most urgent first, each owner's hours kept under `capacity` a week where
    possible (the last week takes the rest)."""
    load: list[dict[str, float]] = [{} for _ in range(weeks)]
    out: list[list[str]] = [[] for _ in range(weeks)]
    for g in selected:
        who = g.owner or "unowned"
        week = next((i for i in range(weeks) if load[i].get(who, 0.0) + effort(g) <= capacity), weeks - 1)
        load[week][who] = load[week].get(who, 0.0) + effort(g)
        out[week].append(_task(g))
    return out


def plan(gaps: tuple[Gap, ...], today: date, config: WorkspaceConfig) -> tuple[PlanWeek, ...]:
    """A dated path to the audit: anchored on `audit.target_date` (week 13 is the week of the report date),
    so re-running it never moves a date; a week already past with tasks still open is marked late. Without
    a target date it starts next Monday."""
    capacity = float(config.audit.weekly_hours_per_owner)
    scan_gaps = [g for g in gaps if g.source == "scan"]
    quick = [g for g in scan_gaps if effort(g) <= QUICK_FIX_HOURS and g.severity in (Severity.CRITICAL, Severity.HIGH)]
    urgent = [g for g in scan_gaps if g.severity in (Severity.CRITICAL, Severity.HIGH) and g not in quick]
    other = [g for g in scan_gaps if g not in urgent and g not in quick]
    owners = [_task(g) for g in gaps if g.source == "owner"]
    policies = _spread([g for g in gaps if g.source == "policy"], 2, capacity)
    fixes = _spread(urgent, 2, capacity)
    rest = _spread(other, 2, capacity)
    evidence = _spread([g for g in gaps if g.source in ("register", "evidence")], 2, capacity)
    scope = f"Confirm scope ({', '.join(c.value for c in config.scope.categories)}) and the system boundary"
    phases: list[tuple[str, list[str]]] = [
        ("Scope, owners and quick critical fixes", [scope, *owners, *(_task(g) for g in quick), AUDITOR_GUIDANCE]),
        (
            "Auditor selection and policies",
            ["Engage the CPA firm; agree the Type 1 report date and scope", *policies[0]],
        ),
        (
            "Readiness assessment and policies",
            [
                "Walk through the readiness assessment with the CPA firm",
                "Roll out security training and policy acknowledgments to everyone",
                *policies[1],
            ],
        ),
        ("Remediation: critical and high", fixes[0]),
        ("Remediation: critical and high", fixes[1]),
        (
            "Remediation: medium and low",
            [
                "Enrol every laptop in device management (disk encryption, screen lock, "
                "updates) and keep its report as evidence",
                *rest[0],
            ],
        ),
        ("Remediation: medium and low", rest[1]),
        (
            "Evidence and registers",
            [
                "Draft the system description (tracer deliverables) and have management complete its prompts",
                "Commission a penetration test (budget $3-8K) so its report falls inside the audit period",
                *evidence[0],
            ],
        ),
        ("Evidence and registers", evidence[1]),
        (
            "Readiness check",
            [
                "Re-scan (tracer scan) and confirm no critical gap and at most 2 high gaps remain",
                "Walk through every in-scope criterion with its owner (tracer status --explain)",
            ],
        ),
        (
            "Package",
            [
                "Export and verify the package (tracer evidence export / verify); sign the management assertion",
                "Give the auditor the package and its fingerprint by a separate channel",
            ],
        ),
        ("Audit", ["Type 1 fieldwork; answer auditor requests from the request list (deliverables/)"]),
        (
            "Audit",
            ["Report date; plan the Type 2 observation window (typically 3 to 12 months) and keep scanning monthly"],
        ),
    ]
    target = config.audit.target_date
    start = _monday(target) - timedelta(weeks=PLAN_WEEKS - 1) if target else _next_monday(today)
    weeks = []
    for i, (phase, items) in enumerate(phases):
        begins = start + timedelta(weeks=i)
        open_items = [t for t in items if t.startswith("[")]  # gap tasks (the fixed milestones are advice)
        late = begins + timedelta(days=7) <= today and bool(open_items)
        weeks.append(PlanWeek(i + 1, begins, phase, tuple(items) or ("Nothing open — done.",), late))
    return tuple(weeks)
