"""A control, approval or piece of evidence belongs to a named person, never to a group (CC1.3, CC1.5)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from evidence_tracer.errors import GovernanceError

GROUP_WORDS = frozenset(
    {
        "team",
        "teams",
        "engineering",
        "engineers",
        "everyone",
        "everybody",
        "all",
        "staff",
        "devops",
        "ops",
        "security",
        "it",
        "admin",
        "admins",
        "management",
        "founders",
        "leadership",
        "we",
        "us",
        "company",
        "tbd",
        "todo",
        "n/a",
        "na",
        "none",
        "unknown",
        "nobody",
        "group",
        "dept",
        "department",
        "owner",
    }
)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_person(value: str, field: str = "person") -> str:
    """Return the person (an email address) or raise: group words and role aliases are rejected."""
    person = value.strip()
    if not EMAIL.match(person):
        raise GovernanceError(f"{field}: {value!r} is not a named person's email address (e.g. jane@acme.com)")
    local = person.split("@", 1)[0].lower()
    words = set(re.split(r"[._+\-]+", local))
    if local in GROUP_WORDS or words <= GROUP_WORDS:
        raise GovernanceError(f"{field}: {value!r} is a group or role address; name the one person accountable (CC1.3)")
    return person


def _person(value: str) -> str:
    try:
        return validate_person(value, "person")
    except GovernanceError as exc:
        raise ValueError(str(exc).removeprefix("person: ")) from None


# A pydantic field type: one named person's email address.
Person = Annotated[str, AfterValidator(_person)]
