"""GuardDuty check: threat detection on in every scanned region (CC7.3), one finding per region."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.common import listed
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
            yield emit.unread(observed, resource, region)
            continue
        on = [d for d in observed.value if d.status.upper() == "ENABLED"]
        if on:
            arn = emit.arn("guardduty", region, f"detector/{on[0].detector_id}")
            yield emit.passed(arn, region, f"GuardDuty detector {on[0].detector_id} is enabled.", observed.sources)
        elif observed.value:
            yield emit.failed(
                resource, region, f"GuardDuty has a detector in {region}, but it is suspended.", observed.sources
            )
        else:
            yield emit.failed(resource, region, f"GuardDuty is not enabled in {region}.", observed.sources)


@check
def guardduty_findings_triaged(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    days = ctx.config.parameters.incident_triage_days
    detectors, errors = listed(part, emit, DETECTORS, "detector/*")
    yield from errors
    for region, detector, listing in detectors:
        if detector.status.upper() != "ENABLED":
            continue  # a suspended detector finds nothing; guardduty_enabled reports it
        arn = emit.arn("guardduty", region, f"detector/{detector.detector_id}")
        findings = detector.open_findings
        sources = (*listing, *findings.sources)
        if findings.failure is not None:
            yield emit.error(findings.failure, arn, region, sources)
            continue
        stale = [f for f in findings.value or () if f.created_at and (ctx.now - f.created_at).days > days]
        if stale:
            kinds = ", ".join(sorted({f.type for f in stale})[:3])
            yield emit.failed(
                arn,
                region,
                f"{len(stale)} high or critical GuardDuty finding(s) in {region} are "
                f"open after more than {days} days ({kinds}).",
                sources,
                detector=detector.detector_id,
                finding_id=stale[0].finding_id,
            )
        else:
            yield emit.passed(
                arn,
                region,
                f"No high or critical GuardDuty finding in {region} is open past "
                f"{days} days ({len(findings.value or ())} open within it).",
                sources,
            )
