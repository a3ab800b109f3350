"""The evidence store's own use cases: `tracer store init` (the bucket, created or checked), `tracer store migrate`
(a folder's history and blobs copied to S3, verified chain for chain, and tracer.yaml switched), and the policies
a writer and the bucket need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evidence_tracer.app.init import store_section
from evidence_tracer.app.workspace import Workspace, open_store
from evidence_tracer.atomic import write_atomic
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig, load_config
from evidence_tracer.errors import ConfigError, StorageError
from evidence_tracer.evidence.integrity import expected_rows, referenced_blobs
from evidence_tracer.evidence.s3_bucket import SETUP_OPERATIONS, STORE_OPERATIONS, Bucket, S3Location, store_client
from evidence_tracer.evidence.s3_setup import BucketReport, init_bucket

YEAR = 365


def retention_days(config: WorkspaceConfig | None) -> int:
    """At least the observation period plus a year (a 12-month period when none is set yet)."""
    period = config.audit.period if config is not None else None
    days = (period.end - period.start).days + 1 if period is not None else YEAR
    return days + YEAR


def init_store(
    url: str, mode: str, days: int | None, region: str | None, kms_key: str | None, config: WorkspaceConfig | None
) -> tuple[BucketReport, int]:
    location = S3Location.parse(url)
    wanted = retention_days(config)
    if days is not None and days < wanted:
        raise ConfigError(f"--retention-days {days}: the evidence must outlive the period by a year ({wanted} days)")
    bucket = Bucket(location, store_client({**STORE_OPERATIONS, **SETUP_OPERATIONS}, region))
    chosen = days or wanted
    return init_bucket(bucket, mode, chosen, region, kms_key), chosen


def set_store_url(workspace: Path, url: str) -> None:
    """Point tracer.yaml at the store (its `store:` section replaced or added), checked before it is written."""
    path = workspace / CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    section = "\n".join(store_section(url))
    lines, out, skipping = text.splitlines(keepends=True), [], False
    for line in lines:
        if line.startswith("store:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    new = (
        "".join(out).rstrip("\n")
        + "\n\n# Where the evidence is kept (tracer store init; tracer store migrate).\n"
        + section
    )
    from evidence_tracer.config import parse_config

    parse_config(new, CONFIG_FILE)  # never write a file that would not load
    write_atomic(path, new)


@dataclass(frozen=True)
class Migration:
    url: str
    entries: int
    blobs: int
    head: str


def migrate_store(ws: Workspace, url: str, region: str | None = None) -> Migration:
    """Copy the folder store's history and every blob it names to an empty S3 store, verify the copy entry for
    entry and blob for blob, then switch tracer.yaml to it. The folder's copy stays where it is."""
    if ws.config.store.url:
        raise ConfigError(f"this workspace already keeps its evidence in {ws.config.store.url}")
    local = ws.store
    entries, problems = local.history.read()
    if problems:
        raise StorageError(f"the workspace's history does not prove itself ({problems[0]}): nothing was copied")
    location = S3Location.parse(url)
    remote = open_store(ws.path, remote=location.url, region=region)
    from evidence_tracer.evidence.s3_store import S3Blobs, S3History

    assert isinstance(remote.blob_store, S3Blobs) and isinstance(remote.history, S3History)
    sent = remote.blob_store.copy_from(local.local_blobs, referenced_blobs(expected_rows(entries)))
    remote.history.import_entries(entries)
    copied, wrong = remote.history.read(full=True)  # everything again, from S3
    if wrong or [e.hash for e in copied] != [e.hash for e in entries]:
        raise StorageError(f"the copy in {location.url} does not match the workspace's history; tracer.yaml unchanged")
    missing = [d for d in referenced_blobs(expected_rows(entries)) if remote.blob_store.problem(d) is not None]
    if missing:
        raise StorageError(f"{len(missing)} blobs did not reach {location.url} intact; tracer.yaml unchanged")
    set_store_url(ws.path, location.url)
    load_config(ws.path)
    return Migration(location.url, len(entries), sent, copied[-1].hash if copied else "")
