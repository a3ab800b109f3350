"""Scoring by check, not by resource (issue 16): one critical gap cannot hide among passes, fixing things never
lowers a figure, and a control whose risk is gone leaves the denominator instead of reading 0%."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_tracer.catalog.controls import controls
from evidence_tracer.checks.registry import specs
from evidence_tracer.models import Finding, ScanResult, Severity, Status
from evidence_tracer.readiness import assess
from evidence_tracer.readiness.assess import automated_credit, check_shares
from evidence_tracer.readiness.model import CRITICAL_CAP
from tests.test_readiness import inputs, passing_scan, scan

CONTROL = controls()["DATA-02"]  # no public data stores: several checks, critical ones among them
CHECKS = sorted(CONTROL.checks)
CRITICAL = next(c for c in CHECKS if specs()[c].severity is Severity.CRITICAL)


def finding(check_id: str, status: Status, resource: str) -> Finding:
    spec = specs()[check_id]
    return Finding(check_id, status, spec.severity, spec.criteria, resource, "us-east-1", "1", f"{status.value}")


FINDINGS = st.lists(
    st.tuples(st.sampled_from(CHECKS), st.sampled_from([Status.PASS, Status.FAIL, Status.ERROR])),
    min_size=1,
    max_size=30,
).map(lambda rows: [finding(c, s, f"r{i}") for i, (c, s) in enumerate(rows)])


def _with(findings: list[Finding]) -> ScanResult:
    """The passing scan with this control's findings replaced by `findings`."""
    base = passing_scan()
    others = tuple(f for f in base.findings if f.check_id not in CONTROL.checks)
    return replace(base, findings=others + tuple(findings))


def _scores(findings: list[Finding]) -> tuple[float, float, tuple[float, ...]]:
    r = assess(inputs(scan=_with(findings)))
    control = r.control(CONTROL.id)
    assert control is not None
    return control.score, r.percent / 100, tuple(c.score for c in r.criteria if c.criterion.id in CONTROL.criteria)


def test_one_critical_failure_among_many_passes_caps_its_control_and_criteria() -> None:
    """As found: 1303 passes and 3 failures read 99%, the public bucket policy open."""
    passes = [finding(c, Status.PASS, f"ok-{i}") for c in CHECKS for i in range(400)]
    control, _, criteria = _scores([*passes, finding(CRITICAL, Status.FAIL, "public-bucket")])
    assert control <= CRITICAL_CAP and all(score <= CRITICAL_CAP for score in criteria)
    healthy, _, _ = _scores(passes)
    assert healthy == 1.0


@settings(max_examples=60, deadline=None)
@given(FINDINGS, st.integers(min_value=1, max_value=200))
def test_adding_passing_resources_never_hides_an_open_critical(findings: list[Finding], more: int) -> None:
    findings = [*findings, finding(CRITICAL, Status.FAIL, "exposed")]
    padded = [*findings, *(finding(c, Status.PASS, f"pad-{i}") for i in range(more) for c in CHECKS)]
    control, _, criteria = _scores(padded)
    assert control <= CRITICAL_CAP and all(score <= CRITICAL_CAP for score in criteria)


@settings(max_examples=60, deadline=None)
@given(FINDINGS, st.data())
def test_removing_a_failing_resource_never_lowers_a_score(findings: list[Finding], data: st.DataObject) -> None:
    failing = [f for f in findings if f.status is Status.FAIL]
    if not failing:
        return
    fixed = data.draw(st.sampled_from(failing))
    after = [f for f in findings if f is not fixed]
    before_credit, after_credit = automated_credit(check_shares(findings)), automated_credit(check_shares(after))
    assert before_credit is not None
    assert after_credit is None or after_credit >= before_credit
    before, before_percent, _ = _scores(findings)
    now, now_percent, _ = _scores(after)
    assert now >= before and now_percent >= before_percent


def test_a_check_left_with_nothing_to_examine_leaves_the_denominator() -> None:
    """As found: deleting the admin user's only key (the tool's own advice) took AC-03 from 100% to 0%."""
    key_control = controls()["AC-03"]
    base = passing_scan()
    gone = [
        replace(f, status=Status.NOT_APPLICABLE, message="no access keys")
        for f in base.findings
        if f.check_id in key_control.checks
    ]
    others = tuple(f for f in base.findings if f.check_id not in key_control.checks)
    r = assess(inputs(scan=ScanResult(base.scan, others + tuple(gone))))
    control = r.control("AC-03")
    assert control is not None
    [automated] = [p for p in control.parts if p.name == "automated"]
    assert not automated.counts and "not applicable" in automated.detail and "no access keys" in automated.detail
    assert not any(g.control == "AC-03" and "nothing examined" in g.title for g in r.gaps)
    # Its criteria read as they did while the keys it judged were there and rotated: fixing lowered nothing.
    rotated = assess(inputs(scan=base))
    for criterion in key_control.criteria:
        before = next(c for c in rotated.criteria if c.criterion.id == criterion)
        after = next(c for c in r.criteria if c.criterion.id == criterion)
        assert after.score >= before.score, criterion


def test_a_scan_that_examined_nothing_still_earns_nothing() -> None:
    base = passing_scan()
    none = scan(*(replace(f, status=Status.NOT_APPLICABLE) for f in base.findings))
    r = assess(inputs(scan=none))
    assert not r.ready_for_audit and any("nothing examined" in g.title for g in r.gaps)
