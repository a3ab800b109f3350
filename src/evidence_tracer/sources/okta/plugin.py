"""The Okta source's registration: users, their factors, admin roles and SSO apps."""

from __future__ import annotations

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.okta.operations import operations, token_permissions
from evidence_tracer.sources.okta.source import OktaSettings, OktaSource
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    okta = config.sources.okta
    if not okta.org_url:
        raise ConfigError("tracer.yaml: sources.okta.org_url is required when Okta is enabled")
    return OktaSource(OktaSettings(okta.org_url, okta.token_env, okta.timeout_seconds))


PLUGIN = SourcePlugin(
    name="okta",
    title="Okta",
    enabled=lambda config: config.sources.okta.enabled,
    build=_build,
    operations=operations,
    permissions=lambda config: token_permissions(),
    fake="evidence_tracer.fakes.okta:okta_api",
    document="okta-token.md",
)
