"""Readiness scoring, prioritisation and the plan, from hand-built inputs (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from evidence_tracer.catalog.controls import controls
from evidence_tracer.config import WorkspaceConfig, parse_config
from evidence_tracer.evidence.items import EvidenceItem, Kind
from evidence_tracer.governance.registers import PeopleFile
from evidence_tracer.inventory import Inventory, Observed, SourcePart
from evidence_tracer.inventory.aws import CREDENTIAL_REPORT, CredentialReportRow
from evidence_tracer.models import Finding, ScanInfo, ScanResult, Severity, Status
from evidence_tracer.policies.render import POLICY_NAMES
from evidence_tracer.policies.status import PolicyState, PolicyStatus
from evidence_tracer.readiness import ReadinessInputs, assess
from tests.governance.test_overdue import BOUNDARY_YAML, MANAGER, REVIEWED_SCAN, healthy

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)  # a Sunday
# jane (management) owns every control but the people ones, which a@acme.io operates.
EVERYONE = "\n".join(f"  {cid}: {'a@acme.io' if cid == 'GOV-05' else 'jane@acme.io'}" for cid in controls())
FULL = parse_config(
    BOUNDARY_YAML + f"audit: {{target_date: 2027-03-01}}\nowners:\n{EVERYONE}\n",
    "tracer.yaml",
)


def policies(state: PolicyState = PolicyState.APPROVED, **overrides: PolicyState) -> tuple[PolicyStatus, ...]:
    return tuple(
        PolicyStatus(n, n, overrides.get(n, state), "0" * 64, None, None, ("a@acme.io", MANAGER), False)
        for n in POLICY_NAMES
    )


def scan(*findings: Finding) -> ScanResult:
    info = ScanInfo(REVIEWED_SCAN[0], REVIEWED_SCAN[1], REVIEWED_SCAN[1], "1", ("us-east-1",), "0.1.0")
    return ScanResult(info, findings)


def passing_scan() -> ScanResult:
    checks = {c for control in controls().values() for c in control.checks}
    return scan(*(Finding(c, Status.PASS, Severity.HIGH, ("CC6.1",), "r", "us-east-1", "1", "ok") for c in checks))


def manual_for_everything() -> tuple[EvidenceItem, ...]:
    return tuple(
        EvidenceItem(
            f"m{i}",
            Kind.MANUAL,
            "0" * 64,
            1,
            "text/plain",
            NOW,
            "0.1.0",
            criteria=c.criteria,
            control=c.id,
            author="a@acme.io",
            filename="f",
        )
        for i, c in enumerate(controls().values())
        if c.evidence
    )


def accounts() -> Inventory:
    """An inventory whose one account is the register's one person, covered by the last access review."""
    row = CredentialReportRow(
        user="a@acme.io",
        arn="arn:aws:iam::111122223333:user/a@acme.io",
        created=None,
        password_enabled=True,
        password_last_used=None,
        mfa_active=True,
        access_keys=(),
    )
    return Inventory((SourcePart("aws", "111122223333", data={CREDENTIAL_REPORT.slot(): Observed.ok((row,))}),))


def inputs(config: WorkspaceConfig = FULL, **changes: object) -> ReadinessInputs:
    base = {
        "config": config,
        "now": NOW,
        "scan": passing_scan(),
        "manual": manual_for_everything(),
        "policies": policies(),
        "registers": healthy(),
        "inventory": accounts(),
        "scans": (REVIEWED_SCAN,),
    }
    return ReadinessInputs(**{**base, **changes})  # type: ignore[arg-type]


def test_everything_in_place_is_100_percent_and_ready_for_audit() -> None:
    r = assess(inputs())
    assert r.percent == 100 and r.gaps == () and r.ready_for_audit
    assert len(r.criteria) == 33 and r.scope == ("security",)


def test_scope_decides_which_criteria_count() -> None:
    config = FULL.model_copy(
        update={"scope": parse_config("scope: {categories: [security, availability, privacy]}", "t").scope}
    )
    r = assess(inputs(config))
    assert len(r.criteria) == 33 + 3 + 18
    assert [c.criterion.id for c in r.criteria][-1] == "P8.1"


