"""What a period package adds to the package as of the period's end: the period view (timeline, calendar,
deviations with their responses, collection gaps), every scan of the period, every population of the period
with its IPE record, the readiness at the start, and the policy approvals and acknowledgments made during it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from evidence_tracer.app.history import reconstructions
from evidence_tracer.app.period import workspace_period
from evidence_tracer.app.populations import population_of, sample_of
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.evidence.items import end_of_day
from evidence_tracer.period.populations import POPULATIONS
from evidence_tracer.policies.status import version_of
from evidence_tracer.report import json_report, period
from evidence_tracer.report.readiness import render_readiness

FOLDER = "period"


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


def period_files(ws: Workspace, start: date, end: date, now: datetime) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The period's files, and what the manifest's header says of the period."""
    view = workspace_period(ws, start, end, now)
    files = {
        f"{FOLDER}/period.json": _json(period.to_json(view)),
        f"{FOLDER}/period.md": period.to_markdown(view).encode("utf-8"),
        f"{FOLDER}/period.html": period.to_html(view).encode("utf-8"),
    }
    for scan_id in view.scans:
        files[f"{FOLDER}/scans/{scan_id}.json"] = json_report.render(ws.scan(scan_id)).encode("utf-8")
    from evidence_tracer.report import Format

    at_start = ws.readiness(end_of_day(start))
    files[f"{FOLDER}/readiness-at-start.json"] = render_readiness(at_start, Format.JSON).encode("utf-8")
    register = ws.policy_register
    files[f"{FOLDER}/policy-approvals.json"] = _json(
        {
            "approvals": [
                {
                    "policy": a.policy,
                    "version": version_of(register, a.policy, a.sha256),
                    "approved_by": a.approved_by,
                    "approved_at": a.approved_at,
                    "sha256": a.sha256,
                }
                for a in register.approvals
                if start <= a.approved_at.date() <= end
            ],
            "acknowledgments": [
                {"policy": a.policy, "person": a.person, "acknowledged_at": a.acknowledged_at, "sha256": a.sha256}
                for a in register.acknowledgments
                if start <= a.acknowledged_at.date() <= end
            ],
        }
    )
    tested: dict[str, dict[str, Any]] = {}
    for name in POPULATIONS:  # every population of the period, with its IPE record
        population = population_of(ws, name, start, end, now)
        path = f"{FOLDER}/populations/{name}.json"
        files[path] = _json({"ipe": population.ipe(), "rows": list(population.rows)})
        tested.setdefault(population.control, {"population": path, "samples": []})
    samples = []
    for item in ws.manual_evidence(now):  # the samples taken of the period's populations, with their seeds
        found = sample_of(item.filename or "")
        if found and found[0] in POPULATIONS and start <= found[1] and found[2] <= end:
            path = f"{FOLDER}/samples/{item.filename}"
            files[path] = ws.store.content(item)
            samples.append({"file": path, "evidence_id": item.id, "by": item.author, "note": item.note})
            control = POPULATIONS[found[0]].control
            tested.setdefault(control, {"population": "", "samples": []})["samples"].append(path)
    files[f"{FOLDER}/samples.json"] = _json({"samples": samples})
    for r in reconstructions(ws, start, end, now):  # days rebuilt from AWS Config, kept apart
        files[f"{FOLDER}/reconstructions/{r.evidence.filename}"] = ws.store.content(r.evidence)
    header = {
        "type": "type2",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "operating_over_the_period": view.operating,
        "period_scans": len(view.scans),
        "reconstructed_days": [r.day.isoformat() for r in view.reconstructed],
        "populations": tested,
    }
    return files, header
