"""The evidence-source interface (modelled on pip-audit's `VulnerabilityService`).

A source has a name, declares every operation it may perform (with the permission each needs), and
collects its own parts of the inventory. Its failures are its own `SourceError`s, converted to
`Failure` values at its boundary: one unreadable operation is data (`error` findings), not an exception.
The read-only guard, the generated permission document and the "access denied on any needed operation
is an error" meta-test all come from `operations()`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import SourcePart
from evidence_tracer.models import ApiRecord

Progress = Callable[[str, int, int], None]
# Takes records off a source's hands while it still collects (the scan's store stages them: evidence/staging.py),
# called from any of the source's threads, with the records in the order they were made.
RecordSink = Callable[[Sequence[ApiRecord]], None]


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
class Scope:
    """What one collection covers: the regions (None: every region the source finds enabled; a source without
    regions ignores them) and the datasets (None: all; a source may read more than `only` asks for when its
    calls serve several datasets at once)."""

    regions: tuple[str, ...] | None = None
    only: frozenset[str] | None = None

    @classmethod
    def of(cls, regions: Sequence[str] | None = None, only: Iterable[str] | None = None) -> Scope:
        return cls(tuple(regions) if regions else None, frozenset(only) if only is not None else None)

    def wants(self, keys: Iterable[str]) -> bool:
        """Whether any of these dataset keys is to be collected."""
        return self.only is None or bool(self.only.intersection(keys))


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
    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        """Read what `scope` asks for. Raises `SourceError` only when nothing at all can be read."""

    def collect_into(self, scope: Scope, sink: RecordSink, progress: Progress | None = None) -> Collected:
        """`collect`, handing records to `sink` as they are made; those are then not in the returned records, so
        the scan stores them while later calls are still waiting on the network and need not hold them all. A
        source that does not stream (this default) returns every record at the end, and the scan stores them
        then."""
        return self.collect(scope, progress)
