"""`tracer history`: a past day's configuration rebuilt from AWS Config and judged by the checks that need only
what Config rebuilt, filed in the store labelled "reconstructed from AWS Config on DATE" — evidence for the
sampled dates of a period before its first scan, kept apart from the observed scans (it is filed against a
criterion, so it earns no control credit, and no scan list or timeline reads it)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.checks.registry import CheckContext, run_check, specs
from evidence_tracer.errors import ConfigError
from evidence_tracer.evidence.items import EvidenceItem, seen_by
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws_config import CONFIG_TYPES
from evidence_tracer.models import Finding, Status
from evidence_tracer.period.view import ReconstructedDay

if TYPE_CHECKING:
    from evidence_tracer.sources.aws.history import HistoryRead
    from evidence_tracer.sources.aws.session import AwsContext

PREFIX = "reconstruction-"
FALLBACK_CHECK = "config_recorder_enabled"  # whose criterion a reconstruction that judged nothing is filed under


def label(day: date) -> str:
    return f"reconstructed from AWS Config on {day}"


def reconstructable_checks(resource_types: Sequence[str]) -> tuple[str, ...]:
    """The AWS checks that need nothing but the datasets these types rebuild."""
    rebuilt = {f"{CONFIG_TYPES[t].spec.service}:{CONFIG_TYPES[t].spec.operation}" for t in resource_types}
    return tuple(
        cid
        for cid, spec in sorted(specs().items())
        if spec.judges("aws") and spec.needs_of("aws") and set(spec.needs_of("aws")) <= rebuilt
    )


def merged(parts: Sequence[SourcePart]) -> tuple[SourcePart, ...]:
    """One part per account holding every type rebuilt for it (an RDS check reads instances and clusters)."""
    by_account: dict[str, SourcePart] = {}
    for p in parts:
        seen = by_account.get(p.account)
        if seen is None or seen.failure is not None:
            by_account[p.account] = p
        elif p.failure is None:
            regions = tuple(dict.fromkeys((*seen.regions, *p.regions)))
            attributes = {
                **seen.attributes,
                "resource_type": f"{seen.attribute('resource_type')},{p.attribute('resource_type')}",
            }
            by_account[p.account] = SourcePart(p.source, p.account, regions, attributes, {**seen.data, **p.data})
    return tuple(by_account.values())


@dataclass(frozen=True)
class Reconstruction:
    day: date
    moment: datetime
    resource_types: tuple[str, ...]
    parts: tuple[SourcePart, ...]
    checks: tuple[str, ...]
    findings: tuple[Finding, ...]
    evidence: EvidenceItem | None = None

    @property
    def label(self) -> str:
        return label(self.day)

    def counts(self) -> dict[str, int]:
        return {
            s.value: sum(1 for f in self.findings if f.status is s) for s in (Status.PASS, Status.FAIL, Status.ERROR)
        }


def judge(
    parts: Sequence[SourcePart], resource_types: Sequence[str], ws: Workspace, moment: datetime
) -> tuple[tuple[str, ...], tuple[Finding, ...]]:
    checks = reconstructable_checks(resource_types)
    context = CheckContext(config=ws.config, now=moment)
    findings = tuple(f for part in merged(parts) for cid in checks for f in run_check(cid, part, context))
    return checks, findings


def _document(r: Reconstruction, items: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": r.label,
        "reconstructed_from": "AWS Config GetResourceConfigHistory",
        "as_of": r.moment.isoformat(),
        "resource_types": list(r.resource_types),
        "accounts": items,
        "checks": list(r.checks),
        "counts": r.counts(),
        "findings": [asdict(f) | {"status": f.status.value, "severity": f.severity.value} for f in r.findings],
    }


def read_config_history(
    ws: Workspace,
    resource_types: Sequence[str],
    until: datetime,
    since: datetime | None = None,
    profile: str | None = None,
    aws_context: AwsContext | None = None,
) -> HistoryRead:
    """AWS Config's items for the boundary's accounts and regions (the AWS source built by its plug-in)."""
    from evidence_tracer.sources.aws.history import read_history
    from evidence_tracer.sources.registry import BuildOptions, plugin

    source = plugin("aws").build(ws.config, BuildOptions(profile, aws_context=aws_context))
    return read_history(source, resource_types, ws.config.boundary.regions or None, until, since)


def reconstruct(
    ws: Workspace,
    resource_types: Sequence[str],
    day: date,
    by: str,
    now: datetime,
    profile: str | None = None,
    aws_context: AwsContext | None = None,
) -> Reconstruction:
    """Read the types' configuration in force at the end of `day` from AWS Config, judge it, keep every call as
    an evidence record and file the reconstruction (items, checks, findings) effective on `day`."""
    if day > now.date():
        raise ConfigError(f"--at {day} is in the future: AWS Config holds only what has happened")
    moment = seen_by(day, now)
    read = read_config_history(ws, resource_types, moment, profile=profile, aws_context=aws_context)
    saved = ws.store.save_records(read.records)
    parts = tuple(a.part(moment) for a in read.accounts)
    checks, findings = judge(parts, resource_types, ws, moment)
    items = {
        f"{a.account}/{a.resource_type}": {
            "failure": a.failure.describe() if a.failure else None,
            "regions": {
                h.region: {
                    "failure": h.failure.describe() if h.failure else None,
                    "items": [
                        {"resource_id": i.resource_id, "arn": i.arn, "captured": i.captured.isoformat(),
                         "status": i.status, "configuration": dict(i.configuration), "tags": dict(i.tags)}
                        for i in h.items
                    ],
                }
                for h in a.regions
            },
        }
        for a in read.accounts
    }  # fmt: skip
    draft = Reconstruction(day, moment, tuple(resource_types), parts, checks, findings)
    criterion = specs()[checks[0] if checks else FALLBACK_CHECK].criteria[0]
    note = (
        f"{draft.label}: {', '.join(resource_types)} as of {moment:%Y-%m-%d %H:%M} UTC; "
        + ", ".join(f"{n} {s}" for s, n in draft.counts().items())
        + f"; {len(saved)} AWS Config calls kept as evidence records"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{PREFIX}{day}-{'-'.join(t.split('::')[-1].lower() for t in resource_types)}.json"
        path.write_text(json.dumps(_document(draft, items), indent=2, default=str) + "\n", encoding="utf-8")
        item = ws.add_evidence(criterion, path, note, by, now=now, effective=day)
    return Reconstruction(day, moment, draft.resource_types, parts, checks, findings, item)


@dataclass(frozen=True)
class StoredReconstruction:
    """A reconstruction as the store holds it, for the period view and package."""

    day: date
    evidence: EvidenceItem
    document: dict[str, Any]

    @property
    def label(self) -> str:
        return label(self.day)

    def summary(self) -> ReconstructedDay:
        return ReconstructedDay(
            self.day,
            self.label,
            tuple(self.document.get("resource_types", ())),
            dict(self.document.get("counts", {})),
            self.evidence.id,
        )


def reconstructions(ws: Workspace, start: date, end: date, now: datetime) -> tuple[StoredReconstruction, ...]:
    """The reconstructions filed by `now` for days of [start, end], oldest day first."""
    found = []
    for item in ws.manual_evidence(now):
        if (item.filename or "").startswith(PREFIX) and start <= item.effective_day <= end:
            document = json.loads(ws.store.content(item))
            if isinstance(document, dict) and document.get("label") == label(item.effective_day):
                found.append(StoredReconstruction(item.effective_day, item, document))
    return tuple(sorted(found, key=lambda r: (r.day, r.evidence.collected_at)))
