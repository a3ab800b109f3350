"""Registry-wide meta-tests generated from the data: every operation a check `needs` is declared by its
source, and AccessDenied on any of them turns that check into `error` — against moto, through
botocore's real error parsing, collecting only the datasets those operations feed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from evidence_tracer.checks.registry import CheckContext, evaluate, specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Inventory
from evidence_tracer.inventory.aws_resources import SPECS
from evidence_tracer.inventory.aws_spec import ResourceSpec
from evidence_tracer.models import Status
from evidence_tracer.sources.aws.declared import datasets_fed_by, operation_keys
from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, demo_environment, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import Scope
from tests.checks.builders import NOW
from tests.sources.aws.faults import inject_error, respond

REGIONS = ["us-east-1"]
_ERROR_CODE = {"ec2": "UnauthorizedOperation"}
AWS_CHECKS = {cid: spec for cid, spec in specs().items() if spec.judges("aws")}
NEEDED = sorted({op for spec in AWS_CHECKS.values() for op in spec.needs_of("aws")})
# (operation, check) pairs this module denies (tests/sources/test_registry.py checks it covers the registry's).
DENIED = {(op, cid) for cid, spec in AWS_CHECKS.items() for op in spec.needs_of("aws")}


@pytest.fixture(scope="module")
def demo_account() -> Iterator[None]:
    """One seeded moto account for the module; each test makes its own guarded context and faults."""
    with demo_environment():
        seed_demo_account()
        yield


def test_every_need_is_a_declared_operation_that_feeds_a_dataset() -> None:
    for spec in AWS_CHECKS.values():
        assert spec.needs, f"{spec.check_id} declares no operations"
        for op in spec.needs:
            assert op in operation_keys(), f"{spec.check_id} needs undeclared {op}"
            assert datasets_fed_by(op), f"{spec.check_id} needs {op}, which feeds no dataset"


def _answer_what_moto_lacks(ctx: AwsContext) -> None:
    """moto implements neither GuardDuty findings nor AWS Backup's protected resources: answer them in the
    documented shape (registered after any injected fault, which therefore wins)."""
    respond(ctx, "guardduty", "ListFindings", json.dumps({"findingIds": ["f-1"]}).encode())
    respond(ctx, "guardduty", "GetFindings", json.dumps({"findings": []}).encode())
    respond(ctx, "backup", "ListProtectedResources", json.dumps({"Results": []}).encode())


def _collect(only: frozenset[str], ctx: AwsContext) -> Inventory:
    source = AwsSource(AwsSettings(organization="never"), ctx)
    return Inventory(source.collect(Scope.of(REGIONS, only)).parts)


def _datasets_for(checks: list[str]) -> frozenset[str]:
    return frozenset(d for cid in checks for op in specs()[cid].needs for d in datasets_fed_by(op))


def test_the_demo_account_judges_every_check_without_error(demo_account: None) -> None:
    """The baseline: with nothing denied, the checks below do not error on their own."""
    ctx = AwsContext(region="us-east-1")
    _answer_what_moto_lacks(ctx)
    # moto does not implement Access Analyzer, and its credential report has no root row.
    allowed_errors = {"iam_access_analyzer_enabled", "iam_root_recent_use"}
    findings = evaluate(_collect(_datasets_for(list(AWS_CHECKS)), ctx), CheckContext(WorkspaceConfig(), NOW))
    errored = {f.check_id for f in findings if f.status is Status.ERROR}
    assert errored <= allowed_errors, errored


def _refuse_filter_before(ctx: AwsContext, operation: str) -> None:
    """A per-item fallback (DescribeSnapshotAttribute) is asked only when the filtered listing is refused:
    refuse it, as a service that does not take the filter would, so that the fallback is asked and denied."""
    for spec in SPECS:
        if isinstance(spec, ResourceSpec) and spec.membership and spec.membership.fallback.operation == operation:
            model = ctx.session._session.get_service_model(spec.service).operation_model(spec.operation)
            member = model.input_shape.members[next(iter(spec.membership.params))]
            wire = member.serialization.get("queryName") or member.serialization.get("name") or member.name
            inject_error(ctx, spec.service, spec.operation, "InvalidParameterValue", 400, body_contains=wire)


@pytest.mark.parametrize("operation", NEEDED)
def test_access_denied_on_a_needed_operation_is_an_error(demo_account: None, operation: str) -> None:
    service, name = operation.split(":")
    checks = [cid for cid, spec in AWS_CHECKS.items() if operation in spec.needs]
    ctx = AwsContext(region="us-east-1")
    _refuse_filter_before(ctx, name)
    inject_error(ctx, service, name, _ERROR_CODE.get(service, "AccessDenied"))
    _answer_what_moto_lacks(ctx)
    findings = evaluate(_collect(_datasets_for(checks), ctx), CheckContext(WorkspaceConfig(), NOW))
    for cid in checks:
        mine = [f for f in findings if f.check_id == cid]
        denied = [f for f in mine if f.status is Status.ERROR and name in f.message]
        assert denied, f"{cid}: AccessDenied on {operation} gave {[f.status.value for f in mine]}"
        assert all(f.account == DEMO_ACCOUNT for f in denied)
