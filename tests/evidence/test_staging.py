"""Records staged while a scan runs: committed with the scan exactly as records saved at its end would be, and
invisible (nothing named, nothing in the history) until then."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from evidence_tracer.evidence.blobs import STALE_SECONDS
from evidence_tracer.evidence.items import Kind
from evidence_tracer.evidence.store import EvidenceStore
from tests.evidence.samples import scan


def test_staged_records_are_stored_as_records_saved_at_the_end(tmp_path: Path) -> None:
    result, records = scan(n_records=6)
    at_end = EvidenceStore(tmp_path / "at-end")
    at_end.save_scan(result, records)
    streamed = EvidenceStore(tmp_path / "streamed")
    staged = streamed.staging()
    staged(records[:4])
    staged(records[4:5])
    streamed.save_scan(result, records[5:], staged=staged)
    assert staged.count == 5
    assert streamed.items(kind=Kind.API) == at_end.items(kind=Kind.API)
    assert {i.scan_id for i in streamed.items(kind=Kind.API)} == {result.scan.id}
    assert streamed.verify() == []


def test_nothing_staged_is_named_before_the_scan_is_saved(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    _, records = scan(n_records=4)
    staged = store.staging()
    staged(records)
    digests = {item.sha256 for item in staged.items("any")}
    assert store.items() == [] and store.scans() == []
    named = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    temporary = {p.name.split(".")[1] for p in tmp_path.rglob(".*") if p.is_file()}
    assert {d[:12] for d in digests} <= temporary, "each staged content waits in a temporary file"
    assert not digests & named, "content is named only at the commit"
    # The scan never saved (it failed, or was killed): the store, opened again, holds what it held before.
    again = EvidenceStore(tmp_path)
    assert again.items() == [] and again.scans() == [] and again.verify() == []
    assert again.unreferenced() == []


def test_staging_from_several_threads_keeps_every_record_once(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    result, records = scan(n_records=42)
    staged = store.staging()
    threads = [threading.Thread(target=staged, args=(records[n::6],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.save_scan(result, [], staged=staged)
    assert sorted(i.id for i in store.items(kind=Kind.API)) == sorted(r.record_id for r in records)
    assert store.verify() == []


def test_a_discarded_staging_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    _, records = scan(n_records=5)
    staged = store.staging()
    staged(records)

    def temporary() -> list[Path]:
        return [p for p in tmp_path.rglob(".*") if p.is_file() and p.parent.name == "blobs"]

    assert len(temporary()) == len({i.sha256 for i in staged.items("any")}) > 0
    staged.discard()
    assert temporary() == []
    assert staged.count == 0
    store.save_scan(scan()[0], [])  # the next commit names none of it
    assert store.items(kind=Kind.API) == [] and store.unreferenced() == [] and store.verify() == []


def test_what_a_killed_scan_staged_is_swept_a_day_on_and_a_running_one_is_left(tmp_path: Path) -> None:
    """A scan killed with -9 cannot discard: its temporary files stay. verify notes them; the first scan stored a
    day later removes them, and leaves alone what a scan still running stages now."""
    store = EvidenceStore(tmp_path)
    _, records = scan(n_records=5)
    killed = store.staging()
    killed(records[:3])  # ... and the process died
    day_ago = time.time() - STALE_SECONDS - 60
    for path in tmp_path.rglob(".*"):
        if path.is_file() and path.parent.name == "blobs":
            os.utime(path, (day_ago, day_ago))
    reopened = EvidenceStore(tmp_path)
    assert len(reopened.leftovers()) == 3 and reopened.verify() == []
    running = reopened.staging()
    running(records[3:])
    result, _ = scan()
    EvidenceStore(tmp_path).save_scan(result, [])
    assert reopened.leftovers() == []
    left = [p for p in tmp_path.rglob(".*") if p.is_file() and p.parent.name == "blobs"]
    assert len(left) == 2, "the running scan's staged records are not touched"
    reopened.save_scan(scan()[0], [], staged=running)
    assert {i.id for i in reopened.items(kind=Kind.API)} == {r.record_id for r in records[3:]}
    assert reopened.verify() == []
