"""What the GitHub source collects, as typed values (no client objects): the organisation, its members and
the default-branch protection of the repositories in scope. Every field is required (no defaults), so a
snapshot that predates a field reads as "not collected", never as a silent default."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_tracer.inventory.base import Dataset, Observed


@dataclass(frozen=True, slots=True)
class GitHubOrg:
    login: str
    two_factor_required: bool | None  # None: GitHub shows it only to organisation owners


@dataclass(frozen=True, slots=True)
class GitHubMember:
    login: str
    role: str  # admin | member
    email: str | None


@dataclass(frozen=True, slots=True)
class BranchRules:
    """The effective protection of a default branch: classic branch protection and rulesets together."""

    protected: bool
    required_approvals: int
    dismiss_stale_reviews: bool
    bypass: tuple[str, ...]  # who may bypass: "administrators" when admins are not included, ruleset actors
    required_checks: tuple[str, ...]
    force_push_blocked: bool
    deletion_blocked: bool


@dataclass(frozen=True, slots=True)
class GitHubEnvironment:
    name: str
    required_reviewers: int


@dataclass(frozen=True, slots=True)
class DeployKey:
    id: int
    title: str
    read_only: bool


@dataclass(frozen=True, slots=True)
class GitHubRepo:
    full_name: str
    default_branch: str
    private: bool
    archived: bool
    secret_scanning: str | None  # enabled | disabled | None when GitHub does not say
    rules: Observed[BranchRules]
    codeowners: Observed[str | None]  # the path of the CODEOWNERS file, None when there is none
    environments: Observed[tuple[GitHubEnvironment, ...]]
    deploy_keys: Observed[tuple[DeployKey, ...]]
    dependabot_alerts: Observed[bool]


@dataclass(frozen=True, slots=True)
class RepoEntry:
    """A repository in scope, read on its own: one that cannot be read is an error for it alone."""

    name: str
    repo: Observed[GitHubRepo]


ORG: Dataset[GitHubOrg] = Dataset("github.org", "orgs", "GetOrg")
MEMBERS: Dataset[tuple[GitHubMember, ...]] = Dataset("github.members", "orgs", "ListMembers")
MEMBERS_WITHOUT_2FA: Dataset[tuple[str, ...]] = Dataset("github.members_without_2fa", "orgs", "ListMembers2faDisabled")
OUTSIDE_COLLABORATORS: Dataset[tuple[str, ...]] = Dataset(
    "github.outside_collaborators", "orgs", "ListOutsideCollaborators"
)
REPOSITORIES: Dataset[tuple[RepoEntry, ...]] = Dataset("github.repositories", "repos", "GetRepo")
