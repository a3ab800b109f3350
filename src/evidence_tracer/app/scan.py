"""The scan use case: every enabled source collects once, the checks evaluate, a result with its raw records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from evidence_tracer import __version__
from evidence_tracer.checks.registry import CheckContext, evaluate
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Inventory, SourcePart
from evidence_tracer.models import ApiRecord, ScanInfo, ScanResult
from evidence_tracer.sources.base import EvidenceSource, Progress, RecordSink, Scope

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
    sources: Sequence[EvidenceSource],
    config: WorkspaceConfig,
    regions: Sequence[str] | None = None,
    progress: Progress | None = None,
    clock: Clock = lambda: datetime.now(UTC),
    sink: RecordSink | None = None,
) -> ScanOutcome:
    """Collect from every source, then evaluate. With a `sink` (the store's staging), the sources that can hand
    it their records as they make them; `records` holds the rest."""
    started = clock()
    parts: list[SourcePart] = []
    records: list[ApiRecord] = []
    for source in sources:
        scope = Scope.of(scan_regions(config, regions))
        collected = source.collect(scope, progress) if sink is None else source.collect_into(scope, sink, progress)
        parts.extend(collected.parts)
        records.extend(collected.records)
    inventory = Inventory(tuple(parts))
    findings = evaluate(inventory, CheckContext(config=config, now=started))
    accounts = inventory.accounts
    info = ScanInfo(
        id=f"{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}",
        started_at=started,
        finished_at=clock(),
        account_id=accounts[0] if accounts else "",
        regions=inventory.regions,
        tool_version=__version__,
        accounts=accounts,
        sources=tuple(s.name for s in sources),
    )
    return ScanOutcome(ScanResult(info, findings), inventory, tuple(records))


def reevaluate(stored: ScanResult, inventory: Inventory, config: WorkspaceConfig) -> ScanResult:
    """Today's checks and parameters over an old scan's inventory, judged as of that scan's time.
    Checks whose data the snapshot does not hold report `error` "not collected in this snapshot"."""
    findings = evaluate(inventory, CheckContext(config=config, now=stored.scan.started_at))
    return ScanResult(stored.scan, findings)
