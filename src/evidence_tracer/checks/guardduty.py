"""GuardDuty check: threat detection on in every scanned region (CC7.3), one finding per region."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws import DETECTORS
from evidence_tracer.models import Finding


@check
def guardduty_enabled(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for region in part.regions:
        observed = part.get(DETECTORS, region)
        resource = emit.arn("guardduty", region, "detector/*")
        if observed.value is None:
            assert observed.failure is not None
            yield emit.error(observed.failure, resource, region, observed.sources)
            continue
        on = [d for d in observed.value if d.status.upper() == "ENABLED"]
        if on:
            arn = emit.arn("guardduty", region, f"detector/{on[0].detector_id}")
            yield emit.passed(arn, region, f"GuardDuty detector {on[0].detector_id} is enabled.",
                              observed.sources)
        elif observed.value:
            yield emit.failed(resource, region, f"GuardDuty has a detector in {region}, but it is suspended.",
                              observed.sources)
        else:
            yield emit.failed(resource, region, f"GuardDuty is not enabled in {region}.", observed.sources)
