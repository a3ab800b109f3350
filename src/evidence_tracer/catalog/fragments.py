"""Catalog fragments from plug-ins: a third-party source ships its checks' catalog entries and the controls
they serve in its own `catalog.yaml`, named by an entry point of the group `evidence_tracer.catalog`:

    checks:
      statuspage_incidents_published:
        title: ...
        source: statuspage
        service: statuspage
        severity: medium
        needs: [status:ListIncidents]
        remediation: ...
    controls:
      IR-02: {checks: [statuspage_incidents_published]}

A fragment may add checks and list them under existing controls; it cannot change a built-in entry. The
mapping stays in the catalog — in the built-in files and the fragments — and nowhere in code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from importlib.metadata import entry_points
from typing import Any

from evidence_tracer.errors import ConfigError
from evidence_tracer.yamlfile import safe_load

ENTRY_POINT_GROUP = "evidence_tracer.catalog"
FILE = "catalog.yaml"


@dataclass(frozen=True)
class Fragment:
    package: str
    data: bytes
    checks: dict[str, dict[str, Any]]
    control_checks: dict[str, tuple[str, ...]]


def _parse(package: str, data: bytes) -> Fragment:
    where = f"{package}/{FILE}"
    raw = safe_load(data) or {}
    if not isinstance(raw, dict) or set(raw) - {"checks", "controls"}:
        raise ConfigError(f"{where}: a catalog fragment holds only `checks:` and `controls:`")
    checks = raw.get("checks") or {}
    controls = raw.get("controls") or {}
    if not isinstance(checks, dict) or not isinstance(controls, dict):
        raise ConfigError(f"{where}: `checks:` and `controls:` are mappings")
    listed: dict[str, tuple[str, ...]] = {}
    for control, entry in controls.items():
        if not isinstance(entry, dict) or set(entry) != {"checks"} or not isinstance(entry["checks"], list):
            raise ConfigError(f"{where}: controls.{control} may only list `checks: [...]`")
        listed[str(control)] = tuple(str(c) for c in entry["checks"])
    return Fragment(package, data, {str(k): dict(v) for k, v in checks.items()}, listed)


@functools.cache
def fragments() -> tuple[Fragment, ...]:
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            data = resources.files(ep.value).joinpath(FILE).read_bytes()
        except (ModuleNotFoundError, FileNotFoundError) as exc:
            raise ConfigError(f"catalog entry point {ep.name} ({ep.value}) has no {FILE}: {exc}") from None
        found.append(_parse(ep.value, data))
    return tuple(found)
