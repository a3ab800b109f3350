"""A fake GitHub REST API: an organisation, its members and repositories, shaped as GitHub documents them
(the tests validate every answer against githubkit's generated models of GitHub's OpenAPI description)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

CREATED = "2024-01-10T09:00:00Z"
API = "https://api.github.com"


def user(login: str, uid: int) -> dict[str, Any]:
    """A SimpleUser."""
    base = f"{API}/users/{login}"
    return {
        "login": login,
        "id": uid,
        "node_id": f"U_{uid}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}",
        "gravatar_id": "",
        "url": base,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": "User",
        "site_admin": False,
    }


@dataclass
class FakeRepo:
    name: str
    default_branch: str = "main"
    private: bool = True
    protection: dict[str, Any] | None = None  # classic branch protection (None: "Branch not protected")
    rules: list[dict[str, Any]] = field(default_factory=list)  # rules that apply to the default branch
    rulesets: dict[int, dict[str, Any]] = field(default_factory=dict)
    codeowners: str | None = ".github/CODEOWNERS"
    environments: list[dict[str, Any]] = field(default_factory=list)
    deploy_keys: list[dict[str, Any]] = field(default_factory=list)
    vulnerability_alerts: bool = True
    secret_scanning: str = "enabled"
    pulls: list[dict[str, Any]] = field(default_factory=list)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    check_runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    commits: list[dict[str, Any]] = field(default_factory=list)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class FakeOrg:
    login: str
    two_factor_required: bool = True
    members: list[str] = field(default_factory=list)
    admins: list[str] = field(default_factory=list)
    without_2fa: list[str] = field(default_factory=list)
    outside_collaborators: list[str] = field(default_factory=list)
    repos: dict[str, FakeRepo] = field(default_factory=dict)
    token: str = "ghp_fake_read_only_token_for_tests_000000"
    scopes: str | None = "read:org, repo"  # the X-OAuth-Scopes header; None: a fine-grained token


def _ids(names: list[str]) -> dict[str, int]:
    return {n: 1000 + i for i, n in enumerate(sorted(set(names)))}


def organization(org: FakeOrg) -> dict[str, Any]:
    base = f"{API}/orgs/{org.login}"
    return {
        "login": org.login,
        "id": 42,
        "node_id": "O_42",
        "url": base,
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events",
        "hooks_url": f"{base}/hooks",
        "issues_url": f"{base}/issues",
        "members_url": f"{base}/members{{/member}}",
        "public_members_url": f"{base}/public_members{{/member}}",
        "avatar_url": "https://avatars.githubusercontent.com/u/42",
        "description": "",
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"https://github.com/{org.login}",
        "type": "Organization",
        "created_at": CREATED,
        "updated_at": CREATED,
        "archived_at": None,
        "two_factor_requirement_enabled": org.two_factor_required,
        "plan": {"name": "team", "space": 0, "private_repos": 999},
    }


_REPO_URLS = (
    "archive",
    "assignees",
    "blobs",
    "branches",
    "collaborators",
    "comments",
    "commits",
    "compare",
    "contents",
    "contributors",
    "deployments",
    "downloads",
    "events",
    "forks",
    "git_commits",
    "git_refs",
    "git_tags",
    "issue_comment",
    "issue_events",
    "issues",
    "keys",
    "labels",
    "languages",
    "merges",
    "milestones",
    "notifications",
    "pulls",
    "releases",
    "stargazers",
    "statuses",
    "subscribers",
    "subscription",
    "tags",
    "teams",
    "trees",
    "hooks",
)


def repository(org: FakeOrg, repo: FakeRepo) -> dict[str, Any]:
    """A FullRepository."""
    full = f"{org.login}/{repo.name}"
    base = f"{API}/repos/{full}"
    body: dict[str, Any] = {
        "id": abs(hash(full)) % 10_000_000,
        "node_id": f"R_{repo.name}",
        "name": repo.name,
        "full_name": full,
        "owner": user(org.login, 42) | {"type": "Organization"},
        "private": repo.private,
        "html_url": f"https://github.com/{full}",
        "description": None,
        "fork": False,
        "url": base,
        "git_url": f"git://github.com/{full}.git",
        "ssh_url": f"git@github.com:{full}.git",
        "clone_url": f"https://github.com/{full}.git",
        "mirror_url": None,
        "svn_url": f"https://github.com/{full}",
        "homepage": None,
        "language": "Python",
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "size": 100,
        "default_branch": repo.default_branch,
        "open_issues_count": 0,
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "pushed_at": CREATED,
        "created_at": CREATED,
        "updated_at": CREATED,
        "subscribers_count": 1,
        "network_count": 0,
        "license": None,
        "forks": 0,
        "open_issues": 0,
        "watchers": 0,
        "visibility": "private" if repo.private else "public",
        "security_and_analysis": {
            "secret_scanning": {"status": repo.secret_scanning},
            "secret_scanning_push_protection": {"status": repo.secret_scanning},
        },
    }
    for name in _REPO_URLS:
        body[f"{name}_url"] = f"{base}/{name.replace('_', '/')}"
    return body


def protection(
    required_approvals: int = 1,
    dismiss_stale: bool = True,
    enforce_admins: bool = True,
    checks: tuple[str, ...] = ("ci",),
    force_pushes: bool = False,
    deletions: bool = False,
) -> dict[str, Any]:
    """A BranchProtection, as GET /repos/{o}/{r}/branches/{b}/protection answers."""
    url = f"{API}/repos/acme/app/branches/main/protection"
    return {
        "url": url,
        "required_status_checks": {
            "url": f"{url}/required_status_checks",
            "strict": True,
            "contexts": list(checks),
            "checks": [{"context": c, "app_id": None} for c in checks],
            "contexts_url": f"{url}/required_status_checks/contexts",
        },
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": enforce_admins},
        "required_pull_request_reviews": {
            "url": f"{url}/required_pull_request_reviews",
            "dismiss_stale_reviews": dismiss_stale,
            "require_code_owner_reviews": False,
            "required_approving_review_count": required_approvals,
            "require_last_push_approval": False,
        },
        "allow_force_pushes": {"enabled": force_pushes},
        "allow_deletions": {"enabled": deletions},
        "required_linear_history": {"enabled": False},
        "required_conversation_resolution": {"enabled": True},
        "block_creations": {"enabled": False},
        "lock_branch": {"enabled": False},
        "allow_fork_syncing": {"enabled": False},
        "required_signatures": {"url": f"{url}/required_signatures", "enabled": False},
    }


def ruleset(ruleset_id: int, bypass: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A RepositoryRuleset (GET /repos/{o}/{r}/rulesets/{id})."""
    return {
        "id": ruleset_id,
        "name": f"protect-main-{ruleset_id}",
        "target": "branch",
        "source_type": "Repository",
        "source": "acme/app",
        "enforcement": "active",
        "bypass_actors": bypass or [],
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [],
        "created_at": CREATED,
        "updated_at": CREATED,
    }


