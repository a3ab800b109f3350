"""Data warehouses, Kubernetes control planes, APIs and shared documents (CC6.1, CC6.6, CC7.2, C1.1): Redshift
clusters neither public nor unencrypted, EKS API endpoints not open to the whole internet, every API Gateway
stage (REST and HTTP) logging its access, no Systems Manager document shared with every AWS account."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidence_tracer.checks.attribute import AttributeCheck
from evidence_tracer.checks.common import listed
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.checks.s3 import policy_exposure
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws_platform import (
    CLOUDFRONT_DISTRIBUTIONS,
    EKS_CLUSTERS,
    HTTP_APIS,
    OPENSEARCH_DOMAINS,
    REDSHIFT_CLUSTERS,
    REST_APIS,
    SSM_DOCUMENTS,
)
from evidence_tracer.models import Finding, Severity

redshift_not_publicly_accessible = AttributeCheck(
    REDSHIFT_CLUSTERS,
    lambda d: not d.get("PubliclyAccessible"),
    passed="Redshift cluster {name} is not publicly accessible.",
    failed="Redshift cluster {name} is publicly accessible (it has a public address reachable from the internet).",
    field="cluster",
    wildcard="cluster:*",
    title="Redshift clusters are not publicly accessible",
    severity=Severity.CRITICAL,
    remediation="aws redshift modify-cluster --cluster-identifier {cluster} --no-publicly-accessible "
    "--region {region}; reach it through the VPC (a VPN, a bastion or the Redshift Data API) instead.",
)

redshift_encrypted = AttributeCheck(
    REDSHIFT_CLUSTERS,
    lambda d: bool(d.get("Encrypted")),
    passed="Redshift cluster {name} encrypts its data at rest.",
    failed="Redshift cluster {name} stores data unencrypted.",
    field="cluster",
    wildcard="cluster:*",
    title="Redshift clusters encrypt data at rest",
    severity=Severity.HIGH,
    remediation="aws redshift modify-cluster --cluster-identifier {cluster} --encrypted --region {region} "
    "(Redshift migrates the data to an encrypted cluster; add --kms-key-id KEY for a customer-managed key).",
)


def _open_endpoint(cluster: Mapping[str, Any]) -> list[str]:
    vpc = cluster.get("resourcesVpcConfig") or {}
    if not vpc.get("endpointPublicAccess"):
        return []
    cidrs = [str(c) for c in vpc.get("publicAccessCidrs") or ["0.0.0.0/0"]]
    return [c for c in cidrs if c in ("0.0.0.0/0", "::/0")]


@check
def eks_endpoint_not_open_to_internet(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = listed(part, emit, EKS_CLUSTERS, "cluster/*")
    yield from errors
    for region, item, sources in found:
        cluster = item.detail("cluster")
        evidence = (*sources, *cluster.sources)
        arn = str((cluster.value or {}).get("arn") or emit.arn("eks", region, f"cluster/{item.id}"))
        if cluster.failure is not None:
            yield emit.error(cluster.failure, arn, region, evidence)
        elif open_to := _open_endpoint(cluster.value or {}):
            yield emit.failed(
                arn,
                region,
                f"The API endpoint of EKS cluster {item.id} is public to {', '.join(open_to)}.",
                evidence,
                cluster=item.id,
            )
        else:
            yield emit.passed(
                arn, region, f"The API endpoint of EKS cluster {item.id} is private or restricted.", evidence
            )


def _stage_destination(stage: Mapping[str, Any]) -> str:
    settings = stage.get("accessLogSettings") or stage.get("AccessLogSettings") or {}
    return str(settings.get("destinationArn") or settings.get("DestinationArn") or "")


@check
def apigateway_stage_access_logging(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for spec, kind, name_key, wildcard in (
        (REST_APIS, "REST API", "name", "/restapis/*"),
        (HTTP_APIS, "HTTP API", "Name", "/apis/*"),
    ):
        found, errors = listed(part, emit, spec, wildcard)
        yield from errors
        for region, api, sources in found:
            stages = api.detail("stages")
            evidence = (*sources, *stages.sources)
            name = str(api.data.get(name_key) or api.id)
            if stages.failure is not None:
                yield emit.error(
                    stages.failure, emit.arn("apigateway", region, f"/restapis/{api.id}"), region, evidence
                )
                continue
            for stage in stages.value or ():
                stage_name = str(stage.get("stageName") or stage.get("StageName") or "?")
                arn = emit.arn("apigateway", region, f"/restapis/{api.id}/stages/{stage_name}")
                if _stage_destination(stage):
                    yield emit.passed(arn, region, f"{kind} {name} stage {stage_name} logs its access.", evidence)
                else:
                    yield emit.failed(
                        arn,
                        region,
                        f"{kind} {name} stage {stage_name} keeps no access log: who called it cannot be shown.",
                        evidence,
                        api=api.id,
                        stage=stage_name,
                    )


@check
def ssm_documents_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = listed(part, emit, SSM_DOCUMENTS, "document/*")
    yield from errors
    for region, document, sources in found:
        sharing = document.detail("sharing")
        evidence = (*sources, *sharing.sources)
        arn = emit.arn("ssm", region, f"document/{document.id}")
        if sharing.failure is not None:
            yield emit.error(sharing.failure, arn, region, evidence)
        elif "all" in [str(a).lower() for a in sharing.value or ()]:
            yield emit.failed(
                arn,
                region,
                f"SSM document {document.id} is shared with every AWS account.",
                evidence,
                document=document.id,
            )
        else:
            yield emit.passed(arn, region, f"SSM document {document.id} is not shared publicly.", evidence)


WEAK_TLS = frozenset({"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"})


def _viewer_problems(data: Mapping[str, Any]) -> list[str]:
    behaviors = [data.get("DefaultCacheBehavior") or {}, *((data.get("CacheBehaviors") or {}).get("Items") or [])]
    problems = []
    if any(b.get("ViewerProtocolPolicy") == "allow-all" for b in behaviors):
        problems.append("serves viewers over plain HTTP (ViewerProtocolPolicy allow-all)")
    certificate = data.get("ViewerCertificate") or {}
    minimum = str(certificate.get("MinimumProtocolVersion", ""))
    if certificate.get("CloudFrontDefaultCertificate"):
        problems.append("uses the default *.cloudfront.net certificate, which accepts TLS 1.0")
    elif minimum in WEAK_TLS:
        problems.append(f"accepts {minimum} (a minimum below TLSv1.2_2018)")
    return problems


@check
def cloudfront_viewer_https_and_tls(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = listed(part, emit, CLOUDFRONT_DISTRIBUTIONS, "distribution/*")
    yield from errors
    for region, item, sources in found:
        name = str(item.data.get("Id") or item.id)
        if problems := _viewer_problems(item.data):
            yield emit.failed(
                item.id,
                region,
                f"CloudFront distribution {name} " + "; ".join(problems) + ".",
                sources,
                distribution=name,
            )
        else:
            yield emit.passed(
                item.id, region, f"CloudFront distribution {name} serves only HTTPS with TLS 1.2+.", sources
            )


@check
def opensearch_domain_protected(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = listed(part, emit, OPENSEARCH_DOMAINS, "domain/*")
    yield from errors
    known = part.known_accounts(ctx.config.boundary.accounts)
    for region, item, sources in found:
        domain = item.detail("domain")
        evidence = (*sources, *domain.sources)
        status = domain.value or {}
        arn = str(status.get("ARN") or emit.arn("es", region, f"domain/{item.id}"))
        if domain.failure is not None:
            yield emit.error(domain.failure, arn, region, evidence)
            continue
        problems = []
        if not (status.get("EncryptionAtRestOptions") or {}).get("Enabled"):
            problems.append("stores data unencrypted at rest")
        if not (status.get("NodeToNodeEncryptionOptions") or {}).get("Enabled"):
            problems.append("sends data between nodes unencrypted")
        if not (status.get("DomainEndpointOptions") or {}).get("EnforceHTTPS"):
            problems.append("accepts plain HTTP")
        if status.get("AccessPolicies") and not status.get("VPCOptions"):
            problems += [f"its access policy {p}" for p in policy_exposure(str(status["AccessPolicies"]), known)]
        if problems:
            yield emit.failed(
                arn, region, f"OpenSearch domain {item.id} " + "; ".join(problems) + ".", evidence, domain=item.id
            )
        else:
            yield emit.passed(
                arn, region, f"OpenSearch domain {item.id} encrypts, enforces HTTPS and is not open.", evidence
            )
