"""The workspace use cases: evidence is filed only by an active person of the people register."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.errors import ConfigError, EvidenceError
from evidence_tracer.governance.registers import PeopleFile, PersonRecord, Registers


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    create_workspace(folder, InitAnswers(company="Acme", owner="alice@acme.io"))
    Registers(folder).people.save(
        PeopleFile(
            people=(
                PersonRecord(email="alice@acme.io", role="CEO", joined=date(2025, 1, 6)),
                PersonRecord(
                    email="bob@acme.io",
                    role="Engineer",
                    joined=date(2025, 1, 6),
                    left=date(2026, 6, 30),
                    access_removed=date(2026, 6, 30),
                ),
                PersonRecord(email="nina@acme.io", role="Engineer", joined=date(2026, 11, 30)),
            )
        )
    )
    return folder


def _memo(tmp_path: Path) -> Path:
    memo = tmp_path / "review.md"
    memo.write_text("# Access review\n\nEvery production account was reviewed and kept or removed.\n")
    return memo


@pytest.mark.parametrize(
    ("author", "when", "problem"),
    [
        ("eve@elsewhere.example", datetime(2026, 11, 2, tzinfo=UTC), "not in the people register"),
        ("bob@acme.io", datetime(2026, 11, 2, tzinfo=UTC), "not an active person"),  # a leaver
        ("nina@acme.io", datetime(2026, 11, 2, tzinfo=UTC), "not an active person"),  # not yet joined
    ],
)
def test_evidence_is_filed_only_by_an_active_person(
    ws: Path, tmp_path: Path, author: str, when: datetime, problem: str
) -> None:
    with pytest.raises(EvidenceError, match=problem):
        Workspace(ws).add_evidence("AC-06", _memo(tmp_path), "Q4 review", author, now=when)
    assert Workspace(ws).store.items() == []


def test_an_active_person_files_it(ws: Path, tmp_path: Path) -> None:
    item = Workspace(ws).add_evidence(
        "AC-06", _memo(tmp_path), "Q4 review", "alice@acme.io", now=datetime(2026, 11, 2, tzinfo=UTC)
    )
    assert item.control == "AC-06" and item.author == "alice@acme.io"


def test_a_folder_without_tracer_yaml_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="tracer init"):
        Workspace(tmp_path).add_evidence("AC-06", _memo(tmp_path), "x", "alice@acme.io")
    assert list(tmp_path.iterdir()) == []  # no .tracer, no store, nothing filed
