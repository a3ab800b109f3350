"""GuardDuty check: threat detection on in every scanned region (CC7.3), one finding per region."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Finding


@check("guardduty_enabled")
def enabled(inv: Inventory, ctx: CheckContext) -> Iterator[Finding]:
    emit = Emit("guardduty_enabled", inv)
    for region, regional in inv.regional.items():
        observed = regional.detectors
        resource = f"arn:{inv.partition}:guardduty:{region}:{inv.account_id}:detector/*"
        if observed.value is None:
            assert observed.failure is not None
            yield emit.error(observed.failure, resource, region, observed.sources)
            continue
        on = [d for d in observed.value if d.status.upper() == "ENABLED"]
        if on:
            arn = f"arn:{inv.partition}:guardduty:{region}:{inv.account_id}:detector/{on[0].detector_id}"
            yield emit.passed(arn, region, f"GuardDuty detector {on[0].detector_id} is enabled.",
                              observed.sources)
        elif observed.value:
            yield emit.failed(resource, region, f"GuardDuty has a detector in {region}, but it is suspended.",
                              observed.sources)
        else:
            yield emit.failed(resource, region, f"GuardDuty is not enabled in {region}.", observed.sources)
