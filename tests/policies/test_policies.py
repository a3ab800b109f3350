from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from evidence_tracer.catalog.controls import controls
from evidence_tracer.checks.registry import CheckContext
from evidence_tracer.config import WorkspaceConfig, parse_config
from evidence_tracer.errors import GovernanceError
from evidence_tracer.governance.registers import PeopleFile, PersonRecord, Registers
from evidence_tracer.models import Status
from evidence_tracer.policies.render import POLICY_NAMES, generate, policy_title, render_policy
from evidence_tracer.policies.status import (
    PolicyState,
    acknowledge,
    approve,
    import_acknowledgments,
    policy_statuses,
    version_of,
)
from tests.checks.builders import key, ok, run, user, with_iam

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(autouse=True)
def people(tmp_path: Path) -> None:
    """Approvers and readers are people the register lists."""
    Registers(tmp_path).people.save(
        PeopleFile(
            people=tuple(
                PersonRecord(email=e, role="staff", joined=date(2025, 1, 6), management=e == "ceo@acme.io")
                for e in ("ceo@acme.io", "bob@acme.io")
            )
        )
    )


NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CONFIG = parse_config(
    "company: {name: Acme, security_contact: sec@acme.io}\n"
    "boundary: {accounts: ['111122223333'], regions: [eu-west-1], services: [S3, RDS], ci_cd: [GitHub Actions]}\n"
    "owners: {AC: cto@acme.io, GOV: ceo@acme.io}\n",
    "tracer.yaml",
)


def test_the_ten_core_policies_render_and_every_control_names_one() -> None:
    assert len(POLICY_NAMES) == 10
    assert {c.policy for c in controls().values()} <= set(POLICY_NAMES)
    for name in POLICY_NAMES:
        doc = render_policy(name, CONFIG)
        assert doc.text.startswith(f"# {doc.title} — Acme"), name
        assert doc.controls and doc.criteria, f"{name} states no control"
        assert "compliant" not in doc.text.lower() and "certified" not in doc.text.lower()


def test_access_control_golden() -> None:
    text = render_policy("access_control", CONFIG).text
    path = GOLDEN / "access_control.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_one_parameter_drives_both_the_policy_text_and_the_check() -> None:
    inventory = with_iam(credential_report=ok((user("ci", keys=(key(1, age_days=100),)),)))
    for days, expected in ((90, Status.FAIL), (120, Status.PASS)):
        config = parse_config(f"parameters:\n  access_key_max_age_days: {days}\n", "tracer.yaml")
        text = render_policy("access_control", config).text
        assert f"rotated at least every {days} days" in text
        [finding] = run("iam_access_key_age", inventory, CheckContext(config=config, now=datetime.now(UTC)))
        assert finding.status is expected and (expected is Status.PASS or f"allows {days}" in finding.message)


def test_unknown_policy() -> None:
    with pytest.raises(GovernanceError, match="unknown policy"):
        render_policy("ethics", CONFIG)


def test_generate_keeps_hand_edits_unless_forced(tmp_path: Path) -> None:
    first = dict((d.name, what) for d, what in generate(tmp_path, CONFIG))
    assert set(first.values()) == {"written"}
    assert dict((d.name, w) for d, w in generate(tmp_path, CONFIG))["access_control"] == "unchanged"
    path = tmp_path / "policies" / "access_control.md"
    path.write_text(path.read_text() + "\nLocal addition.\n")
    changed = CONFIG.model_copy(
        update={"parameters": CONFIG.parameters.model_copy(update={"access_key_max_age_days": 60})}
    )
    outcome = dict((d.name, w) for d, w in generate(tmp_path, changed))
    assert outcome["access_control"].startswith("kept: edited by hand")
    assert outcome["information_security"] == "unchanged"
    assert "Local addition." in path.read_text()
    forced = dict((d.name, w) for d, w in generate(tmp_path, changed, force=True))
    assert forced["access_control"] == "updated" and "every 60 days" in path.read_text()


