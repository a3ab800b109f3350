"""Network and transport checks: databases and caches open to the internet, all ports open, default
security groups, load balancers without HTTPS, expiring certificates, IMDSv1, public Lambda functions,
ECR scanning (CC6.6, CC6.7, CC7.1)."""

from __future__ import annotations

from collections.abc import Iterator

from evidence_tracer.checks.attribute import AttributeCheck
from evidence_tracer.checks.common import as_time, listed
from evidence_tracer.checks.data import policy_statements
from evidence_tracer.checks.ec2 import internet_ranges, open_ports, permissions_json
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws import SECURITY_GROUPS
from evidence_tracer.inventory.aws_resources import (
    CERTIFICATES,
    ECR_REPOSITORIES,
    INSTANCES,
    LAMBDA_FUNCTIONS,
    LOAD_BALANCERS,
)
from evidence_tracer.models import Finding

DATA_PORTS = {
    3306: "MySQL",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    11211: "Memcached",
    9200: "Elasticsearch",
    5601: "Kibana",
    23: "Telnet",
    21: "FTP",
}
CERT_WARNING_DAYS = 30
# ELB security policies that still accept TLS 1.0 or 1.1 (AWS's list; every other predefined policy is 1.2+).
LEGACY_TLS_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-2015-05",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
    }
)


