from __future__ import annotations

from collections.abc import Iterator

import pytest

from evidence_tracer.sources.aws.demo_account import demo_environment
from evidence_tracer.sources.aws.session import AwsContext


@pytest.fixture
def aws() -> Iterator[None]:
    """moto's in-process AWS with fake credentials; state is discarded after the test."""
    with demo_environment():
        yield


@pytest.fixture
def ctx(aws: None) -> AwsContext:
    return AwsContext(region="us-east-1")
