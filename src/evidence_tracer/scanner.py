"""The scan use case: collect once, evaluate the checks, return a result with its raw records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from evidence_tracer import __version__
from evidence_tracer.aws.caller import Recorder
from evidence_tracer.aws.scan import Progress, collect
from evidence_tracer.aws.session import AwsContext
from evidence_tracer.checks.registry import CheckContext, evaluate
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import ApiRecord, ScanInfo, ScanResult

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScanOutcome:
    result: ScanResult
    inventory: Inventory
    records: tuple[ApiRecord, ...]


def scan_regions(config: WorkspaceConfig, requested: Sequence[str] | None) -> Sequence[str] | None:
    """Explicit --region wins; then the system boundary in tracer.yaml; else every enabled region."""
    if requested:
        return requested
    return config.boundary.regions or None


def run_scan(
    ctx: AwsContext,
    config: WorkspaceConfig,
    regions: Sequence[str] | None = None,
    progress: Progress | None = None,
    recorder: Recorder | None = None,
    clock: Clock = lambda: datetime.now(UTC),
) -> ScanOutcome:
    rec = recorder or Recorder(clock=clock)
    started = clock()
    inventory = collect(ctx, rec, scan_regions(config, regions), progress)
    findings = evaluate(inventory, CheckContext(config=config, now=started))
    info = ScanInfo(
        id=f"{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}",
        started_at=started, finished_at=clock(), account_id=inventory.account_id,
        regions=inventory.regions, tool_version=__version__,
    )
    return ScanOutcome(ScanResult(info, findings), inventory, tuple(rec.records))


def reevaluate(stored: ScanResult, inventory: Inventory, config: WorkspaceConfig) -> ScanResult:
    """Today's checks and parameters over an old scan's inventory, judged as of that scan's time."""
    findings = evaluate(inventory, CheckContext(config=config, now=stored.scan.started_at))
    return ScanResult(stored.scan, findings)
