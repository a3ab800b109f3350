"""The Type 2 period view rendered: JSON for tools, Markdown for a reader, HTML with a timeline per control
(inline SVG, no scripts, no external assets). Values in, text out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from evidence_tracer.period.view import ControlPeriod, PeriodView
from evidence_tracer.report.grouping import DISCLAIMER
from evidence_tracer.report.markdown import cell

WIDTH = 600  # the SVG timeline's width in user units


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _control(c: ControlPeriod, until: datetime) -> dict[str, Any]:
    return {
        "id": c.control.id,
        "title": c.control.title,
        "owner": c.owner,
        "frequency": c.control.frequency.value,
        "operating": c.operating,
        "occurrences_expected": len(c.occurrences),
        "occurrences_found": sum(1 for o in c.occurrences if o.met),
        "missing": [f"{c.control.title} for {o.label}: none" for o in c.missing],
        "occurrences": [
            {"label": o.label, "start": o.start.isoformat(), "end": o.end.isoformat(), "found": list(o.found)}
            for o in c.occurrences
        ],
        "deviations": [
            {
                "check_id": d.episode.check_id,
                "resource_id": d.episode.resource_id,
                "severity": d.episode.severity.value,
                "first_failed": _day(d.episode.first_failed),
                "resolved": _day(d.episode.resolved),
                "window_days": d.window_days,
                "days_open": round(d.episode.days_open(until), 1),
                "response": None
                if d.response is None
                else {
                    "id": d.response.id,
                    "cause": d.response.cause,
                    "remediation": d.response.remediation,
                    "compensating_control": d.response.compensating_control,
                    "by": d.response.responded_by,
                },
                "respond": None if d.answered else d.respond_command(),
            }
            for d in c.deviations
        ],
    }


def to_json(v: PeriodView) -> dict[str, Any]:
    until = v.until
    return {
        "disclaimer": DISCLAIMER,
        "company": v.company,
        "type": "type2",
        "period": {"start": v.start.isoformat(), "end": v.end.isoformat(), "days": v.days},
        "generated_at": v.generated_at.isoformat(),
        "operating_over_the_period": v.operating,
        "not_operating_because": list(v.why_not()),
        "collection": {
            "scans": len(v.scans),
            "days_scanned": v.days_scanned,
            "gaps": [{"start": g.start.isoformat(), "end": g.end.isoformat(), "what": g.what} for g in v.collection],
        },
        "reconstructed": [
            {
                "day": r.day.isoformat(),
                "label": r.label,
                "resource_types": list(r.resource_types),
                "counts": r.counts,
                "evidence_id": r.evidence_id,
            }
            for r in v.reconstructed
        ],
        "timeline": [
            {
                "check_id": e.check_id,
                "resource_id": e.resource_id,
                "account": e.key[1],
                "location": e.key[2],
                "severity": e.severity.value,
                "first_failed": _day(e.first_failed),
                "resolved": _day(e.resolved),
                "scans_failing": e.scans_failing,
                "days_open": round(e.days_open(until), 1),
            }
            for e in v.episodes
        ],
        "criteria": [
            {"id": k.criterion.id, "operating": k.operating, "controls": [c.control.id for c in k.controls]}
            for k in v.criteria
        ],
        "controls": [_control(c, until) for c in v.controls],
    }


def to_markdown(v: PeriodView) -> str:
    data = to_json(v)
    verdict = "operating over the period" if v.operating else "not yet operating over the period"
    lines = [
        f"# SOC 2 Type 2 period — {cell(v.company)}",
        "",
        f"**{v.start} to {v.end} ({v.days} days): {verdict}.**",
        "",
        f"> {DISCLAIMER}",
        "",
        *([f"Because: {'; '.join(v.why_not())}.", ""] if v.why_not() else []),
        f"Collection: {len(v.scans)} scans on {v.days_scanned} of {v.days} days.",
        "",
    ]
    if v.collection:
        lines += ["## Gaps in collection (never read as passes)", ""]
        lines += [f"- {g.start} to {g.end}: {cell(g.what)}" for g in v.collection] + [""]
    if v.reconstructed:
        lines += ["## Days reconstructed from AWS Config (not observed scans)", ""]
        lines += [
            f"- {r.label}: {cell(', '.join(r.resource_types))} — {r.counts.get('pass', 0)} pass, "
            f"{r.counts.get('fail', 0)} fail, {r.counts.get('error', 0)} could not look (evidence {r.evidence_id})"
            for r in v.reconstructed
        ] + [""]
    lines += [
        "## Controls",
        "",
        "| Control | Frequency | Occurrences | Deviations | Operating |",
        "|---|---|---:|---:|---|",
    ]
    for c in data["controls"]:
        lines.append(
            f"| {c['id']} {cell(c['title'])} | {c['frequency']} | {c['occurrences_found']}/{c['occurrences_expected']} "
            f"| {len(c['deviations'])} | {'yes' if c['operating'] else '**no**'} |"
        )
    missing = [m for c in data["controls"] for m in c["missing"]]
    if missing:
        lines += ["", "## Missing occurrences", ""] + [f"- {cell(m)}" for m in missing]
    deviating = [(c["id"], d) for c in data["controls"] for d in c["deviations"]]
    if deviating:
        lines += ["", "## Deviations", ""]
        for cid, d in deviating:
            answer = (
                f"response {d['response']['id']} by {cell(d['response']['by'])}: {cell(d['response']['cause'])}"
                if d["response"]
                else f"**no response** — `{d['respond']}`"
            )
            lines.append(
                f"- {cid}: {d['check_id']} {cell(d['resource_id'])} ({d['severity']}) open {d['days_open']} days "
                f"from {d['first_failed']} (window {d['window_days']}); {answer}"
            )
    return "\n".join(lines) + "\n"


def _x(day: date, v: PeriodView) -> float:
    return round(WIDTH * (day - v.start).days / max(v.days, 1), 1)


def timeline_bars(v: PeriodView, c: ControlPeriod) -> dict[str, list[dict[str, Any]]]:
    """The geometry of a control's timeline: its occurrences (met or missing) and the failing stretches of its
    checks, as x positions and widths across the period."""
    occurrences = [
        {"x": _x(o.start, v), "w": max(_x(o.end, v) - _x(o.start, v), 2.0), "met": o.met, "label": o.label}
        for o in c.occurrences
    ]
    failing = []
    for e in v.episodes:
        if e.check_id in c.control.checks:
            first = max(e.first_failed.date(), v.start)
            last = min((e.resolved or v.until).date(), v.end)
            failing.append(
                {"x": _x(first, v), "w": max(_x(last, v) - _x(first, v), 2.0), "label": f"{e.check_id} {e.resource_id}"}
            )
    return {"occurrences": occurrences, "failing": failing}


def to_html(v: PeriodView) -> str:
    from evidence_tracer.report.html import environment, stylesheet

    bars = {c.control.id: timeline_bars(v, c) for c in v.controls}
    return (
        environment()
        .get_template("period.html.j2")
        .render(v=v, data=to_json(v), bars=bars, width=WIDTH, css=stylesheet())
    )
