"""EC2 checks: security groups must not open SSH or RDP to the whole internet (CC6.6)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator, Mapping

from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import SourcePart
from evidence_tracer.inventory.aws import SECURITY_GROUPS, IngressRule
from evidence_tracer.models import Finding

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
_TCP = frozenset({"tcp", "6"})
_ALL = frozenset({"-1", "all"})


def _internet(cidrs: tuple[str, ...]) -> tuple[str, ...]:
    """The ranges that span the whole address space (0.0.0.0/0, ::/0, or written otherwise)."""
    out = []
    for cidr in cidrs:
        try:
            if ipaddress.ip_network(cidr, strict=False).prefixlen == 0:
                out.append(cidr)
        except ValueError:
            continue
    return tuple(out)


def internet_ranges(rule: IngressRule) -> tuple[str, ...]:
    """The ranges of a rule that span the whole internet."""
    return _internet(rule.ipv4_ranges + rule.ipv6_ranges)


def open_ports(rule: IngressRule, ports: Mapping[int, str]) -> tuple[int, ...]:
    """Which of `ports` (TCP) this rule opens to the internet (empty if none)."""
    if not internet_ranges(rule):
        return ()
    protocol = rule.protocol.lower()
    if protocol in _ALL:
        return tuple(ports)
    if protocol not in _TCP:
        return ()
    low = 0 if rule.from_port is None or rule.from_port < 0 else rule.from_port
    high = 65535 if rule.to_port is None or rule.to_port < 0 else rule.to_port
    return tuple(p for p in ports if low <= p <= high)


def exposed_ports(rule: IngressRule) -> tuple[int, ...]:
    """The admin ports this rule opens to the internet (empty if none)."""
    return open_ports(rule, ADMIN_PORTS)


def permissions_json(rules: list[IngressRule]) -> str:
    """The `--ip-permissions` JSON that revokes exactly the internet-facing part of `rules`."""
    perms = []
    for rule in rules:
        perm: dict[str, object] = {"IpProtocol": rule.protocol}
        if rule.protocol not in _ALL:
            perm.update(FromPort=rule.from_port, ToPort=rule.to_port)
        v4, v6 = _internet(rule.ipv4_ranges), _internet(rule.ipv6_ranges)
        if v4:
            perm["IpRanges"] = [{"CidrIp": c} for c in v4]
        if v6:
            perm["Ipv6Ranges"] = [{"CidrIpv6": c} for c in v6]
        perms.append(perm)
    return json.dumps(perms, separators=(",", ":"))


@check
def ec2_sg_open_admin_ports(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for region in part.regions:
        groups = part.get(SECURITY_GROUPS, region)
        if groups.value is None:
            yield emit.unread(groups, emit.arn("ec2", region, "security-group/*"), region)
            continue
        for sg in groups.value:
            bad = [(rule, exposed_ports(rule)) for rule in sg.ingress]
            bad = [(rule, ports) for rule, ports in bad if ports]
            if not bad:
                yield emit.passed(
                    sg.arn, region, f"{sg.group_id} ({sg.name}) opens no admin port to the internet.", groups.sources
                )
                continue
            ports = sorted({p for _, ps in bad for p in ps})
            names = ", ".join(f"{ADMIN_PORTS[p]} ({p})" for p in ports)
            ranges = sorted({c for rule, _ in bad for c in _internet(rule.ipv4_ranges + rule.ipv6_ranges)})
            yield emit.failed(
                sg.arn,
                region,
                f"{sg.group_id} ({sg.name}) allows {names} from {', '.join(ranges)}.",
                groups.sources,
                group_id=sg.group_id,
                permission=permissions_json([rule for rule, _ in bad]),
            )
