"""The status-page source's check: every incident that touched customers was published on the status page."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.models import Finding
from tests.plugins.statuspage.values import PAGE_INCIDENTS


@check
def statuspage_incidents_published(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    observed = part.get(PAGE_INCIDENTS)
    if observed.value is None:
        yield emit.unread(observed, f"statuspage:{part.account}", GLOBAL)
        return
    for incident in observed.value:
        if not incident.customer_impact:
            continue
        if incident.published:
            yield emit.passed(incident.id, GLOBAL, f"Incident {incident.title} was published.", observed.sources)
        else:
            yield emit.failed(
                incident.id,
                GLOBAL,
                f"Incident {incident.title} touched customers and was never published.",
                observed.sources,
                incident=incident.id,
            )
