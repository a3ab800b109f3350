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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from evidence_tracer.inventory.base import GLOBAL, Dataset, Failure, Observed, Resource

# Error codes with which a service refuses a filter it does not take (the per-item fallback then answers).
FILTER_REFUSED = frozenset(
    {
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "InvalidParameter",
        "UnknownParameter",
        "UnsupportedOperation",
    }
)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Membership:
    """One property of the listed items answered by the listing itself, filtered: one paged
    `operation(**spec.params, **params)` names every item that has it (EBS snapshots restorable by "all"),
    instead of one `fallback` call per item. Only when the service refuses the filter (`FILTER_REFUSED`) is
    `fallback` asked per item, and `holds` reads its answer. Either way the item gains the detail `name`
    (filtered) or `fallback.name` (per item): `read` gives the property from whichever it holds, so the
    completeness record can say which was used and a stored scan of either kind reads the same."""

    name: str
    params: Mapping[str, Any]
    fallback: Detail
    holds: Callable[[Any], bool]

    def read(self, resource: Resource) -> Observed[bool]:
        if self.name in resource.details:
            return resource.details[self.name]
        answer = resource.details.get(self.fallback.name)
        if answer is None:
            return resource.detail(self.name)  # neither: "not collected; re-scan"
        if answer.failure is not None:
            return Observed.failed(answer.failure, answer.sources)
        try:
            return Observed.ok(self.holds(answer.value), answer.sources)
        except (AttributeError, TypeError) as exc:
            failure = Failure("detail", self.fallback.operation, GLOBAL, "UnexpectedResponse", repr(exc))
            return Observed.failed(failure, answer.sources)

    def method(self, resource: Resource) -> str:
        """How the property was read for this item: "filtered listing", "per item" or "" (not read)."""
        if self.name in resource.details:
            return "filtered listing"
        return "per item" if self.fallback.name in resource.details else ""


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
    membership: Membership | None = None


@dataclass(frozen=True, eq=False)
class SettingSpec(Dataset["Mapping[str, Any] | None"]):
    """One setting: the answer of `operation(**params)`, which must hold `required_key`; error codes
    in `absent` mean "not configured" and read as None."""

    required_key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()
    permission: str | None = None


Spec = ResourceSpec | SettingSpec
