"""Drift between two scans lists exactly the findings that flipped."""

from __future__ import annotations

from evidence_tracer.models import Severity, Status
from evidence_tracer.period.drift import drift
from tests.period.builders import finding, scan_at

P, F, E = Status.PASS, Status.FAIL, Status.ERROR


def test_drift_lists_exactly_the_flipped_findings() -> None:
    earlier = scan_at(
        0,
        finding("ec2_sg_open_admin_ports", "sg-1", P),
        finding("ec2_sg_open_admin_ports", "sg-2", F),
        finding("s3_bucket_public_access_block", "logs", F),
        finding("iam_root_mfa", "root", P, Severity.CRITICAL),
        finding("rds_storage_encrypted", "db", P),
    )
    later = scan_at(
        1,
        finding("ec2_sg_open_admin_ports", "sg-1", F),  # new gap
        finding("ec2_sg_open_admin_ports", "sg-2", P),  # resolved
        finding("s3_bucket_public_access_block", "logs", F),  # still failing: not drift
        finding("iam_root_mfa", "root", F, Severity.CRITICAL),  # new critical
        finding("rds_storage_encrypted", "db", E),  # could not look: neither
        finding("ec2_sg_open_admin_ports", "sg-3", F),  # a new resource, failing
    )
    d = drift(earlier, later)
    assert [(f.check_id, f.resource_id) for f in d.new_gaps] == [
        ("iam_root_mfa", "root"),
        ("ec2_sg_open_admin_ports", "sg-1"),
        ("ec2_sg_open_admin_ports", "sg-3"),
    ]
    assert [(f.check_id, f.resource_id, f.before, f.after) for f in d.resolved] == [
        ("ec2_sg_open_admin_ports", "sg-2", F, P)
    ]
    assert [f.resource_id for f in d.unverified] == ["db"]
    assert d.summary == "since scan s000: 3 new gap(s), 1 resolved, 1 could not be looked at again"
    assert [f.resource_id for f in d.serious()] == ["root", "sg-1", "sg-3"]
    assert drift(later, later).new_gaps == () and drift(later, later).resolved == ()
