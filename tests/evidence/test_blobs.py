"""The folder blob store writes a batch with one file-system flush: nothing is named before it is durable."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence import blobs as blobs_module
from evidence_tracer.evidence.blobs import SYNC_AT_ONCE, BlobStore
from evidence_tracer.evidence.items import sha256


def test_a_put_is_named_only_at_flush_and_readable_before(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digests = [blobs.put(f"record {n}".encode()) for n in range(50)]
    assert blobs.put(b"record 0") == digests[0]  # the same content once, pending or not
    assert not any(blobs.path(d).exists() for d in digests)  # nothing under a digest's name yet
    assert blobs.read(digests[7]) == b"record 7"  # but readable by the writer that put it
    blobs.flush()
    assert all(blobs.path(d).read_bytes() == f"record {n}".encode() for n, d in enumerate(digests))
    assert not list((tmp_path / "blobs").glob(".*"))  # no temporary file left behind
    assert blobs.unnamed(set(digests)) == []


def test_a_writer_that_never_flushed_leaves_no_blob_behind_a_name(tmp_path: Path) -> None:
    """What a killed scan leaves: temporary files only, which no digest names and no later put trusts."""
    killed = BlobStore(tmp_path / "blobs")
    digest = killed.put(b"half a scan")
    later = BlobStore(tmp_path / "blobs")
    with pytest.raises(EvidenceError, match="missing"):
        later.read(digest)
    assert later.problem(digest) == "missing"
    assert later.put(b"half a scan") == digest == sha256(b"half a scan")
    later.flush()
    assert later.read(digest) == b"half a scan"


@pytest.mark.parametrize("count", [3, SYNC_AT_ONCE])
def test_few_blobs_are_fsynced_each_and_many_flushed_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    flushes: list[Path] = []
    fsyncs: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        fsyncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(blobs_module, "sync_filesystem", flushes.append)
    monkeypatch.setattr(os, "fsync", fsync)
    blobs = BlobStore(tmp_path / "blobs")
    digests = [blobs.put(f"record {n}".encode()) for n in range(count)]
    blobs.flush()
    assert all(blobs.path(d).exists() for d in digests)
    if count < SYNC_AT_ONCE:
        assert (len(fsyncs), flushes) == (count, [])
    else:
        assert (len(fsyncs), flushes) == (0, [tmp_path / "blobs"] * 2)  # the bytes, then the names


def test_a_document_in_pieces_is_stored_as_its_bytes_would_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blobs_module, "CHUNK_BYTES", 10)  # many writes, the digest taken across them
    store = BlobStore(tmp_path / "blobs")
    pieces = ["{", '"a": ', '"é \u2028"', ", ", '"b": [1, 2, 3]', "}"] * 7
    whole = "".join(pieces).encode("utf-8")
    digest = store.put_chunks(iter(pieces))
    assert digest == sha256(whole)
    assert not store.path(digest).exists(), "named at the flush, as put's"
    assert store.read(digest) == whole
    assert store.put_chunks(iter(pieces)) == digest and len(list((tmp_path / "blobs").glob(".*"))) == 1
    store.flush()
    assert store.path(digest).read_bytes() == whole and list((tmp_path / "blobs").glob(".*")) == []


def test_a_document_whose_making_fails_leaves_no_temporary_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")

    def pieces() -> Iterator[str]:
        yield "{"
        raise RuntimeError("the encoder broke")

    with pytest.raises(RuntimeError):
        store.put_chunks(pieces())
    assert list((tmp_path / "blobs").iterdir()) == []
