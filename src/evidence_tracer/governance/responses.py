"""Management's responses to deviations: a failure open longer than its remediation window is a deviation of its
control (Type 2), and each needs a response on the record — its cause, what was done, and the compensating
control that covered the time. Kept in the exceptions register beside the accepted exceptions."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from evidence_tracer.governance.record import Record
from evidence_tracer.names import Person


class DeviationResponse(Record):
    id: str = Field(pattern=r"^DEV-\d{3,}$")
    check_id: str = Field(min_length=3)
    resource_id: str = Field(min_length=1)
    first_failed: date  # the day the episode was first seen failing (tracer period names it)
    cause: str = Field(min_length=10)
    remediation: str = Field(min_length=10)
    compensating_control: str = Field(min_length=10)
    responded_by: Person  # management
    responded_at: datetime

    def answers(self, check_id: str, resource_id: str, first_failed: date) -> bool:
        return (self.check_id, self.resource_id, self.first_failed) == (check_id, resource_id, first_failed)
