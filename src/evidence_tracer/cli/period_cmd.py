"""`tracer drift` and `tracer schedule github-actions|cron`: what changed between scans, and collection on a
schedule with no server of ours."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.period import drift_json, drift_message, workspace_drift
from evidence_tracer.app.schedule import cron, github_actions
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import WorkspaceDir, _now
from evidence_tracer.cli.output import safe, warn_unproven, write_output
from evidence_tracer.period.drift import Drift, Flip

schedule = typer.Typer(
    help="Collection on a schedule: a GitHub Actions workflow, or cron / systemd.", no_args_is_help=True
)


def print_drift(console: Console, d: Drift, limit: int = 20) -> None:
    console.print(f"[bold]Drift[/] {safe(d.summary)}")
    for title, flips, style in (("new gap", d.new_gaps, "red"), ("resolved", d.resolved, "green")):
        for f in flips[:limit]:
            console.print(f"  [{style}]{title:8}[/] {f.severity.value:8} {_where(f)}")
        if len(flips) > limit:
            console.print(f"  … and {len(flips) - limit} more {title}s (tracer drift --format json)")


def _where(f: Flip) -> str:
    return safe(f"{f.check_id} {f.resource_id} ({f.account} {f.location})")


def drift(
    workspace: WorkspaceDir = Path("."),
    since: Annotated[
        str | None,
        typer.Option(help="Compare with this scan (id or prefix) or the last scan of this day (YYYY-MM-DD)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    notify: Annotated[
        str | None, typer.Option(help="Post new critical and high gaps to this Slack-compatible incoming webhook.")
    ] = None,
) -> None:
    """What changed since the previous scan (or --since): checks and resources that started failing, and those
    resolved. Exits 1 when there are new gaps."""
    from evidence_tracer.errors import ConfigError

    if fmt not in ("text", "json"):
        raise ConfigError(f"--format {fmt!r}: text or json")
    ws = Workspace(workspace)
    warn_unproven(ws.store)
    found = workspace_drift(ws, since, _now())
    if found is None:
        Console().print("Only one scan is stored: drift starts with the next one.")
        return
    if fmt == "json":
        sys.stdout.write(json.dumps(drift_json(found), indent=2) + "\n")
    else:
        print_drift(Console(), found)
    if notify and found.serious():
        from evidence_tracer.sources.webhook import post_message

        post_message(notify, drift_message(found, ws.config.company.name))
        Console(stderr=True).print(f"{len(found.serious())} new critical/high gap(s) posted to the webhook.")
    if found.new_gaps:
        raise typer.Exit(1)


def period(
    workspace: WorkspaceDir = Path("."),
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: tracer.yaml audit.period).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (default: tracer.yaml audit.period).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, json or html.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
) -> None:
    """The Type 2 view of the observation period: per control its occurrences expected and found, its
    deviations and their responses, and the collection's own gaps."""
    from evidence_tracer.app.period import period_bounds, workspace_period
    from evidence_tracer.cli.options import _date
    from evidence_tracer.errors import ConfigError
    from evidence_tracer.report import period as render

    if fmt not in ("md", "json", "html"):
        raise ConfigError(f"--format {fmt!r}: md, json or html")
    ws = Workspace(workspace)
    warn_unproven(ws.store)
    start, end = period_bounds(ws, _date(from_, "--from") if from_ else None, _date(to, "--to") if to else None)
    view = workspace_period(ws, start, end, _now())
    text = (
        json.dumps(render.to_json(view), indent=2) + "\n"
        if fmt == "json"
        else render.to_html(view)
        if fmt == "html"
        else render.to_markdown(view)
    )
    write_output(text, output)
    if output is not None:
        Console().print(f"Period view written to {safe(output)}")


@schedule.command("github-actions")
def schedule_github_actions(
    repo: Annotated[str, typer.Option(help="The repository that holds the workspace (ORG/REPO): the role trusts it.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Workflow file (default: stdout).")] = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """A daily workflow: OIDC into the scan role (no stored keys), scan, the day's changes, drift."""
    ws = Workspace(workspace)
    text = github_actions(ws.config, str(workspace), repo)
    write_output(text, output)
    if output is not None:
        Console().print(f"Workflow written to {safe(output)}; the role's trust policy is in its header comment.")


@schedule.command("cron")
def schedule_cron(workspace: WorkspaceDir = Path(".")) -> None:
    """The crontab line and the systemd service and timer for a daily collection on this machine."""
    ws = Workspace(workspace)
    sys.stdout.write(cron(ws.config, str(workspace.resolve())))


def _accounts(ws: Workspace, account: list[str] | None) -> tuple[str, ...]:
    accounts = tuple(account or ws.config.boundary.accounts)
    if not accounts:
        raise typer.BadParameter("name the accounts with --account, or list them in tracer.yaml boundary.accounts")
    return accounts


Image = Annotated[str, typer.Option(help="The container image with tracer installed (docs/scale.md builds one).")]
Accounts = Annotated[
    list[str] | None, typer.Option("--account", help="An account to scan (repeatable; default: boundary.accounts).")
]


@schedule.command("kubernetes")
def schedule_kubernetes(
    image: Image,
    role_arn: Annotated[str, typer.Option(help="The read-only scan role the pods assume (IRSA).")],
    account: Accounts = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """A CronJob of one Indexed Job (a pod per account) writing to the S3 store, and the CronJob that merges."""
    from evidence_tracer.app.jobs import kubernetes

    ws = Workspace(workspace)
    text = (workspace / "tracer.yaml").read_text(encoding="utf-8")
    sys.stdout.write(kubernetes(ws.config, text, image, _accounts(ws, account), role_arn))


@schedule.command("ecs")
def schedule_ecs(
    image: Image,
    cluster_arn: Annotated[str, typer.Option(help="The ECS cluster the tasks run in.")],
    subnet: Annotated[list[str], typer.Option(help="A subnet for the tasks (repeatable).")],
    task_role_arn: Annotated[str, typer.Option(help="The read-only scan role the task assumes.")],
    execution_role_arn: Annotated[str, typer.Option(help="The role that pulls the image and writes the logs.")],
    scheduler_role_arn: Annotated[str, typer.Option(help="The role EventBridge Scheduler runs the task with.")],
    account: Accounts = None,
    workspace: WorkspaceDir = Path("."),
) -> None:
    """A Fargate task definition and EventBridge Scheduler schedules: one per account, then the merge."""
    from evidence_tracer.app.jobs import EcsTarget, ecs

    ws = Workspace(workspace)
    text = (workspace / "tracer.yaml").read_text(encoding="utf-8")
    target = EcsTarget(cluster_arn, tuple(subnet), task_role_arn, execution_role_arn, scheduler_role_arn)
    sys.stdout.write(ecs(ws.config, text, image, _accounts(ws, account), target))
