"""IAM roles and who may hand them out (CC6.1, CC6.3): trust policies that let anyone, or an account outside the
company without an external id, assume a role; `iam:PassRole` on every role; administrator roles nobody has
used for `inactive_credential_days`. All from the one GetAccountAuthorizationDetails listing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evidence_tracer.checks.data import policy_statements
from evidence_tracer.checks.identity import privileged
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.checks.s3 import account_of, aws_principals
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.inventory.aws import AUTHORIZATION, Authorization, Principal
from evidence_tracer.models import Finding

PASS_ROLE = frozenset({"iam:passrole", "iam:*"})


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or ()]


def trust_problems(document: str, known: set[str]) -> list[str]:
    """Who a trust policy lets assume the role beyond the company's own accounts, in words."""
    problems = []
    for statement in policy_statements(document):
        if statement.get("Effect") != "Allow":
            continue
        condition = statement.get("Condition") or {}
        external_id = any("sts:externalid" in {k.lower() for k in block} for block in condition.values())
        for who in aws_principals(statement):
            if who == "*":
                if not condition:
                    problems.append("any AWS principal may assume it (Principal *, no condition)")
            elif (account := account_of(who)) and account not in known and not external_id:
                problems.append(f"account {account}, outside the company, may assume it without an sts:ExternalId")
    return list(dict.fromkeys(problems))


def _documents(auth: Authorization, who: Principal) -> list[tuple[str, str]]:
    """(name, document) of every policy granting to `who` whose document the listing holds."""
    managed = {p.arn: p for p in auth.policies}
    found = [(f"{n} (inline)", d) for n, d in who.inline.items()]
    found += [(managed[a].name, managed[a].document) for a in who.attached if a in managed]
    return found


def passes_any_role(document: str) -> bool:
    for statement in policy_statements(document):
        if statement.get("Effect") != "Allow":
            continue
        actions = {a.lower() for a in _listed(statement.get("Action"))}
        if actions & PASS_ROLE and "*" in _listed(statement.get("Resource")):
            return True
    return False


def _roles(part: SourcePart, emit: Emit) -> tuple[Authorization | None, list[Finding]]:
    auth = part.get(AUTHORIZATION)
    if auth.value is None:
        return None, [emit.unread(auth, emit.arn("iam", GLOBAL, "role/*"), GLOBAL)]
    return auth.value, []


@check
def iam_role_trust_restricted(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    auth, errors = _roles(part, emit)
    yield from errors
    if auth is None:
        return
    known = part.known_accounts(ctx.config.boundary.accounts)
    sources = part.get(AUTHORIZATION).sources
    for role in (p for p in auth.principals if p.kind == "role"):
        facts = role.role  # a role's facts are read with it: no value means they could not be
        if facts.value is None:
            yield emit.unread(facts, role.arn, GLOBAL)
        elif problems := trust_problems(facts.value.trust, known):
            yield emit.failed(role.arn, GLOBAL, f"Role {role.name}: {'; '.join(problems)}.", sources, role=role.name)
        else:
            yield emit.passed(role.arn, GLOBAL, f"Role {role.name} is trusted only by known principals.", sources)


@check
def iam_passrole_not_on_every_role(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    auth, errors = _roles(part, emit)
    yield from errors
    if auth is None:
        return
    sources = part.get(AUTHORIZATION).sources
    for who in auth.principals:
        wide = [name for name, doc in _documents(auth, who) if passes_any_role(doc)]
        if wide:
            yield emit.failed(
                who.arn,
                GLOBAL,
                f"{who.kind.capitalize()} {who.name} may pass any role to a service ({', '.join(wide)}: "
                "iam:PassRole on Resource *), which lets it act as the most privileged role there is.",
                sources,
                kind=who.kind,
                name=who.name,
            )
        elif who.inline or who.attached:
            yield emit.passed(who.arn, GLOBAL, f"{who.kind.capitalize()} {who.name} cannot pass every role.", sources)


@check
def iam_admin_roles_in_use(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    limit = ctx.config.parameters.inactive_credential_days
    auth, errors = _roles(part, emit)
    yield from errors
    if auth is None:
        return
    sources = part.get(AUTHORIZATION).sources
    admins = [p for p, _ in privileged(auth).values() if p.kind == "role" and ":role/aws-service-role/" not in p.arn]
    if not admins:
        yield emit.not_applicable(
            emit.arn("iam", GLOBAL, "role/*"), GLOBAL, "No role holds administrator access.", sources
        )
    for role in admins:
        facts = role.role.value
        if facts is None:
            yield emit.unread(role.role, role.arn, GLOBAL)
            continue
        idle = (ctx.now - (facts.last_used or facts.created)).days
        if idle > limit:
            used = f"last used {facts.last_used:%Y-%m-%d}" if facts.last_used else "never used"
            yield emit.failed(
                role.arn,
                GLOBAL,
                f"Administrator role {role.name} is {used} ({idle} days; the limit is {limit}): a standing "
                "privilege nobody needs.",
                sources,
                role=role.name,
            )
        else:
            yield emit.passed(
                role.arn, GLOBAL, f"Administrator role {role.name} was used within {limit} days.", sources
            )
