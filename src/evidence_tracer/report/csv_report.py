"""CSV: one row per finding, for spreadsheets and ticket imports."""

from __future__ import annotations

import csv
import io

from evidence_tracer.models import ScanResult
from evidence_tracer.report.grouping import ordered

COLUMNS = (
    "check_id",
    "status",
    "severity",
    "criteria",
    "resource_id",
    "region",
    "account_id",
    "message",
    "remediation",
    "evidence_ids",
)


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A value a spreadsheet will show, never evaluate: a leading formula character is quoted away."""
    return "'" + value if value.startswith(_FORMULA) else value


def render(result: ScanResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in ordered(result.findings):
        writer.writerow(
            tuple(
                cell(v)
                for v in (
                    f.check_id,
                    f.status.value,
                    f.severity.value,
                    ";".join(f.criteria),
                    f.resource_id,
                    f.location,
                    f.account,
                    f.message,
                    f.remediation,
                    ";".join(f.evidence_ids),
                )
            )
        )
    return out.getvalue()
