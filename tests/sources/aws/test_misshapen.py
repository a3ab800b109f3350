"""Every malformed answer is an `error`, never an abort (issue 17, M5): an HTML page with 200 where AWS answers
DescribeRegions, GetCallerIdentity or ListAccounts, through botocore's real parsing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from evidence_tracer.checks.registry import CheckContext, evaluate
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import Inventory
from evidence_tracer.models import Status
from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, demo_environment, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource
from evidence_tracer.sources.base import Scope
from tests.checks.builders import NOW
from tests.sources.aws.faults import respond

HTML = b"<html><body><h1>Sign in to the corporate proxy</h1></body></html>"
ONLY = frozenset({"iam.account_summary", "ec2.security_groups"})


@pytest.fixture(scope="module")
def demo() -> Iterator[None]:
    with demo_environment():
        seed_demo_account()
        yield


def _html(service: str, operation: str) -> AwsContext:
    ctx = AwsContext(region="us-east-1")
    respond(ctx, service, operation, HTML, content_type="text/html")
    return ctx


def test_regions_named_in_tracer_yaml_are_scanned_when_describe_regions_answers_html(demo: None) -> None:
    source = AwsSource(AwsSettings(organization="never"), _html("ec2", "DescribeRegions"))
    [part] = source.collect(Scope.of(["us-east-1"], ONLY)).parts
    assert part.account == DEMO_ACCOUNT and part.failure is None and part.regions == ("us-east-1",)
    findings = evaluate(Inventory((part,)), CheckContext(WorkspaceConfig(), NOW))
    assert {f.status for f in findings if f.check_id == "ec2_sg_open_admin_ports"} >= {Status.FAIL}


def test_without_named_regions_describe_regions_html_is_one_clear_error(demo: None) -> None:
    source = AwsSource(AwsSettings(organization="never"), _html("ec2", "DescribeRegions"))
    with pytest.raises(CollectionError, match=r"boundary\.regions or with --region"):
        source.collect(Scope(only=ONLY))


def test_an_html_caller_identity_makes_every_aws_check_an_error(demo: None) -> None:
    source = AwsSource(AwsSettings(organization="never"), _html("sts", "GetCallerIdentity"))
    collected = source.collect(Scope.of(["us-east-1"], ONLY))
    [part] = collected.parts
    assert part.failure is not None and part.failure.operation == "GetCallerIdentity"
    findings = evaluate(Inventory(collected.parts), CheckContext(WorkspaceConfig(), NOW))
    assert findings and {f.status for f in findings} == {Status.ERROR}


def test_an_html_organization_listing_is_an_error_beside_the_callers_account(demo: None) -> None:
    source = AwsSource(AwsSettings(organization="auto"), _html("organizations", "ListAccounts"))
    parts = source.collect(Scope.of(["us-east-1"], ONLY)).parts
    assert [p.account for p in parts if p.failure is None] == [DEMO_ACCOUNT]
    [unread] = [p for p in parts if p.failure is not None]
    assert unread.failure is not None and unread.failure.operation == "ListAccounts"
    with pytest.raises(CollectionError, match="Organization"):
        AwsSource(AwsSettings(organization="always"), _html("organizations", "ListAccounts")).collect(
            Scope.of(["us-east-1"], ONLY)
        )
