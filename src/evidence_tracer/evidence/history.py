"""The store's history, which proves itself: an append-only hash chain beside the blobs (`log.jsonl`).

Every evidence record and every scan is one line `{seq, prev, table, row, hash}` where `row` is exactly the
index row and `hash = sha256(prev + canonical(seq, prev, table, row))` — as in a transparency log, each
entry commits to all history before it. The SQLite index is a cache rebuilt from this file; `verify`
recomputes the chain from the files alone. Lines are written and fsynced before the index commits, so a
process killed between the two leaves history the index lacks (found, and mended by a rebuild), never the
reverse. Pin `head` (printed by `tracer evidence verify` and in every auditor package): a history rewritten
from the start cannot keep it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_tracer.errors import StorageError

GENESIS = "0" * 64
APPEND_BATCH = 1000  # entries written at a time
TAIL_BYTES = 1 << 16  # read from the end at a time, to find the last entry


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(seq: int, prev: str, table: str, row: Mapping[str, Any]) -> str:
    body = _canonical({"seq": seq, "prev": prev, "table": table, "row": row})
    return hashlib.sha256(prev.encode() + body).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    prev: str
    table: str  # evidence | scans
    row: dict[str, Any]
    hash: str


def chain_problems(entries: Iterable[Entry]) -> list[str]:
    """What is wrong with a sequence of entries as a chain: numbering, links and hashes (empty: it proves itself)."""
    problems: list[str] = []
    prev = GENESIS
    for number, entry in enumerate(entries, start=1):
        if entry.seq != number or entry.prev != prev:
            problems.append(
                f"history line {number} does not follow line {number - 1}: history was removed or reordered"
            )
        if entry_hash(entry.seq, entry.prev, entry.table, entry.row) != entry.hash:
            problems.append(f"history line {number} was rewritten (its hash does not match)")
        prev = entry.hash
    return problems


def parse_entry(raw: bytes | Mapping[str, Any]) -> Entry:
    """One entry as written; raises ValueError, KeyError or TypeError when it is not one."""
    data = json.loads(raw) if isinstance(raw, bytes) else raw
    return Entry(int(data["seq"]), str(data["prev"]), str(data["table"]), dict(data["row"]), str(data["hash"]))


def encode_entry(e: Entry) -> bytes:
    return _canonical({"seq": e.seq, "prev": e.prev, "table": e.table, "row": e.row, "hash": e.hash})


def iter_chained(last: Entry | None, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> Iterator[Entry]:
    """The entries `rows` become when appended after `last`, one at a time."""
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    for table, row in rows:
        seq += 1
        entry = Entry(seq, prev, table, dict(row), entry_hash(seq, prev, table, row))
        yield entry
        prev = entry.hash


def chained(last: Entry | None, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Entry]:
    return list(iter_chained(last, rows))


def chained_lines(last: Entry | None, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> Iterator[bytes]:
    """`encode_entry` of each entry of `iter_chained`, each row serialised once: "hash" sorts first of an
    entry's keys, so its line is the hashed body with the hash put in front."""
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    for table, row in rows:
        seq += 1
        body = _canonical({"seq": seq, "prev": prev, "table": table, "row": row})
        prev = hashlib.sha256(prev.encode() + body).hexdigest()
        yield b'{"hash":"' + prev.encode() + b'",' + body[1:] + b"\n"


