from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.errors import EvidenceError, GovernanceError
from evidence_tracer.evidence.items import Kind, end_of_day
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.inventory.codec import encode_inventory, load_inventory
from tests.evidence.samples import record, scan


def test_scan_records_become_evidence_with_provenance(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    result, records = scan()
    store.save_scan(result, records)
    items = {i.id: i for i in store.items(kind=Kind.API)}
    item = items[records[0].record_id]
    assert (item.service, item.operation, item.account_id, item.region) == (
        "iam",
        "GetAccountSummary",
        "111122223333",
        "us-east-1",
    )
    assert item.request_id == records[0].request_id and item.scan_id == result.scan.id
    assert item.collected_at == records[0].collected_at and item.collected_at.tzinfo is not None
    assert item.tool_version and len(item.sha256) == 64
    assert b'"AccountMFAEnabled": 1' in store.content(item)
    assert store.load_scan().findings == result.findings


def test_identical_content_is_stored_once(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    same: dict[str, object] = {"SummaryMap": {"AccountMFAEnabled": 1}}
    result, _ = scan()
    store.save_scan(result, [record(response=same), record(response=same)])
    assert len({i.sha256 for i in store.items(kind=Kind.API)}) == 1
    blobs = [p for p in store.blobs.rglob("*") if p.is_file()]
    assert len(blobs) == 2  # the one response + the scan's JSON report


def test_secrets_are_redacted_before_storage(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    leaky = record(
        "GetFunctionConfiguration", {"Environment": {"Variables": {"DB_PASSWORD": "hunter2"}}}, service="lambda"
    )
    result, _ = scan()
    store.save_scan(result, [leaky])
    [item] = store.items(kind=Kind.API)
    assert item.redactions == 1
    on_disk = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"hunter2" not in on_disk


def test_scans_are_history_never_overwritten(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    first, r1 = scan(datetime(2026, 10, 1, tzinfo=UTC))
    second, r2 = scan(datetime(2026, 11, 1, tzinfo=UTC))
    store.save_scan(first, r1)
    store.save_scan(second, r2)
    assert [s.id for s in store.scans()] == [first.scan.id, second.scan.id]
    assert store.load_scan().scan.id == second.scan.id
    assert store.load_scan(first.scan.id[:20]).scan.id == first.scan.id
    assert store.load_scan(as_of=end_of_day(datetime(2026, 10, 15).date())).scan.id == first.scan.id
    with pytest.raises(EvidenceError):
        store.save_scan(first, [])  # same scan id again: refused, nothing changes
    assert len(store.scans()) == 2


def test_index_is_append_only(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    result, records = scan()
    store.save_scan(result, records)
    db = sqlite3.connect(store.root / "index.sqlite")
    for sql in (
        "UPDATE evidence SET sha256 = 'x'",
        "DELETE FROM evidence",
        "UPDATE scans SET account_id = 'x'",
        "DELETE FROM scans",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
    db.close()


def test_manual_evidence(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    memo = tmp_path / "board.pdf"
    memo.write_bytes(b"%PDF-1.4 minutes of the 2026 security review")
    by_control = store.add_manual(
        resolve_target("AC-06"), memo, "Q3 access review", "jane@acme.io", now=datetime(2026, 10, 2, tzinfo=UTC)
    )
    assert by_control.criteria == ("CC6.2", "CC6.3") and by_control.control == "AC-06"
    by_criterion = store.add_manual(resolve_target("CC1.2"), memo, "Board minutes", "jane@acme.io")
    assert by_criterion.criteria == ("CC1.2",) and by_criterion.control is None
    assert by_criterion.sha256 == by_control.sha256 and by_criterion.media_type == "application/pdf"
    assert [i.id for i in store.items(criterion="CC6.3")] == [by_control.id]
    assert [i.id for i in store.items(control="AC-06")] == [by_control.id]
    assert store.content(by_control) == b"%PDF-1.4 minutes of the 2026 security review"
    memo.write_bytes(b"changed later")  # the store kept its own copy
    assert store.content(by_control) == b"%PDF-1.4 minutes of the 2026 security review"


@pytest.mark.parametrize(
    ("target", "author", "note", "error"),
    [
        ("CC99.1", "jane@acme.io", "x", EvidenceError),
        ("AC-06", "the team", "x", GovernanceError),
        ("AC-06", "engineering@acme.io", "x", GovernanceError),
        ("AC-06", "jane@acme.io", "  ", EvidenceError),
    ],
)
def test_manual_evidence_rejects(tmp_path: Path, target: str, author: str, note: str, error: type) -> None:
    memo = tmp_path / "m.txt"
    memo.write_text("access review: every account kept, none removed")
    with pytest.raises(error):
        EvidenceStore(tmp_path).add_manual(resolve_target(target), memo, note, author)
    with pytest.raises(EvidenceError):
        EvidenceStore(tmp_path).add_manual(resolve_target("AC-06"), tmp_path / "missing.txt", "n", "jane@acme.io")


def test_store_verification_finds_altered_and_missing_content(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    result, records = scan()
    store.save_scan(result, records)
    assert store.verify() == []
    item = store.items(kind=Kind.API)[0]
    path = store.local_blobs.path(item.sha256)
    path.write_bytes(path.read_bytes() + b" ")
    other = store.local_blobs.path(store.items(kind=Kind.API)[1].sha256)
    other.unlink()
    problems = store.verify()
    assert any("altered" in p for p in problems) and any("missing" in p for p in problems)
    with pytest.raises(EvidenceError, match="altered"):
        store.content(item)


def test_inventory_snapshot_is_kept_with_the_scan(tmp_path: Path) -> None:
    from tests.checks.builders import inventory

    store = EvidenceStore(tmp_path)
    with_snapshot, records = scan()
    store.save_scan(with_snapshot, records, encode_inventory(inventory()))
    without, more = scan(datetime(2026, 11, 2, tzinfo=UTC))
    store.save_scan(without, more)
    stored = store.snapshot_bytes(with_snapshot.scan.id)
    assert stored is not None and load_inventory(stored) == inventory()
    assert store.snapshot_bytes(without.scan.id) is None
    with pytest.raises(EvidenceError, match="without its inventory"):
        Workspace(tmp_path, require=False).require_inventory(without.scan.id)
    digest = next(p for p in store.blobs.rglob("*") if p.is_file() and b'"_t"' in p.read_bytes())
    digest.write_bytes(digest.read_bytes().replace(b"111122223333", b"999999999999"))
    assert any("inventory of scan" in p for p in store.verify())


@pytest.mark.parametrize("kind", ["directory", "fifo", "device", "empty", "near-empty", "missing"])
def test_what_cannot_be_evidence_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "thing"
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # reading it would hang; it is refused before any read
    elif kind == "device":
        target = Path("/dev/zero")  # reading it would never end
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "near-empty":
        target.write_text("  ok\n\n")
    store = EvidenceStore(tmp_path / "ws")
    with pytest.raises(EvidenceError) as caught:
        store.add_manual(resolve_target("GOV-02"), target, "minutes", "jane@acme.io")
    message = str(caught.value)
    expected = {
        "directory": "is a directory",
        "fifo": "device, FIFO or socket",
        "device": "device, FIFO or socket",
        "empty": "near-empty",
        "near-empty": "near-empty",
        "missing": "cannot read",
    }[kind]
    assert expected in message
    assert store.items() == []


def test_oversize_files_are_refused_and_large_ones_stream(tmp_path: Path) -> None:
    big = tmp_path / "export.bin"
    with big.open("wb") as out:
        out.write(os.urandom(64) + b"\0" * (11 * 1024 * 1024))  # binary, over the text-redaction size
    store = EvidenceStore(tmp_path / "ws")
    with pytest.raises(EvidenceError, match="over the 1048576-byte limit"):
        store.add_manual(resolve_target("GOV-02"), big, "export", "jane@acme.io", max_bytes=1024 * 1024)
    item = store.add_manual(resolve_target("GOV-02"), big, "export", "jane@acme.io")
    assert item.size == big.stat().st_size and store.content(item) == big.read_bytes()


def test_a_symlink_records_the_real_path_and_text_evidence_is_redacted(tmp_path: Path) -> None:
    real = tmp_path / "real-minutes.txt"
    real.write_text("Board minutes, 2026-11-01. Temporary password=Winter2026! was rotated afterwards.\n")
    link = tmp_path / "minutes.txt"
    link.symlink_to(real)
    item = EvidenceStore(tmp_path / "ws").add_manual(resolve_target("GOV-02"), link, "minutes", "jane@acme.io")
    assert item.filename == f"minutes.txt (symlink to {real})"
    assert b"Winter2026" not in EvidenceStore(tmp_path / "ws").content(item) and item.redactions == 1


def test_a_record_stored_before_is_not_written_twice(tmp_path: Path) -> None:
    """`tracer changes` stores a record that a later commit may hand over again: the history and the index name
    it once, and the scan's other records and its row are still stored."""
    store = EvidenceStore(tmp_path)
    result, records = scan()
    store.save_records(records[:2])
    store.save_records(records[:2])
    store.save_scan(result, records)
    entries, problems = store.history.read()
    assert problems == [] and store.verify() == []
    ids = [e.row["id"] for e in entries if e.table == "evidence"]
    assert sorted(ids) == sorted(r.record_id for r in records) and len(ids) == len(set(ids))
    assert [e.table for e in entries][-1] == "scans" and store.load_scan().scan.id == result.scan.id
    with pytest.raises(EvidenceError, match="already stored"):
        store.save_scan(result, records)
    assert len(store.history.read()[0]) == len(entries)
