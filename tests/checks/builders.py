"""Hand-built inventories: a clean account by default, with the part under test replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from evidence_tracer.checks.registry import CheckContext, run_check
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import Dataset, Failure, Inventory, Observed, SourcePart
from evidence_tracer.inventory.aws import (
    ACCOUNT_PUBLIC_ACCESS_BLOCK,
    ACCOUNT_SUMMARY,
    BUCKETS,
    CREDENTIAL_REPORT,
    DETECTORS,
    PASSWORD_POLICY,
    SECURITY_GROUPS,
    TRAILS,
    AccessKeySlot,
    Bucket,
    CredentialReportRow,
    Detector,
    IngressRule,
    PasswordPolicy,
    PublicAccessBlock,
    SecurityGroup,
    Trail,
)
from evidence_tracer.models import Finding

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACCOUNT = "111122223333"
DENIED = Failure("svc", "Op", "us-east-1", "AccessDenied", "not authorized")
ALL_ON = PublicAccessBlock(True, True, True, True)
STRONG = PasswordPolicy(16, True, True, True, True, 90, 24)


def ctx(**parameters: Any) -> CheckContext:
    config = WorkspaceConfig.model_validate({"parameters": parameters}) if parameters else WorkspaceConfig()
    return CheckContext(config=config, now=NOW)


def ok(value: Any, *sources: str) -> Observed[Any]:
    return Observed.ok(value, sources or ("rec-1",))


def failed(failure: Failure = DENIED) -> Observed[Any]:
    return Observed.failed(failure, ("rec-err",))


def key(slot: int = 1, active: bool = True, age_days: int | None = 10) -> AccessKeySlot:
    rotated = None if age_days is None else NOW - timedelta(days=age_days)
    return AccessKeySlot(slot, active, rotated, None)


def user(
    name: str, console: bool = True, mfa: bool = True, keys: tuple[AccessKeySlot, ...] = ()
) -> CredentialReportRow:
    return CredentialReportRow(name, f"arn:aws:iam::{ACCOUNT}:user/{name}", NOW, console, None, mfa, keys)


def bucket(name: str = "data", region: str = "us-east-1", pab: Observed[Any] | None = None,
           encryption: Observed[Any] | None = None, versioning: Observed[Any] | None = None,
           tags: Observed[Any] | None = None) -> Bucket:
    return Bucket(name, f"arn:aws:s3:::{name}", region,
                  pab or ok(ALL_ON), encryption or ok(("aws:kms",)), versioning or ok("Enabled"),
                  tags or ok({}))


def sg(group_id: str, *rules: IngressRule, region: str = "us-east-1") -> SecurityGroup:
    return SecurityGroup(group_id, group_id, "vpc-1", f"arn:aws:ec2:{region}:{ACCOUNT}:security-group/{group_id}",
                         rules)


def rule(protocol: str = "tcp", low: int | None = 22, high: int | None = 22, v4: tuple[str, ...] = (),
         v6: tuple[str, ...] = ()) -> IngressRule:
    return IngressRule(protocol, low, high, v4, v6)


def trail(name: str = "main", region: str = "us-east-1", multi: bool = True, validation: bool = True,
          logging: Observed[Any] | None = None) -> Trail:
    return Trail(name, f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}", region, multi, validation,
                 logging if logging is not None else ok(True))


@dataclass(frozen=True)
class Region:
    """The regional datasets of one region, as `with_regions` puts them into a part."""

    region: str
    data: dict[str, Observed[Any]]


def regional(region: str = "us-east-1", trails: Observed[Any] | None = None, detectors: Observed[Any] | None = None,
             groups: Observed[Any] | None = None, **more: Observed[Any]) -> Region:
    """One region's data; `more` sets other regional datasets by key (e.g. `**{RDS_INSTANCES.key: ok(())}`)."""
    data = {
        TRAILS.slot(region): trails if trails is not None else ok(()),
        DETECTORS.slot(region): detectors if detectors is not None else ok((Detector("d1", "ENABLED"),)),
        SECURITY_GROUPS.slot(region): groups if groups is not None else ok(()),
    }
    data.update({f"{key}@{region}": value for key, value in more.items()})
    return Region(region, data)


def part(data: dict[str, Observed[Any]] | None = None, regions: tuple[str, ...] = ("us-east-1",),
         account: str = ACCOUNT) -> SourcePart:
    return SourcePart(source="aws", account=account, regions=regions, attributes={"partition": "aws"},
                      data=data or {})


def clean_data() -> dict[str, Observed[Any]]:
    data: dict[str, Observed[Any]] = {
        CREDENTIAL_REPORT.slot(): ok((user("alice"),)),
        ACCOUNT_SUMMARY.slot(): ok({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}),
        PASSWORD_POLICY.slot(): ok(STRONG),
        ACCOUNT_PUBLIC_ACCESS_BLOCK.slot(): ok(ALL_ON),
        BUCKETS.slot(): ok((bucket(),)),
    }
    data.update(regional(trails=ok((trail(),)), groups=ok((sg("sg-default"),))).data)
    return data


def clean(**datasets: Observed[Any]) -> SourcePart:
    """A clean account with some datasets replaced, by key (`clean(**{RDS_INSTANCES.slot("us-east-1"): ...})`)."""
    return part({**clean_data(), **datasets})


def with_data(changes: dict[Dataset[Any], Observed[Any]], region: str = "us-east-1") -> SourcePart:
    """A clean account with the given datasets replaced."""
    return part({**clean_data(), **{d.slot(region): v for d, v in changes.items()}})


def inventory(*parts: SourcePart) -> Inventory:
    return Inventory(parts or (clean(),))


def with_iam(credential_report: Observed[Any] | None = None, account_summary: Observed[Any] | None = None,
             password_policy: Observed[Any] | None = None) -> SourcePart:
    changes: dict[Dataset[Any], Observed[Any]] = {}
    for dataset, value in ((CREDENTIAL_REPORT, credential_report), (ACCOUNT_SUMMARY, account_summary),
                           (PASSWORD_POLICY, password_policy)):
        if value is not None:
            changes[dataset] = value
    return with_data(changes)


def with_s3(account_public_access_block: Observed[Any] | None = None,
            buckets: Observed[Any] | None = None) -> SourcePart:
    changes: dict[Dataset[Any], Observed[Any]] = {}
    if account_public_access_block is not None:
        changes[ACCOUNT_PUBLIC_ACCESS_BLOCK] = account_public_access_block
    if buckets is not None:
        changes[BUCKETS] = buckets
    return with_data(changes)


def with_regions(*regions: Region) -> SourcePart:
    data = {k: v for k, v in clean_data().items() if "@" not in k}
    for r in regions:
        data.update(r.data)
    return part(data, tuple(r.region for r in regions))


def run(check_id: str, source_part: SourcePart, context: CheckContext | None = None) -> list[Finding]:
    """One check through the registry, as a scan runs it."""
    return list(run_check(check_id, source_part, context or ctx()))
