"""What the store holds: evidence items (API records and uploaded files) and the rules a file must meet."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any

from evidence_tracer import __version__
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.redact import redact
from evidence_tracer.models import ApiRecord


class Kind(StrEnum):
    API = "api"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)  # a scan holds one per record until it is stored
class EvidenceItem:
    id: str
    kind: Kind
    sha256: str
    size: int
    media_type: str
    collected_at: datetime
    tool_version: str
    scan_id: str | None = None
    account_id: str | None = None
    region: str | None = None
    service: str | None = None
    operation: str | None = None
    parameters: dict[str, Any] | None = None
    request_id: str | None = None
    error_code: str | None = None
    redactions: int = 0
    criteria: tuple[str, ...] = ()
    control: str | None = None
    note: str | None = None
    author: str | None = None
    filename: str | None = None
    effective: date | None = None  # the day a manual item speaks for (a review held on it); None: its upload day

    @property
    def effective_day(self) -> date:
        """The day the evidence speaks for: what cadence and the period's occurrences count by."""
        return self.effective or self.collected_at.date()

    @property
    def effective_at(self) -> datetime:
        """The moment its currency counts from: when it was filed, or the start of an earlier effective day."""
        if self.effective is None or self.effective >= self.collected_at.date():
            return self.collected_at
        return datetime.combine(self.effective, time(), UTC)

    @property
    def source(self) -> str:
        """Where the item came from, in one line an auditor can check."""
        if self.kind is Kind.API:
            params = json.dumps(self.parameters or {}, sort_keys=True)
            return (
                f"{self.service}:{self.operation} {params} account {self.account_id} region {self.region} "
                f"request {self.request_id or '-'}"
            )
        return f"uploaded by {self.author}: {self.filename}"

    def metadata(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        data["kind"] = self.kind.value
        data["collected_at"] = iso(self.collected_at)
        if self.effective is not None:
            data["effective"] = self.effective.isoformat()
        data["criteria"] = list(self.criteria)
        data["source"] = self.source
        return data


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def manual_moment(note: str, now: datetime | None, effective: date | None) -> datetime:
    """When a manual item is filed (`now`, default the present), after checking what it says of itself: a note,
    no date in the future, and an effective day no later than the filing."""
    from evidence_tracer.clock import FUTURE_TOLERANCE

    if not note.strip():
        raise EvidenceError("--note is required: say what the file shows and for which period")
    when = now or datetime.now(UTC)
    if when > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise EvidenceError(f"evidence cannot be dated {when:%Y-%m-%d} (in the future)")
    if effective is not None and effective > when.date():
        raise EvidenceError(
            f"--effective {effective} is after the day it is filed ({when:%Y-%m-%d}): record it once it happened"
        )
    return when


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def seen_by(day: date, now: datetime) -> datetime:
    """The moment a view "as of `day`" is taken: the end of that day, or now while the day is not over."""
    return min(end_of_day(day), now)


def canonical_json(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_EVIDENCE_BYTES = 100 * 1024 * 1024
TEXT_REDACTION_LIMIT = 10 * 1024 * 1024
# A file with fewer than this many non-blank bytes cannot show a control operating (an empty file, "ok").
MIN_EVIDENCE_BYTES = 32


def evidence_file(file: Path, max_bytes: int = MAX_EVIDENCE_BYTES) -> Path:
    """The real path of a file that can be evidence, or a clear refusal: it must be a regular file (not a
    directory, device, FIFO or socket), at most `max_bytes`, with at least MIN_EVIDENCE_BYTES non-blank bytes."""
    try:
        real = file.resolve(strict=True)
        info = real.stat()
    except OSError as exc:
        raise EvidenceError(f"cannot read {file}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
        raise EvidenceError(f"{file} is {kind}: evidence must be a regular file")
    if info.st_size > max_bytes:
        raise EvidenceError(
            f"{file} is {info.st_size} bytes, over the {max_bytes}-byte limit for one evidence file "
            "(evidence.max_file_mb in tracer.yaml)"
        )
    with real.open("rb") as head:
        meaningful = len(head.read(4096).strip())
    if meaningful < MIN_EVIDENCE_BYTES:
        raise EvidenceError(
            f"{file} holds {meaningful} non-blank bytes: an empty or near-empty file cannot be "
            f"evidence (at least {MIN_EVIDENCE_BYTES} are needed)"
        )
    return real


def api_item(record: ApiRecord, scan_id: str | None, put: Callable[[bytes], str]) -> EvidenceItem:
    """An API record as an evidence item: its response and parameters redacted (unless its recorder did), the
    response stored by `put` (which returns the digest)."""
    if record.redactions is None:
        (response, parameters), redactions = redact([record.response, record.parameters])
    else:  # its recorder redacted it once, as it was made (sources/aws/caller.py)
        response, parameters, redactions = record.response, record.parameters, record.redactions
    data = canonical_json(response)
    return EvidenceItem(
        id=record.record_id,
        kind=Kind.API,
        sha256=put(data),
        size=len(data),
        media_type="application/json",
        collected_at=record.collected_at,
        tool_version=__version__,
        scan_id=scan_id,
        account_id=record.account_id,
        region=record.region,
        service=record.service,
        operation=record.operation,
        parameters=parameters,
        request_id=record.request_id,
        error_code=record.error_code or None,
        redactions=redactions,
    )
