from __future__ import annotations

from collections.abc import Iterator

import pytest

from evidence_tracer.fakes.github import (
    FakeOrg,
    FakeRepo,
    deploy_key,
    environment,
    protection,
    ruleset,
)
from evidence_tracer.fakes.github_api import github_api
from evidence_tracer.fakes.server import FakeApi, serve
from evidence_tracer.sources.github.source import GitHubSettings

TOKEN_ENV = "TRACER_TEST_GITHUB_TOKEN"


def acme() -> FakeOrg:
    """A clean repository and one with every gap, members with and without 2FA."""
    return FakeOrg(
        login="acme",
        members=["alice", "bob", "mallory"],
        admins=["alice"],
        without_2fa=["mallory"],
        outside_collaborators=["contractor-x"],
        repos={
            "app": FakeRepo(
                "app",
                protection=protection(),
                environments=[environment("production", ["alice"])],
                deploy_keys=[deploy_key(1, "ci read", True)],
            ),
            "infra": FakeRepo(
                "infra",
                protection=None,
                codeowners=None,
                vulnerability_alerts=False,
                secret_scanning="disabled",
                rules=[
                    {
                        "type": "pull_request",
                        "parameters": {
                            "required_approving_review_count": 0,
                            "dismiss_stale_reviews_on_push": False,
                            "require_code_owner_review": False,
                            "require_last_push_approval": False,
                            "required_review_thread_resolution": False,
                        },
                        "ruleset_source_type": "Repository",
                        "ruleset_source": "acme/infra",
                        "ruleset_id": 7,
                    }
                ],
                rulesets={7: ruleset(7, [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}])},
                environments=[environment("production", [])],
                deploy_keys=[deploy_key(2, "legacy deploy", False)],
            ),
        },
    )


@pytest.fixture
def org() -> FakeOrg:
    return acme()


@pytest.fixture
def github(org: FakeOrg, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeApi, GitHubSettings]]:
    monkeypatch.setenv(TOKEN_ENV, org.token)
    with serve(github_api(org)) as api:
        yield api, GitHubSettings("acme", api_url=api.base_url, token_env=TOKEN_ENV, timeout=5)
