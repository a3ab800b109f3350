"""Readiness report renderers: Markdown, JSON and a self-contained, printable HTML page."""

from __future__ import annotations

import json
from typing import Any

from evidence_tracer.models import Severity, Status
from evidence_tracer.readiness import Readiness
from evidence_tracer.report import Format
from evidence_tracer.report.grouping import DISCLAIMER
from evidence_tracer.report.html import environment, stylesheet


def headline(r: Readiness) -> str:
    if r.ready_for_audit:
        return f"{r.percent}% SOC 2-aligned — ready for audit"
    return f"{r.percent}% SOC 2-aligned — not yet ready for audit"


def to_dict(r: Readiness) -> dict[str, Any]:
    return {
        "generated_at": r.generated_at.isoformat().replace("+00:00", "Z"),
        "company": r.company, "scope": list(r.scope), "scan_id": r.scan_id, "readiness_percent": r.percent,
        "ready_for_audit": r.ready_for_audit, "disclaimer": DISCLAIMER, "signing_key": r.signing_key,
        "boundary_coverage": [{"service": c.name, "automated_checks": list(c.checks), "manual_evidence": c.evidenced}
                              for c in r.coverage],
        "criteria": [
            {"id": c.criterion.id, "title": c.criterion.title, "percent": int(100 * c.score),
             "automated": {"pass": c.count(Status.PASS), "fail": c.count(Status.FAIL), "error": c.count(Status.ERROR)},
             "manual_evidence": c.evidence_count, "owners": list(c.owners), "policies": list(c.policies),
             "controls": [{"id": x.control.id, "owner": x.owner, "percent": int(100 * x.score),
                           "parts": dict(x.parts)} for x in c.controls]}
            for c in r.criteria
        ],
        "gaps": [{"severity": g.severity.value, "title": g.title, "action": g.action, "source": g.source,
                  "control": g.control, "criteria": list(g.criteria), "owner": g.owner} for g in r.gaps],
        "plan": [{"week": w.week, "starts": w.start.isoformat(), "phase": w.phase, "tasks": list(w.tasks)}
                 for w in r.plan],
    }


def to_markdown(r: Readiness) -> str:
    lines = [f"# SOC 2 readiness — {r.company}", "", f"**{headline(r)}**", "", f"> {DISCLAIMER}", "",
             f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC · scope: {', '.join(r.scope)} · "
             f"AWS scan: {r.scan_id or 'none yet'}", "",
             "Open gaps: " + ", ".join(f"{s.value} {r.gap_count(s)}" for s in Severity) + ".", "",
             f"Boundary: {r.coverage_line}.", "",
             f"Auditor packages are signed with key `{r.signing_key or 'not set (run tracer init)'}`.", "",
             "## Criteria", "", "| Criterion | Readiness | Pass | Fail | Error | Manual evidence | Owners | Policies |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for c in r.criteria:
        lines.append(f"| {c.criterion.id} {c.criterion.title} | {int(100 * c.score)}% | {c.count(Status.PASS)} | "
                     f"{c.count(Status.FAIL)} | {c.count(Status.ERROR)} | {c.evidence_count} | "
                     f"{', '.join(c.owners) or '**none**'} | {', '.join(c.policies)} |")
    lines += ["", "## Gaps, most urgent first", ""]
    for i, g in enumerate(r.gaps, 1):
        where = f" ({g.control})" if g.control else ""
        who = f" — owner {g.owner}" if g.owner else ""
        lines.append(f"{i}. **{g.severity.value}** {g.title}{where}{who}. Fix: {g.action}")
    if not r.gaps:
        lines.append("None.")
    lines += ["", "## Plan to audit (week by week)", ""]
    for w in r.plan:
        lines.append(f"### Week {w.week} (from {w.start}) — {w.phase}")
        lines += [f"- {t}" for t in w.tasks] + [""]
    return "\n".join(lines)


def to_html(r: Readiness) -> str:
    return environment().get_template("readiness.html.j2").render(
        r=r, headline=headline(r), disclaimer=DISCLAIMER, css=stylesheet(), severities=list(Severity),
        status=Status,
    )


def render_readiness(r: Readiness, fmt: Format) -> str:
    if fmt is Format.JSON:
        return json.dumps(to_dict(r), indent=2) + "\n"
    if fmt is Format.HTML:
        return to_html(r)
    if fmt is Format.MARKDOWN:
        return to_markdown(r) + "\n"
    raise ValueError("the readiness report comes as json, markdown or html")
