"""Options and small parsers the register commands share."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from evidence_tracer.errors import GovernanceError


def _existing_workspace(ctx: typer.Context, value: Path) -> Path:
    """Every command but `init` and `demo` works on a folder `tracer init` made: a typo in -w is one line,
    and nothing is created there."""
    if ctx.resilient_parsing:  # shell completion
        return value
    from evidence_tracer.app.workspace import require_workspace

    return require_workspace(value)


Workspace = Annotated[
    Path,
    typer.Option("--workspace", "-w", help="Workspace directory (holds tracer.yaml).", callback=_existing_workspace),
]
WorkspaceDir = Workspace
# A folder that need not be a workspace yet (tracer init), or not at all (tracer evidence verify PACKAGE).
AnyFolder = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory.")]
By = Annotated[str, typer.Option("--by", help="The person (email).")]


def _now() -> datetime:
    return datetime.now(UTC)


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}


def parse_day(value: str) -> date:
    """A date as people write it: 2027-03-31, 2027/03/31, 31/03/2027 or 03/31/2027 (when the day tells which),
    31.03.2027, 31 March 2027, March 31, 2027. An ambiguous 04/03/2027 is refused (ValueError saying why)."""
    text = value.strip().lower().replace(",", " ")
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        pass
    numbers = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if numbers:
        a, b, year = (int(g) for g in numbers.groups())
        if a <= 12 and b <= 12 and a != b:
            raise ValueError(f"{value!r} could be {a}/{b} or {b}/{a}: write it as YYYY-MM-DD")
        day, month = (a, b) if a > 12 or "." in text else (b, a) if b > 12 else (a, b)
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"{value!r} is not a date in the calendar") from None
    words = text.split()
    if len(words) == 3:
        first, second, last = words
        name, number = (first, second) if first in _MONTHS else (second, first)
        if name in _MONTHS and number.isdigit() and last.isdigit():
            try:
                return date(int(last), _MONTHS[name], int(number))
            except ValueError:
                raise ValueError(f"{value!r} is not a date in the calendar") from None
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD, 31/03/2027 or 31 March 2027)")


def _date(value: str, option: str) -> date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise GovernanceError(f"{option}: {exc}") from None


def _opt_date(value: str | None, option: str) -> date | None:
    return None if value is None else _date(value, option)
