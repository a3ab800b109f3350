"""The AWS source's registration: every account of the Organization, read-only, through boto3."""

from __future__ import annotations

import json

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory.criticality import critical_reason
from evidence_tracer.sources.aws.calls import iam_policy_document
from evidence_tracer.sources.aws.declared import aws_operations
from evidence_tracer.sources.aws.session import Timeouts
from evidence_tracer.sources.aws.source import DEFAULT_ROLE, AwsSettings, AwsSource
from evidence_tracer.sources.base import EvidenceSource
from evidence_tracer.sources.registry import BuildOptions, SourcePlugin


def aws_settings(config: WorkspaceConfig, profile: str | None = None, organization: str | None = None) -> AwsSettings:
    aws = config.sources.aws
    return AwsSettings(
        profile=profile,
        organization=organization or aws.organization,
        role_name=aws.role_name,
        accounts=config.boundary.accounts,
        max_concurrent_accounts=aws.max_concurrent_accounts,
        workers=aws.workers,
        resource_workers=aws.resource_workers,
        timeouts=Timeouts(aws.connect_timeout_seconds, aws.read_timeout_seconds, aws.max_attempts),
        critical=lambda name, tags: critical_reason(config, (name,), tags) is not None,
    )


def _build(config: WorkspaceConfig, options: BuildOptions) -> EvidenceSource:
    return AwsSource(aws_settings(config, options.profile, options.organization), options.aws_context)


def _permissions(config: WorkspaceConfig | None) -> str:
    role = config.sources.aws.role_name if config is not None else DEFAULT_ROLE
    return json.dumps(iam_policy_document(aws_operations(), role), indent=2) + "\n"


PLUGIN = SourcePlugin(
    name="aws",
    title="AWS",
    enabled=lambda config: config.sources.aws.enabled,
    build=_build,
    operations=aws_operations,
    permissions=_permissions,
    fake="evidence_tracer.sources.aws.demo_account:seed_demo_account",
    document="iam-policy.json",
)
