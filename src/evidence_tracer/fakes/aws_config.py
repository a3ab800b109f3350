"""A fake AWS Config endpoint (JSON 1.1, `X-Amz-Target: StarlingDoveService.<Operation>`) serving the history
moto does not keep: configuration recorders, discovered resources and configuration items with their capture
time, status and configuration as JSON text, in pages with `nextToken`, newest or oldest first — shaped as the
Config API reference documents them (tests check every answer against botocore's service model). The region
of a request is read from its SigV4 credential scope, as AWS routes it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from evidence_tracer.fakes.server import FakeApi, Reply, Request

TARGET = "StarlingDoveService."
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/config/")


@dataclass
class FakeItem:
    resource_type: str
    resource_id: str
    captured: datetime
    configuration: dict[str, Any]
    status: str = "OK"
    tags: dict[str, str] = field(default_factory=dict)
    name: str = ""
    arn: str = ""


@dataclass
class FakeConfig:
    account: str = "123456789012"
    recorders: dict[str, dict[str, Any]] = field(default_factory=dict)  # region -> recordingGroup
    items: dict[str, list[FakeItem]] = field(default_factory=dict)  # region -> items, any order
    page_size: int = 100  # the most a page holds (AWS: 100 discovered resources, 10 history items by default)


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


def _when(value: Any, default: datetime) -> datetime:
    return default if value is None else datetime.fromtimestamp(float(value), UTC)


def _page(rows: list[Any], body: dict[str, Any], size: int) -> tuple[list[Any], str | None]:
    start = int(body.get("nextToken") or 0)
    limit = min(int(body.get("limit") or size), size)
    end = start + limit
    return rows[start:end], (str(end) if end < len(rows) else None)


def _error(code: str, message: str) -> Reply:
    return Reply(400, {"__type": code, "message": message})


def item_body(config: FakeConfig, region: str, i: FakeItem) -> dict[str, Any]:
    gone = i.status in ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")
    body: dict[str, Any] = {
        "version": "1.3",
        "accountId": config.account,
        "configurationItemCaptureTime": _epoch(i.captured),
        "configurationItemStatus": i.status,
        "configurationStateId": str(int(_epoch(i.captured) * 1000)),
        "arn": i.arn or f"arn:aws:config-fake:{region}:{config.account}:{i.resource_id}",
        "resourceType": i.resource_type,
        "resourceId": i.resource_id,
        "awsRegion": region,
        "tags": dict(i.tags),
        "relatedEvents": [],
        "relationships": [],
        "supplementaryConfiguration": {},
    }
    if i.name:
        body["resourceName"] = i.name
    if not gone:
        body["configuration"] = json.dumps(i.configuration)
    return body


def config_api(config: FakeConfig) -> FakeApi:
    api = FakeApi()

    def handle(request: Request) -> Reply:
        operation = request.headers.get("x-amz-target", "").removeprefix(TARGET)
        found = _SCOPE.search(request.headers.get("authorization", ""))
        region = found.group(1) if found else "us-east-1"
        body = json.loads(request.body or b"{}")
        items = config.items.get(region, [])
        if operation == "DescribeConfigurationRecorders":
            recorders = [
                {"name": "default", "roleARN": f"arn:aws:iam::{config.account}:role/config", "recordingGroup": group}
                for group in ([config.recorders[region]] if region in config.recorders else [])
            ]
            return Reply(200, {"ConfigurationRecorders": recorders})
        if operation == "ListDiscoveredResources":
            kind = body["resourceType"]
            latest: dict[str, FakeItem] = {}
            for i in sorted((i for i in items if i.resource_type == kind), key=lambda i: i.captured):
                latest[i.resource_id] = i
            listed: list[dict[str, Any]] = []
            for rid, last in sorted(latest.items()):
                deleted = last.status.startswith("ResourceDeleted")
                if deleted and not body.get("includeDeletedResources"):
                    continue
                row: dict[str, Any] = {"resourceType": kind, "resourceId": rid}
                if last.name:
                    row["resourceName"] = last.name
                if deleted:
                    row["resourceDeletionTime"] = _epoch(last.captured)
                listed.append(row)
            chunk, token = _page(listed, body, config.page_size)
            return Reply(200, {"resourceIdentifiers": chunk, **({"nextToken": token} if token else {})})
        if operation == "GetResourceConfigHistory":
            kind, rid = body["resourceType"], body["resourceId"]
            mine = [i for i in items if i.resource_type == kind and i.resource_id == rid]
            if not mine:
                return _error("ResourceNotDiscoveredException", f"Resource {rid} of resourceType:{kind} is unknown")
            later = _when(body.get("laterTime"), datetime.max.replace(tzinfo=UTC))
            earlier = _when(body.get("earlierTime"), datetime.min.replace(tzinfo=UTC))
            rows = sorted(
                (i for i in mine if earlier <= i.captured <= later),
                key=lambda i: i.captured,
                reverse=body.get("chronologicalOrder", "Reverse") == "Reverse",
            )
            chunk, token = _page([item_body(config, region, i) for i in rows], body, min(config.page_size, 100))
            return Reply(200, {"configurationItems": chunk, **({"nextToken": token} if token else {})})
        return _error("UnknownOperationException", f"{operation} is not served by this fake")

    api.route("/", handle)
    return api


def config_shape(value: Any) -> Any:
    """A describe API's PascalCase item in the camelCase AWS Config records it with (the demo's history)."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: config_shape(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [config_shape(v) for v in value]
    return value
