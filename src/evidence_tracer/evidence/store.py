"""The workspace's evidence store, under `.tracer/`:

    blobs/ab/abcdef…   content-addressed files (SHA-256 of the bytes); identical content is stored once
    index.sqlite       evidence and scan records; triggers make both tables append-only
    lock               the writer lock

Blobs are written atomically (temp file, fsync, rename) before the index rows that name them are
committed in one transaction, so a process killed at any point leaves every earlier scan and item
intact and never leaves a row without its content.
"""

from __future__ import annotations

import errno
import hashlib
import json
import mimetypes
import os
import sqlite3
import stat
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any

from evidence_tracer import __version__
from evidence_tracer.atomic import write_atomic
from evidence_tracer.catalog.controls import controls
from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.errors import EvidenceError, StorageError
from evidence_tracer.evidence.history import History
from evidence_tracer.evidence.lock import STATE_DIR, workspace_lock
from evidence_tracer.evidence.redact import redact, redact_values
from evidence_tracer.governance.names import validate_person
from evidence_tracer.governance.registers import FUTURE_TOLERANCE
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import ApiRecord, ScanInfo, ScanResult
from evidence_tracer.report import json_report
from evidence_tracer.snapshot import dump_inventory, load_inventory

HISTORY_FILE = "log.jsonl"
_TABLES = ("evidence", "scans")
_TRIGGERS = frozenset({"evidence_append_only_u", "evidence_append_only_d", "scans_append_only_u",
                       "scans_append_only_d"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS evidence (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('api', 'manual')),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    scan_id TEXT,
    account_id TEXT, region TEXT, service TEXT, operation TEXT, parameters TEXT, request_id TEXT,
    error_code TEXT, redactions INTEGER NOT NULL DEFAULT 0,
    criteria TEXT NOT NULL DEFAULT '[]', control TEXT, note TEXT, author TEXT, filename TEXT
);
CREATE INDEX IF NOT EXISTS evidence_scan ON evidence(scan_id);
CREATE INDEX IF NOT EXISTS evidence_time ON evidence(collected_at);
CREATE TABLE IF NOT EXISTS scans (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    account_id TEXT NOT NULL,
    regions TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    result_sha256 TEXT NOT NULL,
    findings INTEGER NOT NULL,
    stored_at TEXT NOT NULL,
    inventory_sha256 TEXT
);
CREATE TRIGGER IF NOT EXISTS evidence_append_only_u BEFORE UPDATE ON evidence
    BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER IF NOT EXISTS evidence_append_only_d BEFORE DELETE ON evidence
    BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
CREATE TRIGGER IF NOT EXISTS scans_append_only_u BEFORE UPDATE ON scans
    BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER IF NOT EXISTS scans_append_only_d BEFORE DELETE ON scans
    BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
"""


class Kind(StrEnum):
    API = "api"
    MANUAL = "manual"


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    kind: Kind
    sha256: str
    size: int
    media_type: str
    collected_at: datetime
    tool_version: str
    scan_id: str | None = None
    account_id: str | None = None
    region: str | None = None
    service: str | None = None
    operation: str | None = None
    parameters: dict[str, Any] | None = None
    request_id: str | None = None
    error_code: str | None = None
    redactions: int = 0
    criteria: tuple[str, ...] = ()
    control: str | None = None
    note: str | None = None
    author: str | None = None
    filename: str | None = None

    @property
    def source(self) -> str:
        """Where the item came from, in one line an auditor can check."""
        if self.kind is Kind.API:
            params = json.dumps(self.parameters or {}, sort_keys=True)
            return (f"{self.service}:{self.operation} {params} account {self.account_id} region {self.region} "
                    f"request {self.request_id or '-'}")
        return f"uploaded by {self.author}: {self.filename}"

    def metadata(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["kind"] = self.kind.value
        data["collected_at"] = _iso(self.collected_at)
        data["criteria"] = list(self.criteria)
        data["source"] = self.source
        return data


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def canonical_json(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_EVIDENCE_BYTES = 100 * 1024 * 1024
TEXT_REDACTION_LIMIT = 10 * 1024 * 1024
# A file with fewer than this many non-blank bytes cannot show a control operating (an empty file, "ok").
MIN_EVIDENCE_BYTES = 32


def evidence_file(file: Path, max_bytes: int = MAX_EVIDENCE_BYTES) -> Path:
    """The real path of a file that can be evidence, or a clear refusal: it must be a regular file (not a
    directory, device, FIFO or socket), at most `max_bytes`, with at least MIN_EVIDENCE_BYTES non-blank bytes."""
    try:
        real = file.resolve(strict=True)
        info = real.stat()
    except OSError as exc:
        raise EvidenceError(f"cannot read {file}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
        raise EvidenceError(f"{file} is {kind}: evidence must be a regular file")
    if info.st_size > max_bytes:
        raise EvidenceError(f"{file} is {info.st_size} bytes, over the {max_bytes}-byte limit for one evidence file "
                            "(evidence.max_file_mb in tracer.yaml)")
    with real.open("rb") as head:
        meaningful = len(head.read(4096).strip())
    if meaningful < MIN_EVIDENCE_BYTES:
        raise EvidenceError(f"{file} holds {meaningful} non-blank bytes: an empty or near-empty file cannot be "
                            f"evidence (at least {MIN_EVIDENCE_BYTES} are needed)")
    return real


def resolve_target(target: str) -> tuple[tuple[str, ...], str | None]:
    """A criterion id (CC6.1) or a control id (AC-06) -> (criteria, control)."""
    if target in criteria():
        return (target,), None
    library = controls()
    if target in library:
        return library[target].criteria, target
    raise EvidenceError(f"{target!r} is neither a Trust Services Criterion (e.g. CC6.1) nor a control (e.g. AC-06)")


def redacted_snapshot(inventory: Inventory) -> bytes:
    """The inventory snapshot with every value-recognised secret removed (tag values, descriptions…):
    the snapshot must not keep what the stored API responses redacted."""
    clean, _ = redact_values(json.loads(dump_inventory(inventory)))
    return json.dumps(clean, sort_keys=True).encode("utf-8")


class EvidenceStore:
    def __init__(self, workspace: Path, lock_timeout: float = 60.0) -> None:
        self.workspace = workspace
        self.root = workspace / STATE_DIR
        self.blobs = self.root / "blobs"
        self.lock_timeout = lock_timeout
        self.history = History(self.root / HISTORY_FILE)
        self.index_missing = not self.index_path.exists() and self.history.path.exists()
        self._memory: sqlite3.Connection | None = None
        self.index_problem: str | None = None
        self.triggers_removed: list[str] = []
        self.read_only = self.blobs.is_dir() and not _can_write(self.root)
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
            if not self.history.path.exists():
                raise
            # A corrupt index is a damaged cache: read from the history, refuse writes until it is rebuilt.
            self.index_problem = str(exc)
            self._memory = self._index_in_memory()
            return
        if not self.history.path.exists():
            self._start_history()
        else:
            self._roll_forward()

    def _open_index(self) -> None:
        existed = self.index_path.exists()
        with self._db() as db:
            found = {r["name"] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            # Recorded before the schema puts them back: their removal is evidence of tampering.
            self.triggers_removed = sorted(_TRIGGERS - found) if existed else []
            db.executescript(_SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(scans)")}
            if "inventory_sha256" not in columns:  # stores made before snapshots were kept
                db.execute("ALTER TABLE scans ADD COLUMN inventory_sha256 TEXT")

    @property
    def index_path(self) -> Path:
        return self.root / "index.sqlite"

    def _roll_forward(self) -> None:
        """History the index lacks (a run killed between the two writes, a deleted index) is put back."""
        if self._memory is not None:
            return
        entries, problems = self.history.read()
        if problems or not entries:
            return  # a damaged history is reported by verify, never copied into the index
        with self._db() as db:
            have = {(t, str(r["id"])) for t in _TABLES for r in db.execute(f"SELECT id FROM {t}")}
        lacking = [e for e in entries if (e.table, str(e.row["id"])) not in have]
        if not lacking:
            return
        with workspace_lock(self.root, self.lock_timeout), self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            for entry in lacking:
                self._insert_row(db, entry.table, entry.row)
            db.execute("COMMIT")

    def _start_history(self) -> None:
        """A store made before the history existed: its index rows become the first entries (once)."""
        with workspace_lock(self.root, self.lock_timeout):
            if self.history.path.exists():
                return
            with self._db() as db:
                rows = [("evidence", dict(r)) for r in db.execute("SELECT * FROM evidence ORDER BY collected_at, id")]
                rows += [("scans", dict(r)) for r in db.execute("SELECT * FROM scans ORDER BY stored_at, id")]
            self.history.path.touch()
            self.history.append(rows)

    # --- low level -----------------------------------------------------------------------------

    def _index_in_memory(self) -> sqlite3.Connection:
        """The index of a read-only store: from the history, or (a store older than its history) a copy of the
        index file opened immutable."""
        memory = sqlite3.connect(":memory:", isolation_level=None)
        memory.row_factory = sqlite3.Row
        memory.executescript(_SCHEMA)
        if self.history.path.exists():
            entries, _ = self.history.read()  # a damaged chain is verify's to report
            for entry in entries:
                self._insert_row(memory, entry.table, entry.row)
        elif self.index_path.exists():
            with closing(self._disk_index()) as disk:
                disk.backup(memory)
        return memory

    def _disk_index(self) -> sqlite3.Connection:
        """The index file opened without writing anything beside it (for a read-only store)."""
        try:
            conn = sqlite3.connect(f"{self.index_path.as_uri()}?mode=ro&immutable=1", uri=True)
        except sqlite3.Error as exc:
            raise EvidenceError(f"cannot open {self.index_path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        return conn

    def _refuse_if_read_only(self) -> None:
        if self.index_problem is not None:
            raise EvidenceError(f"{self.index_problem}; nothing was written: run `tracer evidence verify "
                                "--rebuild-index` (the index is rebuilt from the history)")
        if self.read_only:
            raise StorageError(f"cannot write to {self.root}: the workspace is read-only (status, report and "
                               "verify still work)")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        if self._memory is not None:
            try:
                yield self._memory
            except sqlite3.Error as exc:
                raise EvidenceError(f"evidence index {self.index_path}: {exc}") from None
            return
        try:
            conn = sqlite3.connect(self.index_path, timeout=self.lock_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise EvidenceError(f"evidence index {self.index_path}: {exc}") from None
        with closing(conn):
            try:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                yield conn
            except sqlite3.Error as exc:
                raise EvidenceError(f"evidence index {self.index_path}: {exc}") from None

    def blob_path(self, digest: str) -> Path:
        return self.blobs / digest[:2] / digest

    def put_blob(self, data: bytes) -> str:
        """Store bytes under their SHA-256 (once) and return the digest. Atomic."""
        digest = sha256(data)
        path = self.blob_path(digest)
        if not path.exists():
            write_atomic(path, data)
        return digest

    def _put_file(self, path: Path) -> tuple[str, int, int]:
        """Store a file's content: a text file with its secrets redacted first; anything else streamed in
        chunks (bounded memory) into a temporary blob, renamed to its digest. Returns (digest, size, redactions)."""
        if path.stat().st_size <= TEXT_REDACTION_LIMIT:
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                clean, count = redact_values(text)
                data = str(clean).encode("utf-8")
                return self.put_blob(data), len(data), count
        hasher, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=self.blobs, delete=False) as tmp:
            try:
                with path.open("rb") as source:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        hasher.update(chunk)
                        tmp.write(chunk)
                        size += len(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            except OSError as exc:
                Path(tmp.name).unlink(missing_ok=True)
                raise EvidenceError(f"cannot store {path}: {exc.strerror or exc}") from None
        digest = hasher.hexdigest()
        target = self.blob_path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp.name, target)
        return digest, size, 0

    def read_blob(self, digest: str) -> bytes:
        try:
            data = self.blob_path(digest).read_bytes()
        except OSError:
            raise EvidenceError(f"evidence content {digest} is missing from {self.blobs}") from None
        if sha256(data) != digest:
            raise EvidenceError(f"evidence content {digest} has been altered")
        return data

    # --- writing -------------------------------------------------------------------------------

    @staticmethod
    def _evidence_row(item: EvidenceItem) -> dict[str, Any]:
        return {
            "id": item.id, "kind": item.kind.value, "sha256": item.sha256, "size": item.size,
            "media_type": item.media_type, "collected_at": _iso(item.collected_at), "tool_version": item.tool_version,
            "scan_id": item.scan_id, "account_id": item.account_id, "region": item.region, "service": item.service,
            "operation": item.operation,
            "parameters": None if item.parameters is None else json.dumps(item.parameters, sort_keys=True),
            "request_id": item.request_id, "error_code": item.error_code, "redactions": item.redactions,
            "criteria": json.dumps(list(item.criteria)), "control": item.control, "note": item.note,
            "author": item.author, "filename": item.filename,
        }

    @staticmethod
    def _insert_row(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
        assert table in _TABLES
        columns = ", ".join(row)
        db.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
                   tuple(row.values()))

    def _commit(self, rows: list[tuple[str, dict[str, Any]]]) -> None:
        """History first (durable), then the index in one transaction: the caller holds the lock. A scan id
        stored before is refused; an evidence record stored before is not written twice."""
        with self._db() as db:
            for table, row in rows:
                if table == "scans" and db.execute("SELECT 1 FROM scans WHERE id = ?", (row["id"],)).fetchone():
                    raise EvidenceError(f"scan {row['id']} is already stored; scans are never overwritten")
            known = {r["id"] for r in db.execute("SELECT id FROM evidence")}
        rows = [(t, r) for t, r in rows if t != "evidence" or r["id"] not in known]
        self.history.append(rows)
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                for table, row in rows:
                    self._insert_row(db, table, row)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _api_item(self, record: ApiRecord, scan_id: str | None) -> EvidenceItem:
        response, n_response = redact(record.response)
        parameters, n_params = redact(record.parameters)
        data = canonical_json(response)
        return EvidenceItem(
            id=record.record_id, kind=Kind.API, sha256=self.put_blob(data), size=len(data),
            media_type="application/json", collected_at=record.collected_at, tool_version=__version__,
            scan_id=scan_id, account_id=record.account_id, region=record.region, service=record.service,
            operation=record.operation, parameters=parameters, request_id=record.request_id,
            error_code=record.error_code or None, redactions=n_response + n_params,
        )

    def save_scan(self, result: ScanResult, records: Iterable[ApiRecord], inventory: Inventory | None = None) -> None:
        """Store a finished scan, every API record it made and (when given) the collected inventory the
        checks ran on, all or nothing."""
        scan = result.scan
        self._refuse_if_read_only()
        with workspace_lock(self.root, self.lock_timeout):
            items = [self._api_item(r, scan.id) for r in records]
            report = json_report.render(result).encode("utf-8")
            digest = self.put_blob(report)
            snapshot = self.put_blob(redacted_snapshot(inventory)) if inventory is not None else None
            scan_row = {"id": scan.id, "started_at": _iso(scan.started_at), "finished_at": _iso(scan.finished_at),
                        "account_id": scan.account_id, "regions": json.dumps(list(scan.regions)),
                        "tool_version": scan.tool_version, "result_sha256": digest, "findings": len(result.findings),
                        "stored_at": _iso(datetime.now(UTC)), "inventory_sha256": snapshot}
            self._commit([*(("evidence", self._evidence_row(i)) for i in items), ("scans", scan_row)])

    def save_records(self, records: Iterable[ApiRecord]) -> list[EvidenceItem]:
        """Store API records made outside a scan (the change population of `tracer changes`), redacted and
        hashed like a scan's, each under its own record id."""
        self._refuse_if_read_only()
        with workspace_lock(self.root, self.lock_timeout):
            items = [self._api_item(r, None) for r in records]
            self._commit([("evidence", self._evidence_row(i)) for i in items])
        return items

    def add_manual(self, target: str, file: Path, note: str, author: str,
                   now: datetime | None = None, max_bytes: int = MAX_EVIDENCE_BYTES) -> EvidenceItem:
        """Copy a file into the store as evidence for a criterion or control (see `read_evidence_file`)."""
        crit, control = resolve_target(target)
        person = validate_person(author, "--by")
        if not note.strip():
            raise EvidenceError("--note is required: say what the file shows and for which period")
        real = evidence_file(file, max_bytes)
        self._refuse_if_read_only()
        if now is not None and now > datetime.now(UTC) + FUTURE_TOLERANCE:
            raise EvidenceError(f"evidence cannot be dated {now:%Y-%m-%d} (in the future)")
        name = file.name if real == file.absolute() else f"{file.name} (symlink to {real})"
        with workspace_lock(self.root, self.lock_timeout):
            digest, size, redactions = self._put_file(real)
            item = EvidenceItem(
                id=uuid.uuid4().hex, kind=Kind.MANUAL, sha256=digest, size=size,
                media_type=mimetypes.guess_type(real.name)[0] or "application/octet-stream",
                collected_at=now or datetime.now(UTC), tool_version=__version__, criteria=crit, control=control,
                note=note.strip(), author=person, filename=name, redactions=redactions,
            )
            self._commit([("evidence", self._evidence_row(item))])
        return item

    # --- reading -------------------------------------------------------------------------------

    @staticmethod
    def _item(row: sqlite3.Row) -> EvidenceItem:
        return EvidenceItem(
            id=row["id"], kind=Kind(row["kind"]), sha256=row["sha256"], size=row["size"],
            media_type=row["media_type"], collected_at=_parse(row["collected_at"]), tool_version=row["tool_version"],
            scan_id=row["scan_id"], account_id=row["account_id"], region=row["region"], service=row["service"],
            operation=row["operation"], parameters=json.loads(row["parameters"]) if row["parameters"] else None,
            request_id=row["request_id"], error_code=row["error_code"], redactions=row["redactions"],
            criteria=tuple(json.loads(row["criteria"])), control=row["control"], note=row["note"],
            author=row["author"], filename=row["filename"],
        )

    def items(self, *, kind: Kind | None = None, criterion: str | None = None, control: str | None = None,
              as_of: datetime | None = None, scan_id: str | None = None) -> list[EvidenceItem]:
        sql, args = "SELECT * FROM evidence WHERE 1=1", []
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind.value)
        if as_of is not None:
            sql += " AND collected_at <= ?"
            args.append(_iso(as_of))
        if scan_id is not None:
            sql += " AND scan_id = ?"
            args.append(scan_id)
        with self._db() as db:
            rows = [self._item(r) for r in db.execute(sql + " ORDER BY collected_at, id", args)]
        if criterion is not None:
            rows = [r for r in rows if criterion in r.criteria]
        if control is not None:
            rows = [r for r in rows if r.control == control]
        return rows

    def content(self, item: EvidenceItem) -> bytes:
        return self.read_blob(item.sha256)

    def scans(self, as_of: datetime | None = None) -> list[ScanInfo]:
        sql, args = "SELECT * FROM scans", []
        if as_of is not None:
            sql += " WHERE finished_at <= ?"
            args.append(_iso(as_of))
        with self._db() as db:
            rows = db.execute(sql + " ORDER BY finished_at, id", args).fetchall()
        return [ScanInfo(r["id"], _parse(r["started_at"]), _parse(r["finished_at"]), r["account_id"],
                         tuple(json.loads(r["regions"])), r["tool_version"]) for r in rows]

    def load_scan(self, scan_id: str | None = None, as_of: datetime | None = None) -> ScanResult:
        """A stored scan by id (a unique prefix will do), or the latest one (as of a time)."""
        row = self._scan_row(scan_id, as_of)
        return json_report.from_dict(json.loads(self.read_blob(row["result_sha256"])))

    def load_inventory(self, scan_id: str) -> Inventory:
        """The collected inventory of a stored scan, for re-running the checks on it."""
        row = self._scan_row(scan_id, None)
        if not row["inventory_sha256"]:
            raise EvidenceError(f"scan {row['id']} was stored without its inventory; it cannot be re-evaluated")
        return load_inventory(self.read_blob(row["inventory_sha256"]))

    def snapshot_of(self, scan_id: str) -> Inventory | None:
        """The scan's inventory, or None for a scan stored before snapshots were kept. A snapshot that is
        missing or altered is still an error: it is not the same as never having had one."""
        if not self._scan_row(scan_id, None)["inventory_sha256"]:
            return None
        return self.load_inventory(scan_id)

    def _scan_row(self, scan_id: str | None, as_of: datetime | None) -> sqlite3.Row:
        with self._db() as db:
            if scan_id:
                rows = db.execute("SELECT * FROM scans WHERE id LIKE ? ORDER BY finished_at",
                                  (scan_id + "%",)).fetchall()
                if len(rows) > 1:
                    raise EvidenceError(f"scan id {scan_id!r} is ambiguous ({len(rows)} scans match)")
            else:
                sql, args = "SELECT * FROM scans", []
                if as_of is not None:
                    sql += " WHERE finished_at <= ?"
                    args.append(_iso(as_of))
                rows = db.execute(sql + " ORDER BY finished_at DESC, id DESC LIMIT 1", args).fetchall()
        if not rows:
            which = f"scan {scan_id!r}" if scan_id else "scan"
            raise EvidenceError(f"no {which} stored in {self.workspace}; run `tracer scan` first")
        row: sqlite3.Row = rows[0]
        return row

    def verify(self) -> list[str]:
        """What is wrong with the store, judged from the files alone: the history chain, every blob it names,
        the index against the history (forged, edited or missing rows, dropped triggers), unreferenced blobs.
        Empty means intact. History the index lacks (a run killed between the two writes) is put back first:
        that is recovery of what was recorded, not a problem."""
        self._roll_forward()
        entries, problems = self.history.read()
        if self.index_missing:
            problems.append(f"the index {self.index_path} was missing: run `tracer evidence verify --rebuild-index`")
        expected = {(e.table, str(e.row["id"])): e.row for e in entries}
        referenced: dict[str, str] = {}
        owners = {"sha256": "evidence {}", "result_sha256": "scan {}", "inventory_sha256": "inventory of scan {}"}
        for (_, row_id), row in expected.items():
            for column, owner in owners.items():
                if row.get(column):
                    referenced[str(row[column])] = owner.format(row_id)
        if self.index_problem is not None:
            problems.append(f"{self.index_problem}: run `tracer evidence verify --rebuild-index`")
        actual = expected if self.index_problem is not None else self._index_rows()
        for key in sorted(set(actual) - set(expected)):
            problems.append(f"{key[0]} row {key[1]} is in the index but not in the history (forged or edited)")
        for key in sorted(set(expected) - set(actual)):
            problems.append(f"{key[0]} row {key[1]} is in the history but missing from the index "
                            "(run `tracer evidence verify --rebuild-index`)")
        for key in sorted(set(expected) & set(actual)):
            if {k: v for k, v in actual[key].items() if k in expected[key]} != expected[key]:
                problems.append(f"{key[0]} row {key[1]} in the index differs from the history (edited)")
        if self.triggers_removed:
            problems.append(f"the index's append-only triggers had been removed: {', '.join(self.triggers_removed)}")
        for digest, owner in sorted(referenced.items()):
            path = self.blob_path(digest)
            if not path.exists():
                problems.append(f"missing content {digest} (of {owner})")
            elif _file_sha256(path) != digest:
                problems.append(f"altered content {digest} (of {owner})")
        return problems

    def _index_rows(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The index file's rows (in a read-only store, the file on disk, not the copy made in memory)."""
        if not self.read_only:
            with self._db() as db:
                return {(t, str(r["id"])): dict(r) for t in _TABLES for r in db.execute(f"SELECT * FROM {t}")}
        if not self.index_path.exists():
            return {}
        with closing(self._disk_index()) as disk:
            try:
                return {(t, str(r["id"])): dict(r) for t in _TABLES for r in disk.execute(f"SELECT * FROM {t}")}
            except sqlite3.Error as exc:
                raise EvidenceError(f"evidence index {self.index_path}: {exc}") from None

    def unreferenced(self) -> list[str]:
        """Blobs no history entry names: the content of a run killed before it committed, or a planted file.
        Harmless to the record (nothing refers to them), reported so nothing hides in the store."""
        entries, _ = self.history.read()
        named = {str(e.row[c]) for e in entries for c in ("sha256", "result_sha256", "inventory_sha256")
                 if e.row.get(c)}
        return [str(p.relative_to(self.root)) for p in sorted(self.blobs.glob("*/*")) if p.name not in named]

    def rebuild_index(self) -> int:
        """Rebuild the index from the history (the old one is kept aside); returns the rows restored."""
        entries, problems = self.history.read()
        if problems:
            raise EvidenceError("the history itself is damaged; the index cannot be rebuilt from it: " + problems[0])
        if self.read_only:
            self._refuse_if_read_only()
        if self._memory is not None:
            self._memory.close()
            self._memory, self.index_problem = None, None
        with workspace_lock(self.root, self.lock_timeout):
            if self.index_path.exists():
                os.replace(self.index_path, self.index_path.with_suffix(f".replaced-{uuid.uuid4().hex[:8]}"))
            for suffix in ("-wal", "-shm"):
                Path(f"{self.index_path}{suffix}").unlink(missing_ok=True)
            with self._db() as db:
                db.executescript(_SCHEMA)
                db.execute("BEGIN IMMEDIATE")
                for entry in entries:
                    self._insert_row(db, entry.table, entry.row)
                db.execute("COMMIT")
        self.index_missing = False
        self._open_index()
        return len(entries)

    def head(self) -> str:
        """The history's newest hash: pin it, and a rewritten history shows."""
        return self.history.head()


def _can_write(folder: Path) -> bool:
    """Whether files can be created in `folder` (a probe, since permission bits say nothing to root and
    nothing about a read-only mount)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise StorageError(f"cannot use {folder}: {exc.strerror or exc}") from None


def _file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()
