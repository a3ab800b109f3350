"""`tracer scans merge`: the one-account scans of a split scan (docs/scale.md) joined into one, checked first."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from evidence_tracer.app.completeness import scan_completeness
from evidence_tracer.app.merge import merge_scans
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import EvidenceError
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import ScanResult
from tests.cli.conftest import tracer_in_process

OTHER = "210987654321"


def _jobs(ws: Workspace) -> tuple[ScanResult, ScanResult]:
    """Two jobs' scans, stored after the demo's: the demo account's AWS part, and another account's."""
    demo = ws.latest_scan(ws.store.scans()[-1].finished_at)
    assert demo is not None
    aws = next(p for p in ws.require_inventory(demo.scan.id).parts if p.source == "aws")
    later = demo.scan.finished_at + timedelta(milliseconds=10)  # before now: the command merges up to now
    mine = [f for f in demo.findings if f.source == "aws" and f.account == aws.account]
    first = ScanResult(
        replace(
            demo.scan,
            id=f"{later:%Y%m%dT%H%M%SZ}-aaaaaaaa",
            started_at=later,
            finished_at=later,
            accounts=(aws.account,),
        ),
        tuple(mine),
    )
    ws.save_scan(first, [], Inventory((aws,)))
    theirs = tuple(replace(f, account=OTHER) for f in mine)
    at = later + timedelta(milliseconds=10)
    second = ScanResult(
        replace(demo.scan, id=f"{at:%Y%m%dT%H%M%SZ}-bbbbbbbb", started_at=at, finished_at=at, accounts=(OTHER,)), theirs
    )
    ws.save_scan(second, [], Inventory((replace(aws, account=OTHER),)))
    return first, second


def test_the_latest_scan_of_each_account_is_merged_into_one(copy_demo: Path) -> None:
    ws = Workspace(copy_demo)
    first, second = _jobs(ws)
    since = first.scan.started_at  # the demo's own scan finished just before: not merged
    merged = merge_scans(ws, since, second.scan.finished_at + timedelta(minutes=1), (first.scan.account_id, OTHER))
    assert merged.scan.merged_from == (first.scan.id, second.scan.id)
    # Its time is its parts': from the oldest part's start to the newest part's finish, not the merge's.
    assert (merged.scan.started_at, merged.scan.finished_at) == (first.scan.started_at, second.scan.finished_at)
    assert set(merged.scan.accounts) == {first.scan.accounts[0], OTHER}
    assert len(merged.findings) == len(first.findings) + len(second.findings)
    reread = Workspace(copy_demo)
    latest = reread.latest_scan(merged.scan.finished_at)
    assert (
        latest is not None and latest.scan.id == merged.scan.id and latest.scan.merged_from == merged.scan.merged_from
    )
    assert {p.account for p in reread.require_inventory(merged.scan.id).parts} == set(merged.scan.accounts)
    # Its completeness record reads the API records of the scans it combines (the demo's records here: none).
    assert scan_completeness(reread, latest)["calls"] == 0
    assert reread.store.verify() == []


def test_a_missing_account_or_a_store_that_does_not_verify_merges_nothing(copy_demo: Path) -> None:
    ws = Workspace(copy_demo)
    first, _ = _jobs(ws)
    since, now = first.scan.started_at - timedelta(seconds=1), first.scan.finished_at + timedelta(hours=1)
    before = len(ws.store.scans())
    with pytest.raises(EvidenceError, match="999999999999"):
        merge_scans(ws, since, now, ("999999999999",))
    # Without --expect, every account of tracer.yaml's boundary is expected: one with no scan stops the merge.
    config = copy_demo / "tracer.yaml"
    text = config.read_text(encoding="utf-8")
    assert '  accounts: ["123456789012"]' in text  # the demo's boundary: its account, which `first` examined
    config.write_text(text.replace('  accounts: ["123456789012"]', '  accounts: ["123456789012", "333333333333"]'))
    with pytest.raises(EvidenceError, match="333333333333"):
        merge_scans(Workspace(copy_demo), since, now)
    blob = ws.store.local_blobs.path(ws.store.items()[0].sha256)
    blob.write_bytes(b"tampered")
    with pytest.raises(EvidenceError, match="does not verify"):
        merge_scans(ws, since, now)
    assert len(Workspace(copy_demo).store.scans()) == before


def test_the_command(copy_demo: Path) -> None:
    ws = Workspace(copy_demo)
    first, _ = _jobs(ws)
    since = (first.scan.started_at - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = tracer_in_process("scans", "merge", "-w", str(copy_demo), "--since", since, "--expect", OTHER)
    assert out.returncode == 0, out.stderr
    # The demo's scan (a second earlier) gives the GitHub and Okta parts; the jobs give the two AWS accounts.
    assert "2 AWS accounts from 3 scans" in out.stdout
    bad = tracer_in_process("scans", "merge", "-w", str(copy_demo), "--since", "yesterday")
    assert bad.returncode != 0 and "ISO 8601" in bad.stdout + bad.stderr
