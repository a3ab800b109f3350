"""Data-store checks: RDS and Aurora, DynamoDB, EBS, KMS and Secrets Manager (CC6.1, CC6.7, A1.2, C1.1)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evidence_tracer.catalog.criteria import Category
from evidence_tracer.checks.attribute import AttributeCheck
from evidence_tracer.checks.common import as_int, as_json, as_time, listed, tags
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import Resource, SourcePart
from evidence_tracer.inventory.aws_resources import (
    BACKUP_PROTECTED,
    DYNAMODB_TABLES,
    EBS_ENCRYPTION_DEFAULT,
    EBS_SNAPSHOTS,
    EBS_VOLUMES,
    EFS_FILE_SYSTEMS,
    KMS_KEYS,
    RDS_CLUSTERS,
    RDS_INSTANCES,
    RDS_MANUAL_SNAPSHOTS,
    SECRETS,
)
from evidence_tracer.inventory.criticality import DECLARE_CRITICAL, critical_reason
from evidence_tracer.models import Finding, Severity


def _databases(part: SourcePart, emit: Emit) -> tuple[list[tuple[str, str, Resource, tuple[str, ...]]], list[Finding]]:
    """RDS instances that are not Aurora members, and Aurora clusters: (region, kind, resource, evidence).
    Aurora instances take storage, backups and deletion protection from their cluster."""
    instances, errors = listed(part, emit, RDS_INSTANCES, "db:*")
    clusters, more = listed(part, emit, RDS_CLUSTERS, "cluster:*")
    found = [(r, "instance", i, s) for r, i, s in instances if not i.data.get("DBClusterIdentifier")]
    found += [(r, "cluster", c, s) for r, c, s in clusters]
    return found, errors + more


def _modify(kind: str, name: str) -> dict[str, str]:
    """The remediation fields that name an instance or a cluster in `aws rds modify-db-*`."""
    if kind == "instance":
        return {"db": name, "command": "modify-db-instance", "flag": "--db-instance-identifier"}
    return {"db": name, "command": "modify-db-cluster", "flag": "--db-cluster-identifier"}


def _name(kind: str, r: Resource) -> str:
    return str(r.data.get("DBInstanceIdentifier" if kind == "instance" else "DBClusterIdentifier", r.id))


@check
def rds_storage_encrypted(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = _databases(part, emit)
    yield from errors
    for region, kind, db, sources in found:
        name = _name(kind, db)
        if db.data.get("StorageEncrypted"):
            yield emit.passed(db.id, region, f"RDS {kind} {name} encrypts its storage.", sources)
        else:
            yield emit.failed(db.id, region, f"RDS {kind} {name} stores data unencrypted.", sources, db=name, kind=kind)


rds_not_publicly_accessible = AttributeCheck(
    RDS_INSTANCES,
    lambda d: not d.get("PubliclyAccessible"),
    passed="RDS instance {name} is not publicly accessible.",
    failed="RDS instance {name} is publicly accessible (it has a public DNS address reachable from the internet).",
    name_field="DBInstanceIdentifier",
    field="db",
    wildcard="db:*",
)


@check
def rds_backup_retention(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    want = ctx.config.parameters.backup_retention_days
    found, errors = _databases(part, emit)
    yield from errors
    for region, kind, db, sources in found:
        name = _name(kind, db)
        days = as_int(db.data.get("BackupRetentionPeriod") or 0, f"BackupRetentionPeriod of {name}")
        if days >= want:
            yield emit.passed(
                db.id, region, f"RDS {kind} {name} keeps automated backups for {days} days (policy: {want}).", sources
            )
        else:
            state = "has automated backups off" if days == 0 else f"keeps automated backups for {days} days"
            yield emit.failed(
                db.id,
                region,
                f"RDS {kind} {name} {state}; the backup policy requires {want}.",
                sources,
                days=want,
                **_modify(kind, name),
            )


@check
def rds_deletion_protection(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = _databases(part, emit)
    yield from errors
    for region, kind, db, sources in found:
        name = _name(kind, db)
        why = critical_reason(ctx.config, (name, db.id), tags(db.data, "TagList"))
        if why is None:
            yield emit.not_applicable(
                db.id,
                region,
                f"RDS {kind} {name} is not marked critical; to require deletion protection, {DECLARE_CRITICAL}.",
                sources,
            )
        elif db.data.get("DeletionProtection"):
            yield emit.passed(db.id, region, f"Critical RDS {kind} {name} ({why}) has deletion protection.", sources)
        else:
            yield emit.failed(
                db.id,
                region,
                f"Critical RDS {kind} {name} ({why}) can be deleted: deletion protection is off.",
                sources,
                **_modify(kind, name),
            )


@check
def rds_multi_az(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    found, errors = _databases(part, emit)
    yield from errors
    in_scope = Category.AVAILABILITY in ctx.config.scope.categories
    for region, kind, db, sources in found:
        name = _name(kind, db)
        if not in_scope:
            yield emit.not_applicable(
                db.id,
                region,
                f"Availability is not in scope, so Multi-AZ for RDS {kind} "
                f"{name} is not required (add availability to scope.categories if you "
                "commit to uptime).",
                sources,
            )
        elif db.data.get("MultiAZ"):
            yield emit.passed(db.id, region, f"RDS {kind} {name} runs in several Availability Zones.", sources)
        else:
            yield emit.failed(
                db.id,
                region,
                f"RDS {kind} {name} runs in a single Availability Zone while Availability is in scope.",
                sources,
                **_modify(kind, name),
            )


def _restore_by(attributes: Any) -> tuple[str, ...]:
    for attribute in (attributes or {}).get("DBSnapshotAttributes", ()):
        if attribute.get("AttributeName") == "restore":
            return tuple(str(v) for v in attribute.get("AttributeValues") or ())
    return ()


@check
def rds_snapshot_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    snapshots, errors = listed(part, emit, RDS_MANUAL_SNAPSHOTS, "snapshot:*")
    yield from errors
    for region, snap, sources in snapshots:
        name = str(snap.data.get("DBSnapshotIdentifier", snap.id))
        attributes = snap.detail("attributes")
        evidence = (*sources, *attributes.sources)
        if attributes.failure is not None:
            yield emit.error(attributes.failure, snap.id, region, evidence)
        elif "all" in _restore_by(attributes.value):
            yield emit.failed(
                snap.id,
                region,
                f"Manual RDS snapshot {name} can be restored by any AWS account.",
                evidence,
                snapshot=name,
            )
        else:
            yield emit.passed(snap.id, region, f"Manual RDS snapshot {name} is not public.", evidence)


@check
def dynamodb_point_in_time_recovery(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    tables, errors = listed(part, emit, DYNAMODB_TABLES, "table/*")
    yield from errors
    for region, table, sources in tables:
        backups = table.detail("continuous_backups")
        arn = emit.arn("dynamodb", region, f"table/{table.id}")
        evidence = (*sources, *backups.sources)
        if backups.failure is not None:
            yield emit.error(backups.failure, arn, region, evidence)
            continue
        status = (backups.value or {}).get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
        if status == "ENABLED":
            yield emit.passed(arn, region, f"DynamoDB table {table.id} has point-in-time recovery.", evidence)
        else:
            yield emit.failed(
                arn, region, f"DynamoDB table {table.id} has no point-in-time recovery.", evidence, table=table.id
            )


@check
def ebs_encryption_by_default(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    for region in part.regions:
        setting = part.get(EBS_ENCRYPTION_DEFAULT, region)
        resource = emit.arn("ec2", region, "ebs-encryption-by-default")
        if setting.failure is not None:
            yield emit.error(setting.failure, resource, region, setting.sources)
        elif (setting.value or {}).get("EbsEncryptionByDefault"):
            yield emit.passed(
                resource, region, f"New EBS volumes in {region} are encrypted by default.", setting.sources
            )
        else:
            yield emit.failed(resource, region, f"EBS encryption by default is off in {region}.", setting.sources)


ebs_volume_encrypted = AttributeCheck(
    EBS_VOLUMES,
    lambda d: bool(d.get("Encrypted")),
    passed="EBS volume {name} is encrypted.",
    failed="EBS volume {name} is not encrypted.",
    field="volume",
    wildcard="volume/*",
    arn="volume/{id}",
)


@check
def ebs_snapshot_not_public(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    snapshots, errors = listed(part, emit, EBS_SNAPSHOTS, "snapshot/*")
    yield from errors
    assert EBS_SNAPSHOTS.membership is not None
    for region, snap, sources in snapshots:
        arn = emit.arn("ec2", region, f"snapshot/{snap.id}")
        public = EBS_SNAPSHOTS.membership.read(snap)
        evidence = (*sources, *public.sources)
        if public.failure is not None:
            yield emit.error(public.failure, arn, region, evidence)
        elif public.value:
            yield emit.failed(
                arn, region, f"EBS snapshot {snap.id} can be copied by any AWS account.", evidence, snapshot=snap.id
            )
        else:
            yield emit.passed(arn, region, f"EBS snapshot {snap.id} is not public.", evidence)


@check
def kms_key_rotation(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    keys, errors = listed(part, emit, KMS_KEYS, "key/*")
    yield from errors
    for region, key, sources in keys:
        metadata, rotation = key.detail("metadata"), key.detail("rotation")
        evidence = (*sources, *metadata.sources, *rotation.sources)
        if metadata.failure is not None:
            yield emit.error(metadata.failure, key.id, region, evidence)
            continue
        meta = metadata.value or {}
        spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        if meta.get("KeyManager") != "CUSTOMER" or spec != "SYMMETRIC_DEFAULT" or meta.get("KeyState") != "Enabled":
            continue  # AWS-managed, asymmetric or disabled keys cannot (or need not) rotate
        key_id = str(meta.get("KeyId", key.id))
        if rotation.failure is not None:
            yield emit.error(rotation.failure, key.id, region, evidence)
        elif (rotation.value or {}).get("KeyRotationEnabled"):
            yield emit.passed(key.id, region, f"KMS key {key_id} rotates automatically.", evidence)
        else:
            yield emit.failed(
                key.id, region, f"Customer-managed KMS key {key_id} does not rotate.", evidence, key_id=key_id
            )


efs_encrypted = AttributeCheck(
    EFS_FILE_SYSTEMS,
    lambda d: bool(d.get("Encrypted")),
    passed="EFS file system {name} is encrypted at rest.",
    failed="EFS file system {name} stores data unencrypted.",
    name_field="FileSystemId",
    field="file_system",
    wildcard="file-system/*",
    title="EFS file systems encrypt data at rest",
    severity=Severity.HIGH,
    remediation="EFS is encrypted only when a file system is created: create an encrypted one (aws efs "
    "create-file-system --encrypted --region {region}), copy the data across with AWS DataSync, move the "
    "mount targets, then delete {file_system}.",
)

secretsmanager_rotation = AttributeCheck(
    SECRETS,
    lambda d: bool(d.get("RotationEnabled")),
    passed="Secret {name} rotates automatically.",
    failed="Secret {name} is never rotated automatically.",
    name_field="Name",
    field="secret",
    wildcard="secret:*",
)


def policy_statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy given as JSON text or an object."""
    if isinstance(document, str):
        document = as_json(document, "a policy document")
    statements = (document or {}).get("Statement", [])
    return [s for s in ([statements] if isinstance(statements, dict) else statements) if isinstance(s, dict)]


