"""A new workspace from `tracer init` to a readiness report, as a small team would go through it."""

from __future__ import annotations

import json
from pathlib import Path

from evidence_tracer.catalog.criteria import Category
from evidence_tracer.config import load_config
from tests.cli.conftest import fake_aws_env, tracer, tracer_in_process


def run(ws: Path, *args: str, env: dict[str, str] | None = None, ok: bool = True) -> str:
    out = tracer_in_process(*args, "-w", str(ws), env=env)
    assert (out.returncode == 0) is ok, out.stdout + out.stderr
    return out.stdout + out.stderr


def test_init_to_readiness_end_to_end(moto_server: str, tmp_path: Path) -> None:
    ws = tmp_path / "acme"
    ws.mkdir()
    run(
        ws,
        "init",
        "--company",
        "Acme",
        "--owner",
        "jane@acme.io",
        "--uptime-sla",
        "--region",
        "us-east-1",
        "--account",
        "123456789012",
        "--service",
        "S3",
        "--service",
        "EC2",
        "--ci-cd",
        "GitHub Actions",
        "--access-key-max-age",
        "60",
    )
    before = json.loads(run(ws, "report", "--readiness", "--format", "json"))
    assert before["scan_id"] is None and before["scope"] == ["security", "availability"]
    assert any(g["title"] == "No AWS scan yet" for g in before["gaps"])

    run(ws, "scan", env=fake_aws_env(moto_server))
    run(
        ws,
        "people",
        "add",
        "jane@acme.io",
        "--role",
        "CTO",
        "--joined",
        "2024-01-10",
        "--management",
        "--background-check",
        "2024-01-05",
        "--training",
        "2026-09-01",
    )
    run(ws, "people", "add", "sam@acme.io", "--role", "Engineer", "--joined", "2025-02-01")
    run(ws, "policies", "generate")
    assert "every 60 days" in (ws / "policies" / "access_control.md").read_text()
    for policy in (
        "information_security",
        "access_control",
        "incident_response",
        "change_management",
        "risk_assessment",
        "vendor_management",
        "business_continuity",
        "acceptable_use",
        "data_handling",
        "security_training",
    ):
        run(ws, "policies", "approve", policy, "--by", "jane@acme.io")
        run(ws, "policies", "ack", policy, "--by", "jane@acme.io")
    assert run(ws, "policies", "approve", "access_control", "--by", "the team", ok=False).count("named person")

    run(ws, "people", "update", "sam@acme.io", "--left", "2026-10-01")  # no access removal recorded
    run(ws, "vendors", "add", "AWS", "--data", "all production data", "--dpa", "--soc2-report", "2026-06-30")
    run(
        ws,
        "risks",
        "add",
        "Leaked access key",
        "--likelihood",
        "3",
        "--impact",
        "5",
        "--treatment",
        "mitigate",
        "--owner",
        "jane@acme.io",
    )
    run(
        ws,
        "risks",
        "add",
        "Insider data export",
        "--likelihood",
        "2",
        "--impact",
        "5",
        "--treatment",
        "mitigate",
        "--owner",
        "jane@acme.io",
        "--fraud",
    )
    run(ws, "access-reviews", "add", "--reviewer", "jane@acme.io", "--systems", "AWS IAM")
    run(ws, "exercises", "add", "tabletop", "--facilitator", "jane@acme.io", "--scenario", "key leak")
    assert "not a date" in run(ws, "people", "add", "x@acme.io", "--role", "r", "--joined", "soon", ok=False)
    memo = tmp_path / "minutes.md"
    memo.write_text("board review minutes: security programme reviewed")
    run(ws, "evidence", "add", "GOV-02", str(memo), "--note", "annual review", "--by", "jane@acme.io")

    status = run(ws, "status")
    assert "SOC 2-aligned" in status and "Most urgent gaps" in status
    assert "critical" in status and "sam@acme.io" in status  # the leaver is the most urgent gap
    data = json.loads(run(ws, "report", "--readiness", "--format", "json"))
    assert data["readiness_percent"] > before["readiness_percent"]
    titles = [g["title"] for g in data["gaps"]]
    critical = [g["title"] for g in data["gaps"] if g["severity"] == "critical"]
    assert titles[: len(critical)] == critical  # critical first
    assert any(t.startswith("Leaver sam@acme.io") for t in critical)
    assert not any(t.startswith("Policy ") for t in titles)
    assert any(t.startswith("iam_root_mfa") for t in titles)
    assert not any("has no named owner" in t for t in titles)
    html = ws / "readiness.html"
    run(ws, "report", "--readiness", "--format", "html", "--output", str(html))
    assert "Plan to audit, week by week" in html.read_text()
    for listing in (
        ("policies", "list"),
        ("people", "list"),
        ("vendors", "list"),
        ("risks", "list"),
        ("access-reviews", "list"),
        ("exercises", "list"),
    ):
        run(ws, *listing)

    # One parameter, two effects: the policy is now out of date and its approval void once regenerated.
    config = ws / "tracer.yaml"
    config.write_text(config.read_text().replace("access_key_max_age_days: 60", "access_key_max_age_days: 30"))
    assert "no: states other values" in run(ws, "policies", "list")
    run(ws, "policies", "generate")
    listed = run(ws, "policies", "list")
    assert "approval void" in listed
    after = json.loads(run(ws, "report", "--readiness", "--format", "json"))
    assert "Policy access_control is approval void" in [g["title"] for g in after["gaps"]]


