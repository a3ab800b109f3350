"""The read-only guard: a botocore hook that refuses any non-read operation before it is sent."""

from __future__ import annotations

from typing import Any

from evidence_tracer.aws.actions import is_read_only
from evidence_tracer.errors import ReadOnlyViolation


def refuse_writes(model: Any, **_: Any) -> None:
    """`before-call` handler: raise before any request for a mutating operation is built."""
    name = str(model.name)
    if not is_read_only(name):
        service = model.service_model.service_name
        raise ReadOnlyViolation(f"refused {service}:{name}: Evidence Tracer only reads from AWS")


def install(events: Any) -> None:
    """Register the guard on a boto3/botocore event emitter (a session's or a client's)."""
    events.register("before-call", refuse_writes, unique_id="evidence-tracer-read-only")
