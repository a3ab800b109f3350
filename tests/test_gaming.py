"""Every shortcut a hurried founder might take to a "ready" verdict, and the verdict each one gets: none
reaches "ready for audit" (issue: readiness must be earned). From hand-built inputs, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from evidence_tracer.catalog.controls import controls
from evidence_tracer.config import parse_config
from evidence_tracer.evidence.items import EvidenceItem, Kind
from evidence_tracer.governance.registers import AccessReviewsFile, ExercisesFile, PeopleFile, RisksFile, VendorsFile
from evidence_tracer.governance.rules import RegisterSnapshot
from evidence_tracer.models import Finding, ScanResult, Severity, Status
from evidence_tracer.policies.status import PolicyState
from evidence_tracer.readiness import READY_MAX_HIGH_GAPS, ReadinessInputs, assess
from tests.test_readiness import NOW, inputs, manual_for_everything, passing_scan, policies


def _with(findings: dict[str, Status], severity: Severity | None = None) -> ScanResult:
    base = passing_scan()
    return ScanResult(
        base.scan,
        tuple(
            replace(f, status=findings.get(f.check_id, f.status), severity=severity or f.severity)
            for f in base.findings
        ),
    )


def _per_criterion_files() -> tuple[EvidenceItem, ...]:
    crits = sorted({c for control in controls().values() for c in control.criteria})
    return tuple(
        EvidenceItem(
            f"c{i}",
            Kind.MANUAL,
            "0" * 64,
            40,
            "text/plain",
            NOW,
            "0.1.0",
            criteria=(c,),
            author="a@acme.io",
            filename="ok.txt",
        )
        for i, c in enumerate(crits)
    )


def _aged(days: int) -> tuple[EvidenceItem, ...]:
    return tuple(replace(m, collected_at=NOW - timedelta(days=days)) for m in manual_for_everything())


def _empty_registers() -> RegisterSnapshot:
    return RegisterSnapshot(PeopleFile(), VendorsFile(), RisksFile(), AccessReviewsFile(), ExercisesFile())


def _everything_na() -> ScanResult:
    base = passing_scan()
    return ScanResult(base.scan, tuple(replace(f, status=Status.NOT_APPLICABLE) for f in base.findings))


def _all_errors() -> ScanResult:
    base = passing_scan()
    return ScanResult(base.scan, tuple(replace(f, status=Status.ERROR, message="AccessDenied") for f in base.findings))


def _old_scan() -> ScanResult:
    base = passing_scan()
    info = replace(base.scan, finished_at=NOW - timedelta(days=60), started_at=NOW - timedelta(days=60))
    return ScanResult(info, base.findings)


def _merged_with_an_old_part() -> ScanResult:
    """A merged scan whose newest part is today's and whose oldest part is two months old."""
    base = passing_scan()
    info = replace(
        base.scan, started_at=NOW - timedelta(days=60), finished_at=NOW, merged_from=("old-part", "new-part")
    )
    return ScanResult(info, base.findings)


NO_OWNERS = parse_config("boundary: {accounts: ['111122223333'], regions: [us-east-1], services: [S3]}\n", "t")
HIGHS = {c: Status.FAIL for c in ("ec2_sg_open_admin_ports", "rds_not_publicly_accessible", "iam_user_console_mfa")}

