"""Every GitHub REST call the source may make, declared once: its path, and the token permission it needs
(a classic token scope and the fine-grained permission). The client refuses anything else; the token
documentation (`tracer permissions --source github`) is generated from this list."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_tracer.sources.base import Operation

SOURCE = "github"


@dataclass(frozen=True)
class Endpoint:
    operation: Operation
    path: str  # a template of {names}; always GET
    fine_grained: str  # the fine-grained token permission (read-only) that allows it


def _op(service: str, name: str, path: str, scope: str, fine_grained: str) -> Endpoint:
    return Endpoint(Operation(SOURCE, service, name, scope), path, fine_grained)


ENDPOINTS: tuple[Endpoint, ...] = (
    _op("orgs", "GetOrg", "/orgs/{org}", "read:org", "Organization: Members (read)"),
    _op("orgs", "ListMembers", "/orgs/{org}/members", "read:org", "Organization: Members (read)"),
    _op(
        "orgs",
        "ListMembers2faDisabled",
        "/orgs/{org}/members",
        "read:org",
        "Organization: Members (read), as an organisation owner",
    ),
    _op(
        "orgs",
        "ListOutsideCollaborators",
        "/orgs/{org}/outside_collaborators",
        "read:org",
        "Organization: Members (read)",
    ),
    _op("repos", "ListOrgRepos", "/orgs/{org}/repos", "repo", "Repository: Metadata (read)"),
    _op("repos", "GetRepo", "/repos/{org}/{repo}", "repo", "Repository: Metadata (read)"),
    _op(
        "repos",
        "GetBranchProtection",
        "/repos/{org}/{repo}/branches/{branch}/protection",
        "repo",
        "Repository: Administration (read)",
    ),
    _op(
        "repos", "GetBranchRules", "/repos/{org}/{repo}/rules/branches/{branch}", "repo", "Repository: Metadata (read)"
    ),
    _op(
        "repos",
        "GetRepoRuleset",
        "/repos/{org}/{repo}/rulesets/{ruleset_id}",
        "repo",
        "Repository: Administration (read)",
    ),
    _op("repos", "GetContent", "/repos/{org}/{repo}/contents/{path}", "repo", "Repository: Contents (read)"),
    _op("repos", "ListEnvironments", "/repos/{org}/{repo}/environments", "repo", "Repository: Environments (read)"),
    _op("repos", "ListDeployKeys", "/repos/{org}/{repo}/keys", "repo", "Repository: Administration (read)"),
    _op(
        "repos",
        "CheckVulnerabilityAlerts",
        "/repos/{org}/{repo}/vulnerability-alerts",
        "repo",
        "Repository: Administration (read)",
    ),
    _op("pulls", "ListPulls", "/repos/{org}/{repo}/pulls", "repo", "Repository: Pull requests (read)"),
    _op(
        "pulls", "ListReviews", "/repos/{org}/{repo}/pulls/{number}/reviews", "repo", "Repository: Pull requests (read)"
    ),
    _op("checks", "ListCheckRuns", "/repos/{org}/{repo}/commits/{sha}/check-runs", "repo", "Repository: Checks (read)"),
    _op("repos", "ListCommits", "/repos/{org}/{repo}/commits", "repo", "Repository: Contents (read)"),
    _op(
        "repos",
        "ListPullsForCommit",
        "/repos/{org}/{repo}/commits/{sha}/pulls",
        "repo",
        "Repository: Pull requests (read)",
    ),
)
BY_KEY = {e.operation.key: e for e in ENDPOINTS}
# Classic scopes that can change or delete what the source only reads: a token holding one is refused.
WRITE_SCOPES = frozenset(
    {
        "delete_repo",
        "admin:org",
        "write:org",
        "admin:repo_hook",
        "write:repo_hook",
        "admin:org_hook",
        "workflow",
        "write:packages",
        "delete:packages",
        "admin:public_key",
        "admin:gpg_key",
        "admin:enterprise",
        "user",
        "write:discussion",
        "admin:ssh_signing_key",
    }
)


def operations() -> tuple[Operation, ...]:
    return tuple(e.operation for e in ENDPOINTS)


def token_permissions() -> str:
    """The token documentation: the classic scopes and fine-grained permissions the declarations need."""
    scopes = sorted({e.operation.permission for e in ENDPOINTS})
    fine = sorted({e.fine_grained for e in ENDPOINTS})
    lines = [
        "# GitHub token for Evidence Tracer",
        "",
        "Generated from the source's declared operations (`tracer permissions --source github`).",
        "",
        "Prefer a fine-grained personal access token (or a GitHub App) owned by an organisation owner, with",
        "read-only permissions only:",
        "",
        *(f"- {f}" for f in fine),
        "",
        f"A classic token needs the scopes: {', '.join(f'`{s}`' for s in scopes)}. GitHub has no read-only",
        "classic scope for branch protection, so `repo` is needed for private repositories; a token holding",
        "any of these scopes is refused because it can change what the scan only reads:",
        ", ".join(f"`{s}`" for s in sorted(WRITE_SCOPES)) + ".",
        "",
        "Every call is a GET:",
        "",
        "| Operation | Path | Classic scope | Fine-grained permission |",
        "|---|---|---|---|",
        *(f"| {e.operation.key} | `GET {e.path}` | {e.operation.permission} | {e.fine_grained} |" for e in ENDPOINTS),
    ]
    return "\n".join(lines) + "\n"
