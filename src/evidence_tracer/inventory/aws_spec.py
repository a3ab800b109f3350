"""The declarative collection vocabulary (the model is cloud-custodian's `resource_type`/`enum_spec`).

A `ResourceSpec` says how to enumerate one kind of resource: the list/describe operation, where the
items sit in its answer, which field identifies one, whether it is regional, fixed parameters, and
per-item detail calls. A `SettingSpec` reads one account/region-level setting. Paging follows
botocore's own paginator model, so "paginated or not" is not written twice. One generic collector
(`collectors/declarative.py`) pages, records, redacts and converts failures for all of them; the
operations and IAM actions they need are derived from them (`sources/aws/declared.py`). The
declarations are data, so they live with the inventory whose datasets they key: checks read them by name
and import no source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evidence_tracer.inventory.base import Dataset, Resource


@dataclass(frozen=True)
class Detail:
    """A call made once per item: `operation(param=item[item_field], **params)`, its answer kept under `name`
    (only `result_key` of it when given). Error codes in `absent` mean "not configured" (value None)."""

    name: str
    operation: str
    param: str
    item_field: str  # empty: the item's id
    result_key: str | None = None
    absent: frozenset[str] = frozenset()
    params: Mapping[str, Any] = field(default_factory=dict)
    permission: str | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed as the Dataset it is (its key)
class ResourceSpec(Dataset[tuple[Resource, ...]]):
    """`result_key` is a path into each page: "DBInstances", or "Reservations/Instances" to flatten
    nested lists. `id_field` empty means the items are plain ids (DynamoDB's ListTables)."""

    result_key: str = ""
    id_field: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    details: tuple[Detail, ...] = ()
    absent: frozenset[str] = frozenset()
    permission: str | None = None
    # The service leaves `result_key` out of an answer with nothing in it (SQS ListQueues does): no key, no items.
    omitted_when_empty: bool = False


@dataclass(frozen=True, eq=False)
class SettingSpec(Dataset["Mapping[str, Any] | None"]):
    """One setting: the answer of `operation(**params)`, which must hold `required_key`; error codes
    in `absent` mean "not configured" and read as None."""

    required_key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    permission: str | None = None


Spec = ResourceSpec | SettingSpec
