"""The demo's GitHub organisation and Okta org: realistic gaps beside clean twins (a repository without
required reviews and with an admin bypass, a member without 2FA, a person without a second factor, a leaver
still active in Okta), served by the local fakes while `tracer demo` runs."""

from __future__ import annotations

from evidence_tracer.fakes.github import (
    FakeOrg,
    FakeRepo,
    deploy_key,
    environment,
    protection,
    ruleset,
)
from evidence_tracer.fakes.github_changes import check_run, commit, pull, review
from evidence_tracer.fakes.okta import FakeOkta, FakeOktaUser

DEMO_GITHUB_TOKEN_ENV = "TRACER_DEMO_GITHUB_TOKEN"
DEMO_OKTA_TOKEN_ENV = "TRACER_DEMO_OKTA_TOKEN"


def demo_github(days: list[str]) -> FakeOrg:
    """`days`: four ISO timestamps inside the change-population period, oldest first."""
    app = FakeRepo(
        "app",
        protection=protection(),
        environments=[environment("production", ["alice-founder"])],
        deploy_keys=[deploy_key(1, "release read-only", True)],
    )
    infra = FakeRepo(
        "infra",
        protection=protection(required_approvals=0, enforce_admins=False),
        codeowners=None,
        secret_scanning="disabled",
        environments=[environment("production", [])],
        rulesets={7: ruleset(7, [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}])},
        rules=[
            {
                "type": "non_fast_forward",
                "ruleset_source_type": "Repository",
                "ruleset_source": "acme/infra",
                "ruleset_id": 7,
            }
        ],
        deploy_keys=[deploy_key(2, "legacy terraform (write)", False)],
    )
    app.pulls = [
        pull("acme", "app", 41, "Rate-limit the login endpoint", "bob-eng", days[0], "a1" * 20, "b1" * 20),
        pull("acme", "app", 42, "Bump dependencies", "dave-ops", days[1], "a2" * 20, "b2" * 20),
    ]
    app.reviews = {
        41: [review("acme", "app", 41, "dave-ops", "APPROVED", 1)],
        42: [review("acme", "app", 42, "dave-ops", "APPROVED", 2)],
    }
    app.check_runs = {
        "a1" * 20: [check_run("acme", "app", "a1" * 20, "ci", "success", 1)],
        "a2" * 20: [check_run("acme", "app", "a2" * 20, "ci", "success", 2)],
        "c3" * 20: [],
    }
    app.commits = [
        commit("acme", "app", "b1" * 20, "bob-eng", days[0], "Rate-limit the login endpoint (#41)"),
        commit("acme", "app", "b2" * 20, "dave-ops", days[1], "Bump dependencies (#42)"),
        commit("acme", "app", "c3" * 20, "dave-ops", days[2], "hotfix: config typo"),
    ]
    app.commit_pulls = {"b1" * 20: [41], "b2" * 20: [42]}
    return FakeOrg(
        login="acme",
        members=["alice-founder", "bob-eng", "dave-ops", "mallory-x"],
        admins=["alice-founder"],
        without_2fa=["mallory-x"],
        repos={"app": app, "infra": infra},
        token="ghp_demo_read_only_token_0000000000000000",
    )


def demo_okta() -> FakeOkta:
    return FakeOkta(
        users=[
            FakeOktaUser("00u1", "alice.founder@acme.example", admin=True, factors=["push", "webauthn"]),
            FakeOktaUser("00u2", "bob.engineer@acme.example", factors=["email"]),
            FakeOktaUser("00u3", "dave.ops@acme.example", factors=["token:software:totp"]),
            FakeOktaUser("00u4", "carol.contractor@acme.example", factors=["push"]),  # left 20 days ago
        ],
        apps=[("amazon_aws_sso", "AWS IAM Identity Center")],
        token="00demo-okta-read-only-token",
    )
