"""Integrity under faults: a writer killed at any moment, and concurrent writers on one workspace."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from filelock import FileLock

from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.errors import WorkspaceLocked
from evidence_tracer.evidence.items import Kind
from evidence_tracer.evidence.store import EvidenceStore
from tests.evidence.samples import scan

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from evidence_tracer.evidence.store import EvidenceStore
    from tests.evidence.samples import scan
    store = EvidenceStore(Path(sys.argv[1]))
    for _ in range(int(sys.argv[2])):
        result, records = scan(n_records=int(sys.argv[3]))
        store.save_scan(result, records)
        print("saved", result.scan.id, flush=True)
""")
ROOT = Path(__file__).resolve().parents[2]


def writer(workspace: Path, scans: int, records: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(workspace), str(scans), str(records)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_consistent(store: EvidenceStore) -> None:
    """Every stored scan is complete (its report loads and all its records are there) and all content is intact."""
    assert store.verify() == []
    scan_ids = {s.id for s in store.scans()}
    assert {i.scan_id for i in store.items(kind=Kind.API)} <= scan_ids  # no half-written scan
    for info in store.scans():
        result = store.load_scan(info.id)
        stored = {i.id for i in store.items(kind=Kind.API, scan_id=info.id)}
        assert {e for f in result.findings for e in f.evidence_ids} <= stored


@pytest.mark.parametrize("delay", [0.4, 0.8, 1.2, 1.6, 2.0])
def test_killed_writer_leaves_earlier_scans_intact(tmp_path: Path, delay: float) -> None:
    store = EvidenceStore(tmp_path)
    earlier, records = scan()
    store.save_scan(earlier, records)
    before = {i.id: i.sha256 for i in store.items()}
    proc = writer(tmp_path, 50, 600)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {i.id: i.sha256 for i in store.items()}
    assert all(after.get(k) == v for k, v in before.items())
    assert earlier.scan.id in [s.id for s in store.scans()]
    assert_consistent(store)
    # And the workspace is still writable after the crash (the lock died with the process).
    again, records = scan()
    store.save_scan(again, records)
    assert_consistent(store)


def test_concurrent_writers_do_not_corrupt_the_store(tmp_path: Path) -> None:
    EvidenceStore(tmp_path)
    procs = [writer(tmp_path, 6, 200) for _ in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    store = EvidenceStore(tmp_path)
    assert len(store.scans()) == 18
    assert len(store.items(kind=Kind.API)) == 18 * 200
    assert_consistent(store)


def test_a_held_lock_gives_a_clear_error(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path, lock_timeout=0.2)
    memo = tmp_path / "m.txt"
    memo.write_text("access review: every account kept, none removed")
    with FileLock(str(store.root / "lock")), pytest.raises(WorkspaceLocked, match="another tracer process"):
        store.add_manual(resolve_target("CC1.2"), memo, "minutes", "ceo@acme.io")
    store.add_manual(resolve_target("CC1.2"), memo, "minutes", "ceo@acme.io")  # free again
