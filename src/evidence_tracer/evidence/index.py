"""The SQLite index: a cache of the history's rows (never the record itself), with its schema and the
mapping between index rows and evidence items."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.items import EvidenceItem, Kind, iso, parse_time
from evidence_tracer.models import ScanResult

TABLES = ("evidence", "scans")
TRIGGERS = frozenset({"evidence_append_only_u", "evidence_append_only_d", "scans_append_only_u", "scans_append_only_d"})

SCHEMA = """
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
    criteria TEXT NOT NULL DEFAULT '[]', control TEXT, note TEXT, author TEXT, filename TEXT, effective TEXT
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


def evidence_row(item: EvidenceItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "sha256": item.sha256,
        "size": item.size,
        "media_type": item.media_type,
        "collected_at": iso(item.collected_at),
        "tool_version": item.tool_version,
        "scan_id": item.scan_id,
        "account_id": item.account_id,
        "region": item.region,
        "service": item.service,
        "operation": item.operation,
        "parameters": None if item.parameters is None else json.dumps(item.parameters, sort_keys=True),
        "request_id": item.request_id,
        "error_code": item.error_code,
        "redactions": item.redactions,
        "criteria": json.dumps(list(item.criteria)),
        "control": item.control,
        "note": item.note,
        "author": item.author,
        "filename": item.filename,
        **({"effective": item.effective.isoformat()} if item.effective else {}),
    }


def item_of(row: sqlite3.Row) -> EvidenceItem:
    return EvidenceItem(
        id=row["id"],
        kind=Kind(row["kind"]),
        sha256=row["sha256"],
        size=row["size"],
        media_type=row["media_type"],
        collected_at=parse_time(row["collected_at"]),
        tool_version=row["tool_version"],
        scan_id=row["scan_id"],
        account_id=row["account_id"],
        region=row["region"],
        service=row["service"],
        operation=row["operation"],
        parameters=json.loads(row["parameters"]) if row["parameters"] else None,
        request_id=row["request_id"],
        error_code=row["error_code"],
        redactions=row["redactions"],
        criteria=tuple(json.loads(row["criteria"])),
        control=row["control"],
        note=row["note"],
        author=row["author"],
        filename=row["filename"],
        effective=date.fromisoformat(row["effective"]) if row["effective"] else None,
    )


def insert_row(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    if table not in TABLES:
        raise ValueError(f"no index table {table!r}")
    columns = ", ".join(row)
    db.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def table_rows(db: sqlite3.Connection) -> dict[tuple[str, str], dict[str, Any]]:
    """Every row of the index, keyed like the history's entries (table, id)."""
    return {(t, str(r["id"])): dict(r) for t in TABLES for r in db.execute(f"SELECT * FROM {t}")}


def open_readonly(path: Path) -> sqlite3.Connection:
    """The index file opened without writing anything beside it (for a read-only store)."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise EvidenceError(f"cannot open {path}: {exc}") from None
    conn.row_factory = sqlite3.Row
    return conn


def in_memory(rows: Iterable[tuple[str, dict[str, Any]]], copy_of: Path | None = None) -> sqlite3.Connection:
    """An index in memory holding `rows` (table, row), or a copy of the index file `copy_of`."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    memory.row_factory = sqlite3.Row
    fill(memory, rows)
    if copy_of is not None:
        with closing(open_readonly(copy_of)) as disk:
            disk.backup(memory)
    return memory


@contextmanager
def connect(path: Path, timeout: float, memory: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to the index file (WAL, synchronous commits), or `memory` when given; SQLite's errors
    become EvidenceError naming the file."""
    if memory is not None:
        try:
            yield memory
        except sqlite3.Error as exc:
            raise EvidenceError(f"evidence index {path}: {exc}") from None
        return
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise EvidenceError(f"evidence index {path}: {exc}") from None
    with closing(conn):
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            yield conn
        except sqlite3.Error as exc:
            raise EvidenceError(f"evidence index {path}: {exc}") from None


def scan_row(
    result: ScanResult, result_sha256: str, inventory_sha256: str | None, stored_at: datetime
) -> dict[str, Any]:
    scan = result.scan
    return {
        "id": scan.id,
        "started_at": iso(scan.started_at),
        "finished_at": iso(scan.finished_at),
        "account_id": scan.account_id,
        "regions": json.dumps(list(scan.regions)),
        "tool_version": scan.tool_version,
        "result_sha256": result_sha256,
        "findings": len(result.findings),
        "stored_at": iso(stored_at),
        "inventory_sha256": inventory_sha256,
    }


def prepare(db: sqlite3.Connection) -> list[str]:
    """Create what the schema lacks (tables, triggers, columns of older stores) and return the append-only
    triggers that were missing before, recorded before the schema puts them back."""
    found = {r["name"] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    db.executescript(SCHEMA)
    columns = {row["name"] for row in db.execute("PRAGMA table_info(scans)")}
    if "inventory_sha256" not in columns:  # stores made before snapshots were kept
        db.execute("ALTER TABLE scans ADD COLUMN inventory_sha256 TEXT")
    if "effective" not in {row["name"] for row in db.execute("PRAGMA table_info(evidence)")}:  # before 0.3
        db.execute("ALTER TABLE evidence ADD COLUMN effective TEXT")
    return sorted(TRIGGERS - found)


def ordered_rows(db: sqlite3.Connection) -> list[tuple[str, dict[str, Any]]]:
    """Every row in the order it was recorded (to start the history of a store made before it existed)."""
    rows = [("evidence", dict(r)) for r in db.execute("SELECT * FROM evidence ORDER BY collected_at, id")]
    return rows + [("scans", dict(r)) for r in db.execute("SELECT * FROM scans ORDER BY stored_at, id")]


def set_aside(path: Path) -> None:
    """Move an index file out of the way (kept beside it, never deleted) before it is rebuilt."""
    if path.exists():
        os.replace(path, path.with_suffix(f".replaced-{uuid.uuid4().hex[:8]}"))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fill(db: sqlite3.Connection, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """A fresh index holding `rows`, in one transaction."""
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    for table, row in rows:
        insert_row(db, table, row)
    db.execute("COMMIT")
