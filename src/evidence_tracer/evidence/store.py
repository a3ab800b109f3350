"""The workspace's evidence store, under `.tracer/`:

    blobs/ab/abcdef…   content-addressed files (SHA-256 of the bytes); identical content is stored once
    log.jsonl          the hash-chained history: the record itself (evidence/history.py)
    index.sqlite       a cache of the history's rows; triggers make both tables append-only
    lock               the writer lock

Blobs are written atomically (temp file, fsync, rename) before the history line and the index rows that
name them, so a process killed at any point leaves every earlier scan and item intact and never leaves a
row without its content. The store knows nothing of checks, the catalog or reports: scans are kept in its
own format (evidence/codec.py), snapshots as their caller's JSON, findings labelled by its opener's `labels`.
"""

from __future__ import annotations

import json
import mimetypes
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from evidence_tracer import __version__
from evidence_tracer.atomic import can_write
from evidence_tracer.errors import EvidenceError, StorageError
from evidence_tracer.evidence import codec
from evidence_tracer.evidence.blobs import Blobs, BlobStore
from evidence_tracer.evidence.cache import IndexCache
from evidence_tracer.evidence.history import Chain, History
from evidence_tracer.evidence.index import (
    evidence_row,
    in_memory,
    insert_row,
    item_of,
    scan_row,
)
from evidence_tracer.evidence.integrity import expected_rows, unreferenced, verify_store
from evidence_tracer.evidence.items import (
    MAX_EVIDENCE_BYTES,
    EvidenceItem,
    Kind,
    api_item,
    evidence_file,
    iso,
    manual_moment,
    parse_time,
    sha256,
)
from evidence_tracer.evidence.lock import STATE_DIR, workspace_lock
from evidence_tracer.evidence.redact import redact_values, redacted_snapshot_chunks
from evidence_tracer.evidence.staging import StagedRecords
from evidence_tracer.models import ApiRecord, ScanInfo, ScanResult
from evidence_tracer.names import validate_person

HISTORY_FILE = "log.jsonl"


