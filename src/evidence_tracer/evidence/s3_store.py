"""The evidence store kept in S3: the blobs, the hash-chained history and its locked heads, written once each.

    PREFIX/blobs/<sha256>                 content-addressed evidence (the local `.tracer/blobs` is its cache)
    PREFIX/history/<batch:012d>.json      one append: {"batch": n, "entries": [...]}, the chain of history.py
    PREFIX/heads/<batch:012d>-<hash>-<n>  the head after that batch, under Object Lock

Many writers, one chain: the next batch number is claimed by a conditional PUT (`If-None-Match: *`); a writer
that loses re-reads what landed, re-links its entries after it and claims the next number, so two appends at
once both land, in one order, never forked. A writer killed between its batch and its head leaves a batch
without a head; the next writer locks it. A command reads only what is new: the history and heads named after
the last ones this workspace has seen (`.tracer/s3/…`, a cache that is checked against the locked heads and
re-read whole from S3 when it does not prove itself).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evidence_tracer.errors import EvidenceError, StorageError
from evidence_tracer.evidence.blobs import BlobStore
from evidence_tracer.evidence.history import Chain, Entry, chain_problems, chained, encode_entry, parse_entry
from evidence_tracer.evidence.s3_bucket import Bucket

HISTORY, HEADS, BLOBS = "history/", "heads/", "blobs/"
_BATCH = re.compile(r"^history/(\d{12})\.json$")
_HEAD = re.compile(r"^heads/(\d{12})-([0-9a-f]{64})-(\d+)$")
MAX_ATTEMPTS = 200  # claims lost in a row before giving up (each loss means another writer's batch landed)
UPLOADS = 16  # blobs uploaded at once


def batch_name(n: int) -> str:
    return f"{HISTORY}{n:012d}.json"


def head_name(n: int, head: str, length: int) -> str:
    return f"{HEADS}{n:012d}-{head}-{length}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _batch_body(n: int, entries: Iterable[Entry]) -> bytes:
    return b'{"batch":%d,"entries":[' % n + b",".join(encode_entry(e) for e in entries) + b"]}"


class S3History(Chain):
    def __init__(self, bucket: Bucket, cache: Path) -> None:
        self.bucket = bucket
        self.cache = cache  # a folder of this workspace's own: what it has read so far
        self._batches: list[tuple[int, list[Entry]]] = []
        self._heads: dict[int, tuple[str, int]] = {}
        self._loaded = False

    # --- the local cache ---------------------------------------------------------------------

    @property
    def _mirror(self) -> Path:
        return self.cache / "history.jsonl"

    def _load_cache(self) -> None:
        self._batches, self._heads, self._loaded = [], {}, True
        try:
            lines = self._mirror.read_bytes().splitlines() if self._mirror.exists() else []
            for line in lines:
                data = json.loads(line)
                if "head" in data:
                    self._heads[int(data["batch"])] = (str(data["head"]), int(data["length"]))
                else:
                    self._batches.append((int(data["batch"]), [parse_entry(e) for e in data["entries"]]))
        except (OSError, ValueError, KeyError, TypeError):
            self._batches, self._heads = [], {}  # a damaged cache is re-read from S3

    def _remember(self, line: bytes) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        with self._mirror.open("ab") as out:
            out.write(line + b"\n")

    def _forget(self) -> None:
        self._mirror.unlink(missing_ok=True)
        self._batches, self._heads = [], {}

    # --- reading ---------------------------------------------------------------------------------

    def _sync(self) -> list[str]:
        """Fetch the batches and heads named after the last ones known. Returns names that do not belong."""
        strays: list[str] = []
        # Heads first: a head is written after its batch, so every head listed names a batch the listing after sees.
        after = max(self._heads, default=0)
        for name in self.bucket.names(HEADS, head_name(after, "f" * 64, 10**12) if after else ""):
            head = _HEAD.match(name)
            if head is None:
                strays.append(name)
                continue
            n, value, length = int(head.group(1)), head.group(2), int(head.group(3))
            if n not in self._heads:
                self._heads[n] = (value, length)
                self._remember(json.dumps({"batch": n, "head": value, "length": length}).encode())
        last = self._batches[-1][0] if self._batches else 0
        for name in self.bucket.names(HISTORY, batch_name(last) if last else ""):
            found = _BATCH.match(name)
            if found is None:
                strays.append(name)
                continue
            body = self.bucket.get(name)
            if body is None:
                strays.append(name)
                continue
            try:
                data = json.loads(body)
                batch = (int(data["batch"]), [parse_entry(e) for e in data["entries"]])
            except (ValueError, KeyError, TypeError):
                strays.append(f"{name} (unreadable)")
                continue
            if batch[0] != int(found.group(1)):
                strays.append(f"{name} (holds batch {batch[0]})")
                continue
            self._batches.append(batch)
            self._remember(body)
        return strays

    def _problems(self, strays: list[str]) -> list[str]:
        problems = [f"{name} is not part of the history" for name in strays]
        for expected, (n, _) in enumerate(self._batches, start=1):
            if n != expected:
                problems.append(f"history batch {expected} is missing from S3 (the next is {n}): history was removed")
                break
        entries = self._entries()
        problems += chain_problems(entries)
        problems += self._head_problems(entries)
        return problems

    def _head_problems(self, entries: list[Entry]) -> list[str]:
        problems = []
        for n, (value, length) in sorted(self._heads.items()):
            if length > len(entries):
                problems.append(
                    f"the locked head of batch {n} names {length} entries, but the history holds {len(entries)}: "
                    "it was cut short"
                )
            elif entries[length - 1].hash != value:
                problems.append(f"entry {length} of the history does not match the locked head of batch {n}: rewritten")
        return problems

    def _entries(self) -> list[Entry]:
        return [e for _, batch in self._batches for e in batch]

    def read(self, full: bool = False) -> tuple[list[Entry], list[str]]:
        """Every entry and what is wrong with the chain. The cache is topped up with what is new; one that does not
        prove itself (or `full`) is dropped and the whole history read from S3 again."""
        if full or not self._loaded:
            self._load_cache()
        if full:
            self._forget()
        problems = self._problems(self._sync())
        if problems and not full:
            return self.read(full=True)
        return self._entries(), problems

    def exists(self) -> bool:
        return True

    def last_batch(self) -> int:
        return self._batches[-1][0] if self._batches else 0

    def outside_problems(self) -> list[str]:
        """Batches no writer locked a head for (only the newest may lack one: a writer stopped between its two
        writes), and objects overwritten or hidden by a delete marker."""
        problems = [
            f"history batch {n} has no locked head (a writer stopped after writing it; the next write adds it)"
            for n, _ in self._batches[:-1]
            if n not in self._heads
        ]
        overwritten, deleted = self.bucket.rewritten()
        problems += [f"{name} was overwritten: S3 holds more than one version of it" for name in overwritten]
        problems += [f"{name} was deleted: a delete marker hides it" for name in deleted]
        lock = self.bucket.lock()
        if (
            not lock
            or lock.get("ObjectLockEnabled") != "Enabled"
            or not (lock.get("Rule") or {}).get("DefaultRetention")
        ):
            problems.append(f"{self.bucket.location.url} has no default Object Lock retention: run tracer store init")
        return problems

    # --- writing ---------------------------------------------------------------------------------

    def _lock_heads(self) -> None:
        """Lock the head of every batch that has none (a writer killed between its batch and its head)."""
        length = 0
        for n, batch in self._batches:
            length += len(batch)
            if n not in self._heads and batch:
                head = batch[-1].hash
                name = head_name(n, head, length)
                self.bucket.put_new(name, f"{head}:{length}\n".encode(), _digest(f"{head}:{length}\n".encode()))
                self._heads[n] = (head, length)
                self._remember(json.dumps({"batch": n, "head": head, "length": length}).encode())

    def append(self, rows: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        wanted = list(rows)  # one S3 object per batch, and perhaps a retry: held (the cache holds them anyway)
        for _ in range(MAX_ATTEMPTS):
            entries, problems = self.read()
            if problems:
                raise StorageError(f"the S3 history does not prove itself ({problems[0]}); nothing was written")
            added = chained(entries[-1] if entries else None, wanted)
            if not added:
                return 0
            self._lock_heads()
            n = self.last_batch() + 1
            body = _batch_body(n, added)
            if self.bucket.put_new(batch_name(n), body, _digest(body)):
                self._batches.append((n, added))
                self._remember(body)
                self._lock_heads()
                return len(added)
        raise StorageError(
            f"{self.bucket.location.url}: {MAX_ATTEMPTS} other writers claimed the next history batch first; "
            "nothing was written (try again)"
        )

    def import_entries(self, entries: list[Entry], per_batch: int = 1000) -> None:
        """Copy a history kept elsewhere into this empty one as it is — the same entries, the same hashes — in
        batches, each with its locked head (`tracer store migrate`)."""
        found, problems = self.read(full=True)
        if found or problems:
            raise StorageError(
                f"{self.bucket.location.url} already holds a history: a store is migrated into an empty one"
            )
        for n, start in enumerate(range(0, len(entries), per_batch), start=1):
            batch = entries[start : start + per_batch]
            body = _batch_body(n, batch)
            if not self.bucket.put_new(batch_name(n), body, _digest(body)):
                raise StorageError(
                    f"{batch_name(n)} appeared while migrating: another writer uses {self.bucket.location.url}"
                )
            self._batches.append((n, batch))
            self._remember(body)
        self._lock_heads()


class S3Blobs:
    """Blobs in S3, cached in the workspace's own blob folder (every read checked against its SHA-256)."""

    def __init__(self, bucket: Bucket, cache: BlobStore) -> None:
        self.bucket = bucket
        self.cache = cache
        self._pending: set[str] = set()
        self._present: set[str] = set()

    def put(self, data: bytes) -> str:
        digest = self.cache.put(data)
        self._pending.add(digest)
        return digest

    def put_chunks(self, chunks: Iterable[str]) -> str:
        digest = self.cache.put_chunks(chunks)
        self._pending.add(digest)
        return digest

    def discard(self, digests: set[str]) -> None:
        self.cache.discard(digests)
        self._pending -= digests

    def put_file(self, path: Path) -> tuple[str, int, int]:
        digest, size, redactions = self.cache.put_file(path)
        self._pending.add(digest)
        return digest, size, redactions

    def flush(self) -> None:
        """Upload what was put since the last flush (before the history names it), several at once."""
        self.cache.flush()
        pending = sorted(self._pending - self._present)

        def upload(digest: str) -> None:
            with self.cache.path(digest).open("rb") as body:
                self.bucket.put_new(BLOBS + digest, body, digest)  # False: already there, checksummed

        with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
            list(pool.map(upload, pending))
        self._present.update(pending)
        self._pending.clear()

    def read(self, digest: str) -> bytes:
        try:
            return self.cache.read(digest)
        except EvidenceError:
            pass
        data = self.bucket.get(BLOBS + digest)
        if data is None:
            raise EvidenceError(f"evidence content {digest} is missing from {self.bucket.location.url}")
        if _digest(data) != digest:
            raise EvidenceError(f"evidence content {digest} in {self.bucket.location.url} has been altered")
        self.cache.replace(digest, data)
        return data

    def problem(self, digest: str) -> str | None:
        held = self.bucket.checksum(BLOBS + digest)
        if held is None:
            return "missing"
        if held == "":
            data = self.bucket.get(BLOBS + digest)
            return None if data is not None and _digest(data) == digest else "altered"
        return None if held == digest else "altered"

    def unnamed(self, named: set[str]) -> list[str]:
        return [name for name in self.bucket.names(BLOBS) if name[len(BLOBS) :] not in named]

    def copy_from(self, local: BlobStore, digests: Iterable[str]) -> int:
        """Upload blobs of a folder store (each checked against its name first); returns how many were sent."""
        wanted = sorted(set(digests))
        for digest in wanted:
            local.read(digest)  # a missing or altered blob stops the migration here
            self._pending.add(digest)
        if self.cache.root != local.root:
            for digest in wanted:
                self.cache.replace(digest, local.read(digest))
        self.flush()
        return len(wanted)
