"""Helpers every check module shares: walking a dataset region by region (unreadable regions become
`error` findings), tags, and readers of raw values that raise `UnexpectedShape` instead of a bare error."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from evidence_tracer.checks.registry import Emit
from evidence_tracer.errors import UnexpectedShape
from evidence_tracer.inventory import GLOBAL, Dataset, SourcePart
from evidence_tracer.models import Finding

T = TypeVar("T")


def listed(
    part: SourcePart, emit: Emit, dataset: Dataset[tuple[T, ...]], wildcard: str
) -> tuple[list[tuple[str, T, tuple[str, ...]]], list[Finding]]:
    """Every item of a dataset as (region, item, evidence), and an `error` finding per region (or for the
    account) where it could not be read. `wildcard` names the resource class, e.g. "db:*"."""
    found: list[tuple[str, T, tuple[str, ...]]] = []
    errors: list[Finding] = []
    for region in part.regions if dataset.regional else (GLOBAL,):
        observed = part.get(dataset, region)
        if observed.value is None:
            errors.append(emit.unread(observed, emit.arn(dataset.service, region, wildcard), region))
            continue
        found.extend((region, item, observed.sources) for item in observed.value)
    return found, errors


def tags(data: Mapping[str, Any], key: str = "Tags") -> dict[str, str]:
    """A resource's tags from the API's Key/Value list (TagList, Tags…)."""
    return {str(t.get("Key", "")): str(t.get("Value", "")) for t in data.get(key) or () if isinstance(t, Mapping)}


def as_int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UnexpectedShape(f"{what} is {value!r}, not a number") from None


def as_time(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise UnexpectedShape(f"{what} is {value!r}, not a time") from None


def as_json(value: Any, what: str) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        raise UnexpectedShape(f"{what} is not JSON") from None
