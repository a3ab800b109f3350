"""Samples are reproducible (same seed, same population: the same items, whatever the order), and the tables
size them as their rows say."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from evidence_tracer.catalog.controls import Frequency
from evidence_tracer.errors import ConfigError
from evidence_tracer.period.populations import Population
from evidence_tracer.period.sampling import load_tables, sample_size, select, size_by_frequency, size_by_population


def population(n: int) -> Population:
    rows = tuple({"id": f"item-{i:04d}"} for i in range(n))
    return Population("hires", "New hires", "GOV-04", date(2026, 1, 1), date(2026, 6, 30), ("id",), rows, "test")


def test_the_same_seed_and_population_give_the_same_sample_byte_for_byte() -> None:
    p = population(300)
    first = select(p, "auditor-2027", 25, "given")
    again = select(replace(p, rows=tuple(reversed(p.rows))), "auditor-2027", 25, "given")
    assert sorted(r["id"] for r in first.items) == sorted(r["id"] for r in again.items) and first.size == 25
    other = select(p, "another-seed", 25, "given")
    assert {r["id"] for r in other.items} != {r["id"] for r in first.items}
    # Documented, re-performable: the 25 smallest HMAC-SHA256(seed, key) digests.
    import hashlib
    import hmac

    expected = sorted(p.rows, key=lambda r: hmac.new(b"auditor-2027", r["id"].encode(), hashlib.sha256).hexdigest())[
        :25
    ]
    assert {r["id"] for r in expected} == {r["id"] for r in first.items}
    with pytest.raises(ConfigError):
        select(p, " ", 3, "given")


@pytest.mark.parametrize(
    ("rows", "size"), [(0, 0), (3, 3), (5, 5), (6, 5), (50, 5), (51, 6), (250, 25), (251, 25), (4000, 25)]
)
def test_each_row_of_the_population_table(rows: int, size: int) -> None:
    assert size_by_population(rows, load_tables())[0] == size


@pytest.mark.parametrize(
    ("frequency", "size"),
    [("annual", 1), ("quarterly", 2), ("monthly", 2), ("weekly", 5), ("daily", 20), ("several_daily", 25)],
)
def test_each_row_of_the_frequency_table(frequency: str, size: int) -> None:
    found, basis = size_by_frequency(frequency, 1000, load_tables())
    assert found == size and "frequency table" in basis


def test_a_control_per_event_is_sized_by_its_population_and_a_firm_can_bring_its_tables(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tables = load_tables()
    assert sample_size(population(100), Frequency.PER_EVENT, "frequency", tables)[0] == 10
    assert sample_size(population(100), Frequency.QUARTERLY, "frequency", tables)[0] == 2
    own = tmp_path / "firm.yaml"
    own.write_text("frequency: {source: ours, rows: []}\npopulation: {source: ours, rows: [{up_to: null, size: 7}]}\n")
    assert sample_size(population(100), None, "population", load_tables(own)) == (
        7,
        "population table (over the rest): ours",
    )
    for text in ("rows: []\n", "frequency: {source: x, rows: []}\npopulation: {source: x, rows: [{up_to: 5}]}\n"):
        bad = tmp_path / "bad.yaml"
        bad.write_text(text)
        with pytest.raises(ConfigError, match="not a sampling table file"):
            load_tables(bad)
