"""GuardDuty: the detectors of a region, their status, and the high and critical findings still open."""

from __future__ import annotations

from typing import Any

from evidence_tracer.clock import moment_of
from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import DETECTORS, Detector, ThreatFinding
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("guardduty", "ListDetectors"),
    aws_op("guardduty", "GetDetector"),
    aws_op("guardduty", "ListFindings"),
    aws_op("guardduty", "GetFindings"),
)
# High (7.0-8.9) and critical (9.0+) findings nobody has archived: what must be triaged.
OPEN_SERIOUS = {"Criterion": {"severity": {"Gte": 7}, "service.archived": {"Eq": ["false"]}}}
_BATCH = 50  # GetFindings takes at most 50 ids


def collect_open_findings(client: Any, rec: Recorder, detector_id: str) -> Observed[tuple[ThreatFinding, ...]]:
    """Calls per page of ids and per 50 findings, never per finding."""
    sources: list[str] = []
    ids: list[str] = []
    try:
        for page, rid in rec.pages(client, "list_findings", DetectorId=detector_id, FindingCriteria=OPEN_SERIOUS):
            sources.append(rid)
            ids += [str(i) for i in page["FindingIds"]]
        found = []
        for start in range(0, len(ids), _BATCH):
            raw, rid = rec.call(client, "get_findings", DetectorId=detector_id, FindingIds=ids[start : start + _BATCH])
            sources.append(rid)
            found += [
                ThreatFinding(
                    str(f["Id"]),
                    str(f.get("Type", "")),
                    float(f.get("Severity", 0)),
                    str(f.get("Title", "")),
                    moment_of(f.get("CreatedAt")),
                    moment_of(f.get("UpdatedAt")),
                )
                for f in (raw or {})["Findings"]
            ]
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    except (KeyError, TypeError, ValueError) as exc:
        return Observed.failed(
            unexpected(client, "get_findings", f"the answer is not shaped as documented: {exc!r}"), tuple(sources)
        )
    return Observed.ok(tuple(found), tuple(sources))


DATASETS = (DETECTORS,)


def collect_detectors(client: Any, rec: Recorder) -> Observed[tuple[Detector, ...]]:
    sources: list[str] = []
    detectors = []
    try:
        for page, rid in rec.pages(client, "list_detectors"):
            sources.append(rid)
            if not isinstance(page.get("DetectorIds"), list):
                return Observed.failed(
                    unexpected(client, "list_detectors", "the answer has no 'DetectorIds'"), (*sources,)
                )
            for detector_id in page["DetectorIds"]:
                raw, drid = rec.call(client, "get_detector", DetectorId=detector_id)
                sources.append(drid)
                status = str((raw or {}).get("Status", "UNKNOWN"))
                findings: Observed[tuple[ThreatFinding, ...]] = (
                    collect_open_findings(client, rec, str(detector_id))
                    if status.upper() == "ENABLED"
                    else Observed.ok(())
                )
                detectors.append(Detector(str(detector_id), status, findings))
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    return Observed.ok(tuple(detectors), tuple(sources))
