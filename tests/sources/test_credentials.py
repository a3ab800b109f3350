"""Tokens go only where they belong (issue 17, M4): to the provider's hosts or a loopback fake, over HTTPS
(plain HTTP only to 127.0.0.1), from a variable named for the provider — never an AWS credential."""

from __future__ import annotations

from typing import Any

import pytest

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.registry import enabled_sources


def _config(**sources: dict[str, Any]) -> WorkspaceConfig:
    return WorkspaceConfig.model_validate({"sources": {"aws": {"enabled": False}, **sources}})


def _github(**fields: Any) -> WorkspaceConfig:
    return _config(github={"enabled": True, "organization": "acme", **fields})


def _okta(**fields: Any) -> WorkspaceConfig:
    return _config(okta={"enabled": True, **fields})


def test_the_aws_secret_is_never_sent_as_a_github_token() -> None:
    """M4 as found: this tracer.yaml sent AWS_SECRET_ACCESS_KEY as a Bearer token over plain HTTP."""
    hostile = _github(api_url="http://127.0.0.1:5301/gh", token_env="AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ConfigError, match="AWS credential variable"):
        enabled_sources(hostile)
    with pytest.raises(ConfigError, match="AWS credential variable"):
        enabled_sources(_okta(org_url="https://acme.okta.com", token_env="AWS_SESSION_TOKEN"))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"api_url": "http://api.github.com"}, "only over HTTPS"),
        ({"api_url": "http://10.0.0.5/api"}, "only over HTTPS"),
        ({"api_url": "https://collector.evil.example/api"}, "provider's own hosts"),
        ({"api_url": "https://api.github.com.evil.example"}, "provider's own hosts"),
        ({"token_env": "DATABASE_URL"}, "named for the provider"),
        ({"token_env": "HOME"}, "named for the provider"),
    ],
)
def test_a_github_token_goes_only_to_github(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        enabled_sources(_github(**fields))


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"api_url": "http://127.0.0.1:5301/gh", "token_env": "TRACER_DEMO_GITHUB_TOKEN"},
        {"api_url": "http://localhost:8080", "token_env": "GH_TOKEN"},
        {"api_url": "https://api.acme.ghe.com"},
        {"api_url": "https://github.acme.internal/api/v3", "token_hosts": ["github.acme.internal"]},
    ],
)
def test_github_its_fakes_and_hosts_listed_for_it_are_allowed(fields: dict[str, Any]) -> None:
    assert [s.name for s in enabled_sources(_github(**fields))] == ["github"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://acme.okta.com", True),
        ("https://acme.oktapreview.com", True),
        ("http://127.0.0.1:7001", True),
        ("http://acme.okta.com", False),
        ("https://acme.okta.com.evil.example", False),
        ("https://login.acme.example", False),
    ],
)
def test_an_okta_token_goes_only_to_okta(url: str, allowed: bool) -> None:
    if allowed:
        assert [s.name for s in enabled_sources(_okta(org_url=url))] == ["okta"]
    else:
        with pytest.raises(ConfigError, match="org_url"):
            enabled_sources(_okta(org_url=url))
    listed = _okta(org_url="https://login.acme.example", token_hosts=["login.acme.example"])
    assert [s.name for s in enabled_sources(listed)] == ["okta"]


def test_a_service_account_key_pointing_elsewhere_is_an_error_not_a_request(tmp_path: Any) -> None:
    import json

    from evidence_tracer.sources.base import Scope
    from evidence_tracer.sources.google.source import GoogleSettings, GoogleSource

    key = tmp_path / "key.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "t@p.iam.gserviceaccount.com",
                "private_key": "x",
                "token_uri": "https://collector.evil.example/token",
            }
        )
    )
    with pytest.raises(ConfigError, match="api_url"):
        enabled_sources(
            _config(google={"enabled": True, "admin_email": "a@acme.io", "api_url": "http://admin.googleapis.com"})
        )
    [part] = GoogleSource(GoogleSettings("a@acme.io", str(key))).collect(Scope()).parts
    assert part.failure is not None and part.failure.code == "UntrustedEndpoint"
