"""The workspace a command works on, loaded once: tracer.yaml, the registers, the policies and the store.

Every use case takes a `Workspace` (or the values it loaded) instead of opening files halfway: each part is
read the first time it is asked for and kept for the rest of the command. A command that writes a register
asks `refresh()` afterwards, so what it shows next is what is on disk.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.checks.registry import catalog_labels
from evidence_tracer.config import CONFIG_FILE, WorkspaceConfig, load_config
from evidence_tracer.errors import ConfigError, EvidenceError, GovernanceError
from evidence_tracer.evidence.items import EvidenceItem, Kind
from evidence_tracer.evidence.staging import StagedRecords
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.governance.as_of import exceptions_as_of, policies_as_of, registers_as_of
from evidence_tracer.governance.registers import ExceptionRecord, ExceptionsFile, PoliciesFile, Registers, find_person
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.codec import load_inventory, snapshot_document
from evidence_tracer.models import ApiRecord, ScanResult
from evidence_tracer.policies.status import PolicyStatus, policy_statuses
from evidence_tracer.readiness import Readiness, ReadinessInputs, assess


def require_workspace(workspace: Path) -> Path:
    """A folder `tracer init` made, or one clear line saying how to make it: nothing is created or invented."""
    if not workspace.is_dir():
        raise ConfigError(f"{workspace} does not exist: create a workspace with `tracer init -w {workspace}`")
    if not (workspace / CONFIG_FILE).is_file():
        raise ConfigError(f"{workspace} has no {CONFIG_FILE}: run `tracer init` there first (or pass -w WORKSPACE)")
    return workspace


def open_store(
    path: Path,
    lock_timeout: float = 60.0,
    config: WorkspaceConfig | None = None,
    remote: str | None = None,
    region: str | None = None,
) -> EvidenceStore:
    """The workspace's evidence store — in its folder, or in S3 when tracer.yaml's `store.url` (or `remote`) says
    so — reading stored findings through today's catalog (every view then groups and weighs a finding the same
    way). The one place the application opens a store."""
    remote = remote or (config.store.url if config is not None else None)
    client = None
    if remote is not None:
        from evidence_tracer.evidence.s3_bucket import STORE_OPERATIONS, store_client

        client = store_client(STORE_OPERATIONS, region or (config.store.region if config else None))
    return EvidenceStore(path, lock_timeout=lock_timeout, labels=catalog_labels, remote=remote, client=client)


class Workspace:
    """One workspace for one command. Nothing is read until it is asked for, and nothing twice."""

    def __init__(self, path: Path, *, require: bool = True, config: WorkspaceConfig | None = None) -> None:
        """`require=False` opens a folder without tracer.yaml (a bare store); `config` stands in for its
        tracer.yaml then."""
        self.path = require_workspace(path) if require else path
        if config is not None:
            self.__dict__["config"] = config

    @functools.cached_property
    def config(self) -> WorkspaceConfig:
        return load_config(self.path)

    @functools.cached_property
    def store(self) -> EvidenceStore:
        has_config = "config" in self.__dict__ or (self.path / CONFIG_FILE).is_file()
        return open_store(self.path, config=self.config if has_config else None)

    @functools.cached_property
    def registers(self) -> Registers:
        return Registers(self.path)

    @functools.cached_property
    def register_snapshot(self) -> RegisterSnapshot:
        regs = self.registers
        return RegisterSnapshot(
            regs.people.load(),
            regs.vendors.load(),
            regs.risks.load(),
            regs.access_reviews.load(),
            regs.exercises.load(),
            regs.incidents.load(),
            regs.scan_reviews.load(),
            regs.boundary.load(),
        )

    @functools.cached_property
    def policy_register(self) -> PoliciesFile:
        return self.registers.policies.load()

    @functools.cached_property
    def exception_register(self) -> ExceptionsFile:
        return self.registers.exceptions.load()

    def refresh(self) -> None:
        """Forget what was loaded (after a write), so the next read sees the files as they are now."""
        for name in ("config", "registers", "register_snapshot", "policy_register", "exception_register"):
            self.__dict__.pop(name, None)
        for memo in (self._inventories, self._scans, self._policy_statuses, self._readiness):
            memo.clear()

    # --- as of a moment ---------------------------------------------------------------------------

    def registers_at(self, moment: datetime) -> RegisterSnapshot:
        return registers_as_of(self.register_snapshot, moment)

    def policies_at(self, moment: datetime) -> PoliciesFile:
        return policies_as_of(self.policy_register, moment)

    def exceptions_file_at(self, moment: datetime) -> ExceptionsFile:
        return exceptions_as_of(self.exception_register, moment)

    def exceptions_at(self, moment: datetime) -> tuple[ExceptionRecord, ...]:
        return tuple(self.exceptions_file_at(moment).exceptions)

    def policy_statuses(self, moment: datetime) -> tuple[PolicyStatus, ...]:
        """Each policy's state as of `moment` (its text read and hashed once per moment)."""
        if moment not in self._policy_statuses:
            found = policy_statuses(self.path, self.config, self.policies_at(moment), moment)
            self._policy_statuses[moment] = tuple(found)
        return self._policy_statuses[moment]

    def scan(self, scan_id: str) -> ScanResult:
        """A stored scan by its id, read and decoded once."""
        if scan_id not in self._scans:
            self._scans[scan_id] = self.store.load_scan(scan_id)
        return self._scans[scan_id]

    def latest_scan(self, as_of: datetime) -> ScanResult | None:
        """The latest scan finished by `as_of`, or None when there is none. A stored scan that cannot be read
        (missing or altered content) is an error, never "no scan yet"."""
        finished = self.store.scans(as_of=as_of)
        return self.scan(finished[-1].id) if finished else None

    def manual_evidence(self, as_of: datetime) -> tuple[EvidenceItem, ...]:
        return tuple(self.store.items(kind=Kind.MANUAL, as_of=as_of))

    @functools.cached_property
    def _inventories(self) -> dict[str, Inventory | None]:
        return {}

    @functools.cached_property
    def _scans(self) -> dict[str, ScanResult]:
        return {}

    @functools.cached_property
    def _policy_statuses(self) -> dict[datetime, tuple[PolicyStatus, ...]]:
        return {}

    @functools.cached_property
    def _readiness(self) -> dict[datetime, Readiness]:
        return {}

    def inventory_of(self, scan_id: str) -> Inventory | None:
        """A stored scan's inventory, decoded once; None for a scan stored before snapshots were kept."""
        if scan_id not in self._inventories:
            data = self.store.snapshot_bytes(scan_id)
            self._inventories[scan_id] = load_inventory(data) if data is not None else None
        return self._inventories[scan_id]

    def require_inventory(self, scan_id: str) -> Inventory:
        inventory = self.inventory_of(scan_id)
        if inventory is None:
            raise EvidenceError(f"scan {scan_id} was stored without its inventory; it cannot be re-evaluated")
        return inventory

    def readiness_inputs(self, now: datetime) -> ReadinessInputs:
        scan = self.latest_scan(now)
        return ReadinessInputs(
            self.config,
            now,
            scan,
            self.manual_evidence(now),
            self.policy_statuses(now),
            self.registers_at(now),
            self.exceptions_at(now),
            self.inventory_of(scan.scan.id) if scan is not None else None,
            self.store.history.pinned(),
            tuple((info.id, info.finished_at) for info in self.store.scans(as_of=now)),
        )

    def readiness(self, now: datetime) -> Readiness:
        """The assessment as of `now`, made once per moment (a command that shows it and renders it from it
        assesses once); the workspace's own writes forget it."""
        if now not in self._readiness:
            self._readiness[now] = assess(self.readiness_inputs(now))
        return self._readiness[now]

    # --- writing (through the store's interface) ---------------------------------------------------

    def add_evidence(
        self,
        target: str,
        file: Path,
        note: str,
        author: str,
        now: datetime | None = None,
        max_bytes: int | None = None,
        effective: date | None = None,
    ) -> EvidenceItem:
        """A file filed as evidence for a criterion or control (resolved through the catalog), by a person the
        people register lists as active on the day it is filed, effective on the day it speaks for."""
        day = (now or datetime.now(UTC)).date()
        try:
            person = find_person(self.register_snapshot.people, author)
        except GovernanceError:
            raise EvidenceError(
                f"--by {author!r} is not in the people register: evidence is filed by a named person "
                f"(tracer people add {author} --role ROLE --joined DATE)"
            ) from None
        if not person.active_on(day):
            raise EvidenceError(f"--by {author!r} is not an active person on {day} ({person.tenure()})")
        limit = max_bytes if max_bytes is not None else self.config.evidence.max_file_mb * 1024 * 1024
        self._readiness.clear()
        return self.store.add_manual(
            resolve_target(target), file, note, author, now=now, max_bytes=limit, effective=effective
        )

    def save_scan(
        self,
        result: ScanResult,
        records: Iterable[ApiRecord],
        inventory: Inventory | None,
        staged: StagedRecords | None = None,
    ) -> None:
        self._readiness.clear()
        snapshot = snapshot_document(inventory) if inventory is not None else None
        self.store.save_scan(result, records, snapshot, staged)


def workspace_readiness(workspace: Path, now: datetime) -> Readiness:
    return Workspace(workspace).readiness(now)
