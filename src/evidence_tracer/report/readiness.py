"""Readiness report renderers: Markdown, JSON and a self-contained, printable HTML page."""

from __future__ import annotations

import json
from typing import Any

from evidence_tracer.models import Severity, Status
from evidence_tracer.readiness import READY_MAX_HIGH_GAPS, READY_PERCENT, ControlReadiness, Readiness
from evidence_tracer.report import Format
from evidence_tracer.report.grouping import DISCLAIMER
from evidence_tracer.report.html import environment, stylesheet
from evidence_tracer.report.markdown import cell


def headline(r: Readiness) -> str:
    """The one line every view leads with; a Type 2 says its design figure is not its operation's."""
    state = "ready for audit" if r.ready_for_audit else "not yet ready for audit"
    if r.is_type2:
        return f"{r.percent}% SOC 2-aligned ({r.examination}: design today; tracer period shows operation) — {state}"
    return f"{r.percent}% SOC 2-aligned — {state}"


def to_dict(r: Readiness) -> dict[str, Any]:
    return {
        "generated_at": r.generated_at.isoformat().replace("+00:00", "Z"),
        "company": r.company,
        "examination": r.examination,
        "scope": list(r.scope),
        "scan_id": r.scan_id,
        "readiness_percent": r.percent,
        "ready_for_audit": r.ready_for_audit,
        "not_ready_because": list(r.why_not_ready()),
        "disclaimer": DISCLAIMER,
        "signing_key": r.signing_key,
        "history_head": r.history_head,
        "boundary_coverage": [
            {"service": c.name, "automated_checks": list(c.checks), "manual_evidence": c.evidenced} for c in r.coverage
        ],
        "criteria": [
            {
                "id": c.criterion.id,
                "title": c.criterion.title,
                "percent": int(100 * c.score),
                "badge": c.badge,
                "automated": {
                    "pass": c.count(Status.PASS),
                    "fail": c.count(Status.FAIL),
                    "error": c.count(Status.ERROR),
                },
                "manual_evidence": c.evidence_count,
                "owners": list(c.owners),
                "policies": list(c.policies),
                "controls": [
                    {
                        "id": x.control.id,
                        "owner": x.owner,
                        "percent": int(100 * x.score),
                        "earned": x.earned,
                        "prerequisites": {p.name: p.met for p in x.prerequisites},
                        "parts": [
                            {"name": p.name, "credit": round(p.credit, 3), "detail": p.detail, "refs": list(p.refs)}
                            for p in x.parts
                        ],
                        "evidence": [m.id for m in x.evidence],
                    }
                    for x in c.controls
                ],
            }
            for c in r.criteria
        ],
        "accepted_exceptions": [
            {
                "id": a.exception.id,
                "check_id": a.finding.check_id,
                "resource_id": a.finding.resource_id,
                "finding": a.finding.message,
                "reason": a.exception.reason,
                "compensating_control": a.exception.compensating_control,
                "approved_by": a.exception.approved_by,
                "expires": a.exception.expires.isoformat(),
            }
            for a in r.accepted
        ],
        "gaps": [
            {
                "severity": g.severity.value,
                "title": g.title,
                "action": g.action,
                "source": g.source,
                "control": g.control,
                "criteria": list(g.criteria),
                "owner": g.owner,
            }
            for g in r.gaps
        ],
        "could_not_look": [{"title": g.title, "action": g.action, "control": g.control} for g in r.could_not_look],
        "plan_warnings": list(r.plan_warnings),
        "plan": [
            {"week": w.week, "starts": w.start.isoformat(), "phase": w.phase, "tasks": list(w.tasks)} for w in r.plan
        ],
    }


