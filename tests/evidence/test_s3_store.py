"""The evidence store on S3 with Object Lock, against moto's threaded server over real HTTP: a round trip between
two workspaces, a lost claim re-linked, ten writers at once with nothing lost or forked, a writer killed between
its two writes, truncation and a recomputed chain caught by the locked heads with the workspace gone, and the
bucket refusing an overwrite and a delete."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.evidence.history import chained, encode_entry
from evidence_tracer.evidence.items import Kind
from evidence_tracer.evidence.s3_bucket import S3Location
from evidence_tracer.evidence.s3_store import _batch_body, batch_name
from evidence_tracer.evidence.store import EvidenceStore
from tests.evidence.samples import scan

Bucket = Callable[..., str]
WHO = "alice@acme.example"


def store(folder: Path, url: str) -> EvidenceStore:
    return EvidenceStore(folder, remote=url, lock_timeout=30)


def add(s: EvidenceStore, folder: Path, text: str) -> str:
    path = folder / f"{abs(hash(text))}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{text}: evidence of the control's operation")
    return s.add_manual(resolve_target("CC6.1"), path, f"note {text}", WHO).id


def keys(url: str, folder: str) -> list[str]:
    loc = S3Location.parse(url)
    found = boto3.client("s3").list_objects_v2(Bucket=loc.bucket, Prefix=loc.key(folder)).get("Contents", [])
    return sorted(o["Key"][len(loc.prefix) :] for o in found)


def test_a_round_trip_between_two_workspaces(tmp_path: Path, locked_bucket: Bucket) -> None:
    url = locked_bucket()
    laptop = store(tmp_path / "laptop", url)
    result, records = scan()
    laptop.save_scan(result, records, {"parts": []})
    item = add(laptop, tmp_path / "files", "the access review")
    ci = store(tmp_path / "ci", url)  # another machine: nothing local but the S3 URL
    assert [s.id for s in ci.scans()] == [result.scan.id]
    (manual,) = ci.items(kind=Kind.MANUAL)
    assert manual.id == item and ci.content(manual) == b"the access review: evidence of the control's operation"
    assert ci.load_scan().findings == result.findings and ci.snapshot_bytes(result.scan.id) == b'{"parts": []}'
    assert ci.verify() == [] and ci.head() == laptop.head()
    assert keys(url, "history/") == [batch_name(1), batch_name(2)] and len(keys(url, "heads/")) == 2
    assert all(k.startswith("blobs/") for k in keys(url, "blobs/")) and ci.unreferenced() == []


def test_a_lost_claim_is_re_read_and_re_linked(tmp_path: Path, locked_bucket: Bucket) -> None:
    url = locked_bucket()
    first, second = store(tmp_path / "a", url), store(tmp_path / "b", url)
    add(first, tmp_path / "f", "one")
    second.history.read()  # second has seen batch 1 only
    add(first, tmp_path / "f", "two")  # first claims batch 2
    add(second, tmp_path / "f", "three")  # second's claim of 2 is refused (412): it lands as 3, after "two"
    entries, problems = store(tmp_path / "c", url).history.read()
    assert problems == [] and [e.row["note"] for e in entries] == ["note one", "note two", "note three"]
    assert len(second.items()) == 3  # the loser's index holds the winner's entry too


def test_ten_writers_at_once_lose_nothing_and_fork_nothing(tmp_path: Path, locked_bucket: Bucket) -> None:
    url = locked_bucket()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            s = store(tmp_path / f"w{n}", url)
            for i in range(4):
                add(s, tmp_path / f"f{n}", f"writer {n} item {i}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    fresh = store(tmp_path / "auditor", url)
    entries, problems = fresh.history.read(full=True)
    assert problems == [] and len(entries) == 40
    assert {e.row["note"] for e in entries} == {f"note writer {n} item {i}" for n in range(10) for i in range(4)}
    assert fresh.verify() == [] and len(keys(url, "history/")) == 40 == len(keys(url, "heads/"))


def test_a_writer_killed_between_its_batch_and_its_head_is_locked_by_the_next(
    tmp_path: Path, locked_bucket: Bucket
) -> None:
    url = locked_bucket()
    s = store(tmp_path / "a", url)
    add(s, tmp_path / "f", "before")
    entries, _ = s.history.read()
    orphan = chained(entries[-1], [("evidence", {**entries[-1].row, "id": "killed-writer-row"})])
    body = _batch_body(2, orphan)  # what a killed writer left: its batch, no head
    s.bucket.put_new(batch_name(2), body, __import__("hashlib").sha256(body).hexdigest())
    other = store(tmp_path / "b", url)
    assert other.verify() == []  # only the newest batch lacks its head: a writer stopped there
    add(other, tmp_path / "f", "after")
    assert len(keys(url, "heads/")) == 3 and store(tmp_path / "c", url).verify() == []
    assert [e.row["id"] for e in other.history.read()[0]][1] == "killed-writer-row"


def test_truncation_and_a_recomputed_chain_are_caught_by_the_locked_heads(
    tmp_path: Path, locked_bucket: Bucket
) -> None:
    url = locked_bucket()
    s = store(tmp_path / "a", url)
    for text in ("one", "two", "three"):
        add(s, tmp_path / "f", text)
    loc = S3Location.parse(url)
    raw = boto3.client("s3")
    # Truncation: the newest batch hidden by a delete marker (a locked version cannot be removed)
    raw.delete_object(Bucket=loc.bucket, Key=loc.key(batch_name(3)))
    shutil.rmtree(tmp_path / "a")  # the workspace is gone too
    problems = store(tmp_path / "x", url).verify()
    assert any("names 3 entries, but the history holds 2: it was cut short" in p for p in problems)
    assert any("deleted: a delete marker hides it" in p for p in problems)
    # A recomputed chain: batch 1 overwritten (no If-None-Match) with a forged row, every hash recomputed
    url2 = locked_bucket()
    t = store(tmp_path / "b", url2)
    for text in ("one", "two"):
        add(t, tmp_path / "f", text)
    entries, _ = t.history.read()
    forged = chained(None, [(e.table, {**e.row, "note": "forged"}) for e in entries])
    loc2 = S3Location.parse(url2)
    raw.put_object(Bucket=loc2.bucket, Key=loc2.key(batch_name(1)), Body=_batch_body(1, forged[:1]),
                   ChecksumAlgorithm="SHA256")  # fmt: skip
    raw.put_object(Bucket=loc2.bucket, Key=loc2.key(batch_name(2)), Body=_batch_body(2, forged[1:]),
                   ChecksumAlgorithm="SHA256")  # fmt: skip
    problems = store(tmp_path / "y", url2).verify()
    assert any("does not match the locked head of batch 1: rewritten" in p for p in problems)
    assert any(f"{batch_name(1)} was overwritten" in p for p in problems)
    assert store(tmp_path / "z", url2).history.check_pin(f"{entries[-1].hash}:2") is not None  # the pin fails


def test_the_bucket_refuses_an_overwrite_and_a_delete(tmp_path: Path, locked_bucket: Bucket) -> None:
    from botocore.exceptions import ClientError

    url = locked_bucket()
    s = store(tmp_path / "a", url)
    add(s, tmp_path / "f", "kept")
    assert s.bucket.put_new(batch_name(1), b"{}", __import__("hashlib").sha256(b"{}").hexdigest()) is False
    loc = S3Location.parse(url)
    raw = boto3.client("s3")
    version = raw.list_object_versions(Bucket=loc.bucket, Prefix=loc.key(batch_name(1)))["Versions"][0]["VersionId"]
    with pytest.raises(ClientError) as refused:
        raw.delete_object(Bucket=loc.bucket, Key=loc.key(batch_name(1)), VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    head = raw.head_object(Bucket=loc.bucket, Key=loc.key(batch_name(1)))
    assert head["ObjectLockMode"] == "COMPLIANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC) + timedelta(days=399)


def test_a_bucket_without_object_lock_is_reported(tmp_path: Path, locked_bucket: Bucket) -> None:
    url = locked_bucket(mode=None)
    s = store(tmp_path / "a", url)
    add(s, tmp_path / "f", "unlocked")
    assert any("has no default Object Lock retention" in p for p in s.verify())


def test_the_store_client_refuses_what_it_does_not_declare(tmp_path: Path, locked_bucket: Bucket) -> None:
    from evidence_tracer.errors import StorageError

    s = store(tmp_path / "a", locked_bucket())
    with pytest.raises(StorageError, match="refused s3:DeleteObject"):
        s.bucket.client.delete_object(Bucket=s.bucket.location.bucket, Key="x")
    assert json.loads(encode_entry(chained(None, [("evidence", {"id": "x"})])[0]))["seq"] == 1


WRITER = """
import sys, itertools
from pathlib import Path
from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.evidence.store import EvidenceStore
folder, url = Path(sys.argv[1]), sys.argv[2]
s = EvidenceStore(folder, remote=url)
for i in itertools.count():
    path = folder / f"item-{i}.txt"
    path.write_text(f"killed writer item {i}: evidence of the control's operation")
    s.add_manual(resolve_target("CC6.1"), path, f"killed {i}", "alice@acme.example")
    print(i, flush=True)
"""


def test_writers_go_on_after_one_is_killed_mid_append(
    tmp_path: Path, locked_bucket: Bucket, s3_env: dict[str, str]
) -> None:
    import os
    import signal
    import subprocess
    import sys

    url = locked_bucket()
    folder = tmp_path / "doomed"
    folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **s3_env},
    )
    assert child.stdout is not None
    for _ in range(3):  # three appends acknowledged, then killed wherever it is in the fourth
        child.stdout.readline()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    threads = [
        threading.Thread(target=lambda n=n: add(store(tmp_path / f"w{n}", url), tmp_path / "f", f"after {n}"))
        for n in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = store(tmp_path / "auditor", url)
    entries, problems = fresh.history.read(full=True)
    notes = [e.row["note"] for e in entries]
    assert problems == [] and fresh.verify() == []
    assert notes[:3] == ["killed 0", "killed 1", "killed 2"] and {f"note after {n}" for n in range(3)} <= set(notes)
    assert len(notes) == len(set(notes)) and len(notes) in (6, 7)  # the fourth landed whole, or not at all
