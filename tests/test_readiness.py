"""Readiness scoring, prioritisation and the plan, from hand-built inputs (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from evidence_tracer.catalog.controls import controls
from evidence_tracer.config import WorkspaceConfig, parse_config
from evidence_tracer.evidence.items import EvidenceItem, Kind
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


def test_without_a_target_date_the_plan_starts_next_monday_and_says_so() -> None:
    r = assess(inputs(config=parse_config("owners: {AC: cto@acme.io}\n", "t"), manual=()))
    assert len(r.plan) == 13 and r.plan[0].start == date(2026, 11, 23)
    assert all(b.start - a.start == timedelta(weeks=1) for a, b in zip(r.plan, r.plan[1:], strict=False))
    assert any(g.title.startswith("No audit target date") for g in r.gaps)
    assert any("has no named owner" in t for t in r.plan[0].tasks)


def test_a_plan_anchored_on_the_target_date_never_recedes_and_shows_what_is_late() -> None:
    bad = scan(
        Finding(
            "iam_root_mfa", Status.FAIL, Severity.CRITICAL, ("CC6.1",), "root", "global", "1", "no root MFA", "enrol"
        ),
        *(
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
            for i in range(8)
        ),
    )
    first = assess(inputs(scan=bad))
    later = assess(
        inputs(
            scan=replace(bad, scan=replace(bad.scan, finished_at=NOW + timedelta(days=27))),
            now=NOW + timedelta(days=28),
        )
    )
    assert [w.start for w in first.plan] == [w.start for w in later.plan]  # re-run four weeks on: same dates
    assert first.plan[-1].start <= date(2027, 3, 1) < first.plan[-1].start + timedelta(days=7)
    assert not any(w.late for w in first.plan)
    late = [w.week for w in later.plan if w.late]
    assert late and all(later.plan[i - 1].start + timedelta(days=7) <= later.generated_at.date() for i in late)
    week1 = " ".join(first.plan[0].tasks)
    assert "iam_root_mfa" in week1 and "~30 min" in week1  # the ten-minute fix is not left for week 5
    assert "shortlist 2-3 CPA firms" in week1 and "$8-15K" in week1 and "not an endorsement" in week1
    assert "Engage the CPA firm" in first.plan[1].tasks[0]
    everything = " ".join(t for w in first.plan for t in w.tasks)
    for task in ("penetration test", "$3-8K", "system description", "security training", "device management"):
        assert task in everything, task
    fixes = [t for w in first.plan[3:5] for t in w.tasks if "ec2_sg_open_admin_ports" in t]
    assert len(fixes) == 8 and sum("ec2_sg_open_admin_ports" in t for t in first.plan[3].tasks) == 3  # 6 h a week


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
