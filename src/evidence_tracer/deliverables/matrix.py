"""The control matrix: one row per in-scope control, with its criteria, owner, frequency, type, how it is
evidenced and where it stands. CSV and XLSX (frozen header, filters, readable widths)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from evidence_tracer.catalog.criteria import criteria
from evidence_tracer.deliverables import testing
from evidence_tracer.governance.registers import RiskRecord
from evidence_tracer.readiness import ControlReadiness, Readiness
from evidence_tracer.report.csv_report import cell
from evidence_tracer.report.inert import inert_text


@dataclass(frozen=True)
class MatrixRow:
    criteria: str
    criteria_text: str
    control: str
    title: str
    statement: str
    owner: str
    frequency: str
    type: str
    nature: str
    checks: str
    evidence: str
    status: str
    credit: int
    last_evidenced: str
    risks: str
    key: str
    test_procedure: str
    complementary: str
    population: str
    sample: str


COLUMNS = (
    "Criteria",
    "Criteria text",
    "Control",
    "Title",
    "Control statement",
    "Owner",
    "Frequency",
    "Type",
    "Automated / manual",
    "Automated checks",
    "Evidence references",
    "Status",
    "Credit %",
    "Last evidenced (UTC)",
    "Risks addressed",
    "Key control",
    "Test procedure",
    "CUEC / CSOC",
    "Population (Type 2)",
    "Sample (Type 2; a Type 1 tests one instance)",
)
WIDTHS = (12, 48, 10, 28, 60, 28, 12, 12, 18, 36, 48, 30, 9, 16, 14, 8, 60, 22, 36, 30)


def in_scope_controls(r: Readiness) -> list[ControlReadiness]:
    return list({x.control.id: x for c in r.criteria for x in c.controls}.values())


def _status(x: ControlReadiness, r: Readiness) -> str:
    if x.blocked:
        missing = ", ".join(p.name for p in x.prerequisites if not p.met)
        state = f"blocked: no {missing}"
    elif x.earned:
        state = "evidenced"
    elif x.score > 0:
        state = "partially evidenced"
    else:
        state = "not evidenced"
    accepted = [a.exception.id for a in r.accepted if a.finding.check_id in x.control.checks]
    return state + (f"; accepted exception {', '.join(accepted)}" if accepted else "")


def _last_evidenced(x: ControlReadiness, r: Readiness) -> str:
    dates: list[datetime] = [m.collected_at for m in (*x.evidence, *x.stale)]
    if r.scan_finished and any(f.status.value in ("pass", "fail") for f in x.findings):
        dates.append(r.scan_finished)
    return max(dates).strftime("%Y-%m-%d") if dates else ""


def matrix_rows(
    r: Readiness, risks: Sequence[RiskRecord] = (), tested: Mapping[str, tuple[str, str]] | None = None
) -> list[MatrixRow]:
    """`tested`: per control, where a period package holds its population and its samples."""
    scope = {c.criterion.id for c in r.criteria}
    catalog = criteria()
    rows = []
    for x in in_scope_controls(r):
        mine = [c for c in x.control.criteria if c in scope]
        nature = " + ".join(
            n
            for n, present in (
                ("automated", bool(x.control.checks)),
                ("manual", bool(x.control.evidence or x.control.registers)),
            )
            if present
        )
        refs = [f"evidence {m.id[:12]} ({m.filename})" for m in x.evidence]
        refs += [f"register rule {rule}" for rule in x.control.registers]
        if x.control.satisfied_by:
            refs.append(f"workspace record: {x.control.satisfied_by.value}")
        rows.append(
            MatrixRow(
                ", ".join(mine),
                "; ".join(f"{c}: {catalog[c].title}" for c in mine),
                x.control.id,
                x.control.title,
                x.control.statement,
                x.owner or "(no owner)",
                x.control.frequency.value,
                x.control.type.value,
                nature,
                ", ".join(x.control.checks),
                "; ".join(refs) or "(none yet)",
                _status(x, r),
                int(100 * x.score),
                _last_evidenced(x, r),
                testing.risks_addressed(x.control, risks),
                "yes" if testing.is_key(x.control) else "no",
                testing.test_procedure(x.control, x.owner),
                testing.complementary(x.control),
                "; ".join((testing.population(x.control), *(tested or {}).get(x.control.id, ("", ""))[:1])).rstrip(
                    "; "
                ),
                "; ".join(
                    (testing.SAMPLE[x.control.frequency], *(tested or {}).get(x.control.id, ("", ""))[1:])
                ).rstrip("; "),
            )
        )
    return rows


def matrix_csv(rows: list[MatrixRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([value if isinstance(value, int) else cell(value) for value in astuple(row)])
    return out.getvalue()


def fill_sheet(sheet: Any, columns: tuple[str, ...], widths: tuple[int, ...], rows: list[tuple[object, ...]]) -> None:
    """A readable sheet: bold frozen header, filters, widths, wrapped text; every string stored as text (a
    value starting with '=' is never a formula)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for values in rows:
        sheet.append([None] * len(values))
        for col, value in enumerate(values, start=1):
            target = sheet.cell(row=sheet.max_row, column=col)
            if isinstance(value, str):
                target.value = inert_text(value)
                target.data_type = "s"
            else:
                target.value = value
            target.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
        header = sheet.cell(row=1, column=col)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="E4E7EC")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def matrix_xlsx(
    rows: list[MatrixRow],
    extra: dict[str, tuple[tuple[str, ...], tuple[int, ...], list[tuple[object, ...]]]] | None = None,
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Control matrix"
    fill_sheet(sheet, COLUMNS, WIDTHS, [astuple(r) for r in rows])
    for title, (columns, widths, values) in (extra or {}).items():
        fill_sheet(book.create_sheet(title), columns, widths, values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
