"""Identity-provider checks: every active person has a second factor and admins are few and named (Okta and
Google Workspace); AWS and GitHub sign-in go through SSO (Okta, whose API lists its applications)
(CC6.1, CC6.2, CC6.3)."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, SourcePart
from evidence_tracer.inventory.identity import ADMINS, APPS, USERS, IdpApp
from evidence_tracer.models import Finding

# Factors that are not a second factor: something the user knows again, or the mailbox the password resets to.
WEAK_FACTORS = frozenset({"password", "question", "email"})
AWS_APPS = frozenset({"amazon_aws", "amazon_aws_sso", "aws_account_federation"})
GITHUB_APPS = frozenset({"githubcloud", "github_enterprise_cloud", "githubent", "github_enterprise"})


def _org(part: SourcePart) -> str:
    return part.attribute("org_url") or f"https://{part.source}/{part.account}"


@check
def idp_mfa_enrolled(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    users = part.get(USERS)
    if users.value is None:
        yield emit.unread(users, f"{_org(part)}/users", GLOBAL)
        return
    for user in users.value:
        if not user.active:
            continue
        where = f"{_org(part)}/users/{user.id}"
        if user.factors.value is None:
            yield emit.unread(user.factors, where, GLOBAL)
            continue
        strong = sorted(set(user.factors.value) - WEAK_FACTORS)
        if strong:
            yield emit.passed(
                where, GLOBAL, f"{user.login} has a second factor ({', '.join(strong)}).", user.factors.sources
            )
        else:
            yield emit.failed(
                where,
                GLOBAL,
                f"{user.login} is active with no second factor enrolled.",
                user.factors.sources,
                login=user.login,
            )


@check
def idp_admins_few(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    admins, users = part.get(ADMINS), part.get(USERS)
    for observed in (admins, users):
        if observed.value is None:
            yield emit.unread(observed, f"{_org(part)}/admins", GLOBAL)
            return
    assert admins.value is not None and users.value is not None
    names = {u.id: u.login for u in users.value}
    listed = sorted(names.get(a, f"unknown user {a}") for a in admins.value)
    limit = (ctx.config.sources.google if part.source == "google" else ctx.config.sources.okta).max_admins
    sources = admins.sources + users.sources
    if len(listed) <= limit:
        yield emit.passed(
            f"{_org(part)}/admins", GLOBAL, f"{len(listed)} administrator(s): {', '.join(listed) or 'none'}.", sources
        )
    else:
        yield emit.failed(
            f"{_org(part)}/admins",
            GLOBAL,
            f"{len(listed)} administrators (more than {limit}): {', '.join(listed)}.",
            sources,
        )


def _sso(part: SourcePart, emit: Emit, names: frozenset[str], word: str, what: str) -> Iterator[Finding]:
    apps = part.get(APPS)
    if apps.value is None:
        yield emit.unread(apps, f"{_org(part)}/apps", GLOBAL)
        return

    def matches(app: IdpApp) -> bool:
        return app.status == "ACTIVE" and (app.name in names or word in app.label.lower())

    found = [a for a in apps.value if matches(a)]
    if found:
        yield emit.passed(
            f"{_org(part)}/apps",
            GLOBAL,
            f"{what} sign-in goes through Okta ({found[0].label}, {found[0].sign_on_mode}).",
            apps.sources,
        )
    else:
        yield emit.failed(
            f"{_org(part)}/apps", GLOBAL, f"No active Okta application signs people in to {what}.", apps.sources
        )


@check
def idp_sso_aws(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _sso(part, emit, AWS_APPS, "aws", "AWS")


@check
def idp_sso_github(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _sso(part, emit, GITHUB_APPS, "github", "GitHub")
