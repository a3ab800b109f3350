"""Control owners: every in-scope control has one named person (tracer.yaml `owners`)."""

from __future__ import annotations

from evidence_tracer.catalog.controls import Control, controls
from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.config import WorkspaceConfig


def in_scope_controls(config: WorkspaceConfig) -> list[Control]:
    """Controls that support at least one criterion of an in-scope category."""
    scoped = {cid for cid, c in criteria().items() if c.category in config.scope.categories}
    return [c for c in controls().values() if scoped & set(c.criteria)]


def owners_of(config: WorkspaceConfig) -> dict[str, str]:
    """control id -> owner email, resolving family entries (AC) under specific ones (a control id)."""
    resolved = {}
    for cid in controls():
        family = cid.rsplit("-", 1)[0]
        owner = config.owners.get(cid) or config.owners.get(family)
        if owner:
            resolved[cid] = owner
    return resolved


def unowned(config: WorkspaceConfig) -> list[Control]:
    owned = owners_of(config)
    return [c for c in in_scope_controls(config) if c.id not in owned]
