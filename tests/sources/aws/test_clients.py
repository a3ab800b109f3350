"""Clients are made by the job that first needs them and released when the last job using them is done; an
assumed role's context reads botocore's service models from the caller's, loaded once for every account."""

from __future__ import annotations

from typing import Any

import pytest

from evidence_tracer.sources.aws.caller import Recorder
from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT, seed_demo_account
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSettings, AwsSource, collect_account
from evidence_tracer.sources.base import Scope


def test_clients_are_made_in_the_workers_and_released_after(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_demo_account()
    ctx = AwsContext(region="us-east-1")
    held: list[int] = []
    made: list[tuple[str, str]] = []
    original = ctx.client

    def client(service: str, region: str | None = None) -> Any:
        made.append((service, region or ctx.home_region))
        found = original(service, region)
        held.append(len(ctx._clients))
        return found

    monkeypatch.setattr(ctx, "client", client)
    part = collect_account(
        ctx, Recorder(DEMO_ACCOUNT), DEMO_ACCOUNT, "aws", Scope.of(["us-east-1", "eu-west-1"]), workers=4
    )
    assert part.failure is None and part.data
    assert ctx._clients == {}  # nothing is kept once the account is done
    every = len(set(made))
    assert every > 20 and max(held) < every  # never all of them at once


def test_an_assumed_role_shares_the_callers_service_models(aws: None) -> None:
    ctx = AwsContext(region="us-east-1")
    member = AwsSource(AwsSettings()).assume(ctx, Recorder(DEMO_ACCOUNT), "210987654321", "aws")
    loader = ctx.session._session.get_component("data_loader")
    assert member.session._session.get_component("data_loader") is loader
    assert member.session.get_credentials().access_key != ctx.session.get_credentials().access_key


def test_each_client_keeps_a_connection_for_every_thread_of_an_accounts_collection(aws: None) -> None:
    source = AwsSource(AwsSettings(workers=3, resource_workers=5))
    ctx = source.context()
    member = source.assume(ctx, Recorder(DEMO_ACCOUNT), "210987654321", "aws")
    for context in (ctx, member):
        assert context.client("s3").meta.config.max_pool_connections == 3 + 5
