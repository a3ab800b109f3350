"""`tracer`: the Typer application. Its commands live in their own modules and load when they run (cli/lazy.py);
every expected failure ends as one line and an exit code."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from evidence_tracer import __version__
from evidence_tracer.cli.lazy import PLAIN, LazyGroup
from evidence_tracer.errors import TracerError

app = typer.Typer(
    name="tracer",
    cls=LazyGroup,
    rich_markup_mode=PLAIN,
    help="Evidence Tracer: read-only AWS evidence and SOC 2 readiness (SOC 2-aligned, not a SOC 2 report).",
    no_args_is_help=True,
    add_completion=True,  # tracer --install-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2


def _print_version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Evidence Tracer: read-only AWS evidence and SOC 2 readiness (SOC 2-aligned, not a SOC 2 report)."""


@app.command()
def version() -> None:
    """Print the version."""
    print(__version__)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: every expected failure ends as one message and a non-zero exit.
    Usage errors are Typer's (exit 2); TracerError is ours (exit 2); nothing else is expected."""
    try:
        app(args=argv)
    except (TracerError, OSError) as exc:
        _fail(exc)


def _fail(exc: TracerError | OSError) -> None:
    from evidence_tracer.report.inert import inert_text  # markupsafe: only when there is something to say

    if isinstance(exc, TracerError):
        sys.stderr.write(f"error: {inert_text(str(exc))}\n")
    else:  # a write outside our own helpers (disk full, read-only): still one line
        where = f"{exc.filename}: " if exc.filename else ""
        sys.stderr.write(f"error: {inert_text(where + (exc.strerror or str(exc)), one_line=True)}\n")
    sys.exit(EXIT_USAGE)
