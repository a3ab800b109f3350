"""The Okta source's registration: users, their factors, admin roles and SSO apps."""

from __future__ import annotations

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.credentials import check_endpoint, check_token_env
from evidence_tracer.sources.okta.operations import operations, token_permissions
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin

OKTA_HOSTS = (".okta.com", ".oktapreview.com", ".okta-emea.com", ".okta-gov.com", ".okta.mil")


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    okta = config.sources.okta
    if not okta.org_url:
        raise ConfigError("tracer.yaml: sources.okta.org_url is required when Okta is enabled")
    check_endpoint("sources.okta.org_url", okta.org_url, OKTA_HOSTS, okta.token_hosts)
    check_token_env("sources.okta.token_env", okta.token_env, ("OKTA",))
    from evidence_tracer.sources.okta.source import OktaSettings, OktaSource  # its HTTP client: only to run

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
