from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.catalog.criteria import Category
from evidence_tracer.config import load_config
from evidence_tracer.errors import ConfigError, GovernanceError
from evidence_tracer.governance.owners import unowned


def test_answers_become_a_loadable_config_with_every_control_owned(tmp_path: Path) -> None:
    answers = InitAnswers(
        company="Acme: Analytics",
        owner="jane@acme.io",
        uptime_sla=True,
        personal_data=True,
        accounts=("012345678901",),
        regions=("eu-west-1",),
        services=("S3",),
        ci_cd=("GitHub",),
        parameters={"access_key_max_age_days": 60},
    )
    path = create_workspace(tmp_path, answers)
    config = load_config(tmp_path)
    assert config.company.name == "Acme: Analytics"
    assert config.scope.categories == (Category.SECURITY, Category.AVAILABILITY, Category.PRIVACY)
    assert config.boundary.accounts == ("012345678901",)  # kept as a string, leading zero and all
    assert config.parameters.access_key_max_age_days == 60
    assert unowned(config) == []
    assert "add when you commit to uptime" in path.read_text()


def test_security_alone_by_default(tmp_path: Path) -> None:
    create_workspace(tmp_path, InitAnswers(company="A", owner="jane@acme.io"))
    assert load_config(tmp_path).scope.categories == (Category.SECURITY,)


def test_group_owner_rejected_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(GovernanceError, match="group"):
        create_workspace(tmp_path, InitAnswers(company="A", owner="engineering@acme.io"))
    assert not (tmp_path / "tracer.yaml").exists()


def test_existing_config_is_not_overwritten(tmp_path: Path) -> None:
    create_workspace(tmp_path, InitAnswers(company="A", owner="jane@acme.io"))
    with pytest.raises(ConfigError, match="already exists"):
        create_workspace(tmp_path, InitAnswers(company="B", owner="jane@acme.io"))
    create_workspace(tmp_path, InitAnswers(company="B", owner="jane@acme.io"), force=True)
    assert load_config(tmp_path).company.name == "B"


def test_init_creates_the_signing_key_and_records_its_fingerprint(tmp_path: Path) -> None:
    from evidence_tracer.config import load_config
    from evidence_tracer.evidence.signing import fingerprint, load_or_create_key

    create_workspace(tmp_path, InitAnswers(company="Acme", owner="cto@acme.io"))
    key = load_or_create_key(tmp_path / ".tracer")
    assert load_config(tmp_path).signing.public_key_fingerprint == fingerprint(key.public_key())
    assert (tmp_path / ".tracer" / "signing-key").stat().st_mode & 0o077 == 0


def test_answers_cannot_inject_yaml(tmp_path: Path) -> None:
    company = 'Evil" Co\nowners:\n  AC: the team\nparameters: {access_key_max_age_days: 9999}  # x'
    contact = "sec@evil.example\nsources: {aws: {enabled: false}}"
    create_workspace(
        tmp_path,
        InitAnswers(
            company=company,
            owner="jane@acme.io",
            security_contact=contact,
            services=("S3\nboundary: []", "EC2"),
            regions=("eu-west-1",),
        ),
    )
    config = load_config(tmp_path)
    assert config.company.name == company and config.company.security_contact == contact
    assert config.parameters.access_key_max_age_days == 90 and config.sources.aws.enabled
    assert config.boundary.services == ("S3\nboundary: []", "EC2")
    assert unowned(config) == [] and "the team" not in str(config.owners)
