"""The register <-> control link lives once, in controls.yaml: checked against the real registers and rules."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

from evidence_tracer.catalog.controls import control_of_rule, controls
from evidence_tracer.config import Parameters
from evidence_tracer.governance import rulebook as rule_module
from evidence_tracer.governance.registers import Registers
from evidence_tracer.governance.rules import RULES, RegisterSnapshot, register_gaps


def test_every_register_rule_named_in_the_library_exists_and_belongs_to_one_control() -> None:
    listed = [rule for c in controls().values() for rule in c.registers]
    assert set(listed) <= set(RULES), set(listed) - set(RULES)
    assert sorted(listed) == sorted(RULES), "every rule is listed by exactly one control"


def test_every_rule_reads_a_real_register() -> None:
    snapshot = {f.name for f in dataclasses.fields(RegisterSnapshot)}
    files = set(vars(Registers(Path("."))))
    for rule, register in RULES.items():
        assert rule.split(".")[0] == register
        assert register in snapshot and register in files, rule


def test_empty_registers_leave_every_rule_unproven() -> None:
    from evidence_tracer.governance.reconcile import reconcile

    today = date(2026, 11, 25)
    gaps = register_gaps(RegisterSnapshot(), Parameters(), today, ("acceptable_use", "access_control"))
    gaps += reconcile(None, RegisterSnapshot(), today).gaps  # the rules that read accounts as well
    assert {g.control for g in gaps} == {control_of_rule(rule) for rule in RULES}


def test_governance_code_names_no_control_ids() -> None:
    source = "".join(p.read_text() for p in Path(rule_module.__file__).parent.glob("*.py"))
    assert not re.findall(r"\b(?:GOV|AC|RISK|VEN|IR|BC|CM|OPS|NET|DATA)-\d\d\b", source)


def test_each_rule_is_one_function_whose_gaps_belong_to_its_own_control() -> None:
    """Every rule id controls.yaml names has exactly one function, and that function's gaps are filed under the
    control that lists the rule (an empty register makes every rule speak)."""
    assert set(rule_module._FUNCTIONS) == set(RULES)
    ctx = rule_module.RuleContext(RegisterSnapshot(), Parameters(), date(2026, 11, 25), ("acceptable_use",))
    for rule_id, fn in rule_module._FUNCTIONS.items():
        assert {g.control for g in fn(ctx)} <= {control_of_rule(rule_id)}, rule_id
