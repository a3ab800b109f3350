"""The evidence store's index: a SQLite cache of the history's rows, rolled forward from the history on every
open and rebuilt from it on request. Nothing trusts it that the history has not proved (store.py decides)."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, closing
from pathlib import Path
from typing import Any

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.history import Chain, Entry
from evidence_tracer.evidence.index import (
    TABLES,
    connect,
    fill,
    in_memory,
    insert_row,
    open_readonly,
    ordered_rows,
    prepare,
    set_aside,
    table_rows,
)
from evidence_tracer.evidence.integrity import expected_rows, index_problems
from evidence_tracer.evidence.lock import workspace_lock


class IndexCache:
    """The index half of a store: its attributes are set by the store that opens it."""

    root: Path
    history: Chain
    lock_timeout: float
    read_only: bool
    index_missing: bool
    _memory: sqlite3.Connection | None
    index_corrupt: str | None
    cache_problems: list[str]
    triggers_removed: list[str]

    def _refuse_if_read_only(self) -> None:
        raise NotImplementedError

    @property
    def index_problem(self) -> str | None:
        """Why the index is not used (read from the history instead), in one line; None when it is sound."""
        if self.index_corrupt is not None:
            return self.index_corrupt
        if self.cache_problems:
            more = f" (and {len(self.cache_problems) - 1} more)" if len(self.cache_problems) > 1 else ""
            return f"the evidence index does not match the history: {self.cache_problems[0]}{more}"
        return None

    def _open_index(self) -> None:
        existed = self.index_path.exists()
        with self._db() as db:
            removed = prepare(db)
        # Triggers missing from an index that existed had been removed: evidence of tampering.
        self.triggers_removed = removed if existed else []

    @property
    def index_path(self) -> Path:
        return self.root / "index.sqlite"

    def roll_forward(self) -> list[Entry] | None:
        """History the index lacks (a run killed between the two writes, a deleted index) is put back. Returns
        the history's entries, or None when the history is damaged (verify reports it; nothing is copied)."""
        if self._memory is not None:
            return None
        entries, problems = self.history.read()
        if problems:
            return None
        if not entries:
            return entries
        if self._lacking(entries):  # looked at without the lock; read again under it: another writer may have
            with workspace_lock(self.root, self.lock_timeout):  # been midway, or may be done (and its rows in)
                entries, problems = self.history.read()
                if problems:
                    return None
                self._insert(self._lacking(entries))
        return entries

    def unproved_rows(self, entries: list[Entry]) -> list[str]:
        """The index's rows the history does not prove, judged without the lock against `entries` (the history
        roll_forward read and put into the index). Another writer may commit after that read: its rows are in
        the index and not in `entries`, so the history is read again (it is appended before the index is
        written, and never rewritten) and only rows it still lacks are forged. A row of `entries` the index has
        lost, or one that differs from the history, is a problem whoever else is writing."""
        disk = self.disk_rows()
        expected = expected_rows(entries)
        if set(disk) - set(expected):
            later, problems = self.history.read()
            if not problems:
                newer = expected_rows(later)
                expected = {key: row for key, row in newer.items() if key in expected or key in disk}
        return index_problems(expected, disk)

    def _lacking(self, entries: list[Entry]) -> list[Entry]:
        """The entries whose rows the index does not hold."""
        with self._db() as db:
            have = {(t, str(r["id"])) for t in TABLES for r in db.execute(f"SELECT id FROM {t}")}
        return [e for e in entries if (e.table, str(e.row["id"])) not in have]

    def _insert(self, entries: list[Entry]) -> None:
        if not entries:
            return
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            for entry in entries:
                insert_row(db, entry.table, entry.row)
            db.execute("COMMIT")

    def _roll_forward_locked(self) -> None:
        """Roll the index forward while the caller holds the workspace lock."""
        entries, problems = self.history.read()
        if problems:
            raise EvidenceError(f"the history does not prove itself: {problems[0]}")
        self._insert(self._lacking(entries))

    def _start_history(self) -> None:
        """A store made before the history existed: its index rows become the first entries (once)."""
        with workspace_lock(self.root, self.lock_timeout):
            if self.history.exists():
                return
            with self._db() as db:
                rows = ordered_rows(db)
            self.history.start()
            self.history.append(rows)

    def _index_in_memory(self) -> sqlite3.Connection:
        """The index of a read-only store: from the history, or (a store older than its history) a copy of the
        index file opened immutable."""
        if self.history.exists():
            entries, _ = self.history.read()  # a damaged chain is verify's to report
            return in_memory((e.table, e.row) for e in entries)
        return in_memory((), copy_of=self.index_path if self.index_path.exists() else None)

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.index_path, self.lock_timeout, self._memory)

    def disk_rows(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The index file's own rows (never an in-memory stand-in); a file SQLite cannot read is an error."""
        if not self.index_path.exists():
            return {}
        if self.read_only:
            with closing(open_readonly(self.index_path)) as disk:
                try:
                    return table_rows(disk)
                except sqlite3.Error as exc:
                    raise EvidenceError(f"evidence index {self.index_path}: {exc}") from None
        with connect(self.index_path, self.lock_timeout) as db:
            return table_rows(db)

    def rebuild_index(self) -> int:
        """Rebuild the index from the history (the old one is kept aside); returns the rows restored."""
        entries, problems = self.history.read()
        if problems:
            raise EvidenceError("the history itself is damaged; the index cannot be rebuilt from it: " + problems[0])
        if self.read_only:
            self._refuse_if_read_only()
        if self._memory is not None:
            self._memory.close()
            self._memory, self.index_corrupt, self.cache_problems = None, None, []
        with workspace_lock(self.root, self.lock_timeout):
            set_aside(self.index_path)
            with self._db() as db:
                fill(db, ((e.table, e.row) for e in entries))
        self.index_missing = False
        self._open_index()
        return len(entries)

    def head(self) -> str:
        """The history's newest hash: pin it, and a rewritten history shows."""
        return self.history.head()
