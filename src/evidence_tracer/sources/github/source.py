"""The GitHub source: the organisation (2FA requirement, members, admins, outside collaborators) and, for the
repositories in scope, the default branch's effective protection (branch protection and rulesets), CODEOWNERS,
deployment environments, deploy keys, secret scanning and Dependabot alerts. One part per organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.inventory.github import (
    MEMBERS,
    MEMBERS_WITHOUT_2FA,
    ORG,
    OUTSIDE_COLLABORATORS,
    REPOSITORIES,
    BranchRules,
    DeployKey,
    GitHubEnvironment,
    GitHubMember,
    GitHubOrg,
    GitHubRepo,
    RepoEntry,
)
from evidence_tracer.sources.base import Collected, EvidenceSource, Operation, Progress, Scope
from evidence_tracer.sources.github.operations import BY_KEY, SOURCE, WRITE_SCOPES, operations
from evidence_tracer.sources.github.token import github_token
from evidence_tracer.sources.http import CallFailed, HttpReader

CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
API_VERSION = "2022-11-28"


@dataclass(frozen=True)
class GitHubSettings:
    organization: str
    repositories: tuple[str, ...] = ()
    api_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    timeout: float = 20.0


def reader(settings: GitHubSettings, token: str) -> HttpReader:
    return HttpReader(
        SOURCE,
        settings.api_url.rstrip("/"),
        {k: e.path for k, e in BY_KEY.items()},
        settings.organization,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "evidence-tracer",
        },
        timeout=settings.timeout,
    )


SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def _unexpected(what: str, exc: Exception) -> Failure:
    return Failure(
        SOURCE,
        what,
        GLOBAL,
        "UnexpectedResponse",
        f"the answer is not shaped as GitHub documents it: {type(exc).__name__}: {exc}",
    )


def _observe(fn: Any, what: str = "response") -> Observed[Any]:
    """A collection step as a value: its failure (an HTTP error, a wrong-shaped answer) is data."""
    try:
        value, sources = fn()
    except CallFailed as exc:
        return Observed.failed(exc.failure)
    except SHAPE_ERRORS as exc:
        return Observed.failed(_unexpected(what, exc))
    return Observed.ok(value, tuple(sources))


def branch_rules(api: HttpReader, org: str, repo: str, branch: str) -> tuple[BranchRules, list[str]]:
    """Classic protection (404 "not protected" is a value) combined with the rulesets that apply."""
    where = f"{org}/{repo}"
    path = {"org": org, "repo": repo, "branch": branch}
    answer = api.get("repos:GetBranchProtection", path, region=where, expect=(200, 404))
    sources = [answer.record_id]
    classic = answer.body if answer.status == 200 and isinstance(answer.body, dict) else {}
    reviews = classic.get("required_pull_request_reviews") or {}
    approvals = int(reviews.get("required_approving_review_count", 0) or 0)
    dismiss = bool(reviews.get("dismiss_stale_reviews", False))
    bypass = [] if not classic or (classic.get("enforce_admins") or {}).get("enabled") else ["administrators"]
    checks = list((classic.get("required_status_checks") or {}).get("contexts") or [])
    force_blocked = bool(classic) and not (classic.get("allow_force_pushes") or {}).get("enabled", False)
    delete_blocked = bool(classic) and not (classic.get("allow_deletions") or {}).get("enabled", False)
    protected = bool(classic)
    rules, ids = api.all("repos:GetBranchRules", path, region=where)
    sources += ids
    rulesets: set[int] = set()
    for rule in rules:
        kind, params = rule["type"], rule.get("parameters") or {}
        rulesets.add(int(rule["ruleset_id"]))
        protected = True
        if kind == "pull_request":
            approvals = max(approvals, int(params.get("required_approving_review_count", 0)))
            dismiss = dismiss or bool(params.get("dismiss_stale_reviews_on_push", False))
        elif kind == "required_status_checks":
            checks += [str(c["context"]) for c in params.get("required_status_checks", [])]
        elif kind == "non_fast_forward":
            force_blocked = True
        elif kind == "deletion":
            delete_blocked = True
    for ruleset_id in sorted(rulesets):
        detail = api.get("repos:GetRepoRuleset", {"org": org, "repo": repo, "ruleset_id": ruleset_id}, region=where)
        sources.append(detail.record_id)
        for actor in detail.body.get("bypass_actors") or []:
            bypass.append(f"{actor.get('actor_type')} {actor.get('actor_id')} ({actor.get('bypass_mode', 'always')})")
    return BranchRules(
        protected,
        approvals,
        dismiss,
        tuple(dict.fromkeys(bypass)),
        tuple(dict.fromkeys(checks)),
        force_blocked,
        delete_blocked,
    ), sources


def _codeowners(api: HttpReader, org: str, repo: str) -> tuple[str | None, list[str]]:
    sources = []
    for candidate in CODEOWNERS_PATHS:
        answer = api.get(
            "repos:GetContent", {"org": org, "repo": repo, "path": candidate}, region=f"{org}/{repo}", expect=(200, 404)
        )
        sources.append(answer.record_id)
        if answer.status == 200:
            return candidate, sources
    return None, sources


def _environments(api: HttpReader, org: str, repo: str) -> tuple[tuple[GitHubEnvironment, ...], list[str]]:
    answer = api.get(
        "repos:ListEnvironments",
        {"org": org, "repo": repo},
        region=f"{org}/{repo}",
        params={"per_page": 100},
        expect=(200, 404),
    )
    if answer.status == 404:
        return (), [answer.record_id]
    out = []
    for env in answer.body["environments"]:
        reviewers = sum(
            len(rule.get("reviewers") or [])
            for rule in env.get("protection_rules") or []
            if rule.get("type") == "required_reviewers"
        )
        out.append(GitHubEnvironment(str(env["name"]), reviewers))
    return tuple(out), [answer.record_id]


def _deploy_keys(api: HttpReader, org: str, repo: str) -> tuple[tuple[DeployKey, ...], list[str]]:
    keys, ids = api.all(
        "repos:ListDeployKeys", {"org": org, "repo": repo}, region=f"{org}/{repo}", params={"per_page": 100}
    )
    return tuple(DeployKey(int(k["id"]), str(k["title"]), bool(k["read_only"])) for k in keys), list(ids)


def _dependabot(api: HttpReader, org: str, repo: str) -> tuple[bool, list[str]]:
    answer = api.get(
        "repos:CheckVulnerabilityAlerts", {"org": org, "repo": repo}, region=f"{org}/{repo}", expect=(204, 404)
    )
    return answer.status == 204, [answer.record_id]


def collect_repo(api: HttpReader, org: str, name: str) -> Observed[GitHubRepo]:
    where = f"{org}/{name}"
    try:
        answer = api.get("repos:GetRepo", {"org": org, "repo": name}, region=where)
    except CallFailed as exc:
        return Observed.failed(exc.failure)
    try:
        body = answer.body
        analysis = body.get("security_and_analysis") or {}
        scanning = (analysis.get("secret_scanning") or {}).get("status")
        branch = str(body["default_branch"])
        full_name, private, archived = str(body["full_name"]), bool(body["private"]), bool(body.get("archived"))
    except SHAPE_ERRORS as exc:
        return Observed.failed(_unexpected("repos:GetRepo", exc), (answer.record_id,))
    repo = GitHubRepo(
        full_name=full_name,
        default_branch=branch,
        private=private,
        archived=archived,
        secret_scanning=str(scanning) if scanning else None,
        rules=_observe(lambda: branch_rules(api, org, name, branch), "branch_rules"),
        codeowners=_observe(lambda: _codeowners(api, org, name), "codeowners"),
        environments=_observe(lambda: _environments(api, org, name), "environments"),
        deploy_keys=_observe(lambda: _deploy_keys(api, org, name), "deploy_keys"),
        dependabot_alerts=_observe(lambda: _dependabot(api, org, name), "dependabot"),
    )
    return Observed.ok(repo, (answer.record_id,))


class GitHubSource(EvidenceSource):
    name = SOURCE

    def __init__(self, settings: GitHubSettings) -> None:
        self.settings = settings

    def operations(self) -> tuple[Operation, ...]:
        return operations()

    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        org = self.settings.organization
        token = github_token(self.settings.token_env, self.settings.api_url)
        if not token:
            return Collected(
                (
                    SourcePart(
                        SOURCE,
                        org,
                        failure=Failure(
                            SOURCE,
                            "orgs:GetOrg",
                            GLOBAL,
                            "NoToken",
                            f"no GitHub token: set {self.settings.token_env} or log in with `gh auth login`",
                        ),
                    ),
                ),
                (),
            )
        api = reader(self.settings, token)
        try:
            return self._collect(api, progress)
        finally:
            api.close()

    def _collect(self, api: HttpReader, progress: Progress | None) -> Collected:
        org = self.settings.organization
        data: dict[str, Observed[Any]] = {}
        attributes = {"api_url": self.settings.api_url}
        try:
            answer = api.get("orgs:GetOrg", {"org": org})
        except CallFailed as exc:
            return Collected((SourcePart(SOURCE, org, failure=exc.failure),), tuple(api.records))
        scopes = answer.headers.get("x-oauth-scopes")
        if scopes is not None:
            held = {s.strip() for s in scopes.split(",") if s.strip()}
            attributes["token_scopes"] = ", ".join(sorted(held))
            if held & WRITE_SCOPES:
                return Collected(
                    (
                        SourcePart(
                            SOURCE,
                            org,
                            attributes=attributes,
                            failure=Failure(
                                SOURCE,
                                "orgs:GetOrg",
                                GLOBAL,
                                "TokenCanWrite",
                                f"the token holds write scopes ({', '.join(sorted(held & WRITE_SCOPES))}); use a "
                                "read-only token (see docs/github-token.md)",
                            ),
                        ),
                    ),
                    tuple(api.records),
                )
        else:
            attributes["token_warning"] = (
                "the token's permissions cannot be seen (fine-grained token or GitHub "
                "App): make sure it is read-only (docs/github-token.md)"
            )
        try:
            two_fa = answer.body.get("two_factor_requirement_enabled")
            data[ORG.slot()] = Observed.ok(
                GitHubOrg(str(answer.body["login"]), two_fa if isinstance(two_fa, bool) else None), (answer.record_id,)
            )
        except SHAPE_ERRORS as exc:
            data[ORG.slot()] = Observed.failed(_unexpected("orgs:GetOrg", exc), (answer.record_id,))

        def members() -> tuple[tuple[GitHubMember, ...], tuple[str, ...]]:
            admins, a_ids = api.all("orgs:ListMembers", {"org": org}, params={"role": "admin", "per_page": 100})
            everyone, e_ids = api.all("orgs:ListMembers", {"org": org}, params={"per_page": 100})
            admin_logins = {str(m["login"]) for m in admins}
            return tuple(
                GitHubMember(str(m["login"]), "admin" if m["login"] in admin_logins else "member", m.get("email"))
                for m in everyone
            ), a_ids + e_ids

        data[MEMBERS.slot()] = _observe(members, "orgs:ListMembers")
        data[MEMBERS_WITHOUT_2FA.slot()] = _observe(
            lambda: _logins(api, "orgs:ListMembers2faDisabled", org, {"filter": "2fa_disabled", "per_page": 100})
        )
        data[OUTSIDE_COLLABORATORS.slot()] = _observe(
            lambda: _logins(api, "orgs:ListOutsideCollaborators", org, {"per_page": 100})
        )
        data[REPOSITORIES.slot()] = self._repositories(api, progress)
        return Collected((SourcePart(SOURCE, org, attributes=attributes, data=data),), tuple(api.records))

    def _repositories(self, api: HttpReader, progress: Progress | None) -> Observed[tuple[RepoEntry, ...]]:
        org = self.settings.organization
        names = list(self.settings.repositories)
        sources: tuple[str, ...] = ()
        if not names:
            try:
                listed, sources = api.all("repos:ListOrgRepos", {"org": org}, params={"per_page": 100})
            except CallFailed as exc:
                return Observed.failed(exc.failure)
            names = [str(r["name"]) for r in listed if not r.get("archived")]
        entries = []
        for done, name in enumerate(names, start=1):
            entries.append(RepoEntry(name, collect_repo(api, org, name)))
            if progress:
                progress(f"github {org}/{name}", done, len(names))
        return Observed.ok(tuple(entries), sources)


def _logins(api: HttpReader, key: str, org: str, params: dict[str, object]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    items, ids = api.all(key, {"org": org}, params=params)
    return tuple(str(m["login"]) for m in items), ids
