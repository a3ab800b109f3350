"""One writer at a time per workspace: an OS-level file lock around every store write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from evidence_tracer.errors import WorkspaceLocked

STATE_DIR = ".tracer"  # a workspace's own state: the evidence store and the lock every writer takes


@contextmanager
def workspace_lock(state_dir: Path, timeout: float = 60.0) -> Iterator[None]:
    lock = FileLock(str(state_dir / "lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise WorkspaceLocked(
            f"{state_dir}: another tracer process is writing to this workspace; try again when it finishes"
        ) from None
    try:
        yield
    finally:
        lock.release()
