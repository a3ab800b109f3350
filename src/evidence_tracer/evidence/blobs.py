"""Content-addressed blobs: each file named by the SHA-256 of its bytes, written once and atomically."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from evidence_tracer.atomic import sync_filesystem, write_atomic
from evidence_tracer.errors import EvidenceError, StorageError
from evidence_tracer.evidence.items import TEXT_REDACTION_LIMIT, sha256
from evidence_tracer.evidence.redact import redact_values


def file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


class Blobs(Protocol):
    """Where a store keeps its content: a folder (BlobStore) or S3 (s3_store.S3Blobs)."""

    def put(self, data: bytes) -> str: ...

    def put_file(self, path: Path) -> tuple[str, int, int]: ...

    def put_chunks(self, chunks: Iterable[str]) -> str: ...

    def flush(self) -> None: ...

    def discard(self, digests: set[str]) -> None: ...

    def read(self, digest: str) -> bytes: ...

    def problem(self, digest: str) -> str | None: ...

    def unnamed(self, named: set[str]) -> list[str]: ...


CHUNK_BYTES = 1 << 20  # a document made in pieces is written a megabyte at a time
SYNC_AT_ONCE = 64  # from this many blobs in a batch, one file-system flush instead of one fsync each
TEMPORARY_PREFIX = "."  # a blob before its flush: a file of the store's own folder, never under a digest's name
STALE_SECONDS = 24 * 3600  # a temporary file this old belongs to no running writer: a killed one left it


def _megabytes(chunks: Iterable[str]) -> Iterator[bytes]:
    """Text in pieces as UTF-8 bytes about CHUNK_BYTES at a time (few writes, whatever the pieces)."""
    batch: list[str] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= CHUNK_BYTES:
            yield "".join(batch).encode("utf-8")
            batch, held = [], 0
    yield "".join(batch).encode("utf-8")


class BlobStore:
    """`root/ab/abcdef…`: identical content is stored once; a blob is never rewritten.

    `put` writes a blob to a temporary file and `flush` makes the batch durable before the history may name any
    of it (the store flushes first): each file fsynced then renamed or, from `SYNC_AT_ONCE` blobs, one
    file-system flush, every rename, and one more flush for the names. So a file under its digest's name always
    holds its bytes, a killed writer leaves only temporary files (never a torn blob under a digest), and a scan's
    thousands of records cost two flushes, not one fsync each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending: dict[str, Path] = {}  # digest -> its temporary file, until flush
        self._lock = threading.Lock()

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store bytes under their SHA-256 (once) and return the digest; durable and named at the next flush."""
        digest = sha256(data)
        with self._lock:
            if digest in self._pending or self.path(digest).exists():
                return digest
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=self.root, prefix=f"{TEMPORARY_PREFIX}{digest[:12]}.")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            except OSError as exc:
                raise StorageError(f"cannot write to {self.root}: {exc.strerror or exc}") from None
            self._pending[digest] = Path(tmp)
        return digest

    def put_chunks(self, chunks: Iterable[str]) -> str:
        """`put` for a document made in pieces (UTF-8 text): each written as it comes while the digest is
        computed, so the whole is never held in memory; durable and named at the next flush, as `put`'s. A
        document that cannot be made or written leaves no temporary file."""
        hasher = hashlib.sha256()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=TEMPORARY_PREFIX + "chunks.")
        except OSError as exc:
            raise StorageError(f"cannot write to {self.root}: {exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                for data in _megabytes(chunks):
                    hasher.update(data)
                    handle.write(data)
        except BaseException as exc:
            Path(tmp).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write to {self.root}: {exc.strerror or exc}") from None
            raise
        digest = hasher.hexdigest()
        with self._lock:
            if digest in self._pending or self.path(digest).exists():
                Path(tmp).unlink(missing_ok=True)
            else:
                self._pending[digest] = Path(tmp)
        return digest

    def put_file(self, path: Path) -> tuple[str, int, int]:
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
                return self.put(data), len(data), count
        hasher, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=TEMPORARY_PREFIX + "file.", delete=False) as tmp:
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
        target = self.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp.name, target)
        return digest, size, 0

    def read(self, digest: str) -> bytes:
        with self._lock:
            where = self._pending.get(digest, self.path(digest))
        try:
            data = where.read_bytes()
        except OSError:
            raise EvidenceError(f"evidence content {digest} is missing from {self.root}") from None
        if sha256(data) != digest:
            raise EvidenceError(f"evidence content {digest} has been altered")
        return data

    def problem(self, digest: str) -> str | None:
        """ "missing" or "altered" when the blob is not what its name says; None when it is."""
        path = self.path(digest)
        if not path.exists():
            return "missing"
        return "altered" if file_sha256(path) != digest else None

    def replace(self, digest: str, data: bytes) -> None:
        """Put back a cached blob that is missing or not what its name says (the caller checked `data`)."""
        write_atomic(self.path(digest), data)

    def flush(self) -> None:
        """Make every blob put since the last flush durable under its name (the caller then names them)."""
        with self._lock:
            if not self._pending:
                return
            # A file-system flush costs what every writer of the file system left dirty (tens of ms on a busy
            # one); an fsync costs about a millisecond. Few blobs are fsynced one by one, a scan's thousands at once.
            at_once = len(self._pending) >= SYNC_AT_ONCE
            if at_once:
                sync_filesystem(self.root)  # the bytes, before any name points at them
            try:
                for digest, tmp in self._pending.items():
                    if not at_once:
                        with tmp.open("rb") as handle:
                            os.fsync(handle.fileno())
                    target = self.path(digest)
                    target.parent.mkdir(exist_ok=True)
                    os.replace(tmp, target)
            except OSError as exc:
                raise StorageError(f"cannot write to {self.root}: {exc.strerror or exc}") from None
            if at_once:
                sync_filesystem(self.root)  # the names
            self._pending.clear()

    def discard(self, digests: set[str]) -> None:
        """Drop blobs put since the last flush that will not be named (a scan that failed): their temporary files go."""
        with self._lock:
            dropped = [self._pending.pop(d) for d in digests if d in self._pending]
        for tmp in dropped:
            tmp.unlink(missing_ok=True)

    def stale(self, now: float, age: float = STALE_SECONDS) -> list[Path]:
        """Temporary files a killed writer left (kill -9, a lost machine): older than `age` seconds, so that no
        running scan's staged records are among them (a scan stages for minutes, never a day)."""
        found = []
        for path in self.root.glob(TEMPORARY_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if path.is_file() and now - path.stat().st_mtime > age:
                    found.append(path)
        return sorted(found)

    def sweep(self, now: float) -> int:
        """Remove `stale` temporary files; returns how many went."""
        gone = 0
        for path in self.stale(now):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                gone += 1
        return gone

    def unnamed(self, named: set[str]) -> list[str]:
        """Blobs whose digest is not in `named` (paths relative to the store's folder)."""
        return [str(p.relative_to(self.root.parent)) for p in sorted(self.root.glob("*/*")) if p.name not in named]
