"""EC2: security groups and their ingress rules, per region."""

from __future__ import annotations

from typing import Any

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import SECURITY_GROUPS, IngressRule, SecurityGroup
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (aws_op("ec2", "DescribeSecurityGroups"),)
DATASETS = (SECURITY_GROUPS,)


def _rule(perm: dict[str, Any]) -> IngressRule:
    return IngressRule(
        protocol=str(perm.get("IpProtocol", "-1")),
        from_port=perm.get("FromPort"),
        to_port=perm.get("ToPort"),
        ipv4_ranges=tuple(str(r["CidrIp"]) for r in perm.get("IpRanges", []) if "CidrIp" in r),
        ipv6_ranges=tuple(str(r["CidrIpv6"]) for r in perm.get("Ipv6Ranges", []) if "CidrIpv6" in r),
    )


def collect_security_groups(
    client: Any, rec: Recorder, region: str, account_id: str, partition: str
) -> Observed[tuple[SecurityGroup, ...]]:
    groups: list[SecurityGroup] = []
    sources: list[str] = []
    try:
        for page, rid in rec.pages(client, "describe_security_groups"):
            sources.append(rid)
            if not isinstance(page.get("SecurityGroups"), list):
                return Observed.failed(
                    unexpected(client, "describe_security_groups", "the answer has no 'SecurityGroups'"), (*sources,)
                )
            for sg in page["SecurityGroups"]:
                group_id = str(sg["GroupId"])
                groups.append(
                    SecurityGroup(
                        group_id=group_id,
                        name=str(sg.get("GroupName", "")),
                        vpc_id=str(sg.get("VpcId", "")),
                        arn=f"arn:{partition}:ec2:{region}:{account_id}:security-group/{group_id}",
                        ingress=tuple(_rule(p) for p in sg.get("IpPermissions", [])),
                        egress=Observed.ok(tuple(_rule(p) for p in sg.get("IpPermissionsEgress", [])), (rid,)),
                    )
                )
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    return Observed.ok(tuple(groups), tuple(sources))
