"""`tracer evidence …`: manual evidence, listing, the auditor package and its verification."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from evidence_tracer.app.auditpack.export import export_package
from evidence_tracer.app.auditpack.gather import scan_access
from evidence_tracer.app.workspace import Workspace, require_workspace
from evidence_tracer.catalog.controls import controls, resolve_target
from evidence_tracer.cli.options import AnyFolder, WorkspaceDir
from evidence_tracer.cli.options import _date as _date_arg
from evidence_tracer.cli.output import safe, table, warn_unproven, write_output
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence import signing
from evidence_tracer.evidence.items import Kind
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.governance.owners import owners_of
from evidence_tracer.governance.reconcile import AccessRow, reconcile
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.aws import IDENTITY_CENTER

app = typer.Typer(help="Evidence: add manual items, list, export the auditor package, verify it.", no_args_is_help=True)


@app.command("add")
def add(
    target: Annotated[str, typer.Argument(help="A criterion (CC1.2) or a control (GOV-02).")],
    file: Annotated[Path, typer.Argument(help="The file to keep as evidence.")],
    note: Annotated[str, typer.Option(help="What it shows, and for which period.")],
    by: Annotated[str, typer.Option("--by", help="Who collected it (a person's email).")],
    effective: Annotated[
        str | None,
        typer.Option(help="The day it speaks for (a review held that day); default today, never in the future."),
    ] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Copy a file into the evidence store, hashed and timestamped (UTC), effective on the day it speaks for."""
    day = _date_arg(effective, "--effective") if effective else None
    item = Workspace(workspace).add_evidence(target, file, note, by, effective=day)
    Console().print(
        f"Stored {safe(file.name)} as evidence {item.id} for {', '.join(item.criteria)}"
        f"{' (' + item.control + ')' if item.control else ''}, effective {item.effective_day}; sha256 {item.sha256}"
    )


