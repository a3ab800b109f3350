"""`tracer policies …`: generate, approve and acknowledge the core policies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.cli.options import By, Workspace, _d, _now
from evidence_tracer.cli.output import safe, table
from evidence_tracer.config import load_config
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.registers import PoliciesFile, Registers
from evidence_tracer.policies import status as policy_status
from evidence_tracer.policies.render import generate

policies = typer.Typer(help="Generate, approve and acknowledge the core policies.", no_args_is_help=True)


@policies.command("generate")
def policies_generate(
    workspace: Workspace = Path("."), force: Annotated[bool, typer.Option(help="Replace files edited by hand.")] = False
) -> None:
    """Render the ten core policies into policies/ from tracer.yaml's parameters."""
    for doc, what in generate(workspace, load_config(workspace), force):
        Console().print(f"{safe(doc.filename):28} {safe(what)}")


@policies.command("list")
def policies_list(workspace: Workspace = Path(".")) -> None:
    """Each policy's state: approved (for its current text), acknowledgments, next review."""
    config = load_config(workspace)
    statuses = policy_status.policy_statuses(workspace, config, Registers(workspace).policies.load(), _now())
    recorded = Registers(workspace).policies.load()
    table(
        "Policies",
        ("Policy", "Title", "State", "Version", "Approved by", "Review due", "Acks", "Matches tracer.yaml"),
        [
            (
                s.name,
                s.title,
                s.state.value,
                str(policy_status.version_of(recorded, s.name, s.approval.sha256)) if s.approval else "—",
                s.approval.approved_by if s.approval else "—",
                _d(s.review_due),
                str(len(s.acknowledged_by)),
                "no: states other values" if s.stale else ("yes" if s.file_sha256 else "—"),
            )
            for s in statuses
        ],
    )


@policies.command("approve")
def policies_approve(
    name: Annotated[str | None, typer.Argument(help="The policy (omit with --all).")] = None,
    by: By = "",
    all_: Annotated[
        bool, typer.Option("--all", help="Approve every policy whose current text is not approved yet.")
    ] = False,
    workspace: Workspace = Path("."),
) -> None:
    """Approve a policy's current text (its SHA-256 is recorded; any later edit voids the approval)."""
    if (name is None) == (not all_):
        raise GovernanceError("name one policy, or pass --all (not both)")
    if not by:
        raise GovernanceError("--by is required: the management person who approves")
    now = _now()
    if all_:
        statuses = policy_status.policy_statuses(workspace, load_config(workspace), _register(workspace), now)
        names = [s.name for s in statuses if s.state is not policy_status.PolicyState.APPROVED]
        if not names:
            Console().print("Every policy's current text is approved already.")
            return
    else:
        names = [name or ""]
    for each in names:
        record = policy_status.approve(workspace, each, by, now)
        Console().print(
            f"{safe(each)} approved by {safe(record.approved_by)} at {record.approved_at:%Y-%m-%d %H:%M} UTC "
            f"(version {policy_status.version_of(_register(workspace), each, record.sha256)}, "
            f"text sha256 {record.sha256[:16]}…)"
        )


def _register(workspace: Path) -> PoliciesFile:
    return Registers(workspace).policies.load()


@policies.command("ack")
def policies_ack(
    name: Annotated[str | None, typer.Argument(help="The policy (omit with --import).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="The person (email).")] = None,
    import_: Annotated[
        Path | None,
        typer.Option(
            "--import", help="A CSV export from a form or HR tool with the columns email, policy, version, timestamp."
        ),
    ] = None,
    form: Annotated[
        str, typer.Option(help="With --import: plain, google (Google Forms) or microsoft (Microsoft Forms).")
    ] = "plain",
    email_column: Annotated[str | None, typer.Option(help="With --import: the header of the email column.")] = None,
    policy_column: Annotated[
        str | None, typer.Option(help="With --import: the header naming the policy (its name or title).")
    ] = None,
    version_column: Annotated[
        str | None, typer.Option(help="With --import: the version's header ('' when the form does not ask).")
    ] = None,
    timestamp_column: Annotated[str | None, typer.Option(help="With --import: the header of the time.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="With --import: the zone of times written without one (Europe/Berlin).")
    ] = None,
    workspace: Workspace = Path("."),
) -> None:
    """Record that a person has read and accepted a policy's current, approved text — or import many."""
    if import_ is not None:
        from evidence_tracer.policies.forms import Layout

        columns = {"email": email_column, "policy": policy_column, "version": version_column}
        layout = Layout.of(form, {**columns, "timestamp": timestamp_column}, timezone)
        result = policy_status.import_acknowledgments(workspace, import_, _now(), layout)
        Console().print(f"{result.recorded} acknowledgments imported ({result.already} already recorded).")
        return
    if name is None or by is None:
        raise GovernanceError("give a policy and --by PERSON, or --import FILE.csv")
    import getpass

    record = policy_status.acknowledge(workspace, name, by, _now(), operator=getpass.getuser())
    Console().print(f"{safe(record.person)} acknowledged {safe(name)}.")


# --- people -----------------------------------------------------------------------------------


@policies.command("render")
def policies_render(
    name: Annotated[str | None, typer.Argument(help="The policy (default: every policy).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, or pdf (printed by headless Chromium).")] = "html",
    out: Annotated[Path, typer.Option("--out", help="Folder to write to.")] = Path("policies-rendered"),
    workspace: Workspace = Path("."),
) -> None:
    """Write each policy as its own page: the text as approved (its approval and version filled in), as HTML or
    PDF, for people who read policies outside a terminal."""
    import shutil
    import subprocess
    import tempfile

    from evidence_tracer.app.workspace import Workspace as Opened
    from evidence_tracer.atomic import write_atomic
    from evidence_tracer.policies.render import POLICIES_DIR, POLICY_NAMES
    from evidence_tracer.report.policy_html import policy_page

    if fmt not in ("html", "pdf"):
        raise GovernanceError(f"--format {fmt!r}: html or pdf")
    ws = Opened(workspace)
    names = [name] if name else list(POLICY_NAMES)
    statuses = {s.name: s for s in ws.policy_statuses(_now())}
    browser = shutil.which("chromium") or shutil.which("chromium-browser") if fmt == "pdf" else ""
    if fmt == "pdf" and not browser:
        raise GovernanceError("--format pdf prints with headless Chromium: install it (apt-get install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    for policy in names:
        if policy not in statuses:
            raise GovernanceError(f"unknown policy {policy!r}; the policies are: {', '.join(POLICY_NAMES)}")
        source = ws.path / POLICIES_DIR / f"{policy}.md"
        if not source.exists():
            raise GovernanceError(f"{source} does not exist; run `tracer policies generate` first")
        page = policy_page(statuses[policy].title, ws.config.company.name, source.read_text(encoding="utf-8"))
        target = out / f"{policy}.{fmt}"
        if fmt == "html":
            write_atomic(target, page)
        else:
            with tempfile.TemporaryDirectory() as folder:
                html_file = Path(folder) / f"{policy}.html"
                html_file.write_text(page, encoding="utf-8")
                subprocess.run(
                    [str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", f"--user-data-dir={folder}/profile",
                     "--no-pdf-header-footer", f"--print-to-pdf={target}", html_file.as_uri()],
                    check=True, capture_output=True, timeout=120,
                )  # fmt: skip
        Console().print(f"{safe(target)} ({statuses[policy].state.value})")