def test_approval_is_voided_by_an_edit_and_acks_need_approval(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    with pytest.raises(GovernanceError, match="not approved"):
        acknowledge(tmp_path, "access_control", "bob@acme.io", NOW)
    with pytest.raises(GovernanceError):
        approve(tmp_path, "access_control", "engineering", NOW)
    approve(tmp_path, "access_control", "ceo@acme.io", NOW)
    acknowledge(tmp_path, "access_control", "bob@acme.io", NOW)

    def state() -> tuple[PolicyState, tuple[str, ...]]:
        statuses = policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)
        found = next(s for s in statuses if s.name == "access_control")
        return found.state, found.acknowledged_by

    assert state() == (PolicyState.APPROVED, ("bob@acme.io",))
    drafts = {s.name: s.state for s in policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)}
    assert drafts["data_handling"] is PolicyState.DRAFT
    path = tmp_path / "policies" / "access_control.md"
    path.write_text(path.read_text().replace("90 days", "900 days"))
    assert state() == (PolicyState.VOID, ())  # the acknowledgment was for the old text too
    recorded = Registers(tmp_path).policies.load()
    assert recorded.approvals[0].approved_by == "ceo@acme.io" and len(recorded.approvals[0].sha256) == 64


def test_review_falls_due_after_the_cadence(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    approve(tmp_path, "access_control", "ceo@acme.io", NOW - timedelta(days=400))
    [status] = [
        s
        for s in policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)
        if s.name == "access_control"
    ]
    assert status.state is PolicyState.OVERDUE
    assert status.review_due == (NOW - timedelta(days=400) + timedelta(days=365)).date()


def test_stale_when_parameters_changed_since_generation(tmp_path: Path) -> None:
    generate(tmp_path, WorkspaceConfig())
    changed = parse_config("parameters: {password_min_length: 16}\n", "t")
    stale = {s.name: s.stale for s in policy_statuses(tmp_path, changed, Registers(tmp_path).policies.load(), NOW)}
    assert stale["access_control"] and not stale["incident_response"]


def test_a_policy_file_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    path = tmp_path / "policies" / "access_control.md"
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    for attempt in (
        lambda: approve(tmp_path, "access_control", "ceo@acme.io", NOW),
        lambda: policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW),
    ):
        with pytest.raises(GovernanceError, match="not a regular file"):
            attempt()
    assert Registers(tmp_path).policies.load().approvals == ()


def test_approvals_and_acknowledgments_need_a_person_in_the_register(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    with pytest.raises(GovernanceError, match="not in the people register"):
        approve(tmp_path, "access_control", "stranger@acme.io", NOW)
    approve(tmp_path, "access_control", "ceo@acme.io", NOW)
    with pytest.raises(GovernanceError, match="not in the people register"):
        acknowledge(tmp_path, "access_control", "stranger@acme.io", NOW)
    with pytest.raises(GovernanceError, match="in the future"):
        acknowledge(tmp_path, "access_control", "bob@acme.io", datetime.now(UTC) + timedelta(days=3))
    assert len(Registers(tmp_path).policies.load().acknowledgments) == 0


def test_customising_a_policy_is_not_punished_but_a_different_threshold_is(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    path = tmp_path / "policies" / "access_control.md"

    def stale() -> bool:
        return next(
            s
            for s in policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)
            if s.name == "access_control"
        ).stale

    path.write_text(path.read_text().replace("## Principles", "## Principles\n\nOur own wording, added by hand."))
    assert not stale()  # the stated parameters still match tracer.yaml
    path.write_text(path.read_text().replace("| access_key_max_age_days | 90 |", "| access_key_max_age_days | 120 |"))
    assert stale()  # it now states another threshold than the checks use
    changed = CONFIG.model_copy(
        update={"parameters": CONFIG.parameters.model_copy(update={"access_key_max_age_days": 120})}
    )
    assert not next(
        s
        for s in policy_statuses(tmp_path, changed, Registers(tmp_path).policies.load(), NOW)
        if s.name == "access_control"
    ).stale


def test_a_file_without_its_parameter_table_is_compared_with_the_rendered_text(tmp_path: Path) -> None:
    generate(tmp_path, CONFIG)
    path = tmp_path / "policies" / "incident_response.md"
    text = path.read_text()
    statuses = {s.name: s for s in policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)}
    assert not statuses["incident_response"].stale
    assert all(statuses[n].title == policy_title(n) == render_policy(n, CONFIG).title for n in POLICY_NAMES)
    path.write_text(text.split("Parameters stated in this policy")[0])  # the table cut off: nothing to compare
    assert next(
        s
        for s in policy_statuses(tmp_path, CONFIG, Registers(tmp_path).policies.load(), NOW)
        if s.name == "incident_response"
    ).stale


def test_no_threshold_is_written_into_a_template() -> None:
    import re

    folder = Path(__file__).parents[2] / "src" / "evidence_tracer" / "policies" / "templates"
    for template in folder.glob("*.j2"):
        literal = re.sub(r"\{\{.*?\}\}", "", template.read_text(), flags=re.S)
        found = re.findall(r"\b\d+\s+(?:days?|hours?|weeks?)\b", literal)
        assert found in ([], ["72\n   hours"]), (template.name, found)  # the GDPR's own 72 hours is the law's