@app.command("list")
def list_(
    criterion: Annotated[str | None, typer.Option(help="Only this criterion, e.g. CC6.1.")] = None,
    control: Annotated[str | None, typer.Option(help="Only this control, e.g. AC-06.")] = None,
    kind: Annotated[Kind | None, typer.Option(help="api or manual.")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """List stored evidence: manual items, and the API responses behind findings (by criterion: the latest
    scan's)."""
    if criterion:
        resolve_target(criterion)
    if control and control not in controls():
        raise EvidenceError(f"unknown control {control!r}")
    store = Workspace(workspace).store
    items = store.items(kind=kind, control=control)
    if criterion:
        supporting = _supporting(store, criterion)
        items = [i for i in items if criterion in i.criteria or i.id in supporting]
    rows: list[tuple[object, ...]] = []
    for i in items:
        target = ", ".join(i.criteria) + (f" ({i.control})" if i.control else "")
        source = i.note + " — " + i.source if i.kind is Kind.MANUAL and i.note else i.source
        rows.append((i.collected_at.strftime("%Y-%m-%d %H:%M:%S"), i.kind.value, target, source, i.sha256[:16]))
    table(f"{len(items)} evidence items", ("Collected (UTC)", "Kind", "Criteria / control", "Source", "SHA-256"), rows)
    warn_unproven(store)


def _supporting(store: EvidenceStore, criterion: str) -> set[str]:
    """Ids of the API evidence behind the latest scan's findings for `criterion`."""
    try:
        scan = store.load_scan()
    except EvidenceError:
        return set()
    return {e for f in scan.findings if criterion in f.criteria for e in f.evidence_ids}


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="A new directory, or a path ending in .zip.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evidence up to this date (YYYY-MM-DD, UTC).")] = None,
    period: Annotated[
        str | None,
        typer.Option(help="A period package: START..END (or 'audit' for tracer.yaml's audit.period), as of END."),
    ] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Write the auditor package: folders by criterion, metadata sidecars, manifest.json and index.html."""
    ws = Workspace(workspace)
    span = _period(ws, period) if period else None
    day = span[1] if span else (_date_arg(as_of, "--as-of") if as_of else datetime.now(UTC).date())
    result = export_package(ws, day, out, owners_of(ws.config), period=span)
    console = Console()
    console.print(
        f"Package written to {safe(result.path)} ({result.files} files, as of {day.isoformat()}, "
        f"scan {result.scan_id or 'none'})."
    )
    console.print(f"Fingerprint (SHA-256 of manifest.json): [bold]{result.fingerprint}[/]")
    console.print("Give the fingerprint to the auditor separately; `tracer evidence verify` checks the package.")


def _period(ws: Workspace, text: str) -> tuple[date, date]:
    from evidence_tracer.app.period import period_bounds

    if text == "audit":
        return period_bounds(ws, None, None)
    first, sep, last = text.partition("..")
    if not sep:
        raise EvidenceError(f"--period {text!r}: START..END (e.g. 2027-01-01..2027-06-30) or audit")
    return period_bounds(ws, _date_arg(first, "--period"), _date_arg(last, "--period"))


@app.command("verify")
def verify(
    package: Annotated[Path | None, typer.Argument(help="Package directory or zip. Omit to check the store.")] = None,
    expect: Annotated[str | None, typer.Option(help="The fingerprint the package must have.")] = None,
    expect_key: Annotated[
        str | None, typer.Option(help="The signing key fingerprint (SHA256:…) the company gave you.")
    ] = None,
    signers: Annotated[
        Path | None,
        typer.Option(
            help="The company's allowed_signers file, or its https://github.com/USER.keys, obtained out of band."
        ),
    ] = None,
    expect_head: Annotated[
        str | None,
        typer.Option(help="A history head kept earlier (HASH:LENGTH, as verify and every package print it)."),
    ] = None,
    rebuild_index: Annotated[
        bool,
        typer.Option(
            "--rebuild-index", help="Rebuild the store's index from its history first (the index is a cache)."
        ),
    ] = False,
    workspace: AnyFolder = Path("."),
) -> None:
    """Check a package (or the workspace store): every file, the signature against a key you pinned, the history
    against a head you kept. Exits 1 on any problem, and when the signer is not pinned."""
    console = Console()
    if package is None:
        raise typer.Exit(_verify_store(console, workspace, rebuild_index, expect_head))
    pins = set() if expect_key is None else {expect_key.strip()}
    if signers is not None:
        try:
            pins |= signing.pinned_fingerprints(signers.read_bytes())
        except OSError as exc:
            raise EvidenceError(f"cannot read {signers}: {exc.strerror or exc}") from None
        if not pins:
            raise EvidenceError(f"{signers} names no ssh-ed25519 key")
    raise typer.Exit(_verify_package(console, package, expect, pins, expect_head))


def _verify_store(console: Console, workspace: Path, rebuild_index: bool, expect_head: str | None) -> int:
    store = Workspace(require_workspace(workspace)).store
    if rebuild_index:
        console.print(f"Index rebuilt from the history: {store.rebuild_index()} records.")
    problems = store.verify()
    if expect_head is not None:
        wrong = store.history.check_pin(expect_head)
        problems += [f"pinned head: {wrong}"] if wrong else []
    for p in problems:
        console.print(f"[red]{safe(p)}[/]")
    for name in store.unreferenced():
        console.print(
            f"[yellow]note[/]: unreferenced content {safe(name)} (from an interrupted run, or "
            "planted; nothing refers to it)"
        )
    leftovers = store.leftovers()
    if leftovers:
        console.print(
            f"[yellow]note[/]: {len(leftovers)} temporary files a killed run left (e.g. {safe(leftovers[0])}); "
            "nothing refers to them, and the next scan removes them"
        )
    console.print(f"History head: {store.history.pinned()} (keep it outside the workspace; verify --expect-head)")
    if expect_head is None:
        console.print(
            "[dim]No head was pinned: a history rewritten from the start, or cut short, still proves "
            "itself here; pass --expect-head with a head kept earlier.[/]"
        )
    console.print(
        "Evidence store intact: its history proves itself."
        if not problems
        else f"{len(problems)} problems in the store."
    )
    return 1 if problems else 0


def _verify_package(console: Console, package: Path, expect: str | None, pins: set[str], head: str | None) -> int:
    result = verify_package(package)
    for label, names in (
        ("changed", result.changed),
        ("missing", result.missing),
        ("extra", result.extra),
        ("SHA256SUMS disagrees", result.sums_mismatch),
    ):
        for name in names:
            console.print(f"[red]{label}[/] {safe(name)}")
    console.print(f"Fingerprint: {result.fingerprint}")
    bad = expect is not None and expect != result.fingerprint
    if bad:
        console.print(f"[red]fingerprint mismatch[/]: expected {safe(expect)}")
    if head is not None and head.strip() not in (result.history_pin, (result.history_pin or "").split(":")[0]):
        console.print(
            f"[red]history head mismatch[/]: the package records {safe(result.history_pin)}, expected {safe(head)}"
        )
        bad = True
    unpinned = False
    if result.signature_problem:
        console.print(f"[red]signature[/]: {safe(result.signature_problem)}")
    elif not pins:
        unpinned = True
        console.print(
            f"[yellow]signature valid, signer not pinned[/]: compare fingerprint {result.signer} with the one the "
            "company gave you (their tracer.yaml signing.public_key_fingerprint), then pass --expect-key, or "
            "--signers with their allowed_signers file or https://github.com/USER.keys"
        )
    elif result.signer not in pins:
        console.print(f"[red]signing key mismatch[/]: signed by {result.signer}, not by a key you pinned")
        bad = True
    else:
        console.print(f"Signed by the pinned key {result.signer}.")
    if result.ok and not bad and not unpinned:
        console.print(f"Package verified: {result.checked} files match manifest.json, signed by the pinned key.")
        return 0
    if result.ok and not bad:
        console.print(
            f"Integrity checked ({result.checked} files match manifest.json), but the package is NOT "
            "verified until its signer is pinned."
        )
        return 1
    console.print(
        f"[red]Package NOT verified[/]: {len(result.changed)} changed, {len(result.missing)} missing, "
        f"{len(result.extra)} extra, {len(result.sums_mismatch)} SHA256SUMS mismatches"
        f"{', signature invalid' if result.signature_problem else ''}."
    )
    return 1


@app.command("signers")
def signers_file(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """The company's allowed_signers line (the workspace's public signing key), to give the auditor out of band
    (by a channel they already trust, never inside a package): they verify packages against it."""
    key = signing.load_or_create_key(Workspace(workspace).store.root).public_key()
    text = signing.allowed_signers(key).decode()
    write_output(text, output)
    if output is not None:
        Console(stderr=True).print(f"Wrote {safe(output)}: give it to the auditor out of band.")
    Console(stderr=True).print(f"Fingerprint: {signing.fingerprint(key)}")


@app.command("users")
def users(
    scan: Annotated[str | None, typer.Option(help="Scan id (default: the latest).")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """The IAM credential report of a stored scan, as a review grid."""
    ws = Workspace(workspace)
    result = ws.store.load_scan(scan)
    inventory = ws.inventory_of(result.scan.id)
    reviewed = scan_access(inventory, result, ws.config)
    if reviewed is None:
        raise EvidenceError(f"scan {result.scan.id} holds no credential report")
    sources, rows = reviewed
    grid = Table(title=f"IAM credential report — scan {result.scan.id} (evidence {', '.join(sources)})")
    for col in ("Identity", "Console", "Last sign-in", "MFA", "Active keys", "Oldest key (days)", "Concerns"):
        grid.add_column(col)
    for r in rows:
        grid.add_row(
            safe(r.user),
            "yes" if r.console else "no",
            r.last_sign_in,
            "yes" if r.mfa else "[red]no[/]",
            r.active_keys,
            "—" if r.oldest_key_days is None else str(r.oldest_key_days),
            f"[red]{safe('; '.join(r.concerns))}[/]" if r.concerns else "—",
        )
    console = Console(width=200)
    console.print(grid)
    if inventory is None:
        return  # a scan stored before snapshots were kept
    for row in identity_center_access(inventory):
        console.print(row)
    accounts = access_table(ws, inventory)
    table(
        f"Who has access where — {len(accounts)} accounts across AWS, GitHub and the identity provider "
        "(record a review of it: tracer access-reviews add --from-table)",
        ("System", "Account", "Identity", "Active", "Admin", "Person", "Concerns"),
        [
            (
                a.system,
                a.account,
                a.identity,
                "yes" if a.active else "no",
                "yes" if a.admin else "",
                a.person or "—",
                "; ".join(a.concerns) or "—",
            )
            for a in accounts
        ],
    )


def access_table(workspace: Workspace, inventory: Inventory) -> tuple[AccessRow, ...]:
    """Every account the latest scan found, reconciled with the people register."""
    return reconcile(inventory, workspace.register_snapshot, datetime.now(UTC).date()).rows


def identity_center_access(inventory: Inventory) -> list[Table | str]:
    """IAM Identity Center users with the permission sets they hold in each scanned account."""
    out: list[Table | str] = []
    for part in inventory.of("aws"):
        for region in part.regions:
            observed = part.get(IDENTITY_CENTER, region)
            if observed.failure is not None:
                out.append(
                    f"[yellow]Identity Center in {safe(part.account)} {safe(region)} could not be read: "
                    f"{safe(observed.failure.describe())}[/]"
                )
                continue
            for center in observed.value or ():
                users, assignments = center.users, center.assignments
                if users.failure is not None or assignments.failure is not None:
                    failure = users.failure or assignments.failure
                    assert failure is not None
                    out.append(
                        f"[yellow]Identity Center users or assignments could not be read: {safe(failure.describe())}[/]"
                    )
                    continue
                held: dict[str, list[str]] = {}
                for a in assignments.value or ():
                    held.setdefault(a.principal_id, []).append(f"{a.permission_set} in {a.account}")
                grid = Table(title=f"IAM Identity Center {safe(center.instance_arn)} — account {safe(part.account)}")
                for col in ("User", "Name", "Email", "Permission sets (direct)"):
                    grid.add_column(col)
                for u in users.value or ():
                    grid.add_row(
                        safe(u.user_name),
                        safe(u.display_name),
                        safe(", ".join(u.emails)),
                        safe(", ".join(held.get(u.user_id, []))) or "—",
                    )
                out.append(grid)
    return out
