"""What a store's files say about themselves: the index against the history, every blob the history names.
Pure comparisons; the store gathers what they compare (store.verify)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from evidence_tracer.evidence.blobs import Blobs
from evidence_tracer.evidence.history import Entry
from evidence_tracer.evidence.lock import workspace_lock

if TYPE_CHECKING:
    from evidence_tracer.evidence.store import EvidenceStore

# The row columns that name a blob, and how a problem with that blob names its owner.
BLOB_COLUMNS = {"sha256": "evidence {}", "result_sha256": "scan {}", "inventory_sha256": "inventory of scan {}"}
Rows = Mapping[tuple[str, str], Mapping[str, Any]]


def expected_rows(entries: Iterable[Entry]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e.table, str(e.row["id"])): dict(e.row) for e in entries}


def index_problems(expected: Rows, actual: Rows) -> list[str]:
    """Rows forged into, missing from or edited in the index, judged against the history."""
    problems = [
        f"{key[0]} row {key[1]} is in the index but not in the history (forged or edited)"
        for key in sorted(set(actual) - set(expected))
    ]
    problems += [
        f"{key[0]} row {key[1]} is in the history but missing from the index "
        "(run `tracer evidence verify --rebuild-index`)"
        for key in sorted(set(expected) - set(actual))
    ]
    for key in sorted(set(expected) & set(actual)):
        if {k: v for k, v in actual[key].items() if k in expected[key]} != expected[key]:
            problems.append(f"{key[0]} row {key[1]} in the index differs from the history (edited)")
    return problems


def referenced_blobs(expected: Rows) -> dict[str, str]:
    """Every blob digest the history names -> what it is the content of."""
    referenced: dict[str, str] = {}
    for (_, row_id), row in expected.items():
        for column, owner in BLOB_COLUMNS.items():
            if row.get(column):
                referenced[str(row[column])] = owner.format(row_id)
    return referenced


def blob_problems(expected: Rows, blobs: Blobs) -> list[str]:
    problems = []
    for digest, owner in sorted(referenced_blobs(expected).items()):
        problem = blobs.problem(digest)
        if problem is not None:
            problems.append(f"{problem} content {digest} (of {owner})")
    return problems


def unreferenced(expected: Rows, blobs: Blobs) -> list[str]:
    """Blobs no history entry names."""
    return blobs.unnamed(set(referenced_blobs(expected)))


def verify_store(store: EvidenceStore) -> list[str]:
    """What is wrong with a store, judged from its files alone: the history chain, every blob it names, the
    index against the history (forged, edited or missing rows, dropped triggers). History the index lacks (a
    run killed between the two writes) is put back first: that is recovery of what was recorded, not a problem."""
    store.roll_forward()
    # The history and the index are read as one writer leaves them: another writer's commit falls between
    # the two reads otherwise, and its rows would look forged (or missing).
    with nullcontext() if store.read_only else workspace_lock(store.root, store.lock_timeout):
        entries, problems = store.history.read(full=True)
        actual = store.disk_rows() if store.index_corrupt is None else {}
    if store.index_missing:
        problems.append(f"the index {store.index_path} was missing: run `tracer evidence verify --rebuild-index`")
    expected = expected_rows(entries)
    if store.index_corrupt is not None:
        problems.append(f"{store.index_corrupt}: run `tracer evidence verify --rebuild-index`")
    else:
        problems += index_problems(expected, actual)
    if store.triggers_removed:
        problems.append(f"the index's append-only triggers had been removed: {', '.join(store.triggers_removed)}")
    return problems + store.history.outside_problems() + blob_problems(expected, store.blob_store)
