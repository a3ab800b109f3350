"""Options and small parsers the register commands share."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from evidence_tracer.errors import GovernanceError

Workspace = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory.")]
WorkspaceDir = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace directory (holds tracer.yaml).")]
By = Annotated[str, typer.Option("--by", help="The person (email).")]


def _now() -> datetime:
    return datetime.now(UTC)


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GovernanceError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _opt_date(value: str | None, option: str) -> date | None:
    return None if value is None else _date(value, option)