def test_out_of_scope_controls_are_not_listed() -> None:
    security = render_policy("data_handling", CONFIG).text
    assert "PRIV-01" not in security and "CONF-01" not in security
    privacy = CONFIG.model_copy(update={"scope": parse_config("scope: {categories: [security, privacy]}", "t").scope})
    text = render_policy("data_handling", privacy).text
    assert "PRIV-01" in text and "CONF-01" not in text


def test_the_core_policies_cover_what_a_team_adopts() -> None:
    def flat(name: str) -> str:
        return " ".join(render_policy(name, CONFIG).text.split())

    access = flat("access_control")
    for topic in (
        "Provisioning and deprovisioning",
        "source of truth",
        "break-glass",
        "OpenID Connect",
        "Database access",
        "Segregation of duties",
        "enrol their own device",
    ):
        assert topic in access, topic
    incident = flat("incident_response")
    for topic in (
        "| sev1 |",
        "Incident lead",
        "Escalation",
        "within 72 hours of",
        "Evidence handling",
        "post-incident review is held within 14 days",
    ):
        assert topic in incident, topic
    change = flat("change_management")
    for topic in ("schema changes", "Emergency change", "Bypassing", "Environments", "Rollback"):
        assert topic.lower() in change.lower(), topic
    bcdr = flat("business_continuity")
    assert "(RTO)" in bcdr and "within 24 hours" in bcdr and "(RPO)" in bcdr and "48 hours of data" in bcdr
    for name in POLICY_NAMES:
        text = render_policy(name, CONFIG).text
        assert "| Version |" in text and "| Owner |" in text and "Approved by:" in text, name


def test_acknowledgments_import_from_a_form_export(tmp_path: Path) -> None:
    from evidence_tracer.policies.status import import_acknowledgments

    generate(tmp_path, CONFIG)
    approve(tmp_path, "access_control", "ceo@acme.io", NOW)
    approve(tmp_path, "acceptable_use", "ceo@acme.io", NOW)
    good = tmp_path / "form.csv"
    good.write_text(
        "email,policy,version,timestamp,extra\n"
        "bob@acme.io,access_control,1,2026-11-22T13:00:00Z,x\n"
        "CEO@acme.io,acceptable_use,1,2026-11-22T14:00:00+00:00,\n"
    )
    result = import_acknowledgments(tmp_path, good, NOW)
    assert (result.recorded, result.already) == (2, 0)
    acks = Registers(tmp_path).policies.load().acknowledgments
    assert {a.person for a in acks} == {"bob@acme.io", "ceo@acme.io"}
    assert all(a.method.startswith("imported from form.csv (sha256 ") for a in acks)
    assert import_acknowledgments(tmp_path, good, NOW).already == 2  # importing twice adds nothing
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "email,policy,version,timestamp\n"
        "stranger@acme.io,access_control,1,2026-11-22T13:00:00Z\n"
        "bob@acme.io,access_control,2,2026-11-22T13:00:00Z\n"
        "bob@acme.io,data_handling,1,2026-11-22T13:00:00Z\n"
        "bob@acme.io,acceptable_use,1,2026-11-01T13:00:00Z\n"
        "bob@acme.io,acceptable_use,1,2026-11-22 13:00\n"
        "ceo@acme.io,acceptable_use,1,2030-01-01T00:00:00Z\n"
    )
    with pytest.raises(GovernanceError) as error:
        import_acknowledgments(tmp_path, bad, NOW)
    message = str(error.value)
    for line, problem in (
        (2, "not in the people register"),
        (3, "not the approved version 1"),
        (4, "not approved in its current form"),
        (5, "before the text was approved"),
        (6, "no time zone"),
        (7, "in the future"),
    ):
        assert f"bad.csv:{line}: " in message and problem in message, (line, problem)
    assert len(Registers(tmp_path).policies.load().acknowledgments) == 2  # nothing from the bad file


