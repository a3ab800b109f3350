"""A population for a Type 2's tests and the one declared query that lists it, with what an auditor needs to test
its completeness and accuracy (IPE): the query and its parameters, the row count reconciled to its source, the
gaps in sequence or time, and the SHA-256 of the rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from evidence_tracer.governance.registers import PoliciesFile
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.inventory import Inventory

Row = Mapping[str, Any]


class Uses(StrEnum):
    """What a population's query reads besides the registers (the use case loads only what is used)."""

    SCANS = "scans"  # the observed inventories of the stored scans
    CHANGES = "changes"  # the change populations `tracer changes` filed


@dataclass(frozen=True)
class Observation:
    """One stored scan's inventory: what the sources showed at `at`."""

    scan_id: str
    at: datetime
    inventory: Inventory


@dataclass(frozen=True)
class PopulationInputs:
    registers: RegisterSnapshot
    policies: PoliciesFile
    observed: Sequence[Observation] = ()  # oldest first; the scans whose inventory is kept
    changes: Sequence[Mapping[str, Any]] = ()  # change-population documents (tracer changes), oldest first
    windows: Mapping[str, int] = field(default_factory=dict)  # remediation days by severity (tracer.yaml)


@dataclass(frozen=True)
class Population:
    name: str
    title: str
    control: str  # the control whose operation it is tested for
    start: date
    end: date
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    source: str  # where the rows come from, in words
    reconciliation: tuple[str, ...] = ()  # how the count agrees with the source (or does not)
    exceptions: tuple[str, ...] = ()  # gaps in sequence or time, rows that disagree with the source
    key: str = "id"  # the column that names a row (what a sample selects)
    read: tuple[str, ...] = ()  # the stored records the query read (scans, filed evidence), for the IPE

    @property
    def complete(self) -> bool:
        return not self.exceptions

    @property
    def rows_sha256(self) -> str:
        text = json.dumps([dict(r) for r in self.rows], sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def rerun(self) -> str:
        return f"tracer populations export {self.name} --from {self.start} --to {self.end}"

    def ipe(self) -> dict[str, Any]:
        """The completeness-and-accuracy record of the population (AT-C 205.36)."""
        return {
            "population": self.name,
            "title": self.title,
            "control": self.control,
            "query": {
                "source": self.source,
                "from": self.start.isoformat(),
                "to": self.end.isoformat(),
                "read": list(self.read),
            },
            "rows": len(self.rows),
            "rows_sha256": self.rows_sha256,
            "reconciliation": list(self.reconciliation),
            "exceptions": list(self.exceptions),
            "complete": self.complete,
            "rerun": self.rerun(),
        }


@dataclass(frozen=True)
class Found:
    """What a query found: its rows, how their count agrees with the source, what is missing or disagrees, and
    the stored records it read."""

    rows: tuple[Row, ...]
    reconciliation: tuple[str, ...]
    exceptions: tuple[str, ...] = ()
    read: tuple[str, ...] = ()


@dataclass(frozen=True)
class PopulationSpec:
    """One declared query: adding a population is one entry here (and its tests)."""

    name: str
    title: str
    control: str
    columns: tuple[str, ...]
    source: str
    query: Callable[[PopulationInputs, date, date], Found]
    needs: str = ""  # what evidence a sampled item needs
    uses: frozenset[Uses] = frozenset()

    def run(self, inputs: PopulationInputs, start: date, end: date) -> Population:
        f = self.query(inputs, start, end)
        return Population(
            self.name,
            self.title,
            self.control,
            start,
            end,
            self.columns,
            f.rows,
            self.source,
            f.reconciliation,
            f.exceptions,
            read=f.read,
        )


def inside(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end
