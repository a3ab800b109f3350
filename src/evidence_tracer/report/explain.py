"""`tracer status --explain`: how a control's or a criterion's figure was earned, line by line."""

from __future__ import annotations

from evidence_tracer.catalog.controls import controls
from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.errors import ConfigError
from evidence_tracer.readiness import ControlReadiness, Readiness
from evidence_tracer.readiness.model import CRITICAL_CAP

SHOWN_GAPS = 5  # per control in a criterion's explanation


def _gap_lines(r: Readiness, control: str, indent: str, limit: int | None = None) -> list[str]:
    """What keeps the control from its credit, in the words of the gap list (a rule, a finding, a missing file)."""
    gaps = [g for g in r.gaps if g.control == control]
    shown = gaps if limit is None else gaps[:limit]
    lines = [f"{indent}  gap [{g.severity.value}] {g.title}" for g in shown]
    if len(gaps) > len(shown):
        lines.append(f"{indent}  … and {len(gaps) - len(shown)} more (tracer status --explain {control})")
    return lines


def _control_lines(x: ControlReadiness, indent: str = "") -> list[str]:
    state = "earned" if x.earned else ("blocked by a prerequisite" if x.blocked else "not earned")
    lines = [
        f"{indent}{x.control.id} {x.control.title}: {int(100 * x.score)}% ({state}; "
        f"{x.control.frequency.value}, {x.control.type.value})"
    ]
    for p in x.prerequisites:
        lines.append(f"{indent}  prerequisite {p.name}: {'met' if p.met else 'MISSING'} — {p.detail}")
    for part in x.parts:
        shown = f"{int(100 * part.credit)}%" if part.counts else "not counted"
        lines.append(f"{indent}  {part.name}: {shown} — {part.detail}")
        lines += [f"{indent}    {ref}" for ref in part.refs]
    for m in x.stale:
        lines.append(
            f"{indent}  stale (older than its {x.control.frequency.value} cadence, no credit): evidence "
            f"{m.id} {m.filename} of {m.collected_at:%Y-%m-%d}"
        )
    if not x.parts:
        lines.append(f"{indent}  nothing can earn credit for it yet")
    if x.open_critical:
        lines.append(f"{indent}  capped at {int(100 * CRITICAL_CAP)}%: a critical finding is open")
    return lines


def explain(r: Readiness, target: str) -> list[str]:
    """Lines for a control id (AC-01) or a criterion id (CC6.1); an unknown id is a ConfigError."""
    wanted = target.strip().upper()
    if wanted in controls():
        found = r.control(wanted)
        if found is None:
            return [f"{wanted} is not in scope (its criteria are not among {', '.join(r.scope)})"]
        return [*_control_lines(found), *_gap_lines(r, wanted, "")]
    criterion = next((c for c in r.criteria if c.criterion.id.upper() == wanted), None)
    if criterion is None:
        if wanted in {c.upper() for c in criteria()}:
            return [f"{wanted} is not in scope ({', '.join(r.scope)})"]
        raise ConfigError(f"{target!r} is neither a control (AC-01) nor a criterion (CC6.1)")
    lines = [
        f"{criterion.criterion.id} {criterion.criterion.title}: {int(100 * criterion.score)}% = the mean of "
        f"its {len(criterion.controls)} controls"
        + (
            f", capped at {int(100 * CRITICAL_CAP)}% while a critical finding is open"
            if any(x.open_critical for x in criterion.controls)
            else ""
        )
    ]
    for x in criterion.controls:
        lines += _control_lines(x, "  ") + _gap_lines(r, x.control.id, "  ", SHOWN_GAPS)
    loose = [m for m in r.unassigned if criterion.criterion.id in m.criteria]
    for m in loose:
        lines.append(
            f"  filed against {criterion.criterion.id} only, so it counts for no control: evidence {m.id} "
            f"{m.filename} — file it against the control it shows (tracer evidence add CONTROL …)"
        )
    return lines
