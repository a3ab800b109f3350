"""GitHub checks: organisation 2FA, members, admins, and the change-management controls of the default
branch (reviews, no bypass, status checks, no force push), CODEOWNERS, deployment reviewers, deploy keys,
secret scanning and Dependabot alerts (CC6.1, CC8.1, CC7.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.inventory.github import (
    MEMBERS,
    MEMBERS_WITHOUT_2FA,
    ORG,
    REPOSITORIES,
    BranchRules,
    DeployKey,
    GitHubEnvironment,
    GitHubRepo,
)
from evidence_tracer.models import Finding

T = TypeVar("T")
PRODUCTION = ("prod", "production", "live")


def _org(emit: Emit) -> str:
    return f"https://github.com/{emit.account}"


def _repos(part: SourcePart, emit: Emit) -> Iterator[GitHubRepo | Finding]:
    """Each readable repository in scope, or the error finding of one that could not be read."""
    listing = part.get(REPOSITORIES)
    if listing.value is None:
        yield emit.unread(listing, f"{_org(emit)}/*", GLOBAL)
        return
    for entry in listing.value:
        if entry.repo.value is None:
            yield emit.unread(entry.repo, f"{_org(emit)}/{entry.name}", entry.name)
        elif not entry.repo.value.archived:
            yield entry.repo.value


def _each(
    part: SourcePart,
    emit: Emit,
    pick: Callable[[GitHubRepo], Observed[T]],
    judge: Callable[[GitHubRepo, T, tuple[str, ...]], Iterable[Finding]],
) -> Iterator[Finding]:
    """For each readable repository, the findings `judge` makes of what `pick` observed (or its error)."""
    for repo in _repos(part, emit):
        if isinstance(repo, Finding):
            yield repo
            continue
        observed = pick(repo)
        if observed.failure is not None:  # (a value may be None on purpose: no CODEOWNERS file)
            yield emit.unread(observed, f"https://github.com/{repo.full_name}", repo.full_name)
            continue
        yield from judge(repo, observed.value, observed.sources)  # type: ignore[arg-type]


def _rules(
    part: SourcePart,
    emit: Emit,
    ok: Callable[[BranchRules], bool],
    good: str,
    bad: Callable[[GitHubRepo, BranchRules], str],
) -> Iterator[Finding]:
    def judge(repo: GitHubRepo, rules: BranchRules, sources: tuple[str, ...]) -> Iterator[Finding]:
        where = f"https://github.com/{repo.full_name}"
        if ok(rules):
            yield emit.passed(where, repo.full_name, f"{repo.full_name}@{repo.default_branch}: {good}.", sources)
        else:
            yield emit.failed(
                where,
                repo.full_name,
                f"{repo.full_name}@{repo.default_branch}: {bad(repo, rules)}.",
                sources,
                repo=repo.full_name,
                branch=repo.default_branch,
                org=emit.account,
            )

    yield from _each(part, emit, lambda r: r.rules, judge)


@check
def github_org_2fa_required(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    observed = part.get(ORG)
    if observed.value is None:
        yield emit.unread(observed, _org(emit), GLOBAL)
    elif observed.value.two_factor_required is None:
        yield emit.error(
            Failure(
                "github",
                "orgs:GetOrg",
                GLOBAL,
                "NotVisible",
                "GitHub shows the 2FA requirement only to organisation owners",
            ),
            _org(emit),
            GLOBAL,
            observed.sources,
        )
    elif observed.value.two_factor_required:
        yield emit.passed(
            _org(emit), GLOBAL, f"Organisation {emit.account} requires two-factor authentication.", observed.sources
        )
    else:
        yield emit.failed(
            _org(emit),
            GLOBAL,
            f"Organisation {emit.account} does not require two-factor authentication.",
            observed.sources,
            org=emit.account,
        )


@check
def github_members_2fa(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    observed = part.get(MEMBERS_WITHOUT_2FA)
    if observed.value is None:
        yield emit.unread(observed, f"{_org(emit)}/people", GLOBAL)
        return
    if not observed.value:
        yield emit.passed(
            f"{_org(emit)}/people", GLOBAL, "Every member has two-factor authentication enabled.", observed.sources
        )
    for login in observed.value:
        yield emit.failed(
            f"https://github.com/{login}",
            GLOBAL,
            f"Member {login} has no two-factor authentication.",
            observed.sources,
            login=login,
            org=emit.account,
        )


@check
def github_admins_few(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    observed = part.get(MEMBERS)
    limit = ctx.config.sources.github.max_admins
    if observed.value is None:
        yield emit.unread(observed, f"{_org(emit)}/people", GLOBAL)
        return
    admins = sorted(m.login for m in observed.value if m.role == "admin")
    if len(admins) <= limit:
        yield emit.passed(
            f"{_org(emit)}/people",
            GLOBAL,
            f"{len(admins)} organisation owner(s): {', '.join(admins) or 'none listed'}.",
            observed.sources,
        )
    else:
        yield emit.failed(
            f"{_org(emit)}/people",
            GLOBAL,
            f"{len(admins)} organisation owners (more than {limit}): {', '.join(admins)}.",
            observed.sources,
            org=emit.account,
        )


@check
def github_branch_reviews(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _rules(
        part,
        emit,
        lambda r: r.protected and r.required_approvals >= 1 and r.dismiss_stale_reviews,
        "pull requests need an approving review and new commits dismiss stale approvals",
        lambda repo, r: (
            "the default branch is not protected"
            if not r.protected
            else (
                "no approving review is required"
                if r.required_approvals < 1
                else "stale approvals are not dismissed when new commits are pushed"
            )
        ),
    )


@check
def github_branch_no_bypass(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _rules(
        part,
        emit,
        lambda r: r.protected and not r.bypass,
        "the rules apply to administrators too, and nobody may bypass them",
        lambda repo, r: (
            "the default branch is not protected"
            if not r.protected
            else f"the rules can be bypassed by {', '.join(r.bypass)}"
        ),
    )


@check
def github_branch_status_checks(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _rules(
        part,
        emit,
        lambda r: bool(r.required_checks),
        "required status checks must pass",
        lambda repo, r: "no status check is required before merging",
    )


@check
def github_branch_no_force_push(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    yield from _rules(
        part,
        emit,
        lambda r: r.force_push_blocked and r.deletion_blocked,
        "force pushes and deletion are blocked",
        lambda repo, r: (
            " and ".join(
                x
                for x, allowed in (("force pushes", not r.force_push_blocked), ("deletion", not r.deletion_blocked))
                if allowed
            )
            + " are allowed"
        ),
    )


@check
def github_codeowners(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    def judge(repo: GitHubRepo, path: str | None, sources: tuple[str, ...]) -> Iterator[Finding]:
        where = f"https://github.com/{repo.full_name}"
        if path:
            yield emit.passed(where, repo.full_name, f"{repo.full_name} has a CODEOWNERS file ({path}).", sources)
        else:
            yield emit.failed(
                where, repo.full_name, f"{repo.full_name} has no CODEOWNERS file.", sources, repo=repo.full_name
            )

    yield from _each(part, emit, lambda r: r.codeowners, judge)


@check
def github_environment_reviewers(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    def judge(repo: GitHubRepo, envs: tuple[GitHubEnvironment, ...], sources: tuple[str, ...]) -> Iterator[Finding]:
        where = f"https://github.com/{repo.full_name}"
        production = [e for e in envs if any(w in e.name.lower() for w in PRODUCTION)]
        if not production:
            yield emit.not_applicable(
                where, repo.full_name, f"{repo.full_name} deploys to no production environment through GitHub.", sources
            )
        for env in production:
            if env.required_reviewers:
                yield emit.passed(
                    f"{where}/environments/{env.name}",
                    repo.full_name,
                    f"Deployments to {env.name} need the approval of one of {env.required_reviewers} reviewer(s).",
                    sources,
                )
            else:
                yield emit.failed(
                    f"{where}/environments/{env.name}",
                    repo.full_name,
                    f"Deployments to {env.name} need no reviewer's approval.",
                    sources,
                    repo=repo.full_name,
                    environment=env.name,
                )

    yield from _each(part, emit, lambda r: r.environments, judge)


@check
def github_deploy_keys_read_only(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    def judge(repo: GitHubRepo, keys: tuple[DeployKey, ...], sources: tuple[str, ...]) -> Iterator[Finding]:
        where = f"https://github.com/{repo.full_name}"
        writers = [k for k in keys if not k.read_only]
        if not writers:
            yield emit.passed(
                where, repo.full_name, f"{repo.full_name}: no deploy key can write ({len(keys)} read-only).", sources
            )
        for key in writers:
            yield emit.failed(
                f"{where}/keys/{key.id}",
                repo.full_name,
                f"Deploy key {key.title!r} can push to {repo.full_name}.",
                sources,
                repo=repo.full_name,
                key_id=key.id,
            )

    yield from _each(part, emit, lambda r: r.deploy_keys, judge)


@check
def github_secret_scanning(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for repo in _repos(part, emit):
        if isinstance(repo, Finding):
            yield repo
            continue
        where = f"https://github.com/{repo.full_name}"
        if repo.secret_scanning == "enabled":
            yield emit.passed(where, repo.full_name, f"{repo.full_name} has secret scanning enabled.", ())
        elif repo.secret_scanning is None:
            yield emit.error(
                Failure(
                    "github",
                    "repos:GetRepo",
                    repo.full_name,
                    "NotVisible",
                    "GitHub did not report security_and_analysis (admin access is needed)",
                ),
                where,
                repo.full_name,
            )
        else:
            yield emit.failed(
                where,
                repo.full_name,
                f"{repo.full_name} has secret scanning {repo.secret_scanning}.",
                (),
                repo=repo.full_name,
            )


@check
def github_dependabot_alerts(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    def judge(repo: GitHubRepo, enabled: bool, sources: tuple[str, ...]) -> Iterator[Finding]:
        where = f"https://github.com/{repo.full_name}"
        if enabled:
            yield emit.passed(where, repo.full_name, f"{repo.full_name} has Dependabot alerts enabled.", sources)
        else:
            yield emit.failed(
                where, repo.full_name, f"{repo.full_name} has Dependabot alerts disabled.", sources, repo=repo.full_name
            )

    yield from _each(part, emit, lambda r: r.dependabot_alerts, judge)
