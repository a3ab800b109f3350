"""`tracer merge`: one scan of the whole boundary from the scans that jobs ran one account each (docs/scale.md) —
every job writes its own scan to the shared store; this takes, for each account, the latest scan of it finished
since a moment, checks the store first, and stores the union as one scan that names the scans it combines (their
API records stay theirs, and the completeness record reads them all)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from evidence_tracer import __version__
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import EvidenceError
from evidence_tracer.inventory import Inventory, SourcePart
from evidence_tracer.models import Finding, ScanInfo, ScanResult


def merge_scans(ws: Workspace, since: datetime, now: datetime, expected: Sequence[str] = ()) -> ScanResult:
    """The merged scan, stored. Refused (nothing written) when the store does not verify, when no scan finished
    since `since`, or when an expected account (default: tracer.yaml's boundary.accounts) has no scan since then.

    Its time is its parts', never the merge's: it starts when the oldest part's scan started (readiness judges
    freshness from there) and finishes when the newest finished, so merging old scans again makes nothing
    fresher and adds no day of collection to a period."""
    expected = tuple(expected) or ws.config.boundary.accounts
    problems = ws.store.verify()
    if problems:
        raise EvidenceError(
            f"the store does not verify ({problems[0]}{'; …' if len(problems) > 1 else ''}); nothing was merged"
        )
    latest: dict[tuple[str, str], tuple[ScanResult, SourcePart]] = {}
    for info in ws.store.scans(as_of=now):
        if info.finished_at < since:
            continue
        result = ws.scan(info.id)
        if result.scan.merged_from:
            continue  # a merge is never merged again: its parts are in the scans it names
        for part in ws.require_inventory(info.id).parts:
            latest[(part.source, part.account)] = (result, part)  # scans come oldest first: the last one wins
    if not latest:
        raise EvidenceError(f"no scan finished since {since.isoformat()}: nothing to merge")
    missing = [a for a in expected if not any(account == a for _, account in latest)]
    if missing:
        raise EvidenceError(
            f"no scan since {since.isoformat()} examined {', '.join(missing)}: run their jobs (or drop them from "
            "--expect); nothing was merged"
        )
    findings: list[Finding] = []
    parts: list[SourcePart] = []
    used: dict[str, ScanResult] = {}
    for (source, account), (result, part) in sorted(latest.items()):
        parts.append(part)
        used[result.scan.id] = result
        findings += [f for f in result.findings if f.source == source and f.account == account]
    scans = [r.scan for r in used.values()]
    info = ScanInfo(
        # "-merged-" sorts after a scan id of the same second: of two scans finished together, the merge is latest.
        id=f"{now:%Y%m%dT%H%M%SZ}-merged-{uuid.uuid4().hex[:8]}",
        started_at=min(s.started_at for s in scans),
        finished_at=max(s.finished_at for s in scans),
        account_id=scans[0].account_id,
        regions=tuple(sorted({r for s in scans for r in s.regions})),
        tool_version=__version__,
        accounts=tuple(dict.fromkeys(p.account for p in parts if p.source == "aws")),
        sources=tuple(dict.fromkeys(p.source for p in parts)),
        merged_from=tuple(sorted(used, key=lambda i: (used[i].scan.finished_at, i))),
    )
    merged = ScanResult(info, tuple(findings))
    ws.save_scan(merged, [], Inventory(tuple(parts)))
    return merged
