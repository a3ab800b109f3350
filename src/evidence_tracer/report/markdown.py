"""Markdown gap report: summary, then each criterion with its gaps and remediation."""

from __future__ import annotations

from evidence_tracer.models import ScanResult, Severity, Status
from evidence_tracer.report.grouping import DISCLAIMER, by_criterion, severity_counts
from evidence_tracer.report.inert import inert_text
from evidence_tracer.report.json_report import scan_to_dict


def cell(text: str) -> str:
    """Foreign text made inert in a Markdown table: no raw HTML, no control or bidi characters, no column
    break, no line break."""
    text = inert_text(text, one_line=True)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("`", "'")


def render(result: ScanResult) -> str:
    scan = scan_to_dict(result.scan)
    lines = [
        "# AWS gap report (SOC 2-aligned)",
        "",
        f"> {DISCLAIMER}",
        "",
        f"- Accounts: {', '.join(f'`{a}`' for a in scan['accounts'])}",
        f"- Regions: {', '.join(scan['regions'])}",
        f"- Scan: `{scan['id']}` from {scan['started_at']} to {scan['finished_at']} "
        f"(Evidence Tracer {scan['tool_version']})",
        "",
        "| Pass | Fail | Error (not evaluated) | Not applicable |",
        "|---:|---:|---:|---:|",
        f"| {result.count(Status.PASS)} | {result.count(Status.FAIL)} | {result.count(Status.ERROR)} "
        f"| {result.count(Status.NOT_APPLICABLE)} |",
        "",
    ]
    sev = severity_counts(result.findings)
    lines.append("Open gaps by severity: " + ", ".join(f"{s.value} {sev[s]}" for s in Severity) + ".")
    if result.count(Status.ERROR):
        lines += [
            "",
            f"**{result.count(Status.ERROR)} checks could not run** and are not counted as passing; "
            "see the `error` rows below.",
        ]
    for group in by_criterion(result.findings):
        lines += [
            "",
            f"## {group.criterion_id} — {group.title}",
            "",
            f"{group.count(Status.PASS)} pass, {group.count(Status.FAIL)} fail, {group.count(Status.ERROR)} error, "
            f"{group.count(Status.NOT_APPLICABLE)} not applicable.",
        ]
        open_items = [f for f in group.findings if f.status in (Status.FAIL, Status.ERROR)]
        if not open_items:
            continue
        lines += [
            "",
            "| Status | Severity | Check | Resource | Account · region | Finding | Remediation |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in open_items:
            lines.append(
                f"| {f.status.value} | {f.severity.value} | `{f.check_id}` | {cell(f.resource_id)} | "
                f"{cell(f.account)} · {cell(f.location)} | {cell(f.message)} | {cell(f.remediation) or '—'} |"
            )
    return "\n".join(lines) + "\n"
