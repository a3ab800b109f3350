from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evidence_tracer.errors import ConfigError, GovernanceError
from evidence_tracer.governance.registers import (
    PeopleFile,
    PersonRecord,
    Registers,
    RiskRecord,
    build,
    find_person,
    next_risk_id,
    upsert_person,
)


def test_round_trip_and_upsert(tmp_path: Path) -> None:
    reg = Registers(tmp_path).people
    assert reg.load() == PeopleFile()
    alice = PersonRecord(email="alice@acme.io", role="CEO", joined=date(2025, 1, 2))
    reg.save(upsert_person(reg.load(), alice))
    updated = alice.model_copy(update={"training_completed": date(2026, 1, 5)})
    reg.save(upsert_person(reg.load(), updated))
    loaded = reg.load()
    assert loaded.people == (updated,)
    assert find_person(loaded, "ALICE@acme.io") == updated
    text = reg.path.read_text()
    assert text.startswith("# People") and "training_completed: '2026-01-05'" in text
    with pytest.raises(GovernanceError):
        find_person(loaded, "nobody@acme.io")


def test_hand_edited_register_errors_name_file_line_and_field(tmp_path: Path) -> None:
    reg = Registers(tmp_path).people
    reg.path.parent.mkdir(parents=True)
    reg.path.write_text(
        "people:\n- email: alice@acme.io\n  role: CEO\n  joined: 2025-01-02\n"
        "- email: the team\n  role: Eng\n  joined: someday\n"
    )
    with pytest.raises(ConfigError) as info:
        reg.load()
    message = str(info.value)
    assert f"{reg.path}:5: people.1.email" in message and "named person" in message
    assert f"{reg.path}:7: people.1.joined" in message


def test_build_converts_validation_errors() -> None:
    with pytest.raises(GovernanceError, match="likelihood"):
        build(
            RiskRecord,
            id="R-001",
            title="x risk",
            likelihood=9,
            impact=1,
            treatment="mitigate",
            owner="jane@acme.io",
            last_reviewed=date(2026, 1, 1),
        )
    with pytest.raises(GovernanceError, match="owner"):
        build(
            RiskRecord,
            id="R-001",
            title="x risk",
            likelihood=1,
            impact=1,
            treatment="mitigate",
            owner="engineering",
            last_reviewed=date(2026, 1, 1),
        )


def test_risk_ids() -> None:
    from evidence_tracer.governance.registers import RisksFile

    assert next_risk_id(RisksFile()) == "R-001"
    risk = RiskRecord(
        id="R-007",
        title="abc",
        likelihood=2,
        impact=3,
        treatment="accept",
        owner="j@acme.io",
        last_reviewed=date(2026, 1, 1),
    )
    assert next_risk_id(RisksFile(risks=(risk,))) == "R-008" and risk.score == 6


def test_secrets_in_register_free_text_never_reach_the_file(tmp_path: Path) -> None:
    from evidence_tracer.governance.registers import AccessReviewRecord, AccessReviewsFile

    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # an AWS secret access key (key ids are not secrets)
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\n-----END RSA PRIVATE KEY-----"
    reg = Registers(tmp_path).access_reviews
    reg.save(
        AccessReviewsFile(
            access_reviews=(
                AccessReviewRecord(
                    date=date(2026, 11, 2),
                    reviewer="dave@acme.io",
                    systems="AWS IAM",
                    outcome=f"rotated {secret}; db password=hunter2hunter2 removed; {pem}",
                ),
            )
        )
    )
    text = reg.path.read_text()
    assert secret not in text and "hunter2hunter2" not in text and "MIIEowIBAAKCAQEA1234" not in text
    assert reg.load().access_reviews[0].outcome.startswith("rotated ")  # the rest of the note is kept
