"""Readiness: what the workspace's evidence earns, control by control, the gaps and the plan. Pure: values in,
values out (model.py the values, assess.py the verdict, plan.py the weeks to the audit)."""

from evidence_tracer.readiness.assess import assess, boundary_coverage
from evidence_tracer.readiness.model import (
    READY_MAX_HIGH_GAPS,
    READY_PERCENT,
    ControlReadiness,
    CriterionReadiness,
    Part,
    PlanWeek,
    Prerequisite,
    Readiness,
    ReadinessInputs,
    ServiceCoverage,
)
from evidence_tracer.readiness.plan import plan

__all__ = [
    "READY_MAX_HIGH_GAPS",
    "READY_PERCENT",
    "ControlReadiness",
    "CriterionReadiness",
    "Part",
    "PlanWeek",
    "Prerequisite",
    "Readiness",
    "ReadinessInputs",
    "ServiceCoverage",
    "assess",
    "boundary_coverage",
    "plan",
]
