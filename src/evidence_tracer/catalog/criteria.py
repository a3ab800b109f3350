"""The Trust Services Criteria catalog, loaded from `criteria.yaml`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from evidence_tracer.yamlfile import safe_load


class Category(StrEnum):
    SECURITY = "security"
    AVAILABILITY = "availability"
    CONFIDENTIALITY = "confidentiality"
    PROCESSING_INTEGRITY = "processing_integrity"
    PRIVACY = "privacy"


@dataclass(frozen=True)
class Criterion:
    id: str
    category: Category
    title: str
    slug: str

    @property
    def folder(self) -> str:
        return f"{self.id}-{self.slug}"


def sort_key(criterion_id: str) -> tuple[int, str, tuple[int, ...]]:
    """CC before A, C, PI, P; numerically within a series (CC1.2 < CC1.10)."""
    order = {"CC": 0, "A": 1, "C": 2, "PI": 3, "P": 4}
    match = re.fullmatch(r"([A-Z]+)([\d.]+)", criterion_id)
    if not match:
        return (9, criterion_id, ())
    prefix, numbers = match.groups()
    return (order.get(prefix, 9), prefix, tuple(int(n) for n in numbers.split(".") if n))


@functools.cache
def criteria() -> dict[str, Criterion]:
    text = resources.files("evidence_tracer.catalog").joinpath("criteria.yaml").read_text("utf-8")
    raw = safe_load(text)
    items = {cid: Criterion(cid, Category(v["category"]), str(v["title"]), str(v["slug"])) for cid, v in raw.items()}
    return {cid: items[cid] for cid in sorted(items, key=sort_key)}
