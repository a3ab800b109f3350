"""The C allocator's arena cap for the scan's threads.

glibc gives each thread that allocates concurrently an arena of its own (up to eight per core), and an arena's
freed pages are rarely handed back: a scan whose worker threads each parse a few megabytes of responses keeps every
one of those arenas resident. Two arenas keep the threads from serialising on one lock while holding the
resident size near what the scan actually has live (measured in benchmarks/scan_benchmark.py). A user who sets
MALLOC_ARENA_MAX themselves keeps their own value; elsewhere than glibc nothing is changed.
"""

from __future__ import annotations

import ctypes
import os
import sys

ENVIRONMENT_SETTING = "MALLOC_ARENA_MAX"
M_ARENA_MAX = -8  # glibc's malloc.h
DEFAULT_ARENAS = 2


def cap_arenas(limit: int = DEFAULT_ARENAS) -> bool:
    """Cap glibc's malloc arenas at `limit`; True only when the cap was applied."""
    if not sys.platform.startswith("linux") or ENVIRONMENT_SETTING in os.environ:
        return False
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):
            return False
        return bool(libc.mallopt(M_ARENA_MAX, limit))
    except (OSError, AttributeError):
        return False
