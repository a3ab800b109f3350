"""The service models a scan's clients use hold the allowed operations (and every shape they reach), nothing more."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape

from evidence_tracer.errors import ReadOnlyViolation
from evidence_tracer.sources.aws.declared import operation_keys
from evidence_tracer.sources.aws.models import DeclaredModels, prune
from evidence_tracer.sources.aws.session import AwsContext

FULL = botocore.session.Session().get_component("data_loader")


def _walk(shape: Shape | None, seen: set[str]) -> None:
    """Resolve every shape reachable from `shape` (botocore raises on a name the model lacks)."""
    if shape is None or shape.name in seen:
        return
    seen.add(shape.name)
    if isinstance(shape, StructureShape):
        for member in shape.members.values():
            _walk(member, seen)
    elif isinstance(shape, ListShape):
        _walk(shape.member, seen)
    elif isinstance(shape, MapShape):
        _walk(shape.key, seen)
        _walk(shape.value, seen)


def _declared_by_service() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key in sorted(operation_keys()):
        service, operation = key.split(":")
        out.setdefault(service, []).append(operation)
    return out


@pytest.mark.parametrize(("service", "operations"), sorted(_declared_by_service().items()))
def test_every_declared_operation_resolves_whole_in_its_pruned_model(service: str, operations: list[str]) -> None:
    full = FULL.load_service_model(service, "service-2")
    model = ServiceModel(prune(full, operations), service_name=service)
    for name in operations:
        op = model.operation_model(name)
        seen: set[str] = set()
        for shape in (op.input_shape, op.output_shape, *op.error_shapes):
            _walk(shape, seen)
    assert model.operation_names == ServiceModel(full, service_name=service).operation_names  # all still named
    assert len(model.error_shapes) == len(ServiceModel(full, service_name=service).error_shapes)


def test_a_pruned_model_keeps_what_the_calls_need_and_drops_the_rest() -> None:
    full = FULL.load_service_model("ec2", "service-2")
    pruned = prune(full, ["DescribeSecurityGroups"])
    assert len(pruned["shapes"]) < len(full["shapes"]) / 10
    assert "input" in pruned["operations"]["DescribeSecurityGroups"]
    assert "input" not in pruned["operations"]["RunInstances"]  # named, bound, and nothing to build a request
    assert "RunInstancesRequest" not in pruned["shapes"]

    def documented(node: Any) -> bool:
        if isinstance(node, dict):
            return "documentation" in node or any(documented(v) for v in node.values())
        return isinstance(node, list) and any(documented(v) for v in node)

    assert documented(full["operations"]) and not documented(pruned["operations"])
    assert not documented(pruned["shapes"])
    assert full["metadata"] == pruned["metadata"]


def test_the_loader_keeps_only_the_pruned_model() -> None:
    loader = DeclaredModels({"ec2:DescribeSecurityGroups"})
    pruned = loader.load_service_model("ec2", "service-2")
    assert loader.load_service_model("ec2", "service-2") is pruned  # parsed once
    sizes = [len(v["shapes"]) for v in loader._cache.values() if isinstance(v, dict) and "shapes" in v]
    sizes += [len(v[0]["shapes"]) for v in loader._cache.values() if isinstance(v, tuple) and isinstance(v[0], dict)]
    assert all(n <= len(pruned["shapes"]) for n in sizes)  # the full model is not kept in botocore's cache
    assert loader.load_service_model("ec2", "paginators-1")["pagination"]  # the other files as botocore has them


def test_contexts_share_the_models_only_when_they_cover_the_allow_list() -> None:
    parent = AwsContext(region="us-east-1", allowed={"s3:ListBuckets", "iam:ListUsers"})
    assert AwsContext(region="us-east-1", allowed={"s3:ListBuckets"}, models=parent).loader is parent.loader
    wider = AwsContext(region="us-east-1", allowed={"s3:ListBuckets", "s3:GetBucketAcl"}, models=parent)
    assert wider.loader is not parent.loader
    assert "input" in wider.loader.load_service_model("s3", "service-2")["operations"]["GetBucketAcl"]


def test_an_undeclared_operation_is_still_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ctx = AwsContext(region="us-east-1", allowed={"s3:ListBuckets"})
    with pytest.raises(ReadOnlyViolation, match="s3:PutObject"):
        ctx.client("s3").put_object(Bucket="b", Key="k", Body=b"x")
