"""The evidence-source interface (modelled on pip-audit's `VulnerabilityService`).

A source has a name, declares every operation it may perform (with the permission each needs), and
collects its own parts of the inventory. Its failures are its own `SourceError`s, converted to
`Failure` values at its boundary: one unreadable operation is data (`error` findings), not an exception.
The read-only guard, the generated permission document and the "access denied on any needed operation
is an error" meta-test all come from `operations()`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import SourcePart
from evidence_tracer.models import ApiRecord

Progress = Callable[[str, int, int], None]


class SourceError(CollectionError):
    """Raised by a source when it cannot run at all (no credentials, no identity); concrete sources
    subclass it. Failures of single operations never raise: they become `Failure` values."""


@dataclass(frozen=True, order=True)
class Operation:
    """One read a source may perform: `service:name` (as the source's client names it) and the
    permission (IAM action, token scope) that allows it."""

    source: str
    service: str
    name: str
    permission: str

    @property
    def key(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True)
class Collected:
    """What one source run produced: its inventory parts and the raw records they rest on."""

    parts: tuple[SourcePart, ...]
    records: tuple[ApiRecord, ...]


class EvidenceSource(ABC):
    """A system the scan reads evidence from (AWS, GitHub, an identity provider)."""

    name: str

    @abstractmethod
    def operations(self) -> tuple[Operation, ...]:
        """Every operation the source may perform: its allow-list and its permission document."""

    @abstractmethod
    def collect(self, regions: Sequence[str] | None, progress: Progress | None = None) -> Collected:
        """Read the source. Raises `SourceError` only when nothing at all can be read."""
