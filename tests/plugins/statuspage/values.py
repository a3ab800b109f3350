"""What the status-page source collects, and the dataset key its check reads."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_tracer.inventory import Dataset


@dataclass(frozen=True)
class StatusIncident:
    id: str
    title: str
    customer_impact: bool
    published: bool


PAGE_INCIDENTS: Dataset[tuple[StatusIncident, ...]] = Dataset("statuspage.incidents", "status", "ListIncidents")
