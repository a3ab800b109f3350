"""The status-page source: its settings under tracer.yaml `sources.statuspage`, its one operation, its reader."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.models import ApiRecord
from evidence_tracer.sources.base import Collected, EvidenceSource, Operation, Progress, Scope
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin, plugin_settings
from tests.plugins.statuspage.values import PAGE_INCIDENTS, StatusIncident

LIST_INCIDENTS = Operation("statuspage", "status", "ListIncidents", "incidents:read")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    page: str = "status"
    export_file: str = ""


class StatusPageSource(EvidenceSource):
    name = "statuspage"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def operations(self) -> tuple[Operation, ...]:
        return (LIST_INCIDENTS,)

    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        record_id = uuid.uuid4().hex
        try:
            raw = json.loads(Path(self.settings.export_file).read_text(encoding="utf-8"))
            incidents = tuple(
                StatusIncident(str(i["id"]), str(i["title"]), bool(i["customer_impact"]), bool(i["published"]))
                for i in raw["incidents"]
            )
            observed: Observed[tuple[StatusIncident, ...]] = Observed.ok(incidents, (record_id,))
            response: dict[str, object] = raw
        except (OSError, ValueError, KeyError, TypeError) as exc:
            failure = Failure("status", "ListIncidents", GLOBAL, "Unreadable", str(exc))
            observed, response = Observed.failed(failure), {"error": str(exc)}
        record = ApiRecord(
            record_id,
            "status",
            "ListIncidents",
            {"page": self.settings.page},
            self.settings.page,
            GLOBAL,
            datetime.now(UTC),
            "-",
            response,
        )
        part = SourcePart(
            "statuspage",
            self.settings.page,
            (),
            {"export_file": self.settings.export_file},
            {PAGE_INCIDENTS.slot(): observed},
        )
        return Collected((part,), (record,))


def _settings(config: WorkspaceConfig) -> Settings:
    return plugin_settings(config, "statuspage", Settings)


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    return StatusPageSource(_settings(config))


PLUGIN = SourcePlugin(
    name="statuspage",
    title="Status page",
    enabled=lambda config: _settings(config).enabled,
    build=_build,
    operations=lambda: (LIST_INCIDENTS,),
    permissions=lambda config: "# Status page\n\nA read-only API key with `incidents:read`.\n",
    fake="tests.plugins.statuspage.plugin:StatusPageSource",
)
