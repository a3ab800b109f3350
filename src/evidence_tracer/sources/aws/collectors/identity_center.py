"""IAM Identity Center: instances, their users (identity store), permission sets and the assignments of
permission sets in the scanned account — the population of an access review for a team on SSO."""

from __future__ import annotations

from typing import Any

from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import IDENTITY_CENTER, AccountAssignment, IdentityCenter, IdentityCenterUser
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (
    aws_op("sso-admin", "ListInstances", "sso:ListInstances"),
    aws_op("sso-admin", "ListPermissionSets", "sso:ListPermissionSets"),
    aws_op("sso-admin", "DescribePermissionSet", "sso:DescribePermissionSet"),
    aws_op("sso-admin", "ListAccountAssignments", "sso:ListAccountAssignments"),
    aws_op("identitystore", "ListUsers"),
)
DATASETS = (IDENTITY_CENTER,)


def _users(client: Any, rec: Recorder, store_id: str) -> Observed[tuple[IdentityCenterUser, ...]]:
    sources: list[str] = []
    users: list[IdentityCenterUser] = []
    try:
        for page, rid in rec.pages(client, "list_users", IdentityStoreId=store_id):
            sources.append(rid)
            users += [
                IdentityCenterUser(
                    str(u["UserId"]),
                    str(u.get("UserName", "")),
                    str(u.get("DisplayName", "")),
                    tuple(str(e["Value"]) for e in u.get("Emails") or () if e.get("Value")),
                )
                for u in page["Users"]
            ]
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    except (KeyError, TypeError) as exc:
        return Observed.failed(unexpected(client, "list_users", f"not shaped as documented: {exc!r}"), tuple(sources))
    return Observed.ok(tuple(users), tuple(sources))


def _permission_sets(
    client: Any, rec: Recorder, instance: str, account: str
) -> tuple[Observed[tuple[str, ...]], Observed[tuple[AccountAssignment, ...]]]:
    sources: list[str] = []
    names: list[str] = []
    assignments: list[AccountAssignment] = []
    try:
        arns: list[str] = []
        for page, rid in rec.pages(client, "list_permission_sets", InstanceArn=instance):
            sources.append(rid)
            arns += [str(a) for a in page["PermissionSets"]]
        for arn in arns:
            described, rid = rec.call(client, "describe_permission_set", InstanceArn=instance, PermissionSetArn=arn)
            sources.append(rid)
            name = str((described or {})["PermissionSet"].get("Name", arn))
            names.append(name)
            for page, rid in rec.pages(
                client, "list_account_assignments", InstanceArn=instance, AccountId=account, PermissionSetArn=arn
            ):
                sources.append(rid)
                assignments += [
                    AccountAssignment(account, name, str(a["PrincipalType"]), str(a["PrincipalId"]))
                    for a in page["AccountAssignments"]
                ]
    except CallFailed as exc:
        failed: Observed[Any] = Observed.failed(exc.failure, (*sources, exc.record_id))
        return failed, failed
    except (KeyError, TypeError) as exc:
        broken: Observed[Any] = Observed.failed(
            unexpected(client, "list_account_assignments", f"not shaped as documented: {exc!r}"), tuple(sources)
        )
        return broken, broken
    return Observed.ok(tuple(names), tuple(sources)), Observed.ok(tuple(assignments), tuple(sources))


def collect_identity_center(sso: Any, store: Any, rec: Recorder, account: str) -> Observed[tuple[IdentityCenter, ...]]:
    sources: list[str] = []
    found: list[IdentityCenter] = []
    try:
        for page, rid in rec.pages(sso, "list_instances"):
            sources.append(rid)
            for instance in page["Instances"]:
                arn, store_id = str(instance["InstanceArn"]), str(instance["IdentityStoreId"])
                permission_sets, assignments = _permission_sets(sso, rec, arn, account)
                found.append(IdentityCenter(arn, store_id, _users(store, rec, store_id), permission_sets, assignments))
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    except (KeyError, TypeError) as exc:
        return Observed.failed(unexpected(sso, "list_instances", f"not shaped as documented: {exc!r}"), tuple(sources))
    return Observed.ok(tuple(found), tuple(sources))
