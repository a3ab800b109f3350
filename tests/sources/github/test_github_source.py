"""The GitHub source's real HTTP client against the local fake GitHub API: what it reads, how every failure
becomes an error finding, and that it only ever reads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from evidence_tracer.checks.registry import CheckContext, evaluate
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ReadOnlyViolation
from evidence_tracer.fakes.github import FakeOrg
from evidence_tracer.fakes.server import FakeApi, Reply
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.github import MEMBERS, REPOSITORIES
from evidence_tracer.models import Finding, Status
from evidence_tracer.sources.base import Scope
from evidence_tracer.sources.github.source import GitHubSettings, GitHubSource, reader
from evidence_tracer.sources.github.token import github_token
from tests.sources.github.conftest import TOKEN_ENV

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def scan(settings: GitHubSettings) -> tuple[Inventory, tuple[Finding, ...]]:
    collected = GitHubSource(settings).collect(Scope())
    inventory = Inventory(collected.parts)
    return inventory, evaluate(inventory, CheckContext(WorkspaceConfig(), NOW))


def by(findings: tuple[Finding, ...], check_id: str, resource: str = "") -> set[Status]:
    return {f.status for f in findings if f.check_id == check_id and resource in f.resource_id}


def test_a_clean_repository_passes_and_every_gap_fails(github: tuple[FakeApi, GitHubSettings]) -> None:
    _, findings = scan(github[1])
    for check_id in (
        "github_branch_reviews",
        "github_branch_no_bypass",
        "github_branch_status_checks",
        "github_branch_no_force_push",
        "github_codeowners",
        "github_environment_reviewers",
        "github_deploy_keys_read_only",
        "github_secret_scanning",
        "github_dependabot_alerts",
    ):
        assert by(findings, check_id, "acme/app") == {Status.PASS}, check_id
        assert by(findings, check_id, "acme/infra") == {Status.FAIL}, check_id
    bypass = next(f for f in findings if f.check_id == "github_branch_no_bypass" and "infra" in f.resource_id)
    assert "RepositoryRole 5 (always)" in bypass.message  # read from the ruleset's bypass list
    assert by(findings, "github_org_2fa_required") == {Status.PASS}
    assert by(findings, "github_members_2fa") == {Status.FAIL}
    assert by(findings, "github_admins_few") == {Status.PASS}


def test_pages_are_followed(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    org.members = [f"user{i}" for i in range(250)]
    inventory, _ = scan(github[1])
    members = inventory.parts[0].get(MEMBERS)
    assert members.value is not None and len(members.value) == 250
    plain = [r for r in github[0].seen if r.path == "/orgs/acme/members" and not {"role", "filter"} & set(r.query)]
    assert len(plain) == 3


def test_it_only_reads(github: tuple[FakeApi, GitHubSettings]) -> None:
    scan(github[1])
    assert github[0].seen and {r.method for r in github[0].seen} == {"GET"}
    api = reader(github[1], "t")
    with pytest.raises(ReadOnlyViolation):
        api.get("repos:DeleteRepo", {"org": "acme", "repo": "app"})
    with pytest.raises(ReadOnlyViolation):
        api.url("orgs:UpdateOrg", {"org": "acme"})


@pytest.mark.parametrize(
    ("path", "reply", "code"),
    [
        (r"/branches/main/protection$", Reply(403, {"message": "Resource not accessible by integration"}), "Forbidden"),
        (r"/branches/main/protection$", Reply(500, {"message": "boom"}), "ServerError"),
        (
            r"/branches/main/protection$",
            Reply(200, raw=b"<html><body>Sign in to your proxy</body></html>", headers={"Content-Type": "text/html"}),
            "UnexpectedResponse",
        ),
        (
            r"/branches/main/protection$",
            Reply(200, raw=b'{"required_pull_request_reviews": ', headers={"Content-Type": "application/json"}),
            "UnexpectedResponse",
        ),
        (
            r"/branches/main/protection$",
            Reply(403, {"message": "API rate limit exceeded"}, {"X-RateLimit-Remaining": "0", "Retry-After": "3600"}),
            "RateLimited",
        ),
        (r"/rules/branches/main$", Reply(200, {"not": "a list"}), "UnexpectedResponse"),
    ],
)
def test_each_failure_is_an_error_for_what_it_touched(
    github: tuple[FakeApi, GitHubSettings], path: str, reply: Reply, code: str
) -> None:
    github[0].fault(path, reply)
    _, findings = scan(github[1])
    for check_id in (
        "github_branch_reviews",
        "github_branch_no_bypass",
        "github_branch_status_checks",
        "github_branch_no_force_push",
    ):
        assert by(findings, check_id) == {Status.ERROR}, check_id
        assert any(code in f.message for f in findings if f.check_id == check_id)
    assert by(findings, "github_codeowners", "acme/app") == {Status.PASS}  # the rest was still read


def test_a_transient_5xx_is_retried(github: tuple[FakeApi, GitHubSettings]) -> None:
    github[0].fault(r"/repos/acme/app$", Reply(502, {"message": "bad gateway"}), times=1)
    _, findings = scan(github[1])
    assert by(findings, "github_codeowners", "acme/app") == {Status.PASS}


def test_a_missing_repository_is_an_error_for_it_alone(github: tuple[FakeApi, GitHubSettings]) -> None:
    settings = GitHubSettings("acme", ("app", "ghost"), github[1].api_url, TOKEN_ENV, 5)
    inventory, findings = scan(settings)
    entries = inventory.parts[0].get(REPOSITORIES).value
    assert entries is not None and [e.name for e in entries] == ["app", "ghost"]
    assert by(findings, "github_codeowners", "acme/ghost") == {Status.ERROR}
    assert by(findings, "github_codeowners", "acme/app") == {Status.PASS}


def test_bad_credentials_make_every_check_an_error(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    org.token = "something-else"
    inventory, findings = scan(github[1])
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == "Unauthorized"
    assert {f.status for f in findings} == {Status.ERROR} and len({f.check_id for f in findings}) == 12


def test_a_token_that_can_write_is_refused(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    org.scopes = "repo, read:org, delete_repo, workflow"
    inventory, findings = scan(github[1])
    failure = inventory.parts[0].failure
    assert failure is not None and failure.code == "TokenCanWrite" and "delete_repo, workflow" in failure.message
    assert [r.path for r in github[0].seen] == ["/orgs/acme"]  # nothing more was read with it
    assert {f.status for f in findings} == {Status.ERROR}


def test_a_token_whose_scopes_cannot_be_seen_is_flagged(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    org.scopes = None
    inventory, _ = scan(github[1])
    assert "cannot be seen" in inventory.parts[0].attribute("token_warning")


def test_no_token_is_an_error_not_a_crash(
    github: tuple[FakeApi, GitHubSettings], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path))
    inventory, _ = scan(github[1])
    assert inventory.parts[0].failure is not None and inventory.parts[0].failure.code == "NoToken"
    assert github[0].seen == []


def test_the_token_comes_from_the_gh_cli_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path))
    (tmp_path / "hosts.yml").write_text(
        "github.com:\n  user: alice\n  oauth_token: gho_from_gh\n  git_protocol: https\n"
    )
    assert github_token(TOKEN_ENV, "https://api.github.com") == "gho_from_gh"
    (tmp_path / "hosts.yml").write_text(
        "github.com:\n  user: alice\n  users:\n    alice:\n      oauth_token: gho_multi\n"
    )
    assert github_token(TOKEN_ENV, "https://api.github.com") == "gho_multi"
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert github_token(TOKEN_ENV, "https://api.github.com") == "from-env"


def test_the_fake_answers_as_github_documents(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    """Every answer of the fake validates against githubkit's models, generated from GitHub's OpenAPI."""
    from githubkit_schemas.latest import models as m
    from pydantic import TypeAdapter

    api, _ = github
    client = httpx.Client(base_url=api.base_url, headers={"Authorization": f"Bearer {org.token}"})

    def get(path: str) -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.json()

    m.OrganizationFull.model_validate(get("/orgs/acme"))
    TypeAdapter(list[m.SimpleUser]).validate_python(get("/orgs/acme/members"))
    TypeAdapter(list[m.SimpleUser]).validate_python(get("/orgs/acme/outside_collaborators"))
    m.FullRepository.model_validate(get("/repos/acme/app"))
    TypeAdapter(list[m.MinimalRepository]).validate_python(get("/orgs/acme/repos"))
    m.BranchProtection.model_validate(get("/repos/acme/app/branches/main/protection"))
    m.RepositoryRuleset.model_validate(get("/repos/acme/infra/rulesets/7"))
    m.ContentFile.model_validate(get("/repos/acme/app/contents/.github/CODEOWNERS"))
    m.ReposOwnerRepoEnvironmentsGetResponse200.model_validate(get("/repos/acme/app/environments"))
    TypeAdapter(list[m.DeployKey]).validate_python(get("/repos/acme/app/keys"))
    rules = get("/repos/acme/infra/rules/branches/main")
    assert isinstance(rules, list) and rules
    m.RepositoryRulePullRequest.model_validate({k: v for k, v in rules[0].items() if k in ("type", "parameters")})
    client.close()


def _pattern(key: str) -> str:
    from evidence_tracer.sources.github.operations import BY_KEY

    path = BY_KEY[key].path
    regex = "^" + path.replace("{path}", ".+").replace("{", "(?P<").replace("}", ">[^/?]+)") + r"(\?.*)?$"
    if key == "orgs:ListMembers2faDisabled":
        return regex.replace(r"(\?.*)?$", r"\?.*filter=2fa_disabled")
    if key == "orgs:ListMembers":
        return regex.replace(r"(\?.*)?$", r"(\?(?!.*filter=).*)?$")
    return regex


# (operation, check) pairs this module denies (tests/sources/test_registry.py checks it covers the registry's).
DENIED = {
    (op, cid)
    for cid, spec in __import__("evidence_tracer.checks.registry", fromlist=["specs"]).specs().items()
    if spec.judges("github")
    for op in spec.needs_of("github")
}


@pytest.mark.parametrize(("operation", "check_id"), sorted(DENIED))
def test_a_forbidden_needed_operation_is_an_error(
    github: tuple[FakeApi, GitHubSettings], operation: str, check_id: str
) -> None:
    """Generated from checks.yaml `needs`: 403 on that call, through the real client, makes the check error."""
    import re

    pattern = _pattern(operation)
    github[0].fault(pattern, Reply(403, {"message": "Must have admin rights to Repository."}))
    _, findings = scan(github[1])
    hit = [
        re.match(pattern, r.path + ("?" + "&".join(f"{k}={v}" for k, v in r.query.items()) if r.query else ""))
        for r in github[0].seen
    ]
    repos = {m.groupdict().get("repo") for m in hit if m}
    assert repos, "the faulted call was never made"
    for repo in repos:  # each resource whose answer was refused is judged `error`, never `pass`
        statuses = by(findings, check_id, f"acme/{repo}" if repo else "")
        assert Status.ERROR in statuses and Status.PASS not in statuses, (operation, check_id, repo, statuses)


def test_organisation_gaps_fail_through_the_fake(github: tuple[FakeApi, GitHubSettings], org: FakeOrg) -> None:
    org.two_factor_required = False
    org.admins = ["alice", "bob", "mallory", "eve", "trent"]
    org.members += ["eve", "trent"]
    _, findings = scan(github[1])
    assert by(findings, "github_org_2fa_required") == {Status.FAIL}
    assert by(findings, "github_admins_few") == {Status.FAIL}
    org.without_2fa = []
    _, findings = scan(github[1])
    assert by(findings, "github_members_2fa") == {Status.PASS}


@pytest.mark.parametrize(("source", "doc"), [("github", "github-token.md"), ("okta", "okta-token.md")])
def test_the_shipped_token_documents_are_generated_from_the_declarations(
    source: str, doc: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from evidence_tracer.cli.app import main

    with pytest.raises(SystemExit) as done:
        main(["permissions", "--source", source])
    assert done.value.code == 0
    assert capsys.readouterr().out == (Path(__file__).parents[3] / "docs" / doc).read_text()