def test_only_active_management_approves_and_only_active_people_acknowledge(tmp_path: Path) -> None:
    """Issue 16 as found: a leaver (left six days earlier) approved and acknowledged, an Engineer approved the
    Access Control Policy."""
    Registers(tmp_path).people.save(
        PeopleFile(
            people=(
                PersonRecord(email="ceo@acme.io", role="CEO", joined=date(2025, 1, 6), management=True),
                PersonRecord(email="eng@acme.io", role="Engineer", joined=date(2025, 1, 6)),
                PersonRecord(
                    email="bob@acme.io",
                    role="CTO",
                    joined=date(2025, 1, 6),
                    management=True,
                    left=NOW.date() - timedelta(days=6),
                    access_removed=NOW.date() - timedelta(days=6),
                ),
                PersonRecord(email="new@acme.io", role="CFO", joined=NOW.date() + timedelta(days=10), management=True),
            )
        )
    )
    generate(tmp_path, CONFIG)
    with pytest.raises(GovernanceError, match="not management"):
        approve(tmp_path, "access_control", "eng@acme.io", NOW)
    with pytest.raises(GovernanceError, match="not an active person"):
        approve(tmp_path, "access_control", "bob@acme.io", NOW)  # the leaver
    with pytest.raises(GovernanceError, match="not an active person"):
        approve(tmp_path, "access_control", "new@acme.io", NOW)  # not joined yet
    assert Registers(tmp_path).policies.load().approvals == ()
    approve(tmp_path, "access_control", "ceo@acme.io", NOW)
    acknowledge(tmp_path, "access_control", "eng@acme.io", NOW)  # anyone active acknowledges
    with pytest.raises(GovernanceError, match="not an active person"):
        acknowledge(tmp_path, "access_control", "bob@acme.io", NOW)
    version = version_of(
        Registers(tmp_path).policies.load(), "access_control", Registers(tmp_path).policies.load().approvals[0].sha256
    )
    sheet = tmp_path / "acks.csv"
    sheet.write_text(f"email,policy,version,timestamp\nbob@acme.io,access_control,{version},{NOW.isoformat()}\n")
    with pytest.raises(GovernanceError, match="not an active person"):
        import_acknowledgments(tmp_path, sheet, NOW)


@pytest.mark.parametrize(
    ("form", "export", "zone"),
    [
        (
            "google",
            "Timestamp,Email Address,Policy,I have read the policy\n"
            "11/22/2026 14:03:22,bob@acme.io,Access Control Policy,Yes\n",
            "Europe/Berlin",
        ),
        (
            "microsoft",
            "ID,Start time,Completion time,Email,Name,Policy\n"
            "1,11/22/26 14:01:00,11/22/26 14:03:22,bob@acme.io,Bob,access_control\n",
            "Europe/Berlin",
        ),
    ],
)
def test_a_google_or_microsoft_forms_export_imports_with_its_zone(
    tmp_path: Path, form: str, export: str, zone: str
) -> None:
    from datetime import UTC

    from evidence_tracer.policies.forms import Layout
    from evidence_tracer.policies.status import import_acknowledgments

    generate(tmp_path, CONFIG)
    approve(tmp_path, "access_control", "ceo@acme.io", NOW.replace(hour=10))
    path = tmp_path / "export.csv"
    path.write_text(export)
    with pytest.raises(GovernanceError, match="no time zone: pass --timezone"):
        import_acknowledgments(tmp_path, path, NOW, Layout.of(form, {}, None))
    result = import_acknowledgments(tmp_path, path, NOW, Layout.of(form, {}, zone))
    assert result.recorded == 1
    (ack,) = Registers(tmp_path).policies.load().acknowledgments
    assert ack.person == "bob@acme.io" and ack.policy == "access_control"
    assert ack.acknowledged_at.astimezone(UTC).hour == 13  # 14:03 in Berlin (CET) is 13:03 UTC
    with pytest.raises(GovernanceError, match="--form 'typeform'"):
        Layout.of("typeform", {}, None)
    with pytest.raises(GovernanceError, match="is not a time zone"):
        Layout.of(form, {}, "Mars/Olympus")


def test_policies_render_as_pages_with_the_approval_filled_in(tmp_path: Path) -> None:
    from tests.cli.conftest import tracer_in_process

    ws = tmp_path / "ws"
    done = tracer_in_process("init", "-w", str(ws), "--company", "Acme <b>", "--owner", "ceo@acme.io")
    assert done.returncode == 0, done.stderr
    assert tracer_in_process("policies", "generate", "-w", str(ws)).returncode == 0
    out = tmp_path / "pages"
    done = tracer_in_process("policies", "render", "access_control", "--out", str(out), "-w", str(ws))
    assert done.returncode == 0, done.stderr
    page = (out / "access_control.html").read_text()
    assert "<h2>" in page and "Acme &lt;b&gt;" in page and "Acme <b>" not in page
    bad = tracer_in_process("policies", "render", "--format", "docx", "-w", str(ws))
    assert bad.returncode == 2 and "html or pdf" in bad.stderr
