"""The one clock: every "now" comes from here or from a clock passed in, so tests and replays set time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
# A date this far ahead of the clock is still accepted (time zones, a clock a little fast); beyond it,
# a record or a piece of evidence dated in the future is refused.
FUTURE_TOLERANCE = timedelta(days=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def moment_of(value: object) -> datetime | None:
    """A timestamp as an API or a stored document gives it (a datetime, or ISO 8601 text with Z or an offset);
    None for nothing or for text that is not one."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
