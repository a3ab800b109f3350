"""Boundary services as data (`services.yaml`): the names a user writes in tracer.yaml, and the check
services that examine each."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from evidence_tracer.yamlfile import safe_load


@dataclass(frozen=True)
class BoundaryService:
    name: str
    aliases: tuple[str, ...]
    examined_by: tuple[str, ...]


@functools.cache
def boundary_services() -> dict[str, BoundaryService]:
    text = resources.files("evidence_tracer.catalog").joinpath("services.yaml").read_text("utf-8")
    raw = safe_load(text)
    return {
        name: BoundaryService(name, tuple(v.get("aliases", ())), tuple(v.get("examined_by", ())))
        for name, v in raw.items()
    }


def find_service(written: str) -> BoundaryService | None:
    """The catalog entry for a service as the user wrote it ("Aurora", "rds", "Amazon S3"), if any."""
    key = written.strip().lower()
    for service in boundary_services().values():
        if key == service.name.lower() or key in service.aliases:
            return service
    return None
