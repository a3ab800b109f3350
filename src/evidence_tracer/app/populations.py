"""The population and sample use cases: a declared population of a period, exported with its IPE record and
filed in the evidence store's chain; a seeded sample of it, with its request list, filed the same way."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.controls import controls
from evidence_tracer.errors import ConfigError
from evidence_tracer.evidence.items import EvidenceItem, end_of_day, seen_by
from evidence_tracer.period.population import Observation
from evidence_tracer.period.populations import POPULATIONS, Population, PopulationInputs, PopulationSpec, Uses
from evidence_tracer.period.sampling import ALGORITHM, Sample, load_tables, sample_size, select
from evidence_tracer.report.csv_report import cell

SAMPLE_FILE = re.compile(r"^sample-(?P<name>[a-z_]+)-(?P<start>\d{4}-\d{2}-\d{2})-(?P<end>\d{4}-\d{2}-\d{2})\.csv$")


def sample_file(name: str, start: date, end: date) -> str:
    """The name a sample's request list is filed under (and found by, in a period package)."""
    return f"sample-{name}-{start}-{end}.csv"


def sample_of(filename: str) -> tuple[str, date, date] | None:
    """(population, from, to) of a filed sample's request list, or None for another file."""
    found = SAMPLE_FILE.match(filename)
    if found is None:
        return None
    return found["name"], date.fromisoformat(found["start"]), date.fromisoformat(found["end"])


def spec_of(name: str) -> PopulationSpec:
    if name not in POPULATIONS:
        raise ConfigError(f"no population {name!r}; the populations are: {', '.join(POPULATIONS)}")
    return POPULATIONS[name]


OBSERVED_BEFORE = timedelta(days=7)  # scans read before the period (who was active as it began)
OBSERVED_AFTER = timedelta(days=30)  # and after it (a leaver of its last day removed later)


def observations(ws: Workspace, start: date, end: date, now: datetime) -> tuple[Observation, ...]:
    """The stored scans around the period whose inventory is kept, oldest first."""
    until = min(end_of_day(end) + OBSERVED_AFTER, now)
    found = []
    for info in ws.store.scans(as_of=until):
        if info.finished_at.date() >= start - OBSERVED_BEFORE:
            inventory = ws.inventory_of(info.id)
            if inventory is not None:
                found.append(Observation(info.id, info.finished_at, inventory))
    return tuple(found)


def change_documents(ws: Workspace, now: datetime) -> tuple[dict[str, Any], ...]:
    """The change populations filed against CM-01 (tracer changes, the demo's upload), oldest first."""
    found = []
    for item in ws.manual_evidence(now):
        if item.control != "CM-01" or not (item.filename or "").endswith(".json"):
            continue
        try:
            document = json.loads(ws.store.content(item))
        except ValueError:
            continue
        if isinstance(document, dict) and "changes" in document and "period" in document:
            found.append({**document, "evidence_id": item.id})
    return tuple(found)


def population_of(ws: Workspace, name: str, start: date, end: date, now: datetime) -> Population:
    if end < start:
        raise ConfigError(f"--to {end} is before --from {start}")
    spec = spec_of(name)
    moment = seen_by(end, now)
    windows = ws.config.parameters.remediation_days.model_dump()
    inputs = PopulationInputs(
        ws.registers_at(moment),
        ws.policies_at(moment),
        observations(ws, start, end, now) if Uses.SCANS in spec.uses else (),
        change_documents(ws, now) if Uses.CHANGES in spec.uses else (),
        windows,
    )
    return spec.run(inputs, start, end)


def _text(value: Any) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, date | datetime) else str(value)


def rows_csv(columns: tuple[str, ...], rows: tuple[Any, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([[cell(_text(r.get(c))) for c in columns] for r in rows])
    return out.getvalue()


@dataclass(frozen=True)
class Filed:
    files: tuple[Path, ...]
    evidence: EvidenceItem


def _file(ws: Workspace, control: str, name: str, text: str, note: str, by: str, out: Path | None) -> Filed:
    """Write `text` as `name` (into `out`, when given) and file it in the store's chain against `control`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        item = ws.add_evidence(control, path, note, by)
    written: list[Path] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return Filed(tuple(written), item)


def export_population(
    ws: Workspace, name: str, start: date, end: date, by: str, out: Path | None, fmt: str, now: datetime
) -> tuple[Population, Filed]:
    """The population's rows with its IPE record (one JSON, or a CSV of rows beside the IPE JSON), filed in the
    store's chain so that the rows' SHA-256 is on the record."""
    population = population_of(ws, name, start, end, now)
    ipe = {**population.ipe(), "collected_by": by, "collected_at": now.isoformat()}
    stem = f"population-{name}-{start}-{end}"
    note = (
        f"Population {name} {start}..{end}: {len(population.rows)} rows, sha256 {population.rows_sha256} "
        f"({'complete' if population.complete else 'with exceptions'}; {population.rerun()})"
    )
    if fmt == "json":
        text = json.dumps({"ipe": ipe, "rows": list(population.rows)}, indent=2, default=_text) + "\n"
        return population, _file(ws, population.control, f"{stem}.json", text, note, by, out)
    if fmt != "csv":
        raise ConfigError(f"--format {fmt!r}: csv or json")
    filed = _file(ws, population.control, f"{stem}.csv", rows_csv(population.columns, population.rows), note, by, out)
    if out is not None:
        (out / f"{stem}.ipe.json").write_text(json.dumps(ipe, indent=2, default=_text) + "\n", encoding="utf-8")
        filed = Filed((*filed.files, out / f"{stem}.ipe.json"), filed.evidence)
    return population, filed


def take_sample(
    ws: Workspace,
    name: str,
    start: date,
    end: date,
    seed: str,
    by: str,
    now: datetime,
    *,
    size: int | None = None,
    table: str = "population",
    table_file: Path | None = None,
    out: Path | None = None,
) -> tuple[Sample, Filed]:
    """A seeded sample of the population, its request list (what each item needs, where it already is), filed
    in the store's chain with the seed, the algorithm and the population's SHA-256."""
    population = population_of(ws, name, start, end, now)
    if size is None:
        frequency = controls()[population.control].frequency
        size, basis = sample_size(population, frequency, table, load_tables(table_file))
    else:
        basis = "--size given"
    sample = select(population, seed, size, basis)
    spec = spec_of(name)
    register = spec.source.split(":", 1)[0]
    request = rows_csv(
        ("item", *population.columns, "evidence needed", "already in the store"),
        tuple(
            {
                "item": i + 1,
                **row,
                "evidence needed": spec.needs,
                "already in the store": row.get("evidence_id") or register,
            }
            for i, row in enumerate(sample.items)
        ),
    )
    note = (
        f"Sample of {name} {start}..{end}: {sample.size} of {sample.population_rows} items, seed {seed!r}, "
        f"{ALGORITHM}; size by {basis}; population sha256 {sample.population_sha256}"
    )
    filed = _file(ws, population.control, sample_file(name, start, end), request, note, by, out)
    return sample, filed