def test_interactive_init(tmp_path: Path) -> None:
    answers = (
        "Beta Corp\nkim@beta.io\ny\nn\ny\nn\n"
        "eu-west-1\n012345678901\n"  # a region where an account id belongs is asked again
        "123456789012, eu-west-1\neu-west-1, eu-central-1\n"
        "S3, RDS, Snowflake\nGitHub Actions\nn\n2027-03-31\n"
    )
    out = tracer("init", "-w", str(tmp_path), "--interactive", stdin=answers)
    assert out.returncode == 0, out.stderr
    assert "'eu-west-1' is not an AWS account id: 12 digits (that is a region); try again" in out.stdout
    assert "'123456789012' is not an AWS region like eu-west-1 (that is an account id); try again" in out.stdout
    assert "Snowflake is not a service Evidence Tracer checks" in out.stdout
    config = load_config(tmp_path)
    assert config.scope.categories == (Category.SECURITY, Category.AVAILABILITY, Category.PRIVACY)
    assert config.boundary.accounts == ("012345678901",)
    assert config.boundary.regions == ("eu-west-1", "eu-central-1")
    assert config.boundary.services == ("S3", "RDS", "Snowflake") and config.boundary.ci_cd == ("GitHub Actions",)
    assert "kim@beta.io" in (tmp_path / "tracer.yaml").read_text()
    assert config.audit.target_date is not None and config.audit.target_date.isoformat() == "2027-03-31"


def test_init_rejects_a_team_as_owner(tmp_path: Path) -> None:
    out = tracer("init", "-w", str(tmp_path), "--company", "X", "--owner", "team@x.io")
    assert out.returncode == 2 and "group" in out.stderr and not (tmp_path / "tracer.yaml").exists()


def test_status_outside_a_workspace_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    out = tracer("status", "-w", str(tmp_path))
    assert out.returncode == 2 and out.stderr.strip().endswith("run `tracer init` there first (or pass -w WORKSPACE)")
    assert list(tmp_path.iterdir()) == []
    missing = tmp_path / "nowhere"
    out = tracer("report", "--readiness", "-w", str(missing))
    assert out.returncode == 2 and "tracer init -w" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not missing.exists()


def test_interactive_init_asks_again_accepts_common_dates_and_leaves_nothing_when_aborted(tmp_path: Path) -> None:
    answers = (
        "\nBeta Corp\n"  # an empty company name is asked again
        "team@beta.io\nkim@beta.io\n"  # a group address is refused at once, not after nine more questions
        "n\nn\nn\nn\n123456789012\neu-west-1\nS3\nGitHub Actions\n"
        "y\n2026-07-01\n30 September 2026\n"  # a Type 2, over a period given in two common forms
        "04/03/2027\n31/03/2027\n"  # an ambiguous date is asked again; 31/03/2027 is the 31st of March
    )
    out = tracer("init", "-w", str(tmp_path / "beta"), "--interactive", stdin=answers)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("Company name:") == 2
    assert "is a group or role address" in out.stdout and "could be 4/3 or 3/4" in out.stdout
    config = load_config(tmp_path / "beta")
    assert config.audit.target_date is not None and config.audit.target_date.isoformat() == "2027-03-31"
    assert config.audit.type.value == "type2" and config.audit.period is not None
    assert (config.audit.period.start.isoformat(), config.audit.period.end.isoformat()) == ("2026-07-01", "2026-09-30")
    short = tracer(
        "init", "-w", str(tmp_path / "eps"), "--company", "E", "--owner", "e@e.io",
        "--period-start", "2026-01-01", "--period-end", "2026-02-01",
    )  # fmt: skip
    assert short.returncode == 2 and "a Type 2 period is 3 to 12 months" in short.stderr
    assert not (tmp_path / "eps").exists()  # nothing created: not even the signing key
    aborted = tracer("init", "-w", str(tmp_path / "gamma"), "--interactive", stdin="Gamma\nkim@gamma.io\ny\n")
    assert aborted.returncode != 0 and not (tmp_path / "gamma").exists()  # the input ended: nothing written
    dated = tracer(
        "init", "-w", str(tmp_path / "delta"), "--company", "D", "--owner", "d@d.io", "--audit-date", "31 March 2027"
    )
    assert dated.returncode == 0 and load_config(tmp_path / "delta").audit.target_date is not None
