"""Each population on a table of cases: complete, with exceptions, and its count reconciled to its source."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from evidence_tracer.governance.registers import (
    AccessReviewRecord,
    AccessReviewsFile,
    IncidentRecord,
    IncidentSeverity,
    IncidentsFile,
    PeopleFile,
    PoliciesFile,
    PolicyAck,
    PolicyApproval,
)
from evidence_tracer.period.populations import POPULATIONS, PopulationInputs
from tests.governance.test_overdue import healthy, person

START, END = date(2026, 4, 1), date(2026, 6, 30)


def run(name: str, inputs: PopulationInputs) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    p = POPULATIONS[name].run(inputs, START, END)
    return len(p.rows), p.reconciliation, p.exceptions


def _inputs(**registers: object) -> PopulationInputs:
    return PopulationInputs(replace(healthy(), **registers), PoliciesFile())  # type: ignore[arg-type]


PEOPLE = PeopleFile(
    people=(
        person("old@a.io", joined=date(2025, 1, 6)),
        person("new@a.io", joined=date(2026, 5, 4)),
        person("unchecked@a.io", joined=date(2026, 6, 1), background_check=None),
        person("gone@a.io", joined=date(2025, 1, 6), left=date(2026, 5, 29), access_removed=date(2026, 5, 29)),
        person("late@a.io", joined=date(2025, 1, 6), left=date(2026, 6, 5), access_removed=date(2026, 6, 12)),
    )
)


@pytest.mark.parametrize(
    ("name", "registers", "rows", "exceptions"),
    [
        ("hires", {"people": PEOPLE}, 2, ("unchecked@a.io: production access with no background check recorded",)),
        (
            "terminations",
            {"people": PEOPLE},
            2,
            (
                "late@a.io: the register records removal 7 days after leaving",
                "no scan corroborates the removals: the register's dates are the only record",
            ),
        ),
        (
            "access_reviews",
            {
                "access_reviews": AccessReviewsFile(
                    access_reviews=(
                        AccessReviewRecord(date=date(2026, 4, 10), reviewer="a@a.io", systems="AWS", identities=("x",)),
                        AccessReviewRecord(date=date(2026, 6, 20), reviewer="a@a.io", systems="AWS"),
                    )
                )
            },
            2,
            ("a review recorded without the accounts it covered: 2026-06-20:a@a.io",),
        ),
        (
            "incidents",
            {
                "incidents": IncidentsFile(
                    incidents=tuple(
                        IncidentRecord(
                            id=i, title="phishing", severity=IncidentSeverity.SEV3, detected=d, owner="a@a.io"
                        )
                        for i, d in (
                            ("INC-001", date(2026, 3, 1)),
                            ("INC-002", date(2026, 4, 9)),
                            ("INC-004", date(2026, 6, 2)),
                        )
                    )
                )
            },
            2,
            ("INC-003 is missing from the sequence",),
        ),
        ("training", {"people": PEOPLE}, 0, ()),
    ],
)
def test_each_population_on_its_cases(
    name: str, registers: dict[str, object], rows: int, exceptions: tuple[str, ...]
) -> None:
    count, reconciliation, found = run(name, _inputs(**registers))
    assert count == rows and found == exceptions and reconciliation


def test_acknowledgments_of_a_text_never_approved_are_exceptions_and_the_ipe_is_complete() -> None:
    at = datetime(2026, 5, 2, tzinfo=UTC)
    approvals = (PolicyApproval(policy="access_control", approved_by="a@a.io", approved_at=at, sha256="a" * 64),)
    acks = (
        PolicyAck(policy="access_control", person="a@a.io", acknowledged_at=at, sha256="a" * 64),
        PolicyAck(policy="access_control", person="b@a.io", acknowledged_at=at, sha256="b" * 64),
    )
    p = POPULATIONS["acknowledgments"].run(
        PopulationInputs(healthy(), PoliciesFile(approvals=approvals, acknowledgments=acks)), START, END
    )
    assert p.exceptions == ("b@a.io:access_control:2026-05-02: acknowledges a text that was never approved",)
    ipe = p.ipe()
    assert ipe["rows"] == 2 and not ipe["complete"] and len(ipe["rows_sha256"]) == 64
    assert ipe["rerun"] == "tracer populations export acknowledgments --from 2026-04-01 --to 2026-06-30"
    assert (
        p.rows_sha256
        == POPULATIONS["acknowledgments"]
        .run(
            PopulationInputs(healthy(), PoliciesFile(approvals=approvals, acknowledgments=tuple(reversed(acks)))),
            START,
            END,
        )
        .rows_sha256
    )  # the same population in another order hashes the same


def test_every_population_names_a_real_control_and_its_columns_hold_its_key() -> None:
    from evidence_tracer.catalog.controls import controls

    for spec in POPULATIONS.values():
        assert spec.control in controls() and "id" in spec.columns and spec.needs, spec.name
        assert spec.run(_inputs(), START, END).columns == spec.columns
