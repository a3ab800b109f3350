"""A read-only workspace (an auditor's copy, a read-only mount) can still be read: status, reports and verify
work and write nothing; a write is one line naming the cause. A full disk is one line too, and loses nothing."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence_tracer.cli.app import main
from evidence_tracer.evidence.store import EvidenceStore
from tests.cli.conftest import tracer


def _tree(root: Path) -> dict[str, tuple[int, float]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def read_only(copy_demo: Path) -> Iterator[Path]:
    """The demo workspace made read-only for real: a read-only bind mount when running as root (permission
    bits do not stop root), the write bits removed otherwise."""
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "--bind", "-o", "ro", str(copy_demo), str(copy_demo)], capture_output=True, text=True
        )
        if mounted.returncode != 0:
            pytest.skip(f"root without a read-only bind mount here: {mounted.stderr.strip()}")
        try:
            yield copy_demo
        finally:
            subprocess.run(["umount", str(copy_demo)], check=True)
        return
    for path in [copy_demo, *copy_demo.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield copy_demo
    finally:
        for path in [copy_demo, *copy_demo.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_a_read_only_workspace_can_be_read_and_verified(read_only: Path) -> None:
    with pytest.raises(OSError):
        (read_only / "probe").write_text("x")  # it really is read-only
    before = _tree(read_only)
    status = tracer("status", "-w", str(read_only))
    assert status.returncode == 0, status.stderr
    assert "SOC 2-aligned" in status.stdout
    readiness = tracer("report", "--readiness", "-f", "json", "-w", str(read_only))
    assert readiness.returncode == 0, readiness.stderr
    gap = tracer("report", "-f", "markdown", "-w", str(read_only))
    assert gap.returncode == 0 and gap.stdout.startswith("# AWS gap report"), gap.stderr
    verify = tracer("evidence", "verify", "-w", str(read_only))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Evidence store intact" in verify.stdout
    listed = tracer("evidence", "list", "-w", str(read_only))
    assert listed.returncode == 0 and "manual" in listed.stdout
    memo = read_only.parent / "memo.md"
    memo.write_text("# Access review\n\nEvery account was reviewed by Dave on 2026-11-20.\n")
    add = tracer(
        "evidence", "add", "AC-06", str(memo), "--note", "review", "--by", "dave.ops@acme.example", "-w", str(read_only)
    )
    assert add.returncode == 2 and len(add.stderr.strip().splitlines()) == 1
    assert "read-only" in add.stderr and "Traceback" not in add.stderr
    assert _tree(read_only) == before  # nothing was written, not even a lock or a WAL file


def test_tampering_is_still_found_in_a_read_only_copy(copy_demo: Path) -> None:
    store = EvidenceStore(copy_demo)
    with store._db() as db:  # the triggers stop a plain UPDATE; an attacker drops them first
        db.executescript(
            "DROP TRIGGER evidence_append_only_u; UPDATE evidence SET note = 'forged' WHERE kind = 'manual';"
        )
    store = EvidenceStore(copy_demo)
    store.read_only = True  # what a read-only mount makes of it (the mount itself is tested above)
    store._memory = store._index_in_memory()
    problems = store.verify()
    assert any("differs from the history (edited)" in p for p in problems)


def _disk_full(*_: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_one_line_and_keeps_the_register(
    copy_demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    people = copy_demo / "registers" / "people.yaml"
    before = people.read_bytes()
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "people",
                "add",
                "erin.new@acme.example",
                "--role",
                "Engineer",
                "--joined",
                "2026-11-02",
                "-w",
                str(copy_demo),
            ]
        )
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: cannot write {people}: No space left on device"
    assert people.read_bytes() == before
    assert not [p for p in people.parent.iterdir() if p.name.startswith(".people.yaml.")]  # no temp file left


def test_a_full_disk_during_evidence_add_loses_no_history(
    copy_demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    history = copy_demo / ".tracer" / "log.jsonl"
    before, items = history.read_bytes(), len(EvidenceStore(copy_demo).items())
    memo = copy_demo / "uploads" / "review.md"
    memo.write_text("# Access review\n\nEvery account was reviewed by Dave on 2026-11-20.\n")
    real_fsync = os.fsync
    writes: list[int] = []

    def fsync(fd: int) -> None:  # blobs are written; the history append finds the disk full
        if os.readlink(f"/proc/self/fd/{fd}").endswith("log.jsonl"):
            writes.append(fd)
            _disk_full()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(SystemExit):
        main(
            [
                "evidence",
                "add",
                "AC-06",
                str(memo),
                "--note",
                "review",
                "--by",
                "dave.ops@acme.example",
                "-w",
                str(copy_demo),
            ]
        )
    assert writes
    err = capsys.readouterr().err.strip()
    assert err == f"error: cannot write {history}: No space left on device"
    monkeypatch.setattr(os, "fsync", real_fsync)
    store = EvidenceStore(copy_demo)
    assert store.verify() == []
    assert history.read_bytes() == before and len(store.items()) == items  # the failed add left no record
    again = tracer(
        "evidence", "add", "AC-06", str(memo), "--note", "review", "--by", "dave.ops@acme.example", "-w", str(copy_demo)
    )
    assert again.returncode == 0, again.stderr  # once there is room, the same add succeeds
    assert EvidenceStore(copy_demo).verify() == [] and len(EvidenceStore(copy_demo).items()) == items + 1


def test_a_corrupt_index_is_named_reads_go_on_and_a_rebuild_restores_it(copy_demo: Path) -> None:
    index = copy_demo / ".tracer" / "index.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{index}{suffix}").unlink(missing_ok=True)
    index.write_bytes(b"this is not a database, it is a disk error" * 100)
    history = (copy_demo / ".tracer" / "log.jsonl").read_bytes()
    verify = tracer("evidence", "verify", "-w", str(copy_demo))
    assert verify.returncode == 1 and f"evidence index {index}: file is not a database" in verify.stdout
    status = tracer("status", "-w", str(copy_demo))
    assert status.returncode == 0, status.stderr  # the history is the record: reading goes on
    memo = copy_demo / "uploads" / "review.md"
    memo.write_text("# Access review\n\nEvery account was reviewed by Dave on 2026-11-20.\n")
    add = tracer(
        "evidence", "add", "AC-06", str(memo), "--note", "review", "--by", "dave.ops@acme.example", "-w", str(copy_demo)
    )
    assert add.returncode == 2 and len(add.stderr.strip().splitlines()) == 1 and "--rebuild-index" in add.stderr
    assert (copy_demo / ".tracer" / "log.jsonl").read_bytes() == history  # nothing was lost or added
    rebuilt = tracer("evidence", "verify", "--rebuild-index", "-w", str(copy_demo))
    assert rebuilt.returncode == 0 and "Evidence store intact" in rebuilt.stdout, rebuilt.stdout
    assert (
        tracer(
            "evidence",
            "add",
            "AC-06",
            str(memo),
            "--note",
            "review",
            "--by",
            "dave.ops@acme.example",
            "-w",
            str(copy_demo),
        ).returncode
        == 0
    )