def test_failing_and_unverifiable_checks_become_prioritised_gaps() -> None:
    bad = scan(
        Finding(
            "ec2_sg_open_admin_ports",
            Status.FAIL,
            Severity.HIGH,
            ("CC6.6",),
            "sg-1",
            "us-east-1",
            "1",
            "sg-1 opens SSH",
            "aws ec2 revoke-security-group-ingress ...",
        ),
        Finding(
            "iam_root_mfa",
            Status.FAIL,
            Severity.CRITICAL,
            ("CC6.1", "CC6.2"),
            "root",
            "global",
            "1",
            "no root MFA",
            "enable MFA",
        ),
        Finding(
            "guardduty_enabled",
            Status.ERROR,
            Severity.HIGH,
            ("CC7.3",),
            "gd",
            "eu-west-1",
            "1",
            "Not evaluated — AccessDenied",
        ),
        Finding(
            "s3_bucket_encryption",
            Status.FAIL,
            Severity.MEDIUM,
            ("CC6.1", "CC6.7", "C1.1"),
            "b",
            "us-east-1",
            "1",
            "b unencrypted",
            "aws s3api put-bucket-encryption ...",
        ),
    )
    r = assess(inputs(scan=bad))
    assert [g.severity for g in r.gaps] == sorted((g.severity for g in r.gaps), key=lambda s: s.rank)
    assert r.gaps[0].severity is Severity.CRITICAL and "root MFA" in r.gaps[0].title
    error = next(g for g in r.gaps if g.title.startswith("guardduty_enabled could not run"))
    assert error.severity is Severity.HIGH and "iam-policy.json" in error.action
    assert next(g for g in r.gaps if "sg-1" in g.title).owner == "jane@acme.io"
    assert not r.ready_for_audit and r.percent < 100
    cc66 = next(c for c in r.criteria if c.criterion.id == "CC6.6")
    assert cc66.count(Status.FAIL) == 1 and cc66.score < 1


def test_no_scan_means_automated_controls_are_not_met() -> None:
    r = assess(inputs(scan=None))
    assert any(g.title == "No AWS scan yet" for g in r.gaps)
    assert next(c for c in r.criteria if c.criterion.id == "CC6.6").score < 1


def test_missing_owner_policy_and_evidence() -> None:
    config = parse_config("owners: {AC: cto@acme.io}\n", "t")
    r = assess(inputs(config, manual=(), policies=policies(PolicyState.DRAFT, access_control=PolicyState.APPROVED)))
    titles = [g.title for g in r.gaps]
    assert "GOV-01 Code of conduct has no named owner" in titles
    assert not any(t.startswith("AC-") and "owner" in t for t in titles)
    assert "Policy data_handling is draft" in titles and "Policy access_control is draft" not in titles
    assert "No evidence for CM-01 Change management" in titles
    # Register-backed controls need no upload when the register is healthy.
    assert not any("No evidence for AC-06" in t for t in titles)
    # Self-evident controls: this config has no boundary (so none was confirmed); the scan history is present.
    assert any(g.control == "GOV-09" and "boundary" in g.title for g in r.gaps)
    assert not any("MON-01" in t for t in titles if t.startswith("No evidence"))
    assert r.percent < 100


def test_overdue_policy_review_is_medium() -> None:
    r = assess(inputs(policies=policies(information_security=PolicyState.OVERDUE)))
    [gap] = [g for g in r.gaps if g.source == "policy"]
    assert gap.severity is Severity.MEDIUM and "review overdue" in gap.title


def test_without_a_target_date_the_plan_starts_this_week_and_says_so() -> None:
    r = assess(inputs(config=parse_config("owners: {AC: cto@acme.io}\n", "t"), manual=()))
    assert len(r.plan) == 13 and r.plan[0].start == date(2026, 11, 16)  # NOW is a Sunday: its week's Monday
    assert all(b.start - a.start == timedelta(weeks=1) for a, b in zip(r.plan, r.plan[1:], strict=False))
    assert any(g.title.startswith("No audit target date") for g in r.gaps)
    assert any("has no named owner" in t for t in r.plan[0].tasks)


def _ssh(n: int, owner_scan: bool = True) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            "ec2_sg_open_admin_ports",
            Status.FAIL,
            Severity.HIGH,
            ("CC6.6",),
            f"sg-{i}",
            "us-east-1",
            "1",
            f"sg-{i} opens SSH",
            "revoke",
        )
        for i in range(n)
    )


ROOT = Finding("iam_root_mfa", Status.FAIL, Severity.CRITICAL, ("CC6.1",), "root", "global", "1", "no root MFA", "x")
PUBLIC_DB = Finding(
    "rds_not_publicly_accessible", Status.FAIL, Severity.CRITICAL, ("CC6.6",), "db", "us-east-1", "1", "public", "x"
)


def test_the_plan_starts_this_week_even_when_the_target_is_far_and_ends_in_the_report_week() -> None:
    far = FULL.model_copy(update={"audit": parse_config("audit: {target_date: 2027-09-30}", "t").audit})
    r = assess(inputs(config=far, scan=scan(ROOT, PUBLIC_DB, *_ssh(8))))
    assert r.plan[0].start == date(2026, 11, 16) and r.plan[0].week == 1
    assert r.plan[-1].start <= date(2027, 9, 30) < r.plan[-1].start + timedelta(days=7)
    assert r.plan[-1].phase == r.plan[-2].phase == "Audit" and r.plan[-2].start == r.plan[-1].start - timedelta(weeks=1)
    week1 = " ".join(r.plan[0].tasks)
    # Every critical exposure in week 1 (the public database as well as the ten-minute root MFA fix).
    assert "iam_root_mfa" in week1 and "~30 min" in week1 and "rds_not_publicly_accessible" in week1
    assert "shortlist 2-3 CPA firms" in week1 and "$8-15K" in week1 and "not an endorsement" in week1
    assert any("Engage the CPA firm" in t for t in r.plan[1].tasks)
    everything = " ".join(t for w in r.plan for t in w.tasks)
    for task in ("penetration test", "$3-8K", "system description", "security training", "device management"):
        assert task in everything, task


