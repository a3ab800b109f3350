"""The store's history proves itself: a hash chain beside the blobs, the index a cache rebuilt from it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence_tracer.errors import StorageError, WorkspaceLocked
from evidence_tracer.evidence import history
from evidence_tracer.evidence.history import GENESIS, History, chained, chained_lines, encode_entry, parse_entry
from evidence_tracer.evidence.index import evidence_row
from evidence_tracer.evidence.items import api_item
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.report import json_report
from tests.cli.conftest import tracer
from tests.evidence.samples import scan


def _store_with_two_scans(tmp_path: Path) -> tuple[EvidenceStore, list[str]]:
    store = EvidenceStore(tmp_path)
    heads = [store.head()]
    for day in (1, 2):
        result, records = scan(datetime(2026, 11, day, tzinfo=UTC))
        store.save_scan(result, records)
        heads.append(store.head())
    return store, heads


def test_every_write_extends_a_chain_that_verifies(tmp_path: Path) -> None:
    store, heads = _store_with_two_scans(tmp_path)
    assert heads[0] == GENESIS and len(set(heads)) == 3
    assert store.verify() == [] and store.unreferenced() == []
    lines = (tmp_path / ".tracer" / "log.jsonl").read_text().splitlines()
    assert len(lines) == 6 and json.loads(lines[1])["prev"] == json.loads(lines[0])["hash"]


def test_dropped_triggers_and_a_forged_all_pass_scan_are_found(tmp_path: Path) -> None:
    store, _ = _store_with_two_scans(tmp_path)
    real = store.load_scan()
    forged = json_report.to_dict(real)
    for f in forged["findings"]:
        f["status"] = "pass"
    digest = store.blob_store.put(json.dumps(forged).encode())
    db = sqlite3.connect(store.index_path)
    db.executescript("DROP TRIGGER scans_append_only_u; DROP TRIGGER scans_append_only_d;")
    db.execute("UPDATE scans SET result_sha256 = ? WHERE id = ?", (digest, real.scan.id))
    db.execute(
        "INSERT INTO scans SELECT 'forged-' || id, started_at, finished_at, account_id, regions, tool_version,"
        " result_sha256, findings, stored_at, inventory_sha256 FROM scans WHERE id = ?",
        (real.scan.id,),
    )
    db.commit()
    db.close()
    problems = EvidenceStore(tmp_path).verify()
    assert f"scans row {real.scan.id} in the index differs from the history (edited)" in problems
    assert f"scans row forged-{real.scan.id} is in the index but not in the history (forged or edited)" in problems
    assert any("append-only triggers had been removed" in p for p in problems)


def test_a_deleted_index_is_reported_and_rebuilt_from_history(tmp_path: Path) -> None:
    store, _ = _store_with_two_scans(tmp_path)
    latest = store.load_scan().scan.id
    store.index_path.unlink()
    reopened = EvidenceStore(tmp_path)
    assert any("was missing" in p for p in reopened.verify())
    assert reopened.load_scan().scan.id == latest  # put back from the history on open
    assert reopened.rebuild_index() == 6
    assert reopened.verify() == [] and len(reopened.scans()) == 2


def test_rewritten_or_removed_history_is_found(tmp_path: Path) -> None:
    _store_with_two_scans(tmp_path)
    log = tmp_path / ".tracer" / "log.jsonl"
    lines = log.read_text().splitlines()
    edited = json.loads(lines[2])
    edited["row"]["sha256"] = "f" * 64
    log.write_text("\n".join([*lines[:2], json.dumps(edited), *lines[3:]]) + "\n")
    assert any("history line 3 was rewritten" in p for p in EvidenceStore(tmp_path).verify())
    log.write_text("\n".join([*lines[:2], *lines[3:]]) + "\n")
    assert any("does not follow" in p for p in EvidenceStore(tmp_path).verify())


def test_a_run_killed_between_history_and_index_is_completed_on_open(tmp_path: Path) -> None:
    store, _ = _store_with_two_scans(tmp_path)
    result, records = scan(datetime(2026, 11, 3, tzinfo=UTC))
    rows = [("evidence", evidence_row(api_item(r, result.scan.id, store.blob_store.put))) for r in records]
    store.history.append(rows)  # the process died here, before the index committed
    reopened = EvidenceStore(tmp_path)
    assert reopened.verify() == []
    assert len(reopened.items(scan_id=result.scan.id)) == len(records)


def test_a_store_from_before_the_history_gets_one_and_planted_blobs_are_noted(tmp_path: Path) -> None:
    _store_with_two_scans(tmp_path)
    (tmp_path / ".tracer" / "log.jsonl").unlink()  # as a 0.1.0 store was: index and blobs only
    migrated = EvidenceStore(tmp_path)
    assert migrated.verify() == [] and len(migrated.history.read()[0]) == 6
    planted = migrated.local_blobs.path("ab" * 32)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"planted")
    assert migrated.verify() == [] and migrated.unreferenced() == [str(planted.relative_to(tmp_path / ".tracer"))]


def test_cli_verify_prints_the_head_and_rebuilds(tmp_path: Path) -> None:
    store, _ = _store_with_two_scans(tmp_path)
    store.index_path.unlink()
    (tmp_path / "tracer.yaml").write_text("company: {name: Test}\n")
    out = tracer("evidence", "verify", "--rebuild-index", "-w", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Index rebuilt from the history: 6 records." in out.stdout and store.head() in out.stdout.replace("\n", "")
    assert "intact" in out.stdout


def test_a_torn_last_line_from_a_killed_append_is_dropped_not_trusted(tmp_path: Path) -> None:
    _, heads = _store_with_two_scans(tmp_path)
    log = tmp_path / ".tracer" / "log.jsonl"
    with log.open("ab") as out:
        out.write(b'{"seq": 7, "prev": "')  # the writer died mid-line: never acknowledged
    reopened = EvidenceStore(tmp_path)
    assert reopened.verify() == [] and reopened.head() == heads[-1]
    result, records = scan(datetime(2026, 11, 4, tzinfo=UTC))
    reopened.save_scan(result, records)
    assert reopened.verify() == [] and log.read_bytes().endswith(b"\n")


def test_a_writer_committing_while_another_store_opens_is_not_taken_for_forgery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening compares the index with the history without the lock: a scan another writer commits between
    the two reads is in the index and not in the history read first; it is proved by the history read again."""
    _store_with_two_scans(tmp_path)
    original = EvidenceStore.roll_forward
    writes: list[str] = []

    def roll_forward_then_another_writer_commits(self: EvidenceStore) -> object:
        entries = original(self)
        if not writes:
            result, records = scan(datetime(2026, 11, 3, tzinfo=UTC))
            writes.append(result.scan.id)
            EvidenceStore(tmp_path).save_scan(result, records)
        return entries

    monkeypatch.setattr(EvidenceStore, "roll_forward", roll_forward_then_another_writer_commits)
    opened = EvidenceStore(tmp_path)
    assert writes and opened.index_problem is None
    assert opened.load_scan().scan.id == writes[0]


