"""Inventory snapshots: the collected state as JSON, so checks can be re-run on an old scan.

Dataclasses are tagged with their class name, datetimes with `_dt`; every sequence in the inventory
is a tuple and every mapping a plain dict, so decoding needs no type hints.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from evidence_tracer import inventory
from evidence_tracer.errors import EvidenceError

_CLASSES: dict[str, type] = {
    name: cls for name, cls in vars(inventory).items() if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}
FORMAT = 1


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"_t": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, datetime):
        return {"_dt": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"_map": {str(k): _encode(v) for k, v in value.items()}}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if not isinstance(value, dict):
        return value
    if "_dt" in value:
        return datetime.fromisoformat(value["_dt"])
    if "_map" in value:
        return {k: _decode(v) for k, v in value["_map"].items()}
    cls = _CLASSES.get(value.get("_t", ""))
    if cls is None:
        raise EvidenceError(f"inventory snapshot has an unknown type {value.get('_t')!r}")
    return cls(**{k: _decode(v) for k, v in value.items() if k != "_t"})


def dump_inventory(inv: inventory.Inventory) -> bytes:
    return json.dumps({"format": FORMAT, "inventory": _encode(inv)}, sort_keys=True).encode("utf-8")


def load_inventory(data: bytes) -> inventory.Inventory:
    try:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise EvidenceError(f"inventory snapshot format {raw.get('format')!r} is not supported")
        inv = _decode(raw["inventory"])
    except (ValueError, KeyError, TypeError) as exc:
        raise EvidenceError(f"inventory snapshot is unreadable: {exc}") from None
    if not isinstance(inv, inventory.Inventory):
        raise EvidenceError("inventory snapshot does not hold an inventory")
    return inv
