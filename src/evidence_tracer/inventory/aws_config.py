"""The past read back from AWS Config: configuration items (as GetResourceConfigHistory answers them) turned into
the inventory's own datasets, so that the checks judge the configuration of a past day like any snapshot.

Config's `configuration` is the describe call's item with camelCase keys (`dBInstanceArn`, `storageEncrypted`,
`publiclyAccessible`); the describe APIs' are PascalCase (`DBInstanceArn`). One rule converts them, and one
entry per resource type says which dataset it rebuilds. A reconstructed part is marked as such
(`attributes["reconstructed"]`), and it holds only the datasets Config rebuilt: every other dataset reads as
not collected, so a check that needs one is never judged on a reconstructed day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evidence_tracer.inventory.aws_resources import EBS_VOLUMES, RDS_CLUSTERS, RDS_INSTANCES
from evidence_tracer.inventory.aws_spec import ResourceSpec
from evidence_tracer.inventory.base import Failure, Observed, Resource, SourcePart, freeze

RECONSTRUCTED = "reconstructed"  # the part attribute naming the moment a reconstruction speaks for
# Statuses of a configuration item whose resource did not exist (or was not recorded) at its capture time.
GONE = frozenset({"ResourceDeleted", "ResourceNotRecorded", "ResourceDeletedNotRecorded"})


@dataclass(frozen=True, slots=True)
class ConfigType:
    """One Config resource type and the dataset it rebuilds; `tags` is where the describe API keeps tags."""

    resource_type: str
    spec: ResourceSpec
    tags: str


CONFIG_TYPES: dict[str, ConfigType] = {
    t.resource_type: t
    for t in (
        ConfigType("AWS::RDS::DBInstance", RDS_INSTANCES, "TagList"),
        ConfigType("AWS::RDS::DBCluster", RDS_CLUSTERS, "TagList"),
        ConfigType("AWS::EC2::Volume", EBS_VOLUMES, "Tags"),
    )
}


@dataclass(frozen=True, slots=True)
class ConfigItem:
    """One configuration item: a resource's recorded state from `captured` on."""

    resource_type: str
    resource_id: str
    arn: str
    region: str
    captured: datetime
    status: str  # OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted, ResourceDeletedNotRecorded
    configuration: Mapping[str, Any]  # parsed from Config's JSON text
    tags: Mapping[str, str]
    record: str = ""  # the evidence record of the call that answered it

    @property
    def exists(self) -> bool:
        return self.status not in GONE


def _pascal(key: str) -> str:
    return key[:1].upper() + key[1:]


def describe_shape(value: Any) -> Any:
    """Config's camelCase configuration in the describe API's PascalCase (keys only, at every depth)."""
    if isinstance(value, Mapping):
        return {_pascal(str(k)): describe_shape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [describe_shape(v) for v in value]
    return value


def parse_item(raw: Mapping[str, Any], record: str = "") -> ConfigItem:
    """A configurationItem of GetResourceConfigHistory; its configuration is JSON text (or absent when the
    resource was deleted). Raises KeyError/ValueError/TypeError on an answer not shaped as documented."""
    text = raw.get("configuration")
    configuration = json.loads(text) if isinstance(text, str) and text else {}
    if not isinstance(configuration, dict):
        raise ValueError("configuration is not a JSON object")
    captured = raw["configurationItemCaptureTime"]
    if not isinstance(captured, datetime) or captured.tzinfo is None:
        raise TypeError("configurationItemCaptureTime is not a timestamp")
    return ConfigItem(
        resource_type=str(raw["resourceType"]),
        resource_id=str(raw["resourceId"]),
        arn=str(raw.get("arn") or raw["resourceId"]),
        region=str(raw.get("awsRegion", "")),
        captured=captured.astimezone(UTC),
        status=str(raw["configurationItemStatus"]),
        configuration=configuration,
        tags={str(k): str(v) for k, v in (raw.get("tags") or {}).items()},
        record=record,
    )


def as_resource(item: ConfigItem) -> Resource:
    kind = CONFIG_TYPES[item.resource_type]
    data = describe_shape(item.configuration)
    if item.tags:
        data[kind.tags] = [{"Key": k, "Value": v} for k, v in sorted(item.tags.items())]
    return Resource(id=item.arn, data=freeze(data), sources=(item.record,) if item.record else ())


@dataclass(frozen=True, slots=True)
class RegionHistory:
    """What one region's Config answered for one resource type: the item in force at the moment for each
    resource it knows (None: Config had no item by then), or why it could not be read."""

    region: str
    items: tuple[ConfigItem, ...] = ()
    failure: Failure | None = None
    sources: tuple[str, ...] = ()


def reconstructed_part(
    account: str, partition: str, resource_type: str, moment: datetime, regions: Iterable[RegionHistory]
) -> SourcePart:
    """The inventory part Config rebuilds for `moment`: the resources that existed then, in the dataset of
    their type; a region Config could not answer for is that dataset's failure (so its checks say `error`)."""
    spec = CONFIG_TYPES[resource_type].spec
    data: dict[str, Observed[Any]] = {}
    names = []
    for history in regions:
        names.append(history.region)
        if history.failure is not None:
            data[spec.slot(history.region)] = Observed.failed(history.failure, history.sources)
            continue
        resources = tuple(as_resource(i) for i in history.items if i.exists)
        data[spec.slot(history.region)] = Observed.ok(resources, history.sources)
    return SourcePart(
        source="aws",
        account=account,
        regions=tuple(names),
        attributes={"partition": partition, RECONSTRUCTED: moment.isoformat(), "resource_type": resource_type},
        data=data,
    )
