"""The occurrences a control's frequency expects over a period, and what counts for each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from evidence_tracer.catalog.controls import Frequency, controls
from evidence_tracer.governance.registers import AccessReviewRecord, AccessReviewsFile, PeopleFile
from evidence_tracer.governance.rulebook import RegisterSnapshot
from evidence_tracer.period.calendar import calendar, windows
from tests.governance.test_overdue import person


def test_windows_follow_the_calendar() -> None:
    start, end = date(2027, 2, 15), date(2027, 8, 14)
    assert [w[0] for w in windows(Frequency.QUARTERLY, start, end)] == ["2027-Q1", "2027-Q2", "2027-Q3"]
    assert windows(Frequency.QUARTERLY, start, end)[0][1:] == (start, date(2027, 3, 31))
    assert [w[0] for w in windows(Frequency.MONTHLY, start, end)][:2] == ["2027-02", "2027-03"]
    assert windows(Frequency.ANNUAL, start, end) == [("year to 2027-08-14", start, end)]
    weeks = windows(Frequency.CONTINUOUS, start, end)
    assert weeks[0] == ("week of 2027-02-15", start, date(2027, 2, 21)) and len(weeks) == 26
    assert windows(Frequency.CONTINUOUS, start, end, automated=False) == windows(Frequency.MONTHLY, start, end)


def test_register_records_are_occurrences_and_a_missing_quarter_is_named() -> None:
    reviews = AccessReviewsFile(
        access_reviews=(AccessReviewRecord(date=date(2026, 5, 5), reviewer="a@acme.io", systems="AWS"),)
    )
    regs = RegisterSnapshot(access_reviews=reviews)
    q1, q2 = calendar(controls()["AC-06"], date(2026, 2, 1), date(2026, 6, 30), (), regs, ())
    assert (q1.label, q1.met) == ("2026-Q1", False) and (q2.label, q2.met) == ("2026-Q2", True)
    assert q2.found == ("access review 2026-05-05 by a@acme.io",)


def test_each_event_is_an_occurrence_and_an_empty_population_says_so() -> None:
    leaver = person("gone@acme.io", left=date(2026, 3, 10), access_removed=date(2026, 3, 20))
    regs = RegisterSnapshot(people=PeopleFile(people=(person(), leaver)))
    (only,) = calendar(controls()["AC-07"], date(2026, 2, 1), date(2026, 6, 30), (), regs, ())
    assert only.label == "leaver gone@acme.io (2026-03-10)" and not only.met  # removed ten days late
    (none,) = calendar(controls()["AC-07"], date(2026, 4, 1), date(2026, 6, 30), (), regs, ())
    assert none.met and none.found == ("none recorded (people.leavers)",)
    (changes,) = calendar(controls()["CM-01"], date(2026, 4, 1), date(2026, 6, 30), (), replace(regs), ())
    assert changes.label == "events of the period" and not changes.met  # no register: evidence is needed
    (empty,) = calendar(controls()["AC-07"], date(2026, 4, 1), date(2026, 6, 30), (), RegisterSnapshot(), ())
    assert not empty.met  # an empty people register is no population: "no leavers" is not shown by it
    (quiet,) = calendar(controls()["IR-02"], date(2026, 4, 1), date(2026, 6, 30), (), RegisterSnapshot(), ())
    assert not quiet.met  # no incidents register kept: management's statement is needed
