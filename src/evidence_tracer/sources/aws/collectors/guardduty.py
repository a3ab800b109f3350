"""GuardDuty: the detectors of a region and their status."""

from __future__ import annotations

from typing import Any

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import DETECTORS, Detector
from evidence_tracer.sources.aws.caller import CallFailed, Recorder
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (aws_op("guardduty", "ListDetectors"), aws_op("guardduty", "GetDetector"))
DATASETS = (DETECTORS,)


def collect_detectors(client: Any, rec: Recorder) -> Observed[tuple[Detector, ...]]:
    sources: list[str] = []
    detectors = []
    try:
        for page, rid in rec.pages(client, "list_detectors"):
            sources.append(rid)
            for detector_id in page.get("DetectorIds", []):
                raw, drid = rec.call(client, "get_detector", DetectorId=detector_id)
                sources.append(drid)
                detectors.append(Detector(str(detector_id), str((raw or {}).get("Status", "UNKNOWN"))))
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    return Observed.ok(tuple(detectors), tuple(sources))