def test_a_forged_row_is_still_found_when_the_history_is_read_again(tmp_path: Path) -> None:
    store, _ = _store_with_two_scans(tmp_path)
    real = store.load_scan().scan.id
    db = sqlite3.connect(store.index_path)
    db.executescript("DROP TRIGGER scans_append_only_d;")
    db.execute("DELETE FROM scans WHERE id = ?", (real,))
    db.commit()
    db.close()
    problems = EvidenceStore(tmp_path).cache_problems
    assert problems == [], "a row lost from the index is put back from the history on open"
    db = sqlite3.connect(store.index_path)
    db.execute(
        "INSERT INTO scans SELECT 'forged-' || id, started_at, finished_at, account_id, regions, tool_version,"
        " result_sha256, findings, stored_at, inventory_sha256 FROM scans WHERE id = ?",
        (real,),
    )
    db.commit()
    db.close()
    reopened = EvidenceStore(tmp_path)
    assert reopened.cache_problems == [
        f"scans row forged-{real} is in the index but not in the history (forged or edited)"
    ]


def test_verify_reads_the_history_and_the_index_as_one_writer_leaves_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """verify compares the whole history with the index file: no other writer commits between the two reads."""
    store, _ = _store_with_two_scans(tmp_path)
    original = type(store.history).read
    refused: list[str] = []

    def read_then_another_writer_tries(self: object, full: bool = False) -> object:
        entries = original(self, full=full)  # type: ignore[arg-type]
        if full:
            result, records = scan(datetime(2026, 11, 3, tzinfo=UTC))
            try:
                EvidenceStore(tmp_path, lock_timeout=0.2).save_scan(result, records)
            except WorkspaceLocked:
                refused.append(result.scan.id)
        return entries

    monkeypatch.setattr(type(store.history), "read", read_then_another_writer_tries)
    assert store.verify() == [] and refused


