"""Data warehouses and Kubernetes control planes (CC6.1, CC6.6, C1.1): Redshift clusters neither public nor
unencrypted, EKS API endpoints not open to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from evidence_tracer.checks.attribute import AttributeCheck
from evidence_tracer.checks.common import listed
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws_resources import EKS_CLUSTERS, REDSHIFT_CLUSTERS
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