ATTEMPTS: dict[str, tuple[Callable[[], ReadinessInputs], str]] = {
    "paperwork only: owners, approved and acknowledged policies, no scan, no uploads": (
        lambda: inputs(scan=None, manual=()),
        "No AWS scan yet",
    ),
    "one file per criterion instead of evidence per control": (
        lambda: inputs(manual=_per_criterion_files()),
        "No evidence for GOV-02",
    ),
    "evidence older than each control's cadence": (lambda: inputs(manual=_aged(400)), "older than its annual cadence"),
    "a scan in which every check was not applicable": (lambda: inputs(scan=_everything_na()), "nothing examined"),
    "a scan in which every check could not look (AccessDenied)": (lambda: inputs(scan=_all_errors()), "could not run"),
    "a scan two months old": (lambda: inputs(scan=_old_scan()), "older than 31 days"),
    "today's merge of a two-month-old scan with today's": (
        lambda: inputs(scan=_merged_with_an_old_part()),
        "older than 31 days",
    ),
    "uploads for register-backed controls while the registers are empty": (
        lambda: inputs(registers=_empty_registers()),
        "register",
    ),
    "uploads and a clean scan, but nobody owns the controls": (lambda: inputs(config=NO_OWNERS), "has no named owner"),
    "uploads and a clean scan, but every policy still a draft": (
        lambda: inputs(policies=policies(PolicyState.DRAFT)),
        "Policy access_control is draft",
    ),
    "everything else in place, one critical failure (root without MFA)": (
        lambda: inputs(scan=_with({"iam_root_mfa": Status.FAIL}, Severity.CRITICAL)),
        "iam_root_mfa",
    ),
    f"everything else in place, {len(HIGHS)} high failures (more than {READY_MAX_HIGH_GAPS})": (
        lambda: inputs(scan=_with(HIGHS, Severity.HIGH)),
        "ec2_sg_open_admin_ports",
    ),
    "every failure accepted as an exception": (lambda: _accept_all(_with(HIGHS, Severity.HIGH)), "accepted"),
}


def _accept_all(scan_result: ScanResult) -> ReadinessInputs:
    from datetime import timedelta as days

    from evidence_tracer.governance.exceptions import finding_digest
    from evidence_tracer.governance.registers import ExceptionRecord

    failing = [f for f in scan_result.findings if f.status is Status.FAIL]
    records = tuple(
        ExceptionRecord(
            id=f"EX-{i:03d}",
            check_id=f.check_id,
            resource_id=f.resource_id,
            reason="accepted to get to ready",
            compensating_control="none really, in truth",
            approved_by="ceo@acme.io",
            approved_at=NOW,
            expires=NOW.date() + days(300),
            finding_sha256=finding_digest(f),
        )
        for i, f in enumerate(failing, 1)
    )
    return inputs(scan=scan_result, exceptions=records)


@pytest.mark.parametrize("attempt", list(ATTEMPTS))
def test_no_shortcut_reaches_ready(attempt: str) -> None:
    build, named_gap = ATTEMPTS[attempt]
    r = assess(build())
    assert not r.ready_for_audit, f"{attempt}: {r.percent}%"
    assert r.why_not_ready()
    named = [g.title for g in r.gaps] + list(r.why_not_ready())
    assert any(named_gap in t for t in named), named[:8]


def test_the_threshold_is_what_it_says() -> None:
    one_high = assess(inputs(scan=_with({"ec2_sg_open_admin_ports": Status.FAIL}, Severity.HIGH)))
    assert one_high.ready_for_audit and one_high.gap_count(Severity.HIGH) == 1
    assert assess(inputs()).ready_for_audit


def test_seven_failures_cost_more_than_one() -> None:
    def users(failing: int) -> ScanResult:
        base = passing_scan()
        mfa = tuple(
            Finding(
                "iam_user_console_mfa",
                Status.FAIL if i < failing else Status.PASS,
                Severity.HIGH,
                ("CC6.1",),
                f"user/u{i}",
                "global",
                "1",
                "mfa",
            )
            for i in range(10)
        )
        return ScanResult(base.scan, (*(f for f in base.findings if f.check_id != "iam_user_console_mfa"), *mfa))

    one, seven = assess(inputs(scan=users(1))), assess(inputs(scan=users(7)))
    ac01_one, ac01_seven = one.control("AC-01"), seven.control("AC-01")
    assert ac01_one is not None and ac01_seven is not None
    assert ac01_seven.score < ac01_one.score < 1
    assert seven.percent <= one.percent


def test_a_file_filed_against_a_criterion_credits_no_control() -> None:
    r = assess(inputs(manual=_per_criterion_files()))
    everything = assess(inputs())
    assert r.percent < everything.percent
    assert all(x.evidence == () for c in r.criteria for x in c.controls)
    assert len(r.unassigned) == len(_per_criterion_files())