@pytest.mark.parametrize("tail_bytes", [7, 1 << 16])
def test_an_append_reads_the_history_from_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail_bytes: int
) -> None:
    """The entry to chain after is the last line, found from the end in steps of TAIL_BYTES (a step shorter than
    a line included), with a torn line after it cut first."""
    _, heads = _store_with_two_scans(tmp_path)
    monkeypatch.setattr(history, "TAIL_BYTES", tail_bytes)
    log = tmp_path / ".tracer" / "log.jsonl"
    with log.open("ab") as out:
        out.write(b'{"seq": 7, "prev": "')
    chain = History(log)
    assert chain.append([("evidence", {"id": "a"}), ("evidence", {"id": "b"})]) == 2
    entries, problems = chain.read()
    assert problems == [] and [e.seq for e in entries] == list(range(1, 9)) and entries[6].prev == heads[-1]
    assert chain.append([]) == 0 and len(chain.read()[0]) == 8


def test_an_append_stopped_midway_takes_back_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows are written as they are made, in batches: a row that cannot be made after some were written leaves
    the history as it was, and the error is the caller's."""
    _store_with_two_scans(tmp_path)
    monkeypatch.setattr(history, "APPEND_BATCH", 3)
    log = tmp_path / ".tracer" / "log.jsonl"
    before = log.read_bytes()

    def rows() -> Iterator[tuple[str, dict[str, object]]]:
        for n in range(10):
            yield "evidence", {"id": f"r{n}"}
        raise RuntimeError("a row could not be made")

    with pytest.raises(RuntimeError, match="could not be made"):
        History(log).append(rows())
    assert log.read_bytes() == before


def test_an_append_after_a_line_that_is_no_entry_writes_nothing(tmp_path: Path) -> None:
    _store_with_two_scans(tmp_path)
    log = tmp_path / ".tracer" / "log.jsonl"
    with log.open("ab") as out:
        out.write(b"not an entry\n")
    before = log.read_bytes()
    with pytest.raises(StorageError, match="is not a history entry; nothing was written"):
        History(log).append([("evidence", {"id": "a"})])
    assert log.read_bytes() == before


def test_the_lines_appended_are_the_encoded_entries() -> None:
    """The appender serialises each row once; its lines are exactly `encode_entry` of the chained entries
    (non-ASCII and nested rows included), so what verify recomputes is what was written."""
    last = chained(None, [("evidence", {"id": "a"})])[0]
    rows: list[tuple[str, dict[str, object]]] = [
        ("evidence", {"id": "b", "note": "Zoë ✓ \u2028", "n": 1}),
        ("scans", {"id": "s", "x": {"z": [1, None]}}),
    ]
    lines = list(chained_lines(last, rows))
    assert lines == [encode_entry(e) + b"\n" for e in chained(last, rows)]
    assert [parse_entry(line) for line in lines] == chained(last, rows)