class EvidenceStore(IndexCache):
    def __init__(
        self,
        workspace: Path,
        lock_timeout: float = 60.0,
        labels: codec.Labels | None = None,
        remote: str | None = None,
        client: Any = None,
    ) -> None:
        """`remote` (s3://BUCKET/PREFIX): the blobs and the history are kept there, this folder holding the index
        and caches of what was read; `client` stands in for the store's own S3 client."""
        self.workspace = workspace
        self.root = workspace / STATE_DIR
        self.blobs = self.root / "blobs"
        self.labels = labels
        self.lock_timeout = lock_timeout
        self.remote = remote
        self.local_blobs = BlobStore(self.blobs)  # the content itself, or (S3) the cache of what was read
        self.blob_store: Blobs
        self.history: Chain
        if remote is None:
            self.blob_store, self.history = self.local_blobs, History(self.root / HISTORY_FILE)
        else:
            from evidence_tracer.evidence.s3_bucket import STORE_OPERATIONS, Bucket, S3Location, store_client
            from evidence_tracer.evidence.s3_store import S3Blobs, S3History

            location = S3Location.parse(remote)
            self.bucket = Bucket(location, client or store_client(STORE_OPERATIONS))
            self.blob_store = S3Blobs(self.bucket, self.local_blobs)
            self.history = S3History(self.bucket, self.root / "s3" / sha256(location.url.encode())[:16])
        # A local history without its index lost it; an S3 store's index is this machine's cache, built here.
        self.index_missing = remote is None and not self.index_path.exists() and self.history.exists()
        self._memory: sqlite3.Connection | None = None
        self.index_corrupt: str | None = None  # SQLite cannot read the index file
        self.cache_problems: list[str] = []  # rows of the index the history does not prove
        self.triggers_removed: list[str] = []
        self.read_only = self.blobs.is_dir() and not can_write(self.root)
        if self.read_only:
            # A read-only workspace (an auditor's copy, a read-only mount) is read, never written: the
            # index is rebuilt in memory from the history, which is the record anyway.
            self._memory = self._index_in_memory()
            return
        try:
            self.blobs.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EvidenceError(f"cannot create the evidence store in {self.root}: {exc.strerror or exc}") from None
        try:
            self._open_index()
        except EvidenceError as exc:
            if not self.history.exists():
                raise
            # A corrupt index is a damaged cache: read from the history, refuse writes until it is rebuilt.
            self.index_corrupt = str(exc)
            self._memory = self._index_in_memory()
            return
        if not self.history.exists():
            self._start_history()
            return
        entries = self.roll_forward()
        if entries is not None:
            # No view trusts the cache: an index row the history does not prove (inserted, edited, dropped)
            # makes every read come from the history, and every write wait for a rebuild.
            self.cache_problems = self.unproved_rows(entries)
            if self.cache_problems:
                self._memory = in_memory((e.table, e.row) for e in entries)

    # --- low level -----------------------------------------------------------------------------

    def _refuse_if_read_only(self) -> None:
        if self.index_problem is not None:
            raise EvidenceError(
                f"{self.index_problem}; nothing was written: run `tracer evidence verify "
                "--rebuild-index` (the index is rebuilt from the history)"
            )
        if self.read_only:
            raise StorageError(
                f"cannot write to {self.root}: the workspace is read-only (status, report and verify still work)"
            )

    # --- writing -------------------------------------------------------------------------------

    def _commit(self, evidence: Callable[[], Iterable[dict[str, Any]]], scan: dict[str, Any] | None = None) -> None:
        """History first (durable), then the index in one transaction: the caller holds the lock. `evidence`
        makes the evidence rows afresh each time it is called, so that a scan's tens of thousands are never all
        held. A scan id stored before is refused; an evidence record stored before is not written twice."""
        with self._db() as db:
            if scan is not None and db.execute("SELECT 1 FROM scans WHERE id = ?", (scan["id"],)).fetchone():
                raise EvidenceError(f"scan {scan['id']} is already stored; scans are never overwritten")
            stored: set[str] = set()  # this commit's records the index holds already (looked up one by one)

            def first_pass() -> Iterator[tuple[str, dict[str, Any]]]:
                for row in evidence():
                    if db.execute("SELECT 1 FROM evidence WHERE id = ?", (row["id"],)).fetchone():
                        stored.add(str(row["id"]))
                    else:
                        yield "evidence", row
                if scan is not None:
                    yield "scans", scan

            self.blob_store.flush()  # the content is kept before the history names it
            self.history.append(first_pass())
        if self.remote is not None:  # other writers' batches may have landed first: the index takes them all
            self._roll_forward_locked()
            return
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                for row in evidence():
                    if row["id"] not in stored:
                        insert_row(db, "evidence", row)
                if scan is not None:
                    insert_row(db, "scans", scan)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def staging(self) -> StagedRecords:
        """Where a running scan hands its records (evidence/staging.py); `save_scan(..., staged=)` commits them."""
        self._refuse_if_read_only()
        return StagedRecords(self.blob_store.put, self.blob_store.discard)

    def save_scan(
        self,
        result: ScanResult,
        records: Iterable[ApiRecord],
        snapshot: Mapping[str, Any] | None = None,
        staged: StagedRecords | None = None,
    ) -> None:
        """Store a finished scan, every API record it made (those it staged while running, then `records`) and
        (when given) the snapshot of the collected inventory the checks ran on (a JSON document, redacted here),
        all or nothing."""
        scan = result.scan
        self._refuse_if_read_only()
        with workspace_lock(self.root, self.lock_timeout):
            self.local_blobs.sweep(datetime.now(UTC).timestamp())  # what a killed scan staged, a day on
            late = [api_item(r, scan.id, self.blob_store.put) for r in records]
            digest = self.blob_store.put_chunks(codec.encode_scan_chunks(result))
            snapshot_digest = (
                self.blob_store.put_chunks(redacted_snapshot_chunks(snapshot)) if snapshot is not None else None
            )
            row = scan_row(result, digest, snapshot_digest, datetime.now(UTC))

            def evidence() -> Iterator[dict[str, Any]]:
                if staged is not None:
                    yield from staged.rows(scan.id)
                yield from (evidence_row(i) for i in late)

            self._commit(evidence, row)

    def save_records(self, records: Iterable[ApiRecord]) -> list[EvidenceItem]:
        """Store API records made outside a scan (the change population of `tracer changes`), redacted and
        hashed like a scan's, each under its own record id."""
        self._refuse_if_read_only()
        with workspace_lock(self.root, self.lock_timeout):
            items = [api_item(r, None, self.blob_store.put) for r in records]
            self._commit(lambda: (evidence_row(i) for i in items))
        return items

    def add_manual(
        self,
        target: tuple[tuple[str, ...], str | None],
        file: Path,
        note: str,
        author: str,
        now: datetime | None = None,
        max_bytes: int = MAX_EVIDENCE_BYTES,
        effective: date | None = None,
    ) -> EvidenceItem:
        """Copy a file into the store as evidence for `target` — (criteria, control) as the catalog resolved
        it (see `evidence_file` for what a file must be) — effective on the day it speaks for (default: today)."""
        person = validate_person(author, "--by")
        real = evidence_file(file, max_bytes)
        self._refuse_if_read_only()
        when = manual_moment(note, now, effective)
        name = file.name if real == file.absolute() else f"{file.name} (symlink to {real})"
        (clean_note, clean_name), described = redact_values([note.strip(), name])  # a note or a name leaks too
        with workspace_lock(self.root, self.lock_timeout):
            digest, size, redactions = self.blob_store.put_file(real)
            item = EvidenceItem(
                id=uuid.uuid4().hex,
                kind=Kind.MANUAL,
                sha256=digest,
                size=size,
                media_type=mimetypes.guess_type(real.name)[0] or "application/octet-stream",
                collected_at=when,
                tool_version=__version__,
                criteria=target[0],
                control=target[1],
                note=clean_note,
                author=person,
                filename=clean_name,
                redactions=redactions + described,
                effective=effective,
            )
            self._commit(lambda: [evidence_row(item)])
        return item

    # --- reading -------------------------------------------------------------------------------

    def items(
        self,
        *,
        kind: Kind | None = None,
        criterion: str | None = None,
        control: str | None = None,
        as_of: datetime | None = None,
        scan_id: str | None = None,
    ) -> list[EvidenceItem]:
        sql, args = "SELECT * FROM evidence WHERE 1=1", []
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind.value)
        if as_of is not None:
            sql += " AND collected_at <= ?"
            args.append(iso(as_of))
        if scan_id is not None:
            sql += " AND scan_id = ?"
            args.append(scan_id)
        with self._db() as db:
            rows = [item_of(r) for r in db.execute(sql + " ORDER BY collected_at, id", args)]
        if criterion is not None:
            rows = [r for r in rows if criterion in r.criteria]
        if control is not None:
            rows = [r for r in rows if r.control == control]
        return rows

    def content(self, item: EvidenceItem) -> bytes:
        return self.blob_store.read(item.sha256)

    def scans(self, as_of: datetime | None = None) -> list[ScanInfo]:
        sql, args = "SELECT * FROM scans", []
        if as_of is not None:
            sql += " WHERE finished_at <= ?"
            args.append(iso(as_of))
        with self._db() as db:
            rows = db.execute(sql + " ORDER BY finished_at, id", args).fetchall()
        return [
            ScanInfo(
                r["id"],
                parse_time(r["started_at"]),
                parse_time(r["finished_at"]),
                r["account_id"],
                tuple(json.loads(r["regions"])),
                r["tool_version"],
            )
            for r in rows
        ]

    def load_scan(self, scan_id: str | None = None, as_of: datetime | None = None) -> ScanResult:
        """A stored scan by id (a unique prefix will do), or the latest one (as of a time)."""
        row = self._scan_row(scan_id, as_of)
        return codec.decode_scan(self.blob_store.read(row["result_sha256"]), self.labels)

    def snapshot_bytes(self, scan_id: str) -> bytes | None:
        """The scan's inventory snapshot as stored, or None for a scan stored before snapshots were kept. A
        snapshot that is missing or altered is an error: it is not the same as never having had one."""
        row = self._scan_row(scan_id, None)
        if not row["inventory_sha256"]:
            return None
        return self.blob_store.read(row["inventory_sha256"])

    def _scan_row(self, scan_id: str | None, as_of: datetime | None) -> sqlite3.Row:
        with self._db() as db:
            if scan_id:
                rows = db.execute(
                    "SELECT * FROM scans WHERE id LIKE ? ORDER BY finished_at", (scan_id + "%",)
                ).fetchall()
                if len(rows) > 1:
                    raise EvidenceError(f"scan id {scan_id!r} is ambiguous ({len(rows)} scans match)")
            else:
                sql, args = "SELECT * FROM scans", []
                if as_of is not None:
                    sql += " WHERE finished_at <= ?"
                    args.append(iso(as_of))
                rows = db.execute(sql + " ORDER BY finished_at DESC, id DESC LIMIT 1", args).fetchall()
        if not rows:
            which = f"scan {scan_id!r}" if scan_id else "scan"
            raise EvidenceError(f"no {which} stored in {self.workspace}; run `tracer scan` first")
        row: sqlite3.Row = rows[0]
        return row

    def verify(self) -> list[str]:
        """What is wrong with the store, judged from the files alone (evidence/integrity.py). Empty: intact."""
        return verify_store(self)

    def leftovers(self) -> list[str]:
        """Temporary files a killed writer left a day or more ago (the next scan removes them); nothing names
        them, so they are no part of the record."""
        now = datetime.now(UTC).timestamp()
        return [str(p.relative_to(self.root)) for p in self.local_blobs.stale(now)]

    def unreferenced(self) -> list[str]:
        """Blobs no history entry names: the content of a run killed before it committed, or a planted file.
        Harmless to the record (nothing refers to them), reported so nothing hides in the store."""
        entries, _ = self.history.read()
        return unreferenced(expected_rows(entries), self.blob_store)