@check
def ec2_sg_open_database_ports(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    groups, errors = listed(part, emit, SECURITY_GROUPS, "security-group/*")
    yield from errors
    for region, sg, sources in groups:
        bad = [(rule, open_ports(rule, DATA_PORTS)) for rule in sg.ingress]
        bad = [(rule, ports) for rule, ports in bad if ports]
        if not bad:
            yield emit.passed(
                sg.arn,
                region,
                f"{sg.group_id} ({sg.name}) opens no database, cache or legacy admin port to the internet.",
                sources,
            )
            continue
        ports = sorted({p for _, ps in bad for p in ps})
        names = ", ".join(f"{DATA_PORTS[p]} ({p})" for p in ports)
        yield emit.failed(
            sg.arn,
            region,
            f"{sg.group_id} ({sg.name}) allows {names} from the internet.",
            sources,
            group_id=sg.group_id,
            permission=permissions_json([r for r, _ in bad]),
        )


def _all_ports(rule_protocol: str, low: int | None, high: int | None) -> bool:
    if rule_protocol.lower() in ("-1", "all"):
        return True
    return rule_protocol.lower() in ("tcp", "6", "udp", "17") and (low in (None, 0, -1)) and (high in (None, 65535, -1))


@check
def ec2_sg_open_all_ports(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    groups, errors = listed(part, emit, SECURITY_GROUPS, "security-group/*")
    yield from errors
    for region, sg, sources in groups:
        bad = [r for r in sg.ingress if internet_ranges(r) and _all_ports(r.protocol, r.from_port, r.to_port)]
        if bad:
            yield emit.failed(
                sg.arn,
                region,
                f"{sg.group_id} ({sg.name}) allows every port from the internet.",
                sources,
                group_id=sg.group_id,
                permission=permissions_json(bad),
            )
        else:
            yield emit.passed(
                sg.arn, region, f"{sg.group_id} ({sg.name}) does not open every port to the internet.", sources
            )


@check
def ec2_default_sg_closed(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    groups, errors = listed(part, emit, SECURITY_GROUPS, "security-group/*")
    yield from errors
    for region, sg, sources in groups:
        if not sg.is_default:
            continue
        if sg.egress.failure is not None:
            yield emit.error(sg.egress.failure, sg.arn, region, sources)
            continue
        rules = len(sg.ingress) + len(sg.egress.value or ())
        if rules:
            yield emit.failed(
                sg.arn,
                region,
                f"Default security group {sg.group_id} of {sg.vpc_id} has {rules} "
                "rule(s); anything launched without a group would get them.",
                sources,
                group_id=sg.group_id,
            )
        else:
            yield emit.passed(
                sg.arn, region, f"Default security group {sg.group_id} of {sg.vpc_id} allows nothing.", sources
            )


@check
def elb_https_only(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    balancers, errors = listed(part, emit, LOAD_BALANCERS, "loadbalancer/*")
    yield from errors
    for region, lb, sources in balancers:
        name = str(lb.data.get("LoadBalancerName", lb.id))
        listeners = lb.detail("listeners")
        evidence = (*sources, *listeners.sources)
        if listeners.failure is not None:
            yield emit.error(listeners.failure, lb.id, region, evidence)
            continue
        problems = []
        for listener in listeners.value or ():
            protocol, port = listener.get("Protocol"), listener.get("Port")
            actions = listener.get("DefaultActions") or ()
            redirects = any(
                a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS"
                for a in actions
            )
            if protocol == "HTTP" and not redirects:
                problems.append(f"HTTP listener on port {port} serves plain HTTP instead of redirecting to HTTPS")
            policy = listener.get("SslPolicy")
            if protocol in ("HTTPS", "TLS") and policy in LEGACY_TLS_POLICIES:
                problems.append(f"listener on port {port} uses {policy}, which accepts TLS below 1.2")
        if problems:
            yield emit.failed(
                lb.id, region, f"Load balancer {name}: " + "; ".join(problems) + ".", evidence, load_balancer=name
            )
        else:
            yield emit.passed(
                lb.id, region, f"Load balancer {name} serves only HTTPS with TLS 1.2+ (or redirects).", evidence
            )


@check
def acm_certificate_expiry(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    certificates, errors = listed(part, emit, CERTIFICATES, "certificate/*")
    yield from errors
    for region, cert, sources in certificates:
        described = cert.detail("certificate")
        evidence = (*sources, *described.sources)
        if described.failure is not None:
            yield emit.error(described.failure, cert.id, region, evidence)
            continue
        data = described.value or {}
        domain = str(data.get("DomainName", cert.data.get("DomainName", cert.id)))
        if data.get("Status") not in (None, "ISSUED"):
            continue  # pending, failed or revoked certificates serve nobody
        not_after = data.get("NotAfter")
        if not not_after:
            yield emit.not_applicable(cert.id, region, f"Certificate for {domain} has no expiry date yet.", evidence)
            continue
        left = (as_time(not_after, f"NotAfter of {cert.id}") - ctx.now).days
        if left < CERT_WARNING_DAYS:
            renewal = (
                "it renews automatically only if DNS validation still works"
                if data.get("Type") == "AMAZON_ISSUED"
                else "imported certificates never renew by themselves"
            )
            yield emit.failed(
                cert.id,
                region,
                f"Certificate for {domain} expires in {left} days ({renewal}).",
                evidence,
                certificate=cert.id,
                domain=domain,
            )
        else:
            yield emit.passed(cert.id, region, f"Certificate for {domain} is valid for {left} more days.", evidence)


@check
def ec2_imdsv2_required(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    instances, errors = listed(part, emit, INSTANCES, "instance/*")
    yield from errors
    for region, instance, sources in instances:
        if (instance.data.get("State") or {}).get("Name") == "terminated":
            continue
        arn = emit.arn("ec2", region, f"instance/{instance.id}")
        tokens = (instance.data.get("MetadataOptions") or {}).get("HttpTokens")
        if tokens == "required":
            yield emit.passed(arn, region, f"Instance {instance.id} requires IMDSv2.", sources)
        else:
            yield emit.failed(
                arn,
                region,
                f"Instance {instance.id} still answers IMDSv1 (HttpTokens="
                f"{tokens or 'unknown'}): credentials can leak through SSRF.",
                sources,
                instance=instance.id,
            )


def _public_statement(statement: dict[str, object]) -> bool:
    principal = statement.get("Principal")
    everyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
    return statement.get("Effect") == "Allow" and everyone and not statement.get("Condition")


@check
def lambda_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    functions, errors = listed(part, emit, LAMBDA_FUNCTIONS, "function:*")
    yield from errors
    for region, fn, sources in functions:
        name = str(fn.data.get("FunctionName", fn.id))
        policy, url = fn.detail("policy"), fn.detail("url")
        evidence = (*sources, *policy.sources, *url.sources)
        failure = policy.failure or url.failure
        if failure is not None:
            yield emit.error(failure, fn.id, region, evidence)
            continue
        problems = []
        if policy.value and any(_public_statement(s) for s in policy_statements(policy.value)):
            problems.append("its resource policy lets anyone invoke it")
        if url.value and url.value.get("AuthType") == "NONE":
            problems.append(f"its function URL needs no authentication ({url.value.get('FunctionUrl', '')})")
        if problems:
            yield emit.failed(
                fn.id,
                region,
                f"Lambda function {name} is public: " + "; ".join(problems) + ".",
                evidence,
                function=name,
            )
        else:
            yield emit.passed(fn.id, region, f"Lambda function {name} is not open to everyone.", evidence)


ecr_scan_on_push = AttributeCheck(
    ECR_REPOSITORIES,
    lambda d: bool((d.get("imageScanningConfiguration") or {}).get("scanOnPush")),
    passed="ECR repository {name} scans images on push.",
    failed="ECR repository {name} does not scan images on push.",
    name_field="repositoryName",
    field="repository",
    wildcard="repository/*",
)
