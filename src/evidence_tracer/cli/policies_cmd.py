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
    workspace: Workspace = Path("."),
) -> None:
    """Record that a person has read and accepted a policy's current, approved text — or import many."""
    if import_ is not None:
        result = policy_status.import_acknowledgments(workspace, import_, _now())
        Console().print(f"{result.recorded} acknowledgments imported ({result.already} already recorded).")
        return
    if name is None or by is None:
        raise GovernanceError("give a policy and --by PERSON, or --import FILE.csv")
    import getpass

    record = policy_status.acknowledge(workspace, name, by, _now(), operator=getpass.getuser())
    Console().print(f"{safe(record.person)} acknowledged {safe(name)}.")


# --- people -----------------------------------------------------------------------------------
