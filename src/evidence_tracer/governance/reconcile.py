"""Who has access where, reconciled with the people register: every account in AWS (IAM users, Identity
Center users), GitHub and the identity provider, matched to a person. Leavers who still hold an active
account, active accounts that belong to nobody, and people with production access the last access review did
not cover become gaps. Pure: the inventory, the registers and the clock in; rows and gaps out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from evidence_tracer.governance.registers import PersonRecord
from evidence_tracer.governance.rules import RegisterSnapshot, rule_gap
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.aws import CREDENTIAL_REPORT, IDENTITY_CENTER
from evidence_tracer.inventory.github import MEMBERS, OUTSIDE_COLLABORATORS
from evidence_tracer.inventory.identity import ADMINS, USERS
from evidence_tracer.models import Gap, Severity


@dataclass(frozen=True)
class AccessRow:
    system: str  # aws-iam | aws-identity-center | github | okta
    account: str  # the AWS account, the GitHub organisation, the Okta org
    identity: str
    active: bool
    admin: bool
    human: bool  # False for machine identities (an IAM user with keys and no console password)
    person: str | None  # the people-register email it belongs to
    concerns: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.system}:{self.account}:{self.identity}"


@dataclass(frozen=True)
class Reconciliation:
    rows: tuple[AccessRow, ...]
    gaps: tuple[Gap, ...]
    readable: bool  # False when no inventory held any account list to reconcile


def _match(
    people: Iterable[PersonRecord], *, email: str | None = None, login: str | None = None, name: str | None = None
) -> PersonRecord | None:
    for p in people:
        mail = p.email.lower()
        if email and email.lower() == mail:
            return p
        if login and p.github and login.lower() == p.github.lower():
            return p
        if name and name.lower() in (mail, mail.split("@")[0]):
            return p
    return None


def accounts(inventory: Inventory | None, people: tuple[PersonRecord, ...]) -> tuple[list[AccessRow], bool]:
    rows: list[AccessRow] = []
    readable = False
    for part in inventory.parts if inventory else ():
        if part.failure is not None:
            continue
        if part.source == "aws":
            report = part.get(CREDENTIAL_REPORT)
            if report.value is not None:
                readable = True
                for r in report.value:
                    if r.is_root:
                        continue
                    keys = any(k.active for k in r.access_keys)
                    person = _match(people, email=r.user, name=r.user)
                    rows.append(
                        AccessRow(
                            "aws-iam",
                            part.account,
                            r.user,
                            r.password_enabled or keys,
                            False,
                            r.password_enabled,
                            person.email if person else None,
                        )
                    )
            for region in part.regions:
                centers = part.get(IDENTITY_CENTER, region)
                for center in centers.value or ():
                    for u in center.users.value or ():
                        readable = True
                        person = _match(people, email=next(iter(u.emails), None), name=u.user_name)
                        rows.append(
                            AccessRow(
                                "aws-identity-center",
                                part.account,
                                u.user_name,
                                True,
                                False,
                                True,
                                person.email if person else None,
                            )
                        )
        elif part.source == "github":
            members = part.get(MEMBERS)
            if members.value is not None:
                readable = True
                for m in members.value:
                    person = _match(people, login=m.login, email=m.email)
                    rows.append(
                        AccessRow(
                            "github",
                            part.account,
                            m.login,
                            True,
                            m.role == "admin",
                            True,
                            person.email if person else None,
                        )
                    )
            for login in part.get(OUTSIDE_COLLABORATORS).value or ():
                person = _match(people, login=login)
                rows.append(
                    AccessRow(
                        "github",
                        part.account,
                        login,
                        True,
                        False,
                        True,
                        person.email if person else None,
                        ("outside collaborator",),
                    )
                )
        elif part.source == "okta":
            users, admins = part.get(USERS), part.get(ADMINS)
            if users.value is not None:
                readable = True
                for idp_user in users.value:
                    person = _match(people, email=idp_user.email, name=idp_user.login)
                    rows.append(
                        AccessRow(
                            "okta",
                            part.account,
                            idp_user.login,
                            idp_user.active,
                            idp_user.id in (admins.value or ()),
                            True,
                            person.email if person else None,
                            () if idp_user.active else (f"status {idp_user.status}",),
                        )
                    )
    return rows, readable


def reconcile(inventory: Inventory | None, registers: RegisterSnapshot, today: date) -> Reconciliation:
    people = registers.people.people
    rows, readable = accounts(inventory, people)
    gaps: list[Gap] = []
    by_email = {p.email.lower(): p for p in people}
    flagged: list[AccessRow] = []
    for row in rows:
        concerns = list(row.concerns)
        person = by_email.get(row.person.lower()) if row.person else None
        if row.active and person and person.left is not None and person.left < today:
            concerns.append(f"the person left on {person.left}")
            gaps.append(
                rule_gap(
                    Severity.CRITICAL,
                    f"Leaver {person.email} (left {person.left}) still has an active "
                    f"{row.system} account {row.identity} in {row.account}",
                    f"Disable or remove {row.identity} in {row.system} today, then record it: tracer people "
                    f"update {person.email} --access-removed DATE",
                    "people.leavers",
                    owner="",
                )
            )
        if row.active and row.human and person is None:
            concerns.append("belongs to no one in the people register")
            hint = f" --github {row.identity}" if row.system == "github" else ""
            gaps.append(
                rule_gap(
                    Severity.HIGH,
                    f"{row.system} account {row.identity} in {row.account} belongs to no one in the people register",
                    f"Add its owner (tracer people add EMAIL …{hint}) or remove the account",
                    "people.orphan_accounts",
                )
            )
        if (
            row.active
            and person is not None
            and person.training_completed is None
            and (person.left is None or person.left >= today)
        ):
            concerns.append("holds access without recorded security training")
        if not row.human and row.active and person is None:
            concerns.append("machine identity: give it an owner and prefer a role")
        flagged.append(
            AccessRow(
                row.system, row.account, row.identity, row.active, row.admin, row.human, row.person, tuple(concerns)
            )
        )
    if not people:
        gaps.append(
            rule_gap(
                Severity.HIGH,
                "No people to reconcile accounts against: the people register is empty",
                "tracer people add EMAIL --role ROLE --joined DATE",
                "people.orphan_accounts",
            )
        )
    elif not readable:
        gaps.append(
            rule_gap(
                Severity.MEDIUM,
                "No account lists to reconcile with the people register (no scan holds "
                "IAM, Identity Center, GitHub or identity-provider users)",
                "tracer scan (with GitHub or Okta enabled in tracer.yaml where you use them)",
                "people.orphan_accounts",
            )
        )
    reviews = sorted(registers.access_reviews.access_reviews, key=lambda r: r.date)
    latest = reviews[-1] if reviews else None
    if latest is not None and readable:
        if not latest.identities:
            gaps.append(
                rule_gap(
                    Severity.MEDIUM,
                    f"The access review of {latest.date} does not record which accounts were reviewed",
                    "Record the next review against the access table: tracer "
                    "access-reviews add --from-table --reviewer EMAIL --systems ...",
                    "access_reviews.coverage",
                )
            )
        else:
            reviewed = set(latest.identities)
            for person in people:
                mine = [r for r in flagged if r.person == person.email and r.active]
                missed = [r for r in mine if r.key not in reviewed]
                if person.production_access and (person.left is None or person.left >= today) and missed:
                    gaps.append(
                        rule_gap(
                            Severity.MEDIUM,
                            f"{person.email} has access the review of {latest.date} did "
                            f"not cover: {', '.join(r.key for r in missed)}",
                            "Include them in the next access review (tracer access-reviews add --from-table)",
                            "access_reviews.coverage",
                            owner="",
                        )
                    )
    return Reconciliation(tuple(flagged), tuple(gaps), readable)
