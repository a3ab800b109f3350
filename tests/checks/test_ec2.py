from __future__ import annotations

import json

import pytest

from evidence_tracer.checks import ec2
from evidence_tracer.models import Status
from tests.checks.builders import ctx, failed, ok, regional, rule, run, sg, with_regions


@pytest.mark.parametrize(
    ("r", "ports"),
    [
        (rule("tcp", 22, 22, v4=("0.0.0.0/0",)), (22,)),
        (rule("tcp", 3389, 3389, v6=("::/0",)), (3389,)),
        (rule("tcp", 0, 65535, v4=("0.0.0.0/0",)), (22, 3389)),
        (rule("tcp", 20, 30, v4=("0.0.0.0/0",)), (22,)),
        (rule("tcp", 3000, 4000, v6=("::/0",)), (3389,)),
        (rule("6", 22, 22, v4=("0.0.0.0/0",)), (22,)),
        (rule("-1", None, None, v4=("0.0.0.0/0",)), (22, 3389)),
        (rule("-1", -1, -1, v6=("::/0",)), (22, 3389)),
        (rule("tcp", 22, 22, v4=("10.0.0.0/8",)), ()),
        (rule("tcp", 22, 22, v4=("203.0.113.7/32",), v6=("2001:db8::/32",)), ()),
        (rule("tcp", 443, 443, v4=("0.0.0.0/0",)), ()),
        (rule("tcp", 23, 3388, v4=("0.0.0.0/0",)), ()),
        (rule("udp", 0, 65535, v4=("0.0.0.0/0",)), ()),
        (rule("icmp", -1, -1, v4=("0.0.0.0/0",)), ()),
        (rule("tcp", 22, 22, v4=("not-a-cidr",)), ()),
    ],
)
def test_exposed_ports(r: object, ports: tuple[int, ...]) -> None:
    assert ec2.exposed_ports(r) == ports  # type: ignore[arg-type]


def test_one_finding_per_group_with_remediation_naming_the_rules() -> None:
    groups = ok(
        (
            sg("sg-ok", rule("tcp", 443, 443, v4=("0.0.0.0/0",))),
            sg("sg-bad", rule("tcp", 22, 22, v4=("0.0.0.0/0", "10.0.0.0/8")), rule("-1", None, None, v6=("::/0",))),
        )
    )
    findings = list(run("ec2_sg_open_admin_ports", with_regions(regional(groups=groups)), ctx()))
    assert [(f.resource_id.split("/")[-1], f.status) for f in findings] == [
        ("sg-ok", Status.PASS),
        ("sg-bad", Status.FAIL),
    ]
    bad = findings[1]
    assert bad.criteria == ("CC6.6",)
    assert "SSH (22), RDP (3389)" in bad.message and "::/0" in bad.message
    perms = json.loads(bad.remediation.split("--ip-permissions '")[1].split("'")[0])
    assert perms == [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
    ]
    assert "--group-id sg-bad --region us-east-1" in bad.remediation


def test_unreadable_region_is_an_error_and_other_regions_still_judged() -> None:
    inv = with_regions(
        regional("us-east-1", groups=failed()), regional("eu-west-1", groups=ok((sg("sg-1", region="eu-west-1"),)))
    )
    findings = list(run("ec2_sg_open_admin_ports", inv, ctx()))
    assert [(f.location, f.status) for f in findings] == [("us-east-1", Status.ERROR), ("eu-west-1", Status.PASS)]
