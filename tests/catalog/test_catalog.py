from __future__ import annotations

from evidence_tracer.catalog.controls import controls, criteria_of_check
from evidence_tracer.catalog.criteria import Category, criteria
from evidence_tracer.checks.registry import specs

EXPECTED = (
    [f"CC1.{i}" for i in range(1, 6)]
    + [f"CC2.{i}" for i in range(1, 4)]
    + [f"CC3.{i}" for i in range(1, 5)]
    + ["CC4.1", "CC4.2", "CC5.1", "CC5.2", "CC5.3"]
    + [f"CC6.{i}" for i in range(1, 9)]
    + [f"CC7.{i}" for i in range(1, 6)]
    + ["CC8.1", "CC9.1", "CC9.2", "A1.1", "A1.2", "A1.3", "C1.1", "C1.2"]
    + [f"PI1.{i}" for i in range(1, 6)]
    + ["P1.1", "P2.1", "P3.1", "P3.2", "P4.1", "P4.2", "P4.3", "P5.1", "P5.2"]
    + [f"P6.{i}" for i in range(1, 8)]
    + ["P7.1", "P8.1"]
)


def test_all_61_criteria_in_order_with_titles() -> None:
    catalog = criteria()
    assert list(catalog) == EXPECTED and len(catalog) == 61
    assert all(len(c.title) > 15 and c.slug for c in catalog.values())
    counts = {cat: sum(1 for c in catalog.values() if c.category is cat) for cat in Category}
    assert counts == {
        Category.SECURITY: 33,
        Category.AVAILABILITY: 3,
        Category.CONFIDENTIALITY: 2,
        Category.PROCESSING_INTEGRITY: 5,
        Category.PRIVACY: 18,
    }
    assert catalog["CC6.1"].folder == "CC6.1-logical-access"


def test_every_criterion_has_a_control() -> None:
    covered = {c for control in controls().values() for c in control.criteria}
    assert set(criteria()) - covered == set()


def test_controls_reference_only_known_criteria_and_checks() -> None:
    known_checks = set(specs())
    for control in controls().values():
        assert set(control.criteria) <= set(criteria()), control.id
        assert set(control.checks) <= known_checks, control.id
        assert control.checks or control.evidence, f"{control.id} has neither checks nor evidence requests"


def test_every_check_belongs_to_a_control_and_gets_the_documented_criteria() -> None:
    assert all(criteria_of_check(c) for c in specs())
    assert criteria_of_check("iam_root_mfa") == ("CC6.1", "CC6.2")
    assert criteria_of_check("iam_access_key_age") == ("CC6.1", "CC6.2")
    assert criteria_of_check("ec2_sg_open_admin_ports") == ("CC6.6",)
    assert criteria_of_check("cloudtrail_multi_region") == ("CC7.2",)
    assert criteria_of_check("guardduty_enabled") == ("CC7.3",)
