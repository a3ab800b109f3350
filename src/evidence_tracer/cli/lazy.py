"""The command line's commands, each loaded only when it runs or its own help is asked for. `tracer --help` lists
them from the table below, so it loads no AWS, spreadsheet, template or HTTP library (benchmarks/startup_benchmark.py
prints what it costs). A summary is the first sentence of its command's help; a test keeps the two in step."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import typer
import typer.main
from typer import _click as click  # the click Typer vendors (typer >= 0.29): its groups are these
from typer.core import TyperCommand, TyperGroup

PACKAGE = "evidence_tracer.cli"
_LISTING = "evidence_tracer.listing"  # set in the context while the root's own help is written
# Help as click writes it: plain text, and none of Rich's Markdown machinery loaded to write it (half of
# `tracer --help`'s CPU). The root (cli/app.py) says the same.
PLAIN = None


@dataclass(frozen=True)
class Lazy:
    """One command: its name, where it lives (`module:attribute` in this package; a Typer is a group of commands,
    a function one command) and the line `tracer --help` shows for it."""

    name: str
    target: str
    summary: str

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        found = getattr(importlib.import_module(f"{PACKAGE}.{module}"), attribute)
        if isinstance(found, typer.Typer):
            found.rich_markup_mode = PLAIN
            command: click.Command = typer.main.get_group(found)
        else:
            single = typer.Typer(rich_markup_mode=PLAIN)
            single.command(self.name)(found)
            command = typer.main.get_command(single)
        command.name = self.name
        return command


COMMANDS: tuple[Lazy, ...] = (
    Lazy(
        "init",
        "setup_cmd:init",
        "Create tracer.yaml: company, criteria in scope, boundary, owners and policy parameters.",
    ),
    Lazy(
        "scan",
        "scan_cmd:scan",
        "Scan the AWS account read-only, evaluate the checks and summarise by criterion.",
    ),
    Lazy(
        "status",
        "status_cmd:status",
        "Where the workspace stands: readiness percentage, the most urgent gaps, this week's plan.",
    ),
    Lazy(
        "report",
        "scan_cmd:report",
        "Render the readiness report, or the AWS gap report of a stored scan, in any format.",
    ),
    Lazy(
        "drift",
        "period_cmd:drift",
        "What changed since the previous scan (or --since): checks and resources that started failing, and "
        "those resolved.",
    ),
    Lazy(
        "period",
        "period_cmd:period",
        "The Type 2 view of the observation period: per control its occurrences expected and found, its "
        "deviations and their responses, and the collection's own gaps.",
    ),
    Lazy("history", "history_cmd:history", "Read AWS Config's history."),
    Lazy(
        "changes",
        "setup_cmd:changes",
        "The change population for CC8.1: pull requests merged into each default branch in the period "
        "(author, approvers, CI, merge time) and direct pushes, stored as evidence for CM-01 with its queries "
        "and counts.",
    ),
    Lazy(
        "populations",
        "populations_cmd:populations",
        "Type 2 populations of a period, with their completeness record.",
    ),
    Lazy(
        "sample",
        "populations_cmd:sample",
        "Select a reproducible sample of a population (HMAC-SHA256 of each row's key by the seed), write the "
        "request list of the sampled items and file it, with the seed, in the evidence store.",
    ),
    Lazy(
        "matrix",
        "deliverables_cmd:matrix",
        "The control matrix: one row per in-scope control with criteria, owner, frequency, type, evidence and "
        "status (XLSX with the request list as a second sheet, or CSV).",
    ),
    Lazy(
        "deliverables",
        "deliverables_cmd:deliverables",
        "Write the Type 1 deliverables: control matrix (XLSX, CSV), request (PBC) list, system description "
        "draft (DC 200, Markdown and HTML) and the management assertion draft.",
    ),
    Lazy(
        "demo",
        "demo_cmd:demo",
        "Run the whole flow offline against an embedded, moto-backed demo account.",
    ),
    Lazy(
        "checks",
        "demo_cmd:checks",
        "Print every automated check with its service, severity and criteria (Markdown).",
    ),
    Lazy(
        "permissions",
        "demo_cmd:permissions",
        "Print the minimal read-only permissions a source needs (generated from its declared operations), or "
        "with --store the policies of the S3 evidence store's writers and bucket.",
    ),
    Lazy(
        "serve",
        "serve_cmd:serve",
        "Serve the portal over this workspace: employees sign in with the identity provider (tracer.yaml "
        "portal: issuer, client_id, the client secret in the environment) and acknowledge policies; "
        "management sees the dashboard.",
    ),
    Lazy(
        "evidence",
        "evidence_cmd:app",
        "Evidence: add manual items, list, export the auditor package, verify it.",
    ),
    Lazy("policies", "policies_cmd:policies", "Generate, approve and acknowledge the core policies."),
    Lazy(
        "people",
        "people_cmd:people",
        "People register: roles, background checks, training, joiners and leavers.",
    ),
    Lazy("vendors", "people_cmd:vendors", "Vendor register: data received, DPA, SOC 2 report."),
    Lazy("risks", "people_cmd:risks", "Risk register: likelihood, impact, treatment, owner."),
    Lazy("access-reviews", "reviews_cmd:access_reviews", "Quarterly access reviews."),
    Lazy("exercises", "reviews_cmd:exercises", "Incident-response tabletops and BC/DR tests."),
    Lazy(
        "incidents",
        "incidents_cmd:incidents",
        "Security incidents: severity, impact, notification, post-incident review.",
    ),
    Lazy(
        "exceptions",
        "incidents_cmd:exceptions",
        "Accepted exceptions: gaps management accepts on purpose, until they expire.",
    ),
    Lazy(
        "scans",
        "oversight_cmd:scans",
        "The scans kept in the workspace, and the reviews of their results.",
    ),
    Lazy(
        "scope",
        "oversight_cmd:scope",
        "The system boundary in tracer.yaml, and management's confirmation of it.",
    ),
    Lazy(
        "schedule",
        "period_cmd:schedule",
        "Collection on a schedule: a GitHub Actions workflow, or cron / systemd.",
    ),
    Lazy("store", "store_cmd:store", "The evidence store on S3 with Object Lock."),
)
BY_NAME = {c.name: c for c in COMMANDS}


class LazyGroup(TyperGroup):
    """A Typer group whose table-listed commands are imported on first use. While the root's help is written, each
    stands in as a command holding only its name and summary."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = [n for n in super().list_commands(ctx) if n not in BY_NAME]
        return [*(c.name for c in COMMANDS), *eager]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = BY_NAME.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        if ctx.meta.get(_LISTING):
            return TyperCommand(entry.name, short_help=entry.summary)
        if cmd_name not in self.commands:
            self.commands[cmd_name] = entry.load()
        return self.commands[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]