def to_markdown(r: Readiness) -> str:
    lines = [
        f"# SOC 2 readiness — {cell(r.company)}",
        "",
        f"**{headline(r)}**",
        "",
        f"> {DISCLAIMER}",
        "",
        f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC · scope: {', '.join(r.scope)} · "
        f"AWS scan: {r.scan_id or 'none yet'}",
        "",
        "Open gaps: " + ", ".join(f"{s.value} {r.gap_count(s)}" for s in Severity) + ".",
        "",
        *([f"Not ready because: {'; '.join(r.why_not_ready())}.", ""] if r.why_not_ready() else []),
        f"Boundary: {r.coverage_line}.",
        "",
        f"Auditor packages are signed with key `{r.signing_key or 'not set (run tracer init)'}`.",
        f"Evidence history head `{r.history_head or 'none yet'}` (keep it outside the workspace: "
        "`tracer evidence verify --expect-head` checks it).",
        "",
        "## Criteria",
        "",
        "| Criterion | Readiness | Pass | Fail | Error | Manual evidence | Owners | Policies |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for c in r.criteria:
        lines.append(
            f"| {c.criterion.id} {c.criterion.title} | {int(100 * c.score)}% | {c.count(Status.PASS)} | "
            f"{c.count(Status.FAIL)} | {c.count(Status.ERROR)} | {c.evidence_count} | "
            f"{cell(', '.join(c.owners)) or '**none**'} | {', '.join(c.policies)} |"
        )
    lines += [
        "",
        "## Controls: what earned each credit",
        "",
        EARNING,
        "",
        "| Control | Credit | Owner | Policy | Automated | Evidence |",
        "|---|---:|---|---|---|---|",
    ]
    for x in controls_in_scope(r):
        lines.append(
            f"| {x.control.id} {x.control.title} | {int(100 * x.score)}% | "
            + " | ".join(cell(p) for p in (*_prerequisite_cells(x), *_part_cells(x)))
            + " |"
        )
    lines += ["", "## Gaps, most urgent first", ""]
    for i, g in enumerate(r.to_fix, 1):
        where = f" ({g.control})" if g.control else ""
        who = f" — owner {cell(g.owner)}" if g.owner else ""
        lines.append(f"{i}. **{g.severity.value}** {cell(g.title)}{where}{who}. Fix: {cell(g.action)}")
    if not r.to_fix:
        lines.append("None.")
    if r.could_not_look:
        lines += ["", "## Could not look (an error is never a pass: what the next scan needs)", ""]
        lines += [
            f"- {cell(g.title)}" + (f" ({g.control})" if g.control else "") + f". Do: {cell(g.action)}"
            for g in r.could_not_look
        ]
    if r.accepted:
        lines += ["", "## Accepted exceptions (failures management accepts — not passes)", ""]
        for a in r.accepted:
            lines.append(
                f"- **{a.exception.id}** `{a.finding.check_id}` {cell(a.finding.resource_id)}: "
                f"{cell(a.finding.message)} Reason: {cell(a.exception.reason)}. Compensating control: "
                f"{cell(a.exception.compensating_control)}. Approved by {cell(a.exception.approved_by)}, "
                f"expires {a.exception.expires}."
            )
    lines += ["", "## Plan to audit (week by week)", ""]
    lines += [f"> **Warning**: {cell(w)}." for w in r.plan_warnings] + ([""] if r.plan_warnings else [])
    for w in r.plan:
        lines.append(f"### Week {w.week} (from {w.start}) — {w.phase}")
        lines += [f"- {cell(t)}" for t in w.tasks] + [""]
    return "\n".join(lines)


EARNING = (
    "A control earns credit only from evidence: its automated checks (weighted by severity; not applicable "
    "judges nothing) and manual evidence filed against that control within its cadence, or the registers "
    "that show it operating. A named owner and an approved policy are prerequisites: without them a "
    f"control earns nothing, with them nothing by themselves. Ready for audit means at least {READY_PERCENT}%, "
    f"no critical gap and at most {READY_MAX_HIGH_GAPS} high gaps, accepted critical or high exceptions "
    "counted with them."
)


def controls_in_scope(r: Readiness) -> list[ControlReadiness]:
    return list({x.control.id: x for c in r.criteria for x in c.controls}.values())


def _prerequisite_cells(x: ControlReadiness) -> list[str]:
    return [("✓ " if p.met else "✗ ") + p.detail for p in x.prerequisites]


def _part_cells(x: ControlReadiness) -> list[str]:
    by_name = {p.name: p for p in x.parts}
    return [
        f"{int(100 * by_name[n].credit)}%: {by_name[n].detail}" if n in by_name else "—"
        for n in ("automated", "evidence")
    ]


def to_html(r: Readiness) -> str:
    return (
        environment()
        .get_template("readiness.html.j2")
        .render(
            r=r,
            headline=headline(r),
            disclaimer=DISCLAIMER,
            css=stylesheet(),
            severities=list(Severity),
            status=Status,
            earning=EARNING,
            controls=controls_in_scope(r),
            prerequisite_cells=_prerequisite_cells,
            part_cells=_part_cells,
        )
    )


def render_readiness(r: Readiness, fmt: Format) -> str:
    if fmt is Format.JSON:
        return json.dumps(to_dict(r), indent=2) + "\n"
    if fmt is Format.HTML:
        return to_html(r)
    if fmt is Format.MARKDOWN:
        return to_markdown(r) + "\n"
    raise ValueError("the readiness report comes as json, markdown or html")
