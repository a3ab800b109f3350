"""Crash-safe file replacement: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from evidence_tracer.errors import StorageError


def write_atomic(path: Path, data: bytes | str | Iterable[str]) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`. An OSError (disk full,
    read-only file system, permission) becomes a StorageError naming `path`; the old file is left as it was.
    `data` may be text in pieces (a report made as it is written): each piece is written as it comes."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes | str):
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                for piece in data:  # buffered: a few writes a megabyte, whatever the pieces
                    handle.write(piece.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def sync_filesystem(folder: Path) -> None:
    """Make every write on `folder`'s file system durable with one call — Linux's syncfs(2), elsewhere sync(2) —
    instead of one fsync per file: a batch of a scan's thousands of small files costs one flush, not thousands."""
    import ctypes

    fd = os.open(folder, os.O_RDONLY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    except OSError as exc:
        raise StorageError(f"cannot flush {folder} to disk: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def can_write(folder: Path) -> bool:
    """Whether files can be created in `folder` (a probe, since permission bits say nothing to root and
    nothing about a read-only mount)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise StorageError(f"cannot use {folder}: {exc.strerror or exc}") from None