def test_each_owners_hours_are_respected_and_a_spill_is_said() -> None:
    r = assess(inputs(scan=scan(*_ssh(8))))
    per_week = [sum("ec2_sg_open_admin_ports" in t for t in w.tasks) for w in r.plan]
    assert sum(per_week) == 8 and max(per_week) == 3  # 2 h each, 6 h a week for jane
    assert not r.plan_warnings
    crowded = assess(inputs(scan=scan(*_ssh(80))))
    assert any("do not fit before the report week at 6 h a week per owner" in w for w in crowded.plan_warnings)
    soon = FULL.model_copy(update={"audit": parse_config("audit: {target_date: 2026-12-20}", "t").audit})
    short = assess(inputs(config=soon, scan=scan(ROOT, *_ssh(2))))
    assert any("compressed" in w for w in short.plan_warnings) and len(short.plan) == 5  # to the week of Dec 14
    assert "iam_root_mfa" in " ".join(short.plan[0].tasks)


def test_people_and_policies_come_before_the_acknowledgment_rollout() -> None:
    r = assess(inputs(registers=replace(healthy(), people=PeopleFile())))
    where = {t: w.week for w in r.plan for t in w.tasks}
    empty = next(week for t, week in where.items() if "The people register is empty" in t)
    rollout = next(week for t, week in where.items() if t.startswith("Roll out security training"))
    assert empty < rollout


def test_checks_that_could_not_look_are_a_list_with_the_right_action_not_tasks() -> None:
    from evidence_tracer.checks.registry import Emit, specs
    from evidence_tracer.inventory.base import Failure

    def error(code: str) -> Finding:
        emit = Emit(specs()["iam_access_analyzer_enabled"], SourcePart("aws", "1"))
        return emit.error(Failure("accessanalyzer", "ListAnalyzers", "eu-west-1", code, "m"), "analyzer", "eu-west-1")

    errors = (error("AccessDeniedException"), replace(error("HTTP500"), resource_id="b"))
    r = assess(inputs(scan=scan(*passing_scan().findings, *errors)))
    actions = [g.action for g in r.could_not_look]
    assert any(a.startswith("Grant the scan role accessanalyzer:ListAnalyzers") for a in actions)
    assert any(a.startswith("The accessanalyzer endpoint did not answer (HTTP500): re-run the scan") for a in actions)
    assert not any("could not run" in t for w in r.plan for t in w.tasks)
    assert any(t.startswith("Make every check able to look: 2 could not") for t in r.plan[0].tasks)
    analyzer = next(x for c in r.criteria for x in c.controls if "iam_access_analyzer_enabled" in x.control.checks)
    assert analyzer.score < 1  # an error is never a pass


def test_approved_and_acknowledged_policies_are_their_own_evidence() -> None:
    without_uploads = tuple(m for m in manual_for_everything() if m.control != "GOV-07")
    r = assess(inputs(manual=without_uploads))
    assert not any("GOV-07" in g.title for g in r.gaps)
    drafts = assess(inputs(manual=without_uploads, policies=policies(data_handling=PolicyState.DRAFT)))
    assert "No evidence for GOV-07 Policies approved and acknowledged" in [g.title for g in drafts.gaps]


def test_boundary_coverage_counts_only_services_checks_actually_judged() -> None:
    from evidence_tracer.catalog.services import boundary_services
    from evidence_tracer.checks.registry import specs

    # Every check's service is reachable from some boundary service, and every examined_by names real checks.
    examined = {s for b in boundary_services().values() for s in b.examined_by}
    assert {spec.service for spec in specs().values()} == examined

    config = parse_config("boundary: {services: [S3, Aurora, ECS, Foo]}\n", "t")
    findings = (
        Finding("s3_bucket_encryption", Status.PASS, Severity.MEDIUM, ("CC6.1",), "b", "us-east-1", "1", "ok"),
        Finding("rds_storage_encrypted", Status.ERROR, Severity.HIGH, ("CC6.1",), "d", "us-east-1", "1", "x"),
    )
    r = assess(inputs(config=config, scan=scan(*findings)))
    coverage = {c.name: c for c in r.coverage}
    assert coverage["S3"].checks == ("s3_bucket_encryption",)
    assert not coverage["Aurora"].automated  # its only check errored: it could not look
    assert not coverage["ECS"].automated and not coverage["Foo"].automated
    assert r.coverage_line == "automated coverage: 1 of 4 boundary services (none for Aurora, ECS, Foo)"
    titles = [g.title for g in r.gaps]
    for name in ("Aurora", "ECS", "Foo"):
        assert f"Boundary service {name} is examined by no check and has no evidence" in titles
    assert "Boundary service S3 is examined by no check and has no evidence" not in titles
