"""CloudTrail: the trails visible in a region (shadow copies of multi-region trails included).

A trail's logging status is read once, in its home region, or in the first region that sees it
when its home region is not being scanned.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import TRAILS, Trail
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, observe, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (aws_op("cloudtrail", "DescribeTrails"), aws_op("cloudtrail", "GetTrailStatus"))
DATASETS = (TRAILS,)


def collect_trails(
    client: Any, rec: Recorder, region: str, scanned: Collection[str] = ()
) -> Observed[tuple[Trail, ...]]:
    try:
        raw, rid = rec.call(client, "describe_trails", includeShadowTrails=True)
    except CallFailed as exc:
        return Observed.failed(exc.failure, (exc.record_id,))
    assert raw is not None
    if not isinstance(raw.get("trailList"), list):
        return Observed.failed(unexpected(client, "describe_trails", "the answer has no 'trailList'"), (rid,))
    trails = []
    for t in raw["trailList"]:
        home = str(t.get("HomeRegion", region))
        arn = str(t.get("TrailARN", t["Name"]))
        if home == region or home not in scanned:
            logging = observe(rec, client, "get_trail_status", lambda r: bool(r and r.get("IsLogging")), Name=arn)
        else:
            logging = Observed()  # read where the trail lives
        trails.append(
            Trail(
                name=str(t["Name"]),
                arn=arn,
                home_region=home,
                multi_region=bool(t.get("IsMultiRegionTrail")),
                log_file_validation=bool(t.get("LogFileValidationEnabled")),
                is_logging=logging,
                cloudwatch_logs_group=Observed.ok(t.get("CloudWatchLogsLogGroupArn") or None, (rid,)),
                s3_bucket=Observed.ok(t.get("S3BucketName") or None, (rid,)),
            )
        )
    return Observed.ok(tuple(trails), (rid,))
