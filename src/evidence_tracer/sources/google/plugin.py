"""The Google Workspace source's registration: the directory's users, read through domain-wide delegation."""

from __future__ import annotations

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.credentials import check_endpoint
from evidence_tracer.sources.google.operations import OPERATIONS, token_permissions
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    google = config.sources.google
    if not google.admin_email:
        raise ConfigError("tracer.yaml: sources.google.admin_email is required when Google Workspace is enabled")
    check_endpoint("sources.google.api_url", google.api_url, (".googleapis.com",))
    from evidence_tracer.sources.google.source import GoogleSettings, GoogleSource  # its HTTP client: only to run

    return GoogleSource(
        GoogleSettings(
            google.admin_email, google.credentials_file, google.customer, google.api_url, google.timeout_seconds
        )
    )


PLUGIN = SourcePlugin(
    name="google",
    title="Google Workspace",
    enabled=lambda config: config.sources.google.enabled,
    build=_build,
    operations=lambda: OPERATIONS,
    permissions=lambda config: token_permissions(),
    fake="evidence_tracer.fakes.google:google_api",
    document="google-workspace.md",
)