@check
def backup_critical_resources_protected(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """Every critical database has a recent AWS Backup recovery point (or automated RDS backups on the
    retention the backup policy sets, judged by rds_backup_retention): evidence that backups happen, not
    only that a plan exists."""
    hours = ctx.config.parameters.backup_max_age_hours
    found, errors = _databases(part, emit)
    protected, more = listed(part, emit, BACKUP_PROTECTED, "recovery-point:*")
    yield from errors
    yield from more
    failed_regions = {f.location for f in more}
    latest = {str(r.data.get("ResourceArn")): (r.data.get("LastBackupTime"), s) for _, r, s in protected}
    tables, table_errors = listed(part, emit, DYNAMODB_TABLES, "table/*")
    yield from table_errors
    candidates: list[tuple[str, str, str, tuple[str, ...], dict[str, str], tuple[str, ...]]] = [
        (region, f"RDS {kind} {_name(kind, db)}", db.id, (_name(kind, db), db.id), tags(db.data, "TagList"), sources)
        for region, kind, db, sources in found
    ]
    candidates += [
        (region, f"DynamoDB table {t.id}", emit.arn("dynamodb", region, f"table/{t.id}"), (t.id,), {}, sources)
        for region, t, sources in tables
    ]
    for region, label, arn, names, tag_map, sources in candidates:
        why = critical_reason(ctx.config, (*names, arn), tag_map)
        if why is None:
            yield emit.not_applicable(
                arn, region, f"{label} is not marked critical; to require AWS Backup, {DECLARE_CRITICAL}.", sources
            )
            continue
        if region in failed_regions:
            continue  # already an error for the region
        when, backup_sources = latest.get(arn, (None, ()))
        evidence = (*sources, *backup_sources)
        if not when:
            yield emit.failed(
                arn, region, f"Critical {label} ({why}) has no AWS Backup recovery point.", evidence, resource_arn=arn
            )
            continue
        age = (ctx.now - as_time(when, f"the latest recovery point of {arn}")).total_seconds() / 3600
        if age > hours:
            yield emit.failed(
                arn,
                region,
                f"The latest AWS Backup recovery point of critical {label} ({why}) is "
                f"{int(age)} hours old (limit {hours}).",
                evidence,
                resource_arn=arn,
            )
        else:
            yield emit.passed(arn, region, f"Critical {label} ({why}) was backed up {int(age)} hours ago.", evidence)
