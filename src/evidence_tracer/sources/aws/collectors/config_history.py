"""AWS Config's history of a region, read back: is there a recorder that records the type, which resources it
knows (ListDiscoveredResources, deleted ones included), and each one's configuration item in force at a moment
(GetResourceConfigHistory, newest first, up to that moment) or its whole timeline. Every page is its own
evidence record; a region without a recorder, or one that does not record the type, is a failure, never an
empty (and so passing) history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from evidence_tracer.inventory.aws_config import ConfigItem, RegionHistory, parse_item
from evidence_tracer.inventory.base import Failure
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("config", "DescribeConfigurationRecorders"),
    aws_op("config", "ListDiscoveredResources"),
    aws_op("config", "GetResourceConfigHistory"),
)
_UNKNOWN = frozenset({"ResourceNotDiscoveredException"})


def _not_recorded(region: str, message: str) -> Failure:
    return Failure("config", "GetResourceConfigHistory", region, "NoConfigRecorder", message)


def recorder_failure(client: Any, rec: Recorder, resource_type: str, region: str) -> tuple[Failure | None, str]:
    """Why this region's Config cannot answer for the type (None: a recorder records it), and the record."""
    raw, record = rec.call(client, "describe_configuration_recorders")
    recorders = (raw or {})["ConfigurationRecorders"]
    if not recorders:
        return _not_recorded(region, f"AWS Config has no configuration recorder in {region}: no history"), record
    for recorder in recorders:
        group = recorder.get("recordingGroup") or {"allSupported": True}
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
        if (group.get("allSupported") and resource_type not in excluded) or resource_type in (
            group.get("resourceTypes") or []
        ):
            return None, record
    return _not_recorded(region, f"the configuration recorder in {region} does not record {resource_type}"), record


def discovered(client: Any, rec: Recorder, resource_type: str) -> tuple[list[str], list[str]]:
    """The ids of every resource of the type Config knows (deleted ones too), and the page records."""
    ids, records = [], []
    for page, record in rec.pages(
        client, "list_discovered_resources", resourceType=resource_type, includeDeletedResources=True
    ):
        records.append(record)
        ids += [str(r["resourceId"]) for r in page["resourceIdentifiers"]]
    return ids, records


def _items(client: Any, rec: Recorder, **params: Any) -> tuple[list[ConfigItem], list[str]]:
    items, records = [], []
    for page, record in rec.pages(client, "get_resource_config_history", **params):
        records.append(record)
        items += [parse_item(raw, record) for raw in page["configurationItems"]]
    return items, records


def _guarded(client: Any, region: str, work: Any) -> RegionHistory:
    try:
        return work()  # type: ignore[no-any-return]
    except CallFailed as exc:
        return RegionHistory(region, failure=exc.failure, sources=(exc.record_id,))
    except (KeyError, TypeError, ValueError) as exc:
        failure = unexpected(client, "get_resource_config_history", f"not shaped as documented: {exc!r}")
        return RegionHistory(region, failure=failure)


def history_at(client: Any, rec: Recorder, resource_type: str, region: str, moment: datetime) -> RegionHistory:
    """The item in force at `moment` for every resource of the type the region's Config knows."""

    def work() -> RegionHistory:
        failure, record = recorder_failure(client, rec, resource_type, region)
        if failure is not None:
            return RegionHistory(region, failure=failure, sources=(record,))
        ids, sources = discovered(client, rec, resource_type)
        found = []
        for resource_id in ids:
            raw, call = rec.call(
                client,
                "get_resource_config_history",
                absent=_UNKNOWN,
                resourceType=resource_type,
                resourceId=resource_id,
                laterTime=moment,
                chronologicalOrder="Reverse",
                limit=1,
            )
            sources.append(call)
            if raw is not None and raw["configurationItems"]:
                found.append(parse_item(raw["configurationItems"][0], call))
        return RegionHistory(region, tuple(found), sources=(record, *sources))

    return _guarded(client, region, work)


def timeline(
    client: Any, rec: Recorder, resource_type: str, region: str, since: datetime, until: datetime
) -> RegionHistory:
    """Every item of every resource of the type between `since` and `until`, oldest first (all pages)."""

    def work() -> RegionHistory:
        failure, record = recorder_failure(client, rec, resource_type, region)
        if failure is not None:
            return RegionHistory(region, failure=failure, sources=(record,))
        ids, sources = discovered(client, rec, resource_type)
        found: list[ConfigItem] = []
        for resource_id in ids:
            items, records = _items(
                client,
                rec,
                resourceType=resource_type,
                resourceId=resource_id,
                earlierTime=since,
                laterTime=until,
                chronologicalOrder="Forward",
            )
            found += items
            sources += records
        return RegionHistory(region, tuple(found), sources=(record, *sources))

    return _guarded(client, region, work)