def environment(name: str, reviewers: list[str]) -> dict[str, Any]:
    rules = (
        [
            {
                "id": 3755,
                "node_id": "MDQ6R2F0ZTM3NTU=",
                "type": "required_reviewers",
                "prevent_self_review": True,
                "reviewers": [{"type": "User", "reviewer": user(r, 2000 + i)} for i, r in enumerate(reviewers)],
            }
        ]
        if reviewers
        else []
    )
    return {
        "id": 161088068,
        "node_id": "MDExOkVudmlyb25tZW50MTYxMDg4MDY4",
        "name": name,
        "url": f"{API}/repos/acme/app/environments/{name}",
        "html_url": "https://github.com/acme/app/deployments",
        "created_at": CREATED,
        "updated_at": CREATED,
        "protection_rules": rules,
        "deployment_branch_policy": None,
    }


def deploy_key(key_id: int, title: str, read_only: bool) -> dict[str, Any]:
    return {
        "id": key_id,
        "key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests",
        "url": f"{API}/repos/acme/app/keys/{key_id}",
        "title": title,
        "verified": True,
        "created_at": CREATED,
        "read_only": read_only,
        "added_by": "octocat",
        "last_used": None,
        "enabled": True,
    }


def content(path: str) -> dict[str, Any]:
    text = base64.b64encode(b"* @acme/engineering\n").decode()
    url = f"{API}/repos/acme/app/contents/{path}"
    return {
        "type": "file",
        "encoding": "base64",
        "size": 20,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": text,
        "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
        "url": url,
        "git_url": f"{API}/repos/acme/app/git/blobs/3d21ec53",
        "html_url": f"https://github.com/acme/app/blob/main/{path}",
        "download_url": f"https://raw.githubusercontent.com/acme/app/main/{path}",
        "_links": {
            "git": f"{API}/repos/acme/app/git/blobs/3d21ec53",
            "self": url,
            "html": f"https://github.com/acme/app/blob/main/{path}",
        },
    }
