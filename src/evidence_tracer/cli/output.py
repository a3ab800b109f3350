"""Terminal rendering helpers (Rich) shared by the commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evidence_tracer.models import ScanResult, Status
from evidence_tracer.report.grouping import DISCLAIMER, by_criterion, ordered
from evidence_tracer.sources.base import Progress as ProgressFn

STATE_STYLE = {"gaps": "bold red", "unverified": "yellow", "ready": "green", "n/a": "dim"}


@contextmanager
def scan_progress(console: Console) -> Iterator[ProgressFn]:
    with Progress(TextColumn("[bold]scanning[/]"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("identity and regions", total=None)

        def update(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=escape(label))

        yield update


def print_summary(console: Console, result: ScanResult, limit: int = 15) -> None:
    scan = result.scan
    accounts = ", ".join(scan.accounts or (scan.account_id,))
    console.print(f"[bold]Account[/] {escape(accounts)} · [bold]regions[/] {escape(', '.join(scan.regions))} · "
                  f"scan {escape(scan.id)}")
    table = Table(title="Findings by criterion", title_justify="left")
    for column in ("Criterion", "Title", "Pass", "Fail", "Error", "N/A", "State"):
        table.add_column(column, justify="right" if column in ("Pass", "Fail", "Error", "N/A") else "left")
    for g in by_criterion(result.findings):
        table.add_row(g.criterion_id, g.title, str(g.count(Status.PASS)), str(g.count(Status.FAIL)),
                      str(g.count(Status.ERROR)), str(g.count(Status.NOT_APPLICABLE)),
                      f"[{STATE_STYLE[g.state]}]{g.state}[/]")
    console.print(table)
    gaps = [f for f in ordered(result.findings) if f.status in (Status.FAIL, Status.ERROR)]
    if gaps:
        console.print(f"[bold]Top gaps[/] ({len(gaps)} open):")
        for f in gaps[:limit]:
            style = "red" if f.status is Status.FAIL else "yellow"
            console.print(f"  [{style}]{f.status.value:5}[/] {f.severity.value:8} {f.check_id:32} "
                          f"{escape(f.account)} {escape(f.message)}")
        if len(gaps) > limit:
            console.print(f"  … and {len(gaps) - limit} more in the full report.")
    errors = result.count(Status.ERROR)
    if errors:
        console.print(f"[yellow]{errors} checks could not run and are reported as error, not pass.[/]")
    console.print(f"[dim]{DISCLAIMER}[/]")
