"""Which resources are critical (versioning, deletion protection, backups, TLS-only, SSE-KMS): those
tracer.yaml names, and those whose tags classify their data. Used by checks and by collectors that read
more of a critical resource. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evidence_tracer.config import WorkspaceConfig

DECLARE_CRITICAL = (
    "name it under criticality.resources in tracer.yaml, or tag it with a data classification "
    "(e.g. data-classification=confidential)"
)


def critical_reason(config: WorkspaceConfig, names: Iterable[str], tag_map: Mapping[str, str]) -> str | None:
    """Why a resource is critical (a sentence fragment), or None when nothing says it is."""
    crit = config.criticality
    declared = set(crit.resources) | set(config.s3.critical_buckets)
    for name in names:
        if name in declared:
            return f"{name} is listed as critical in tracer.yaml"
    marker = config.s3.critical_tag
    if tag_map.get(marker.key) == marker.value:
        return f"it is tagged {marker.key}={marker.value}"
    keys = {k.lower() for k in crit.classification_tag_keys}
    values = {v.lower() for v in crit.classification_values}
    for key, value in tag_map.items():
        if key.lower() in keys and value.lower() in values:
            return f"its data-classification tag says {key}={value}"
    return None
