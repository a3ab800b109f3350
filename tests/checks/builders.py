"""Hand-built inventories: a clean account by default, with the part under test replaced."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from evidence_tracer.checks.registry import CheckContext
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.inventory import (
    AccessKeySlot,
    Bucket,
    CredentialReportRow,
    Detector,
    Failure,
    IamInventory,
    IngressRule,
    Inventory,
    Observed,
    PasswordPolicy,
    PublicAccessBlock,
    RegionalInventory,
    S3Inventory,
    SecurityGroup,
    Trail,
)

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


def regional(region: str = "us-east-1", trails: Observed[Any] | None = None, detectors: Observed[Any] | None = None,
             groups: Observed[Any] | None = None) -> RegionalInventory:
    return RegionalInventory(
        region,
        trails if trails is not None else ok(()),
        detectors if detectors is not None else ok((Detector("d1", "ENABLED"),)),
        groups if groups is not None else ok(()),
    )


def inventory(**changes: Any) -> Inventory:
    clean = Inventory(
        account_id=ACCOUNT,
        partition="aws",
        regions=("us-east-1",),
        iam=IamInventory(
            credential_report=ok((user("alice"),)),
            account_summary=ok({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0}),
            password_policy=ok(STRONG),
        ),
        s3=S3Inventory(account_public_access_block=ok(ALL_ON), buckets=ok((bucket(),))),
        regional={"us-east-1": regional(trails=ok((trail(),)), groups=ok((sg("sg-default"),)))},
    )
    return replace(clean, **changes)


def with_iam(**changes: Any) -> Inventory:
    base = inventory()
    return replace(base, iam=replace(base.iam, **changes))


def with_s3(**changes: Any) -> Inventory:
    base = inventory()
    return replace(base, s3=replace(base.s3, **changes))


def with_regions(*regions: RegionalInventory) -> Inventory:
    return inventory(regions=tuple(r.region for r in regions), regional={r.region: r for r in regions})
