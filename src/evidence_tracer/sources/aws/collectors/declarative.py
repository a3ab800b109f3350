"""The one collector for every declared resource and setting (see `spec.py`).

It pages with botocore's paginator model (every page its own record), checks the answer's shape
(an HTML page or a missing key is an `UnexpectedResponse` failure, never an empty list), builds each
item from the page as recorded (JSON-shaped and redacted, once, by the recorder) and makes the per-item
detail calls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from botocore import xform_name

from evidence_tracer.inventory import Failure, Observed, Resource
from evidence_tracer.inventory.aws_spec import FILTER_REFUSED, Detail, ResourceSpec, SettingSpec, Spec
from evidence_tracer.inventory.base import freeze
from evidence_tracer.sources.aws.caller import CallFailed, Recorder

UNEXPECTED = "UnexpectedResponse"


class _WrongShape(Exception):
    pass


def _items(page: dict[str, Any], path: str) -> Iterator[Any]:
    """The items at `path` ("A" or "A/B": B lists inside every element of A) of one page."""
    head, _, rest = path.partition("/")
    if head not in page:
        raise _WrongShape(f"the answer has no {head!r}")
    found = page[head]
    if isinstance(found, dict) and rest:  # "DistributionList/Items": a wrapper object around the list
        yield from _items(found, rest)
        return
    if not isinstance(found, list):
        raise _WrongShape(f"{head!r} is not a list")
    for item in found:
        if rest:
            if not isinstance(item, dict):
                raise _WrongShape(f"an element of {head!r} is not an object")
            yield from _items(item, rest)
        else:
            yield item


def _present(page: dict[str, Any], path: str) -> bool:
    """Whether the answer holds `path` at all ("A/B": B inside the object A)."""
    value: Any = page
    for key in path.split("/"):
        if not isinstance(value, dict) or key not in value:
            return False
        value = value[key]
    return True


def _detail(
    rec: Recorder, client: Any, spec: ResourceSpec, detail: Detail, data: Mapping[str, Any], item_id: str, region: str
) -> Observed[Any]:
    value = data.get(detail.item_field) if detail.item_field else item_id
    try:
        answer, record = rec.exchange(
            client, xform_name(detail.operation), absent=detail.absent, **{detail.param: value, **detail.params}
        )
    except CallFailed as exc:
        return Observed.failed(exc.failure, (exc.record_id,))
    rid = record.record_id
    if answer is None:
        return Observed.ok(None, (rid,))
    raw: Any = record.response  # as stored: JSON-shaped and redacted
    if detail.result_key is not None:
        if detail.result_key not in raw:
            return Observed.failed(
                Failure(spec.service, detail.operation, region, UNEXPECTED, f"the answer has no {detail.result_key!r}"),
                (rid,),
            )
        raw = raw[detail.result_key]
    return Observed.ok(freeze(raw), (rid,))


def collect_resources(client: Any, rec: Recorder, spec: ResourceSpec, region: str) -> Observed[tuple[Resource, ...]]:
    sources: list[str] = []
    items: list[tuple[Any, str]] = []
    try:
        for page, record in rec.exchanges(client, xform_name(spec.operation), **spec.params):
            rid = record.record_id
            sources.append(rid)
            if spec.omitted_when_empty and not _present(page, spec.result_key):
                kind = str(page.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("content-type", ""))
                if "json" not in kind and "xml" not in kind:  # an empty answer is AWS's; a login page is not
                    raise _WrongShape(f"the answer is not AWS's (content-type {kind or 'none'})")
                continue  # nothing to list: the service sends no key at all
            # The items as stored (JSON-shaped, redacted once by the recorder): the snapshot holds what evidence does
            items.extend((item, rid) for item in _items(record.response, spec.result_key))
    except CallFailed as exc:
        if exc.failure.code in spec.absent:
            return Observed.ok((), (*sources, exc.record_id))
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    except _WrongShape as exc:
        return Observed.failed(Failure(spec.service, spec.operation, region, UNEXPECTED, str(exc)), tuple(sources))
    resources = []
    for raw, rid in items:
        if spec.id_field:
            if not isinstance(raw, dict) or not isinstance(raw.get(spec.id_field), str):
                return Observed.failed(
                    Failure(spec.service, spec.operation, region, UNEXPECTED, f"an item has no {spec.id_field!r}"),
                    tuple(sources),
                )
            data, item_id = freeze(raw), str(raw[spec.id_field])
        elif isinstance(raw, str):
            data, item_id = {"Id": raw}, raw
        else:
            return Observed.failed(
                Failure(spec.service, spec.operation, region, UNEXPECTED, "an item is not an id"), tuple(sources)
            )
        details = {d.name: _detail(rec, client, spec, d, data, item_id, region) for d in spec.details}
        resources.append(Resource(item_id, data, details, (rid,)))
    if spec.membership is not None and resources:
        resources = _with_membership(rec, client, spec, region, resources)
    return Observed.ok(tuple(resources), tuple(sources))


def _with_membership(
    rec: Recorder, client: Any, spec: ResourceSpec, region: str, resources: list[Resource]
) -> list[Resource]:
    """Each resource with its membership detail: from one filtered, paged listing, or per item when the service
    refuses the filter. A listing that fails otherwise (access denied) is that detail's failure for every item."""
    membership = spec.membership
    assert membership is not None

    def each(name: str, value: Callable[[Resource], Observed[Any]]) -> list[Resource]:
        return [replace(r, details={**r.details, name: value(r)}) for r in resources]

    members: set[str] = set()
    sources: list[str] = []
    try:
        for page, rid in rec.pages(client, xform_name(spec.operation), **{**spec.params, **membership.params}):
            sources.append(rid)
            members.update(
                str(item.get(spec.id_field)) for item in _items(page, spec.result_key) if isinstance(item, dict)
            )
    except CallFailed as exc:
        if exc.failure.code in FILTER_REFUSED:
            fallback = membership.fallback
            return each(fallback.name, lambda r: _detail(rec, client, spec, fallback, r.data, r.id, region))
        failed: Observed[Any] = Observed.failed(exc.failure, (*sources, exc.record_id))
        return each(membership.name, lambda r: failed)
    except _WrongShape as exc:
        shape: Observed[Any] = Observed.failed(
            Failure(spec.service, spec.operation, region, UNEXPECTED, str(exc)), tuple(sources)
        )
        return each(membership.name, lambda r: shape)
    return each(membership.name, lambda r: Observed.ok(r.id in members, tuple(sources)))


def collect_setting(client: Any, rec: Recorder, spec: SettingSpec, region: str) -> Observed[Any]:
    try:
        answer, record = rec.exchange(client, xform_name(spec.operation), absent=spec.absent, **spec.params)
    except CallFailed as exc:
        return Observed.failed(exc.failure, (exc.record_id,))
    rid = record.record_id
    if answer is None:
        return Observed.ok(None, (rid,))
    raw = record.response  # as stored: JSON-shaped and redacted
    if spec.required_key not in raw:
        return Observed.failed(
            Failure(spec.service, spec.operation, region, UNEXPECTED, f"the answer has no {spec.required_key!r}"),
            (rid,),
        )
    return Observed.ok(freeze(raw), (rid,))


def collect_spec(client: Any, rec: Recorder, spec: Spec, region: str) -> Observed[Any]:
    if isinstance(spec, ResourceSpec):
        return collect_resources(client, rec, spec, region)
    return collect_setting(client, rec, spec, region)
