"""GitHub checks over hand-built GitHub parts: a clean organisation passes, each gap fails with a remediation,
and every dataset a check needs, unreadable, is an error."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from evidence_tracer.checks.registry import CheckContext, run_check, specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Failure, Observed, SourcePart
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
from evidence_tracer.models import Finding, Status

GITHUB = sorted(cid for cid, spec in specs().items() if spec.source == "github")
GOOD_RULES = BranchRules(True, 1, True, (), ("ci",), True, True)
DENIED = Failure("github", "x", "global", "Forbidden", "HTTP 403: Resource not accessible by integration")


def repo(**changes: Any) -> GitHubRepo:
    base = GitHubRepo(
        "acme/app",
        "main",
        True,
        False,
        "enabled",
        Observed.ok(GOOD_RULES, ("r1",)),
        Observed.ok(".github/CODEOWNERS"),
        Observed.ok((GitHubEnvironment("production", 2),)),
        Observed.ok((DeployKey(1, "ci", True),)),
        Observed.ok(True),
    )
    return replace(base, **changes)


def part(**data: Observed[Any]) -> SourcePart:
    clean: dict[str, Observed[Any]] = {
        ORG.slot(): Observed.ok(GitHubOrg("acme", True), ("o1",)),
        MEMBERS.slot(): Observed.ok((GitHubMember("alice", "admin", None), GitHubMember("bob", "member", None))),
        MEMBERS_WITHOUT_2FA.slot(): Observed.ok(()),
        OUTSIDE_COLLABORATORS.slot(): Observed.ok(()),
        REPOSITORIES.slot(): Observed.ok((RepoEntry("app", Observed.ok(repo(), ("r0",))),)),
    }
    return SourcePart("github", "acme", data={**clean, **{k: v for k, v in data.items()}})


def repos(*entries: GitHubRepo) -> dict[str, Observed[Any]]:
    return {
        REPOSITORIES.slot(): Observed.ok(tuple(RepoEntry(r.full_name.split("/")[1], Observed.ok(r)) for r in entries))
    }


def run(check_id: str, source: SourcePart) -> tuple[Finding, ...]:
    return run_check(check_id, source, CheckContext(WorkspaceConfig(), datetime(2026, 11, 25, tzinfo=UTC)))


@pytest.mark.parametrize("check_id", GITHUB)
def test_a_clean_organisation_passes(check_id: str) -> None:
    findings = run(check_id, part())
    assert findings and {f.status for f in findings} == {Status.PASS}, [f.message for f in findings]
    assert all(f.source == "github" and f.account == "acme" and f.criteria for f in findings)


FAILS: dict[str, tuple[dict[str, Observed[Any]], str, str]] = {
    "github_org_2fa_required": (
        {ORG.slot(): Observed.ok(GitHubOrg("acme", False))},
        "does not require",
        "Require two-factor",
    ),
    "github_members_2fa": (
        {MEMBERS_WITHOUT_2FA.slot(): Observed.ok(("mallory",))},
        "mallory has no two-factor",
        "Ask mallory",
    ),
    "github_admins_few": (
        {MEMBERS.slot(): Observed.ok(tuple(GitHubMember(f"a{i}", "admin", None) for i in range(5)))},
        "5 organisation owners",
        "memberships/LOGIN",
    ),
    "github_branch_reviews": (
        repos(repo(rules=Observed.ok(replace(GOOD_RULES, required_approvals=0)))),
        "no approving review is required",
        "at least 1 approving review",
    ),
    "github_branch_no_bypass": (
        repos(repo(rules=Observed.ok(replace(GOOD_RULES, bypass=("administrators",))))),
        "can be bypassed by administrators",
        "include",
    ),
    "github_branch_status_checks": (
        repos(repo(rules=Observed.ok(replace(GOOD_RULES, required_checks=())))),
        "no status check",
        "Require status checks",
    ),
    "github_branch_no_force_push": (
        repos(repo(rules=Observed.ok(replace(GOOD_RULES, force_push_blocked=False)))),
        "force pushes are allowed",
        "Block force pushes",
    ),
    "github_codeowners": (repos(repo(codeowners=Observed.ok(None))), "no CODEOWNERS", ".github/CODEOWNERS"),
    "github_environment_reviewers": (
        repos(repo(environments=Observed.ok((GitHubEnvironment("prod-eu", 0),)))),
        "prod-eu need no reviewer",
        "required reviewers",
    ),
    "github_deploy_keys_read_only": (
        repos(repo(deploy_keys=Observed.ok((DeployKey(7, "old deploy", False),)))),
        "'old deploy' can push",
        "keys/7",
    ),
    "github_secret_scanning": (
        repos(repo(secret_scanning="disabled")),
        "secret scanning disabled",
        "Enable secret scanning",
    ),
    "github_dependabot_alerts": (
        repos(repo(dependabot_alerts=Observed.ok(False))),
        "Dependabot alerts disabled",
        "vulnerability-alerts",
    ),
}


def test_every_github_check_has_a_failing_case() -> None:
    assert set(FAILS) == set(GITHUB)


@pytest.mark.parametrize("check_id", GITHUB)
def test_a_gap_fails_with_a_remediation(check_id: str) -> None:
    data, message, remediation = FAILS[check_id]
    fails = [f for f in run(check_id, part(**data)) if f.status is Status.FAIL]
    assert any(message in f.message for f in fails), [f.message for f in run(check_id, part(**data))]
    assert any(remediation in f.remediation for f in fails), [f.remediation for f in fails]


def test_an_unprotected_branch_fails_every_branch_check() -> None:
    bare = repos(repo(rules=Observed.ok(BranchRules(False, 0, False, (), (), False, False))))
    for check_id in (
        "github_branch_reviews",
        "github_branch_no_bypass",
        "github_branch_status_checks",
        "github_branch_no_force_push",
    ):
        assert {f.status for f in run(check_id, part(**bare))} == {Status.FAIL}, check_id


UNREADABLE: dict[str, dict[str, Observed[Any]]] = {
    "github_org_2fa_required": {ORG.slot(): Observed.failed(DENIED)},
    "github_members_2fa": {MEMBERS_WITHOUT_2FA.slot(): Observed.failed(DENIED)},
    "github_admins_few": {MEMBERS.slot(): Observed.failed(DENIED)},
    **{
        cid: repos(repo(rules=Observed.failed(DENIED)))
        for cid in (
            "github_branch_reviews",
            "github_branch_no_bypass",
            "github_branch_status_checks",
            "github_branch_no_force_push",
        )
    },
    "github_codeowners": repos(repo(codeowners=Observed.failed(DENIED))),
    "github_environment_reviewers": repos(repo(environments=Observed.failed(DENIED))),
    "github_deploy_keys_read_only": repos(repo(deploy_keys=Observed.failed(DENIED))),
    "github_secret_scanning": repos(repo(secret_scanning=None)),
    "github_dependabot_alerts": repos(repo(dependabot_alerts=Observed.failed(DENIED))),
}


@pytest.mark.parametrize("check_id", GITHUB)
def test_what_could_not_be_read_is_an_error_never_a_pass(check_id: str) -> None:
    findings = run(check_id, part(**UNREADABLE[check_id]))
    assert {f.status for f in findings} == {Status.ERROR}, [f.message for f in findings]
    repo_failed = {REPOSITORIES.slot(): Observed.ok((RepoEntry("app", Observed.failed(DENIED)),))}
    if check_id.startswith(
        (
            "github_branch",
            "github_codeowners",
            "github_environment",
            "github_deploy",
            "github_secret",
            "github_dependabot",
        )
    ):
        assert {f.status for f in run(check_id, part(**repo_failed))} == {Status.ERROR}
        assert {f.status for f in run(check_id, part(**{REPOSITORIES.slot(): Observed.failed(DENIED)}))} == {
            Status.ERROR
        }
