"""The base of every register record: strict fields, no dates in the future, superseded values kept, and one
GovernanceError naming every invalid field."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from evidence_tracer.clock import FUTURE_TOLERANCE
from evidence_tracer.errors import GovernanceError


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Fields that name a date ahead on purpose (an expiry); every other date records something that happened.
    future_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _not_in_the_future(self) -> Record:
        """A training "completed" next month, a review dated next week: records of what has not happened are
        refused, in every register, whether typed at the CLI or by hand."""
        latest = datetime.now(UTC) + FUTURE_TOLERANCE
        for name, value in self:
            if name in self.future_fields:
                continue
            when = (
                value
                if isinstance(value, datetime)
                else (datetime.combine(value, time(), UTC) if isinstance(value, date) else None)
            )
            if when is not None and (when if when.tzinfo else when.replace(tzinfo=UTC)) > latest:
                raise ValueError(f"{name} {value.isoformat()} is in the future; record things once they happened")
        return self


class Change(Record):
    """A value a record held before a change: dated facts are never overwritten, only superseded."""

    field: str
    recorded_at: datetime
    previous: str | None = None
    value: str | None = None


F = TypeVar("F", bound=Record)


def build(model: type[F], **fields: object) -> F:
    """Make a register record from CLI input; invalid fields become one GovernanceError naming them."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        problems = "; ".join(
            (f"{'.'.join(str(p) for p in e['loc'])}: " if e["loc"] else "")
            + str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise GovernanceError(problems) from None
