"""Gather what readiness needs from a workspace: config, latest scan, manual evidence, policies, registers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from evidence_tracer.config import CONFIG_FILE, load_config
from evidence_tracer.errors import ConfigError, EvidenceError
from evidence_tracer.evidence.store import EvidenceStore, Kind
from evidence_tracer.governance.as_of import exceptions_as_of, policies_as_of, registers_as_of
from evidence_tracer.governance.overdue import RegisterSnapshot
from evidence_tracer.governance.registers import Registers
from evidence_tracer.policies.status import policy_statuses
from evidence_tracer.readiness import Readiness, ReadinessInputs, assess


def require_workspace(workspace: Path) -> Path:
    """A folder `tracer init` made, or one clear line saying how to make it: nothing is created or invented."""
    if not workspace.is_dir():
        raise ConfigError(f"{workspace} does not exist: create a workspace with `tracer init -w {workspace}`")
    if not (workspace / CONFIG_FILE).is_file():
        raise ConfigError(f"{workspace} has no {CONFIG_FILE}: run `tracer init` there first (or pass -w WORKSPACE)")
    return workspace


def load_registers(workspace: Path) -> RegisterSnapshot:
    regs = Registers(workspace)
    return RegisterSnapshot(regs.people.load(), regs.vendors.load(), regs.risks.load(), regs.access_reviews.load(),
                            regs.exercises.load(), regs.incidents.load())


def readiness_inputs(workspace: Path, now: datetime) -> ReadinessInputs:
    config = load_config(workspace)
    store = EvidenceStore(workspace)
    try:
        scan = store.load_scan(as_of=now)
    except EvidenceError:
        scan = None
    regs = Registers(workspace)
    policies = policy_statuses(workspace, config, policies_as_of(regs.policies.load(), now), now)
    inventory = store.snapshot_of(scan.scan.id) if scan is not None else None
    return ReadinessInputs(config, now, scan, tuple(store.items(kind=Kind.MANUAL, as_of=now)), tuple(policies),
                           registers_as_of(load_registers(workspace), now),
                           exceptions_as_of(regs.exceptions.load(), now).exceptions, inventory)


def workspace_readiness(workspace: Path, now: datetime) -> Readiness:
    return assess(readiness_inputs(require_workspace(workspace), now))
