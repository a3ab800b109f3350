from __future__ import annotations

import pytest

from evidence_tracer.errors import GovernanceError
from evidence_tracer.names import validate_person


@pytest.mark.parametrize("person", ["jane@acme.io", "Jane.Doe@acme.co.uk", "j.smith+sec@acme.io", "teamlead.ana@x.io"])
def test_named_people_pass(person: str) -> None:
    assert validate_person(person) == person


@pytest.mark.parametrize(
    "group",
    [
        "the team",
        "team",
        "engineering",
        "everyone",
        "team@acme.io",
        "engineering@acme.io",
        "security-team@acme.io",
        "devops@acme.io",
        "all-staff@acme.io",
        "Jane",
        "",
        "tbd@acme.io",
    ],
)
def test_groups_and_non_people_are_rejected(group: str) -> None:
    with pytest.raises(GovernanceError):
        validate_person(group)
