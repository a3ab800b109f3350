"""Reproducible samples: the auditor supplies a seed; the same seed over the same population selects the same
items, byte for byte, whatever order the rows come in. The algorithm (documented for the auditor to re-perform):
for each row, HMAC-SHA256(key = the seed, message = the row's key); the items are the `size` rows with the
smallest digests, listed in the population's order. Sizes come from the sampling tables (data, with sources),
or are given."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from evidence_tracer.catalog.controls import Frequency
from evidence_tracer.errors import ConfigError
from evidence_tracer.period.populations import Population, Row
from evidence_tracer.yamlfile import safe_load

ALGORITHM = "HMAC-SHA256(seed, row key); the rows with the smallest digests"
# How often a control of each catalog frequency operates, in the frequency table's terms.
FREQUENCY_ROW = {
    Frequency.ANNUAL: "annual",
    Frequency.QUARTERLY: "quarterly",
    Frequency.MONTHLY: "monthly",
    Frequency.CONTINUOUS: "daily",
    Frequency.PER_EVENT: None,  # sized by its population
}


@dataclass(frozen=True)
class Sample:
    population: str
    seed: str
    size: int
    basis: str  # where the size came from (a table row and its source, or --size)
    items: tuple[Row, ...]
    population_rows: int
    population_sha256: str

    @property
    def algorithm(self) -> str:
        return ALGORITHM


def load_tables(path: Path | None = None) -> dict[str, Any]:
    """The sampling tables: the shipped ones (period/sampling.yaml), or a firm's file of the same shape."""
    try:
        text = (
            path.read_text("utf-8")
            if path
            else resources.files("evidence_tracer.period").joinpath("sampling.yaml").read_text("utf-8")
        )
        data = safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the sampling tables {path}: {exc}") from None
    try:
        return _Tables.model_validate(data).model_dump()
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()[:3])
        raise ConfigError(f"{path or 'sampling.yaml'}: not a sampling table file ({where})") from None


class _FrequencyRow(BaseModel):
    frequency: str
    size: int = Field(ge=0)
    published: str = ""


class _PopulationRow(BaseModel):
    up_to: int | None
    size: int | Literal["all"] | None = None
    percent: float | None = Field(None, gt=0, le=100)

    @model_validator(mode="after")
    def _one_size(self) -> _PopulationRow:
        if (self.size is None) == (self.percent is None):
            raise ValueError("each row gives a size (a number or all) or a percent")
        return self


class _FrequencyTable(BaseModel):
    source: str
    rows: list[_FrequencyRow]


class _PopulationTable(BaseModel):
    source: str
    rows: list[_PopulationRow] = Field(min_length=1)


class _Tables(BaseModel):
    """The shape of a sampling table file: validated where it comes in, a firm's file like ours."""

    frequency: _FrequencyTable
    population: _PopulationTable


def size_by_population(rows: int, tables: Mapping[str, Any]) -> tuple[int, str]:
    table = tables["population"]
    for row in table["rows"]:
        if row.get("up_to") is None or rows <= int(row["up_to"]):
            if row.get("size") == "all":
                size = rows
            elif row.get("percent") is not None:
                size = math.ceil(rows * float(row["percent"]) / 100)
            else:
                size = int(row["size"])
            limit = "over the rest" if row.get("up_to") is None else f"up to {row['up_to']}"
            return min(size, rows), f"population table ({limit}): {table['source']}"
    raise ConfigError("the population table has no row for this size")


def size_by_frequency(frequency: str, rows: int, tables: Mapping[str, Any]) -> tuple[int, str]:
    table = tables["frequency"]
    found = next((r for r in table["rows"] if r["frequency"] == frequency), None)
    if found is None:
        raise ConfigError(f"the frequency table has no row for {frequency!r}")
    return min(int(found["size"]), rows), f"frequency table ({frequency}: {found['published']}): {table['source']}"


def _digest(seed: str, key: str) -> str:
    return hmac.new(seed.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def select(population: Population, seed: str, size: int, basis: str) -> Sample:
    if not seed.strip():
        raise ConfigError("--seed is required: the auditor supplies it, so that the selection is theirs")
    if size < 0:
        raise ConfigError("--size must be 0 or more")
    keyed = [(str(r[population.key]), r) for r in population.rows]
    chosen = {key for key, _ in sorted(keyed, key=lambda kr: (_digest(seed, kr[0]), kr[0]))[:size]}
    items = tuple(r for key, r in keyed if key in chosen)
    return Sample(population.name, seed, len(items), basis, items, len(population.rows), population.rows_sha256)


def sample_size(
    population: Population, frequency: Frequency | None, table: str, tables: Mapping[str, Any]
) -> tuple[int, str]:
    """The size the named table gives: by the population's size, or by how often the control operates."""
    rows = len(population.rows)
    if table == "population" or frequency is None or FREQUENCY_ROW[frequency] is None:
        return size_by_population(rows, tables)
    if table != "frequency":
        raise ConfigError(f"--table {table!r}: frequency or population")
    return size_by_frequency(str(FREQUENCY_ROW[frequency]), rows, tables)


def keys(items: Sequence[Row], population: Population) -> list[str]:
    return [str(r[population.key]) for r in items]
