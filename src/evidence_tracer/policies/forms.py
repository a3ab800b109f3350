"""Acknowledgments exported from a form, read as the CSV import expects them: Google Forms (`Timestamp`, `Email
Address`, local times like `12/1/2026 14:03:22` without a zone) and Microsoft Forms (`Completion time`,
`Email`), or any export with its headers mapped by hand. Times without a zone take the one given (`--timezone`);
a missing version is the approved version of the text acknowledged. Nothing is guessed silently: a row that
cannot be read is an error naming its line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from evidence_tracer.clock import moment_of
from evidence_tracer.errors import GovernanceError

FIELDS = ("email", "policy", "version", "timestamp")
PRESETS: dict[str, dict[str, str]] = {
    "plain": {"email": "email", "policy": "policy", "version": "version", "timestamp": "timestamp"},
    "google": {"email": "Email Address", "policy": "Policy", "version": "", "timestamp": "Timestamp"},
    "microsoft": {"email": "Email", "policy": "Policy", "version": "", "timestamp": "Completion time"},
}
_LOCAL_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Layout:
    """Which header holds each field ("" for a version the form does not ask), and the zone of naive times."""

    columns: Mapping[str, str]
    zone: ZoneInfo | None = None

    @staticmethod
    def of(preset: str, overrides: Mapping[str, str | None], timezone: str | None) -> Layout:
        if preset not in PRESETS:
            raise GovernanceError(f"--form {preset!r}: one of {', '.join(PRESETS)}")
        columns = {**PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None}}
        try:
            zone = ZoneInfo(timezone) if timezone else None
        except (ZoneInfoNotFoundError, ValueError):
            raise GovernanceError(f"--timezone {timezone!r} is not a time zone (e.g. Europe/Berlin, UTC)") from None
        return Layout(columns, zone)

    def missing(self, header: list[str]) -> list[str]:
        return [f"{field} ({column!r})" for field, column in self.columns.items() if column and column not in header]

    def read(self, row: Mapping[str, str]) -> dict[str, str]:
        return {field: (row.get(column) or "").strip() if column else "" for field, column in self.columns.items()}

    def moment(self, text: str) -> datetime:
        """A timestamp with its zone: ISO 8601 with one, or a form's local time in `zone`."""
        when = moment_of(text) or next((w for w in (_parse(text, f) for f in _LOCAL_FORMATS) if w is not None), None)
        if when is None:
            raise GovernanceError(f"timestamp {text!r} is not a date and time this import reads")
        if when.tzinfo is None:
            if self.zone is None:
                raise GovernanceError(f"timestamp {text!r} has no time zone: pass --timezone (the form's zone)")
            when = when.replace(tzinfo=self.zone)
        return when


def _parse(text: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return None
