"""Inventory snapshots: the collected state as JSON, so checks can be re-run on any stored scan.

Dataclasses are tagged with their qualified name (`module:Class`), datetimes with `_dt`, mappings with
`_map`; every sequence in the inventory is a tuple, so decoding needs no type hints. Only the value types
of the inventory modules (this package and the `evidence_tracer.inventory` entry points) are ever built.
Snapshots are versioned:

- format 1 (before evidence sources): one AWS account with fixed `iam`/`s3`/`regional` members; it is
  migrated to format 2 on read.
- format 2: `Inventory(parts=(SourcePart…))` with open dataset maps, types tagged by bare class name.
- format 3: as 2, types tagged by qualified name (two sources may each have a `User`).

A dataclass field a snapshot does not hold (a value type that gained a field since) decodes as its
default, or, for an `Observed` field, as "not collected in this snapshot" — never as a traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import pkgutil
from datetime import datetime
from importlib import import_module
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from evidence_tracer.errors import EvidenceError
from evidence_tracer.inventory import aws as aws_values
from evidence_tracer.inventory import base
from evidence_tracer.inventory.base import NOT_COLLECTED, Failure, Inventory, Observed

FORMAT = 3
# Value types of a third-party source: modules named by entry points of this group (the built-ins are the
# modules of this package, so no list of value modules is kept by hand).
ENTRY_POINT_GROUP = "evidence_tracer.inventory"


def value_modules() -> tuple[ModuleType, ...]:
    package = import_module(__package__ or "evidence_tracer.inventory")
    names = [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    names += [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.value not in names]
    return (package, *(import_module(n) for n in names))


def _qualified(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


@functools.cache
def _classes() -> dict[str, type]:
    """Every value type by its qualified name ("evidence_tracer.inventory.aws:Bucket") and, for snapshots of
    formats 1 and 2, by its bare name. Only these are ever built from a snapshot: a snapshot cannot name a
    module to import."""
    qualified: dict[str, type] = {}
    for module in value_modules():
        for cls in vars(module).values():
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__:
                qualified[_qualified(cls)] = cls
    bare: dict[str, type] = {}
    for cls in qualified.values():
        if cls.__name__ in bare and bare[cls.__name__] is not cls:
            raise EvidenceError(f"two value types are named {cls.__name__}: qualified names are needed")
        bare[cls.__name__] = cls
    return {**bare, **qualified}


_DESCRIBED: dict[type, tuple[str, tuple[str, ...]] | None] = {}


def _dataclass_fields(cls: type) -> tuple[str, tuple[str, ...]] | None:
    """A value type's tag and field names (None for anything else), looked up once per type, not per value."""
    if cls not in _DESCRIBED:
        is_value = dataclasses.is_dataclass(cls)
        _DESCRIBED[cls] = (_qualified(cls), tuple(f.name for f in dataclasses.fields(cls))) if is_value else None
    return _DESCRIBED[cls]


def _encode(value: Any) -> Any:
    if isinstance(value, str | int | float | None):  # the leaves, most of a snapshot (bool is an int)
        return value
    described = _dataclass_fields(type(value))
    if described is not None:
        tag, names = described
        return {"_t": tag, **{name: _encode(getattr(value, name)) for name in names}}
    if isinstance(value, datetime):
        return {"_dt": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"_map": {str(k): _encode(v) for k, v in value.items()}}
    return value


def _missing(cls: type, f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    if str(f.type).startswith("Observed"):
        return Observed.failed(
            Failure(
                cls.__name__, f.name, base.GLOBAL, NOT_COLLECTED, "the snapshot predates this field; run a new scan"
            )
        )
    raise EvidenceError(f"inventory snapshot lacks {cls.__name__}.{f.name}")


class _Decoder:
    def __init__(self) -> None:
        self.classes = _classes()

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return tuple(self(v) for v in value)
        if not isinstance(value, dict):
            return value
        if "_dt" in value:
            return datetime.fromisoformat(value["_dt"])
        if "_map" in value:
            return {k: self(v) for k, v in value["_map"].items()}
        cls = self.classes.get(value.get("_t", ""))
        if cls is None:
            raise EvidenceError(f"inventory snapshot has an unknown type {value.get('_t')!r}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        args = {k: self(v) for k, v in value.items() if k in fields}
        for name, f in fields.items():
            if name not in args:
                args[name] = _missing(cls, f)
        return cls(**args)


def _migrate_1(old: dict[str, Any]) -> dict[str, Any]:
    """Format 1 (one AWS account, fixed members) -> format 2 (an AWS source part of datasets)."""
    iam, s3 = old["iam"], old["s3"]
    data: dict[str, Any] = {
        aws_values.CREDENTIAL_REPORT.slot(): iam["credential_report"],
        aws_values.ACCOUNT_SUMMARY.slot(): iam["account_summary"],
        aws_values.PASSWORD_POLICY.slot(): iam["password_policy"],
        aws_values.ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): s3["account_public_access_block"],
        aws_values.BUCKETS.slot(): s3["buckets"],
    }
    for region, regional in old.get("regional", {}).get("_map", {}).items():
        data[aws_values.TRAILS.slot(region)] = regional["trails"]
        data[aws_values.DETECTORS.slot(region)] = regional["detectors"]
        data[aws_values.SECURITY_GROUPS.slot(region)] = regional["security_groups"]
    part = {
        "_t": "SourcePart",
        "source": "aws",
        "account": old["account_id"],
        "regions": old["regions"],
        "attributes": {"_map": {"partition": old["partition"]}},
        "data": {"_map": data},
        "failure": None,
    }
    return {"_t": "Inventory", "parts": [part]}


def encode_inventory(inv: Inventory) -> dict[str, Any]:
    """The snapshot as a JSON document (what the store redacts and writes, without parsing it back)."""
    return {"format": FORMAT, "inventory": _encode(inv)}


def snapshot_document(inv: Inventory) -> dict[str, Any]:
    """`encode_inventory`'s document with its parts encoded one at a time as a writer reads them (a generator),
    so that an Organization's inventory is never copied whole: what the store streams to a snapshot."""
    tag, names = _dataclass_fields(Inventory) or ("", ())
    fields = {name: _encode(getattr(inv, name)) for name in names if name != "parts"}
    return {"format": FORMAT, "inventory": {"_t": tag, **fields, "parts": map(_encode, inv.parts)}}


def dump_inventory(inv: Inventory) -> bytes:
    return json.dumps(encode_inventory(inv), sort_keys=True).encode("utf-8")


def load_inventory(data: bytes) -> Inventory:
    try:
        raw = json.loads(data)
        version = raw.get("format")
        if version == 1:
            encoded = _migrate_1(raw["inventory"])
        elif version in (2, FORMAT):  # format 2 names types by their bare class names
            encoded = raw["inventory"]
        else:
            raise EvidenceError(f"inventory snapshot format {version!r} is not supported")
        inv = _Decoder()(encoded)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EvidenceError(f"inventory snapshot is unreadable: {exc}") from None
    if not isinstance(inv, Inventory):
        raise EvidenceError("inventory snapshot does not hold an inventory")
    return inv
