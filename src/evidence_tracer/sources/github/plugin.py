"""The GitHub source's registration: the organisation, its members and the repositories in scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.credentials import check_endpoint, check_token_env
from evidence_tracer.sources.github.operations import operations, token_permissions
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin

if TYPE_CHECKING:
    from evidence_tracer.sources.github.source import GitHubSettings

GITHUB_HOSTS = ("api.github.com", "github.com", ".ghe.com")


def settings_of(config: WorkspaceConfig) -> GitHubSettings:
    """The source's settings, once its token is known to go only to GitHub, over HTTPS, from a GitHub variable."""
    gh = config.sources.github
    if not gh.organization:
        raise ConfigError("tracer.yaml: sources.github.organization is required when GitHub is enabled")
    check_endpoint("sources.github.api_url", gh.api_url, GITHUB_HOSTS, gh.token_hosts)
    check_token_env("sources.github.token_env", gh.token_env, ("GITHUB", "GH_"))
    from evidence_tracer.sources.github.source import GitHubSettings  # its HTTP client: only to run

    return GitHubSettings(gh.organization, gh.repositories, gh.api_url, gh.token_env, gh.timeout_seconds)


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    from evidence_tracer.sources.github.source import GitHubSource

    return GitHubSource(settings_of(config))


PLUGIN = SourcePlugin(
    name="github",
    title="GitHub",
    enabled=lambda config: config.sources.github.enabled,
    build=_build,
    operations=operations,
    permissions=lambda config: token_permissions(),
    fake="evidence_tracer.fakes.github_api:github_api",
    document="github-token.md",
)