class Chain:
    """What every history answers, wherever it is kept: its entries (read), its head and pins."""

    def read(self, full: bool = False) -> tuple[list[Entry], list[str]]:
        """Every entry and what is wrong with the chain; `full`: from where it is kept, ignoring any cache."""
        raise NotImplementedError

    def exists(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        """Begin an empty history (nothing to do where appending creates it)."""

    def append(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Append rows after the last entry (the caller holds the workspace lock), durable before it returns;
        returns how many entries were written."""
        raise NotImplementedError

    def outside_problems(self) -> list[str]:
        """What the place the history is kept says against it (an S3 store's locked heads); none for a folder."""
        return []

    def head(self) -> str:
        entries, _ = self.read()
        return entries[-1].hash if entries else GENESIS

    def pinned(self) -> str:
        """The head as `HASH:LENGTH`, the form to keep outside the workspace and pass to `--expect-head`."""
        entries, _ = self.read()
        return f"{entries[-1].hash if entries else GENESIS}:{len(entries)}"

    def check_pin(self, pin: str) -> str | None:
        """What is wrong with the history against a head kept earlier (`HASH` or `HASH:LENGTH`): None when the
        pinned entry is still where it was, with everything before it (the history may have grown since). A
        history cut short or rewritten from before the pin cannot keep it."""
        head, _, length = pin.strip().partition(":")
        entries, problems = self.read()
        if problems:
            return f"the history does not prove itself: {problems[0]}"
        if length:
            if not length.isdigit():
                return f"--expect-head {pin!r}: the length after ':' is not a number"
            n = int(length)
            if n > len(entries):
                return f"the history holds {len(entries)} entries, fewer than the {n} pinned: it was cut short"
            at = entries[n - 1].hash if n else GENESIS
            if at != head:
                return f"entry {n} of the history is {at}, not the pinned {head}: the history was rewritten"
            return None
        if not any(e.hash == head for e in entries) and head != GENESIS:
            return f"no entry of the history has the pinned hash {head}: it was cut short or rewritten"
        return None


class History(Chain):
    """The history in a folder: one line per entry in `log.jsonl`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def start(self) -> None:
        """An empty history file (a store made before the history existed gets one, then its rows)."""
        self.path.touch()

    def read(self, full: bool = False) -> tuple[list[Entry], list[str]]:
        """Every entry, and what is wrong with the chain (empty when it proves itself)."""
        entries: list[Entry] = []
        problems: list[str] = []
        if not self.path.exists():
            return entries, problems
        with self.path.open("rb") as lines:
            for number, raw in enumerate(lines, start=1):
                if not raw.endswith(b"\n"):
                    break  # a write killed midway: never acknowledged, dropped by the next append
                try:
                    entries.append(parse_entry(raw))
                except (ValueError, KeyError, TypeError):
                    problems.append(f"history line {number} is unreadable (truncated or rewritten)")
                    break
        return entries, chain_problems(entries) + problems

    def _last_line(self) -> bytes | None:
        """The last complete line, read from the end (a history of a year is not read to append to it); a last
        line a killed writer left without its newline (never acknowledged) is cut first."""
        if not self.path.exists():
            return None
        with self.path.open("r+b") as handle:
            end = handle.seek(0, os.SEEK_END)
            tail, start = b"", end
            while start > 0 and tail.count(b"\n") < 2:
                start = max(0, start - TAIL_BYTES)
                handle.seek(start)
                tail = handle.read(end - start)
            if tail and not tail.endswith(b"\n"):
                cut = tail.rfind(b"\n") + 1
                handle.truncate(start + cut)
                tail = tail[:cut]
        lines = tail.splitlines()
        return lines[-1] if lines else None

    def append(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Append rows, streamed (a scan's tens of thousands are never held as text at once); durable before it
        returns. Anything that stops it midway — a full disk, an error making a row — takes back what it wrote,
        so an error always means "not kept"."""
        last = self._last_line()
        try:
            after = parse_entry(last) if last else None
        except (ValueError, KeyError, TypeError):
            raise StorageError(
                f"the last line of {self.path} is not a history entry; nothing was written (run `tracer evidence "
                "verify`)"
            ) from None
        lines = chained_lines(after, rows)
        first = next(lines, None)
        if first is None:
            return 0
        size = self.path.stat().st_size if self.path.exists() else 0
        written = 0
        try:
            with self.path.open("ab") as out:
                pending = itertools.chain((first,), lines)
                while batch := list(itertools.islice(pending, APPEND_BATCH)):
                    out.write(b"".join(batch))
                    written += len(batch)
                out.flush()
                os.fsync(out.fileno())
        except BaseException as exc:  # else the torn last line is cut by the next append
            with contextlib.suppress(OSError):
                os.truncate(self.path, size)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write {self.path}: {exc.strerror or exc}") from None
            raise
        return written
