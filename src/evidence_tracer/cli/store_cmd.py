"""`tracer store init|migrate|policy`: the evidence store on S3 with Object Lock, shared by laptops and CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from evidence_tracer.app.store import init_store, migrate_store
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import AnyFolder, WorkspaceDir
from evidence_tracer.cli.output import safe
from evidence_tracer.config import CONFIG_FILE, load_config
from evidence_tracer.evidence.s3_bucket import S3Location
from evidence_tracer.evidence.s3_setup import bucket_policy, writer_policy

store = typer.Typer(help="The evidence store on S3 with Object Lock.", no_args_is_help=True)
Url = Annotated[str, typer.Argument(help="s3://BUCKET/PREFIX", show_default=False)]
Region = Annotated[str | None, typer.Option(help="The bucket's region (default: the standard chain's).")]


def print_policies(url: str) -> None:
    location = S3Location.parse(url)
    typer.echo(
        f"Bucket policy the store expects (aws s3api put-bucket-policy --bucket {location.bucket} --policy file://…):"
    )
    typer.echo(json.dumps(bucket_policy(location), indent=2))
    typer.echo("IAM policy of a writer (a laptop's profile, the scheduled workflow's role):")
    typer.echo(json.dumps(writer_policy(location), indent=2))


@store.command("init")
def store_init(
    url: Url,
    mode: Annotated[
        str, typer.Option(help="Object Lock mode: COMPLIANCE (nobody, root included, can shorten it) or GOVERNANCE.")
    ] = "COMPLIANCE",
    retention_days: Annotated[
        int | None, typer.Option(help="Default retention (default: the period plus a year).")
    ] = None,
    kms_key: Annotated[str | None, typer.Option(help="Encrypt with this KMS key (default: SSE-S3).")] = None,
    region: Region = None,
    workspace: AnyFolder = Path("."),
) -> None:
    """Create the bucket, or check the one there: versioning, Object Lock with a default retention of at least the
    period plus a year, public access blocked, encryption at rest. Prints the bucket and writer policies."""
    config = load_config(workspace) if (workspace / CONFIG_FILE).exists() else None
    report, days = init_store(url, mode, retention_days, region, kms_key, config)
    console = Console()
    for line in report.found:
        console.print(f"  [green]ok[/]      {safe(line)}")
    for line in report.done:
        console.print(f"  [cyan]set[/]     {safe(line)}")
    for line in report.problems:
        console.print(f"  [red]problem[/] {safe(line)}")
    console.print(f"{safe(S3Location.parse(url).url)}: ready as an evidence store (retention {days} days)")
    print_policies(url)
    if report.problems:
        raise typer.Exit(1)


@store.command("migrate")
def store_migrate(url: Url, region: Region = None, workspace: WorkspaceDir = Path(".")) -> None:
    """Copy this workspace's store (history and blobs) to an empty S3 store, verify the copy chain for chain and
    blob for blob, and switch tracer.yaml to it; the local copy is kept."""
    done = migrate_store(Workspace(workspace), url, region)
    Console().print(
        f"Migrated {done.entries} history entries and {done.blobs} blobs to {safe(done.url)}; verified; "
        f"tracer.yaml now keeps the evidence there. History head: {done.head}:{done.entries}"
    )


@store.command("policy")
def store_policy(url: Url) -> None:
    """Print the bucket policy the store expects and a writer's IAM policy."""
    print_policies(url)
