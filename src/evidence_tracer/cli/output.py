"""Terminal rendering helpers (Rich) shared by the commands."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evidence_tracer.atomic import write_atomic
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.models import ScanResult, Status
from evidence_tracer.report.grouping import DISCLAIMER, by_criterion, ordered
from evidence_tracer.report.inert import inert_text
from evidence_tracer.sources.base import Progress as ProgressFn

STATE_STYLE = {"gaps": "bold red", "unverified": "yellow", "ready": "green", "n/a": "dim"}


def warn_unproven(store: EvidenceStore) -> None:
    """One line on stderr when the store's index is not used because the history does not prove it (what was
    shown came from the history)."""
    if store.index_problem is not None:
        Console(stderr=True).print(
            f"[yellow]warning[/]: {safe(store.index_problem)}. What is shown was read from the history; run "
            "`tracer evidence verify`.",
            highlight=False,
            soft_wrap=True,
        )


def write_output(text: str | Iterable[str], output: Path | None) -> None:
    """A report (whole, or in pieces written as they are made) to stdout, or atomically to the file --output
    names."""
    if output is None:
        sys.stdout.writelines([text] if isinstance(text, str) else text)
    else:
        write_atomic(output, text)


def safe(value: object) -> str:
    """A string the CLI did not write, made inert for the terminal: Rich markup escaped, control and bidi
    characters (terminal escape sequences included) dropped, line breaks flattened."""
    return escape(inert_text(str(value), one_line=True))


def table(title: str, columns: tuple[str, ...], rows: list[tuple[object, ...]], width: int = 200) -> None:
    """Print a table whose every cell is foreign text (escaped with `safe`)."""
    shown = Table(title=safe(title))
    for col in columns:
        shown.add_column(col)
    for row in rows:
        shown.add_row(*(safe(cell) for cell in row))
    Console(width=width).print(shown)


@contextmanager
def scan_progress(console: Console) -> Iterator[ProgressFn]:
    with Progress(
        TextColumn("[bold]scanning[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("identity and regions", total=None)

        def update(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=safe(label))

        yield update


def print_summary(console: Console, result: ScanResult, limit: int = 15) -> None:
    scan = result.scan
    accounts = ", ".join(scan.accounts or (scan.account_id,))
    console.print(
        f"[bold]Account[/] {safe(accounts)} · [bold]regions[/] {safe(', '.join(scan.regions))} · scan {safe(scan.id)}"
    )
    grid = Table(title="Findings by criterion", title_justify="left")
    for column in ("Criterion", "Title", "Pass", "Fail", "Error", "N/A", "State"):
        grid.add_column(column, justify="right" if column in ("Pass", "Fail", "Error", "N/A") else "left")
    for g in by_criterion(result.findings):
        grid.add_row(
            g.criterion_id,
            safe(g.title),
            str(g.count(Status.PASS)),
            str(g.count(Status.FAIL)),
            str(g.count(Status.ERROR)),
            str(g.count(Status.NOT_APPLICABLE)),
            f"[{STATE_STYLE[g.state]}]{g.state}[/]",
        )
    console.print(grid)
    gaps = [f for f in ordered(result.findings) if f.status in (Status.FAIL, Status.ERROR)]
    if gaps:
        console.print(f"[bold]Top gaps[/] ({len(gaps)} open):")
        for f in gaps[:limit]:
            style = "red" if f.status is Status.FAIL else "yellow"
            console.print(
                f"  [{style}]{f.status.value:5}[/] {f.severity.value:8} {f.check_id:32} "
                f"{safe(f.account)} {safe(f.message)}"
            )
        if len(gaps) > limit:
            console.print(f"  … and {len(gaps) - limit} more in the full report.")
    errors = result.count(Status.ERROR)
    if errors:
        console.print(f"[yellow]{errors} checks could not run and are reported as error, not pass.[/]")
    console.print(f"[dim]{DISCLAIMER}[/]")
