"""Reconciliation of accounts with the people register, table-driven: each case a person (or none) and the
accounts the systems show, and the gap (or none) it must produce."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from evidence_tracer.governance.reconcile import reconcile
from evidence_tracer.governance.registers import AccessReviewRecord, AccessReviewsFile, PeopleFile, PersonRecord
from evidence_tracer.governance.rules import RegisterSnapshot
from evidence_tracer.inventory import Inventory, Observed, SourcePart
from evidence_tracer.inventory.aws import CREDENTIAL_REPORT, IDENTITY_CENTER, CredentialReportRow, IdentityCenter
from evidence_tracer.inventory.aws import IdentityCenterUser as IcUser
from evidence_tracer.inventory.github import MEMBERS, OUTSIDE_COLLABORATORS, GitHubMember
from evidence_tracer.inventory.identity import ADMINS, USERS, IdpUser
from evidence_tracer.models import Severity

TODAY = date(2026, 11, 25)
ACCOUNT = "111122223333"


def iam(user: str, console: bool = True, key: bool = False) -> CredentialReportRow:
    from evidence_tracer.inventory.aws import AccessKeySlot

    return CredentialReportRow(
        user, f"arn:aws:iam::{ACCOUNT}:user/{user}", None, console, None, True, (AccessKeySlot(1, key, None, None),)
    )


def inventory(
    iam_users: tuple[CredentialReportRow, ...] = (),
    idc: tuple[IcUser, ...] = (),
    github: tuple[str, ...] = (),
    outside: tuple[str, ...] = (),
    okta: tuple[IdpUser, ...] = (),
) -> Inventory:
    aws = SourcePart(
        "aws",
        ACCOUNT,
        ("us-east-1",),
        data={
            CREDENTIAL_REPORT.slot(): Observed.ok(iam_users),
            IDENTITY_CENTER.slot("us-east-1"): Observed.ok(
                (IdentityCenter("arn:aws:sso:::instance/i", "d-1", Observed.ok(idc), Observed.ok(()), Observed.ok(())),)
            ),
        },
    )
    gh = SourcePart(
        "github",
        "acme",
        data={
            MEMBERS.slot(): Observed.ok(tuple(GitHubMember(m, "member", None) for m in github)),
            OUTSIDE_COLLABORATORS.slot(): Observed.ok(outside),
        },
    )
    ok = SourcePart("okta", "acme.okta.com", data={USERS.slot(): Observed.ok(okta), ADMINS.slot(): Observed.ok(())})
    return Inventory((aws, gh, ok))


def okta_user(login: str, status: str = "ACTIVE") -> IdpUser:
    return IdpUser(f"id-{login}", login, login, status, Observed.ok(("push",)))


def person(email: str, left: date | None = None, github: str | None = None) -> PersonRecord:
    return PersonRecord(
        email=email, role="Engineer", joined=date(2025, 1, 6), left=left, access_removed=left, github=github
    )


def registers(*people: PersonRecord, reviewed: tuple[str, ...] | None = None) -> RegisterSnapshot:
    reviews = (
        ()
        if reviewed is None
        else (
            AccessReviewRecord(
                date=TODAY - timedelta(days=10), reviewer="a@acme.io", systems="all", identities=reviewed
            ),
        )
    )
    return RegisterSnapshot(people=PeopleFile(people=people), access_reviews=AccessReviewsFile(access_reviews=reviews))


LEFT = TODAY - timedelta(days=20)
CASES: dict[str, tuple[Inventory, RegisterSnapshot, str | None, Severity | None]] = {
    "a current person with an IdP account": (
        inventory(okta=(okta_user("bob@acme.io"),)),
        registers(person("bob@acme.io")),
        None,
        None,
    ),
    "a leaver still active in the identity provider": (
        inventory(okta=(okta_user("carol@acme.io"),)),
        registers(person("carol@acme.io", LEFT)),
        "Leaver carol@acme.io",
        Severity.CRITICAL,
    ),
    "a leaver suspended in the identity provider": (
        inventory(okta=(okta_user("carol@acme.io", "SUSPENDED"),)),
        registers(person("carol@acme.io", LEFT)),
        None,
        None,
    ),
    "a leaver still a GitHub member (matched by login)": (
        inventory(github=("carol-dev",)),
        registers(person("carol@acme.io", LEFT, github="carol-dev")),
        "still has an active github account carol-dev",
        Severity.CRITICAL,
    ),
    "a leaver with an IAM console login (matched by name)": (
        inventory(iam_users=(iam("carol"),)),
        registers(person("carol@acme.io", LEFT)),
        "still has an active aws-iam account carol",
        Severity.CRITICAL,
    ),
    "a leaver left in IAM Identity Center": (
        inventory(idc=(IcUser("u-1", "carol", "Carol", ("carol@acme.io",)),)),
        registers(person("carol@acme.io", LEFT)),
        "aws-identity-center account carol",
        Severity.CRITICAL,
    ),
    "an orphan GitHub member": (
        inventory(github=("mystery",)),
        registers(person("bob@acme.io")),
        "github account mystery in acme belongs to no one",
        Severity.HIGH,
    ),
    "an orphan outside collaborator": (
        inventory(outside=("contractor-x",)),
        registers(person("bob@acme.io")),
        "contractor-x",
        Severity.HIGH,
    ),
    "an orphan IdP account": (
        inventory(okta=(okta_user("ghost@acme.io"),)),
        registers(person("bob@acme.io")),
        "okta account ghost@acme.io",
        Severity.HIGH,
    ),
    "a machine IAM user (keys, no console) is not an orphan person": (
        inventory(iam_users=(iam("ci-deploy", console=False, key=True),)),
        registers(person("bob@acme.io")),
        None,
        None,
    ),
    "a person the last review did not cover": (
        inventory(okta=(okta_user("bob@acme.io"),)),
        registers(person("bob@acme.io"), reviewed=("okta:x:other",)),
        "bob@acme.io has access the review",
        Severity.MEDIUM,
    ),
    "a person the last review covered": (
        inventory(okta=(okta_user("bob@acme.io"),)),
        registers(person("bob@acme.io"), reviewed=("okta:acme.okta.com:bob@acme.io",)),
        None,
        None,
    ),
    "a review that recorded nobody": (
        inventory(okta=(okta_user("bob@acme.io"),)),
        registers(person("bob@acme.io"), reviewed=()),
        "does not record which accounts",
        Severity.MEDIUM,
    ),
    "no account lists at all": (Inventory(()), registers(person("bob@acme.io")), "No account lists", Severity.MEDIUM),
}


@pytest.mark.parametrize("case", list(CASES))
def test_reconciliation(case: str) -> None:
    found, regs, title, severity = CASES[case]
    gaps = reconcile(found, regs, TODAY).gaps
    if title is None:
        assert gaps == (), [g.title for g in gaps]
    else:
        matching = [g for g in gaps if title in g.title]
        assert matching and matching[0].severity is severity, [g.title for g in gaps]


def test_the_table_names_each_account_with_its_person_and_concerns() -> None:
    found = inventory(
        iam_users=(iam("bob"), iam("ci-deploy", console=False, key=True)),
        okta=(okta_user("bob@acme.io"), okta_user("carol@acme.io")),
        github=("bobdev",),
    )
    result = reconcile(found, registers(person("bob@acme.io", github="bobdev"), person("carol@acme.io", LEFT)), TODAY)
    rows = {r.key: r for r in result.rows}
    assert rows[f"aws-iam:{ACCOUNT}:bob"].person == "bob@acme.io"
    assert rows["github:acme:bobdev"].person == "bob@acme.io"
    assert rows["okta:acme.okta.com:carol@acme.io"].concerns == ("the person left on 2026-11-05",)
    assert "machine identity" in rows[f"aws-iam:{ACCOUNT}:ci-deploy"].concerns[0]
    assert replace(rows["github:acme:bobdev"], concerns=()).key == "github:acme:bobdev"
