"""Options and small parsers the register commands share."""

from __future__ import annotations

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


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise GovernanceError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _opt_date(value: str | None, option: str) -> date | None:
    return None if value is None else _date(value, option)
