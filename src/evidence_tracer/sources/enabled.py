"""The sources a scan runs: those tracer.yaml enables, configured from it."""

from __future__ import annotations

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.inventory.criticality import critical_reason
from evidence_tracer.sources.aws.session import AwsContext, Timeouts
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.github.source import GitHubSettings, GitHubSource
from evidence_tracer.sources.google.source import GoogleSettings, GoogleSource
from evidence_tracer.sources.okta.source import OktaSettings, OktaSource


def aws_settings(config: WorkspaceConfig, profile: str | None = None, organization: str | None = None) -> AwsSettings:
    aws = config.sources.aws
    return AwsSettings(
        profile=profile, organization=organization or aws.organization, role_name=aws.role_name,
        accounts=config.boundary.accounts, max_concurrent_accounts=aws.max_concurrent_accounts, workers=aws.workers,
        timeouts=Timeouts(aws.connect_timeout_seconds, aws.read_timeout_seconds, aws.max_attempts),
        critical=lambda name, tags: critical_reason(config, (name,), tags) is not None,
    )


def enabled_sources(config: WorkspaceConfig, profile: str | None = None, organization: str | None = None,
                    aws_context: AwsContext | None = None) -> list[EvidenceSource]:
    sources: list[EvidenceSource] = []
    if config.sources.aws.enabled:
        sources.append(AwsSource(aws_settings(config, profile, organization), aws_context))
    gh = config.sources.github
    if gh.enabled:
        if not gh.organization:
            raise ConfigError("tracer.yaml: sources.github.organization is required when GitHub is enabled")
        sources.append(GitHubSource(GitHubSettings(gh.organization, gh.repositories, gh.api_url, gh.token_env,
                                                   gh.timeout_seconds)))
    okta = config.sources.okta
    if okta.enabled:
        if not okta.org_url:
            raise ConfigError("tracer.yaml: sources.okta.org_url is required when Okta is enabled")
        sources.append(OktaSource(OktaSettings(okta.org_url, okta.token_env, okta.timeout_seconds)))
    google = config.sources.google
    if google.enabled:
        if not google.admin_email:
            raise ConfigError("tracer.yaml: sources.google.admin_email is required when Google Workspace is enabled")
        sources.append(GoogleSource(GoogleSettings(google.admin_email, google.credentials_file, google.customer,
                                                   google.api_url, google.timeout_seconds)))
    return sources
