"""Every deliverable as files, from one readiness assessment: what `tracer deliverables` writes and the
auditor package holds under deliverables/."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

from evidence_tracer.config import AuditType, WorkspaceConfig
from evidence_tracer.deliverables import requests as pbc
from evidence_tracer.deliverables.assertion import management_assertion
from evidence_tracer.deliverables.matrix import matrix_csv, matrix_rows, matrix_xlsx
from evidence_tracer.deliverables.system_description import describe, to_html, to_markdown
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.models import Severity
from evidence_tracer.readiness import Readiness
from evidence_tracer.report.csv_report import cell

FOLDER = "deliverables"
MATRIX_XLSX = "control-matrix.xlsx"


def _requests_csv(requests: list[pbc.Request]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(pbc.COLUMNS)
    writer.writerows([[cell(str(v)) for v in row] for row in pbc.request_rows(requests)])
    return out.getvalue()


def deliverable_files(
    r: Readiness,
    config: WorkspaceConfig,
    registers: RegisterSnapshot,
    as_of: date,
    completeness: Mapping[str, Any] | None = None,
    tested: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, bytes]:
    rows = matrix_rows(r, registers.risks.risks, tested)
    requests = pbc.request_list(r, completeness)
    description = describe(r, config, registers, as_of, completeness)
    return {
        MATRIX_XLSX: matrix_xlsx(rows, {"Requests (PBC)": (pbc.COLUMNS, pbc.WIDTHS, pbc.request_rows(requests))}),
        "control-matrix.csv": matrix_csv(rows).encode("utf-8"),
        "request-list.csv": _requests_csv(requests).encode("utf-8"),
        "system-description.md": to_markdown(description).encode("utf-8"),
        "system-description.html": to_html(description).encode("utf-8"),
        "management-assertion.md": management_assertion(
            config.company.name,
            r.scope,
            as_of,
            open_critical=r.gap_count(Severity.CRITICAL),
            percent=r.percent,
            today=r.generated_at.date(),
            period=(config.audit.period.start, config.audit.period.end)
            if config.audit.type is AuditType.TYPE2 and config.audit.period
            else None,
        ).encode("utf-8"),
    }
