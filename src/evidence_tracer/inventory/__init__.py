"""The collected state: source parts of typed datasets (see `base`), and the AWS value types (`aws`)."""

from evidence_tracer.inventory.base import (
    GLOBAL,
    NOT_COLLECTED,
    Dataset,
    Failure,
    Inventory,
    Observed,
    Resource,
    SourcePart,
)

__all__ = ["GLOBAL", "NOT_COLLECTED", "Dataset", "Failure", "Inventory", "Observed", "Resource", "SourcePart"]
