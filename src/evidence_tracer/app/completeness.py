"""Completeness of system-generated evidence (what auditors call IPE): who scanned, which regions were enabled
and which were scanned, and for every population (buckets, users, instances…) the listing calls behind it
with their parameters, pages, row counts and whether the last page was the last. Built from the API records
the scan stored, so an auditor can recompute every figure from the package."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.evidence.items import EvidenceItem, Kind
from evidence_tracer.inventory import Inventory, SourcePart
from evidence_tracer.inventory.aws_resources import SPECS
from evidence_tracer.inventory.aws_spec import ResourceSpec
from evidence_tracer.models import ScanResult

# Request parameters that only turn pages: two calls that differ only in these list one population.
_PAGE_PARAMS = frozenset(
    {
        "NextToken",
        "Marker",
        "ContinuationToken",
        "StartingToken",
        "nextToken",
        "PaginationToken",
        "ExclusiveStartKey",
        "NextMarker",
        "StartAfter",
    }
)
# Response fields that say more pages follow.
_MORE = ("NextToken", "NextMarker", "nextToken", "NextContinuationToken", "PaginationToken")


def _rows(response: Mapping[str, Any]) -> dict[str, int]:
    return {k: len(v) for k, v in response.items() if isinstance(v, list)}


def _truncated(response: Mapping[str, Any]) -> bool:
    return response.get("IsTruncated") is True or any(response.get(k) for k in _MORE)


def completeness(
    items: Iterable[EvidenceItem],
    content: Callable[[EvidenceItem], bytes],
    inventory: Inventory | None,
    scanned_regions: Iterable[str],
) -> dict[str, Any]:
    """The completeness record of one scan; `content` reads an item's stored (redacted) response."""
    calls = sorted(items, key=lambda i: (i.collected_at, i.id))
    identity: list[dict[str, Any]] = []
    enabled: set[str] = set()
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for item in calls:
        response = json.loads(content(item)) if item.media_type == "application/json" else {}
        if not isinstance(response, dict):
            response = {}
        if item.operation == "GetCallerIdentity" and not item.error_code:
            identity.append(
                {
                    "account": response.get("Account"),
                    "arn": response.get("Arn"),
                    "user_id": response.get("UserId"),
                    "evidence_id": item.id,
                }
            )
        if item.operation == "DescribeRegions" and not item.error_code:
            enabled |= {
                str(r.get("RegionName"))
                for r in response.get("Regions", [])
                if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in")
            }
        parameters = {k: v for k, v in (item.parameters or {}).items() if k not in _PAGE_PARAMS}
        key = (
            item.account_id or "",
            item.region or "",
            item.service or "",
            item.operation or "",
            json.dumps(parameters, sort_keys=True),
        )
        group = groups.setdefault(
            key,
            {
                "account": item.account_id,
                "region": item.region,
                "service": item.service,
                "operation": item.operation,
                "parameters": parameters,
                "pages": 0,
                "rows": {},
                "errors": [],
                "complete": True,
                "evidence_ids": [],
            },
        )
        group["pages"] += 1
        group["evidence_ids"].append(item.id)
        for name, count in _rows(response).items():
            group["rows"][name] = group["rows"].get(name, 0) + count
        if item.error_code:
            group["errors"].append(item.error_code)
        group["complete"] = not item.error_code and not _truncated(response)  # judged on the last page
    scanned = sorted(set(scanned_regions))
    return {
        "identity": identity,
        "endpoints": [endpoint_of(part) for part in (inventory.parts if inventory else ())],
        "regions": {
            "enabled": sorted(enabled),
            "scanned": scanned,
            "enabled_not_scanned": sorted(enabled - set(scanned)),
            "scanned_not_enabled": sorted(set(scanned) - enabled) if enabled else [],
        },
        "populations": list(groups.values()),
        "memberships": memberships(inventory) if inventory else [],
        "calls": len(calls),
    }


def memberships(inventory: Inventory) -> list[dict[str, Any]]:
    """For each property read by a filtered listing (public EBS snapshots), how it was read in each account and
    region: "filtered listing" (one paged call), "per item" (the service refused the filter) or "" (nothing to
    read), so that an auditor knows which population of calls in this record answered it."""
    rows = []
    for part in (p for p in inventory.parts if p.source == "aws"):
        for spec in SPECS:
            if not isinstance(spec, ResourceSpec) or spec.membership is None:
                continue
            for region in part.regions:
                listed = part.get(spec, region)
                methods = sorted({spec.membership.method(r) for r in listed.value or ()} - {""})
                rows.append(
                    {
                        "account": part.account,
                        "region": region,
                        "dataset": spec.key,
                        "property": spec.membership.name,
                        "method": ", ".join(methods),
                        "filter": dict(spec.membership.params),
                        "items": len(listed.value or ()),
                    }
                )
    return rows


# The hosts each provider serves its real API from (anything else — moto, LocalStack, a local fake — is not it).
REAL_HOSTS = {"github": ("api.github.com",), "okta": (".okta.com", ".oktapreview.com", ".okta-emea.com")}


def endpoint_of(part: SourcePart) -> dict[str, Any]:
    """Where a part was read from, and whether that is the provider itself."""
    if part.source == "aws":
        override = part.attribute("endpoint", "")
        return {
            "source": "aws",
            "account": part.account,
            "endpoint": override or "AWS (default endpoints)",
            "real": not override,
        }
    url = part.attribute("api_url") or part.attribute("org_url")
    host = urlparse(url).hostname or ""
    real = any(host == h or (h.startswith(".") and host.endswith(h)) for h in REAL_HOSTS.get(part.source, ()))
    return {"source": part.source, "account": part.account, "endpoint": url or "unknown", "real": real}


def endpoint_warning(record: Mapping[str, Any]) -> str:
    """ "" when every part was read from the provider itself, else the line the package index must show."""
    fake = [e for e in record.get("endpoints", []) if not e["real"]]
    names = {"aws": "AWS", "github": "GitHub", "okta": "Okta"}
    return "; ".join(
        f"not a real {names.get(e['source'], e['source'])} endpoint — {e['account']}: {e['endpoint']}" for e in fake
    )


def scan_completeness(workspace: Workspace, scan: ScanResult) -> dict[str, Any]:
    """The completeness record of a stored scan, from its API records and inventory snapshot (a merged scan's
    records are those of the scans it combines)."""
    store = workspace.store
    return completeness(
        [i for scan_id in (scan.scan.id, *scan.scan.merged_from) for i in store.items(kind=Kind.API, scan_id=scan_id)],
        store.content,
        workspace.inventory_of(scan.scan.id),
        scan.scan.regions,
    )
