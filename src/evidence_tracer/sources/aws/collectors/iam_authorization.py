"""IAM users, groups, roles and customer-managed policies with their documents, in one paginated call
(GetAccountAuthorizationDetails): calls per page, not per principal."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from evidence_tracer.clock import moment_of
from evidence_tracer.evidence.redact import redact
from evidence_tracer.inventory import Observed
from evidence_tracer.inventory.aws import AUTHORIZATION, Authorization, ManagedPolicy, Principal, RoleFacts
from evidence_tracer.sources.aws.caller import CallFailed, Recorder, unexpected
from evidence_tracer.sources.aws.calls import aws_op

OPERATIONS = (aws_op("iam", "GetAccountAuthorizationDetails"),)
DATASETS = (AUTHORIZATION,)
_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]


def _document(value: Any) -> str:
    """A policy document as canonical JSON (the API may hand it URL-encoded)."""
    if isinstance(value, str):
        value = json.loads(unquote(value))
    if not isinstance(value, dict):
        raise TypeError("a policy document is not an object")
    cleaned, _ = redact(value)
    return json.dumps(cleaned, sort_keys=True)


def _principal(kind: str, raw: dict[str, Any], inline_key: str) -> Principal:
    role = kind == "role"
    return Principal(
        kind=kind,
        name=str(raw[f"{kind.capitalize()}Name"]),
        arn=str(raw["Arn"]),
        attached=tuple(str(p["PolicyArn"]) for p in raw.get("AttachedManagedPolicies", [])),
        inline={str(p["PolicyName"]): _document(p["PolicyDocument"]) for p in raw.get(inline_key, [])},
        groups=tuple(str(g) for g in raw.get("GroupList", [])),
        role=Observed.ok(_role(raw) if role else None),
    )


def _role(raw: dict[str, Any]) -> RoleFacts:
    created = moment_of(raw["CreateDate"])
    if created is None:
        raise ValueError("a role without its CreateDate")
    return RoleFacts(
        _document(raw.get("AssumeRolePolicyDocument") or {}),
        moment_of((raw.get("RoleLastUsed") or {}).get("LastUsedDate")),
        created,
    )


def _policy(raw: dict[str, Any]) -> ManagedPolicy:
    default = next(v for v in raw["PolicyVersionList"] if v.get("IsDefaultVersion"))
    name = str(raw.get("PolicyName") or str(raw["Arn"]).rsplit("/", 1)[-1])
    return ManagedPolicy(arn=str(raw["Arn"]), name=name, document=_document(default["Document"]))


def collect_authorization(client: Any, rec: Recorder) -> Observed[Authorization]:
    sources: list[str] = []
    principals: list[Principal] = []
    policies: list[ManagedPolicy] = []
    try:
        for page, rid in rec.pages(client, "get_account_authorization_details", Filter=_FILTER):
            sources.append(rid)
            principals += [_principal("user", u, "UserPolicyList") for u in page["UserDetailList"]]
            principals += [_principal("group", g, "GroupPolicyList") for g in page["GroupDetailList"]]
            principals += [_principal("role", r, "RolePolicyList") for r in page["RoleDetailList"]]
            policies += [_policy(p) for p in page["Policies"]]
    except CallFailed as exc:
        return Observed.failed(exc.failure, (*sources, exc.record_id))
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        return Observed.failed(
            unexpected(client, "get_account_authorization_details", f"the answer is not shaped as documented: {exc!r}"),
            tuple(sources),
        )
    return Observed.ok(Authorization(tuple(principals), tuple(policies)), tuple(sources))
