"""Where things go in the auditor package: one naming rule shared by the package and the documents that
point into it (the request list)."""

from __future__ import annotations

import re

from evidence_tracer.catalog.criteria import Criterion
from evidence_tracer.evidence.items import EvidenceItem, Kind


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"


def item_filename(item: EvidenceItem) -> str:
    if item.kind is Kind.API:
        return _safe(f"{item.service}-{item.operation}-{item.region}-{item.id[:12]}") + ".json"
    return f"manual-{item.id[:12]}-{_safe(item.filename or 'evidence')}"


def item_path(item: EvidenceItem, criterion: Criterion) -> str:
    return f"{criterion.folder}/{item_filename(item)}"
