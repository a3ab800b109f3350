"""A scan's API records stored while the scan still runs.

A source hands its records over as its calls finish (`EvidenceSource.collect_into`); each is encoded and hashed
then, by a thread that would otherwise wait on the network, and its content written as a temporary blob. Nothing
is named — no history entry, no index row, no blob under its digest — until `EvidenceStore.save_scan` commits
the scan with them, in the one batch it always was: a scan that fails or is killed leaves the store as it was
(one that fails discards them; a killed one leaves temporary files, never a blob under a digest). The records
themselves are not kept, only their items.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from evidence_tracer.evidence.index import evidence_row
from evidence_tracer.evidence.items import EvidenceItem, api_item
from evidence_tracer.models import ApiRecord


class StagedRecords:
    """The items of the records handed over so far (a `RecordSink`); safe to call from several threads."""

    def __init__(self, put: Callable[[bytes], str], discard: Callable[[set[str]], None]) -> None:
        self._put, self._discard = put, discard
        self._items: list[EvidenceItem] = []
        self._lock = threading.Lock()

    def __call__(self, records: Sequence[ApiRecord]) -> None:
        made = [api_item(record, None, self._put) for record in records]
        with self._lock:
            self._items.extend(made)

    @property
    def count(self) -> int:  # not __len__: an empty staging is still a sink, and must not test false
        with self._lock:
            return len(self._items)

    def discard(self) -> None:
        """The scan failed: what was staged will never be named, and its temporary files go."""
        with self._lock:
            digests, self._items = {item.sha256 for item in self._items}, []
        self._discard(digests)

    def items(self, scan_id: str) -> list[EvidenceItem]:
        """The staged items as records of scan `scan_id`, in the order they were handed over."""
        with self._lock:
            return [replace(item, scan_id=scan_id) for item in self._items]

    def rows(self, scan_id: str) -> Iterator[dict[str, Any]]:
        """The index rows of `items(scan_id)`, made one at a time: the store goes over them more than once and
        holds none of them."""
        with self._lock:
            staged = list(self._items)
        return ({**evidence_row(item), "scan_id": scan_id} for item in staged)
