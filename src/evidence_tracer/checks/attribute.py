"""Declarative attribute checks (the cloud-custodian model): a check that is data.

    ecr_scan_on_push = AttributeCheck(
        ECR_REPOSITORIES, lambda d: bool((d.get("imageScanningConfiguration") or {}).get("scanOnPush")),
        passed="ECR repository {name} scans images on push.",
        failed="ECR repository {name} does not scan images on push.",
        name_field="repositoryName", field="repository", wildcard="repository/*")

The variable's name is the check id (as for a function marked @check). For each resource of the dataset the
predicate over its API data decides pass or fail; a region whose list could not be read is an `error`
finding, never a pass; `field` names the remediation placeholder that receives the resource's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from evidence_tracer.checks.common import listed
from evidence_tracer.checks.registry import CheckContext, CheckMeta, Emit
from evidence_tracer.inventory import Dataset, Resource, SourcePart
from evidence_tracer.models import Finding, Severity


@dataclass(frozen=True)
class AttributeCheck:
    dataset: Dataset[tuple[Resource, ...]]
    predicate: Callable[[Mapping[str, Any]], bool]
    passed: str  # the message of a pass: {name} is the resource's name
    failed: str  # the message of a failure
    name_field: str = ""  # the API field that names a resource (default: its id)
    field: str = ""  # the remediation placeholder filled with the name (none when empty)
    wildcard: str = "*"  # the resource class named by an `error` for an unreadable region, e.g. "volume/*"
    arn: str = ""  # "volume/{id}": the finding's resource is this ARN in the part's account (default: the id)
    # Title, severity and remediation beside the code (then not in checks.yaml); its service is its dataset's,
    # and the one operation it needs is the dataset's list call.
    title: str = ""
    severity: Severity | None = None
    remediation: str = ""

    __tracer_check__: ClassVar[bool] = True

    @property
    def meta(self) -> CheckMeta | None:
        if self.severity is None:
            return None  # described in catalog/checks.yaml
        # It reads the list's answer only (no per-item detail), so the list call is all it needs.
        needs = (f"{self.dataset.service}:{self.dataset.operation}",)
        return CheckMeta(self.title, self.severity, self.dataset.service, self.remediation, needs)

    def __call__(self, part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
        found, errors = listed(part, emit, self.dataset, self.wildcard)
        yield from errors
        for region, item, sources in found:
            name = str(item.data.get(self.name_field, item.id)) if self.name_field else item.id
            resource = emit.arn(self.dataset.service, region, self.arn.format(id=item.id)) if self.arn else item.id
            if self.predicate(item.data):
                yield emit.passed(resource, region, self.passed.format(name=name), sources)
            else:
                fields = {self.field: name} if self.field else {}
                yield emit.failed(resource, region, self.failed.format(name=name), sources, **fields)
