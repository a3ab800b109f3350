"""The registers as they stood at a past moment: records dated after it are left out, so a readiness view or a
package "as of" a date counts only what had happened by then (a review held later does not count earlier)."""

from __future__ import annotations

from datetime import date, datetime

from evidence_tracer.governance.registers import (
    AccessReviewsFile,
    BoundaryFile,
    ExceptionsFile,
    ExercisesFile,
    IncidentsFile,
    PeopleFile,
    PoliciesFile,
    RisksFile,
    ScanReviewsFile,
    VendorsFile,
)
from evidence_tracer.governance.rulebook import RegisterSnapshot


def _after(value: date | datetime | None, moment: datetime) -> bool:
    if value is None:
        return False
    if isinstance(value, datetime):
        return value > moment
    return value > moment.date()


def registers_as_of(regs: RegisterSnapshot, moment: datetime) -> RegisterSnapshot:
    people = PeopleFile(
        people=tuple(
            p.model_copy(
                update={
                    k: None
                    for k in ("left", "access_removed", "background_check", "training_completed")
                    if _after(getattr(p, k), moment)
                }
            )
            for p in regs.people.people
            if not _after(p.joined, moment)
        )
    )
    return RegisterSnapshot(
        people=people,
        vendors=VendorsFile(
            vendors=tuple(
                v.model_copy(update={"soc2_report_date": None}) if _after(v.soc2_report_date, moment) else v
                for v in regs.vendors.vendors
            )
        ),
        risks=RisksFile(risks=tuple(r for r in regs.risks.risks if not _after(r.last_reviewed, moment))),
        access_reviews=AccessReviewsFile(
            access_reviews=tuple(r for r in regs.access_reviews.access_reviews if not _after(r.date, moment))
        ),
        exercises=ExercisesFile(exercises=tuple(e for e in regs.exercises.exercises if not _after(e.date, moment))),
        incidents=IncidentsFile(
            incidents=tuple(
                i.model_copy(
                    update={
                        k: None
                        for k in ("resolved", "customers_notified", "post_incident_review")
                        if _after(getattr(i, k), moment)
                    }
                )
                for i in regs.incidents.incidents
                if not _after(i.detected, moment)
            )
        ),
        scan_reviews=ScanReviewsFile(
            scan_reviews=tuple(r for r in regs.scan_reviews.scan_reviews if not _after(r.reviewed_at, moment))
        ),
        boundary=BoundaryFile(
            confirmations=tuple(c for c in regs.boundary.confirmations if not _after(c.confirmed_at, moment))
        ),
    )


def policies_as_of(policies: PoliciesFile, moment: datetime) -> PoliciesFile:
    return PoliciesFile(
        approvals=tuple(a for a in policies.approvals if not _after(a.approved_at, moment)),
        acknowledgments=tuple(a for a in policies.acknowledgments if not _after(a.acknowledged_at, moment)),
    )


def exceptions_as_of(exceptions: ExceptionsFile, moment: datetime) -> ExceptionsFile:
    return ExceptionsFile(
        exceptions=tuple(e for e in exceptions.exceptions if not _after(e.approved_at, moment)),
        deviations=tuple(d for d in exceptions.deviations if not _after(d.responded_at, moment)),
    )
