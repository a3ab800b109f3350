"""Identity checks beyond MFA and keys: dormant credentials, privileged principals, policies attached to
users, IAM Access Analyzer, recent root use and IAM users beside Identity Center (CC6.1-CC6.3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from evidence_tracer.checks.common import listed
from evidence_tracer.checks.data import policy_statements
from evidence_tracer.checks.registry import CheckContext, Emit, check
from evidence_tracer.inventory import GLOBAL, Failure, SourcePart
from evidence_tracer.inventory.aws import AUTHORIZATION, CREDENTIAL_REPORT, IDENTITY_CENTER, Authorization, Principal
from evidence_tracer.inventory.aws_resources import ACCESS_ANALYZERS
from evidence_tracer.models import Finding

# AWS-managed policies that grant everything (or the power to grant oneself everything).
ADMIN_MANAGED_POLICIES = frozenset({"AdministratorAccess", "IAMFullAccess"})


def _days(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else (now - then).days


@check
def iam_inactive_credentials(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    limit = ctx.config.parameters.inactive_credential_days
    report = part.get(CREDENTIAL_REPORT)
    if report.value is None:
        yield emit.unread(report, emit.arn("iam", GLOBAL, "user/*"), GLOBAL)
        return
    for row in report.value:
        if row.is_root:
            continue
        dormant = []
        if row.password_enabled:
            idle = _days(ctx.now, row.password_last_used or row.created)
            if idle is not None and idle > limit:
                dormant.append(f"console password unused for {idle} days")
        for key in row.access_keys:
            if key.active:
                idle = _days(ctx.now, key.last_used or key.last_rotated)
                if idle is not None and idle > limit:
                    dormant.append(f"access key {key.slot} unused for {idle} days")
        if dormant:
            yield emit.failed(
                row.arn,
                GLOBAL,
                f"{row.user}: " + "; ".join(dormant) + f" (limit {limit}).",
                report.sources,
                user=row.user,
            )
        elif row.password_enabled or any(k.active for k in row.access_keys):
            yield emit.passed(
                row.arn, GLOBAL, f"{row.user} has used every credential within {limit} days.", report.sources
            )


def _breadth(arn: str, document: str | None) -> str:
    """How much a policy grants, in a few words: everything, the actions on every resource, or how many."""
    name = arn.rsplit("/", 1)[-1]
    if arn and ":aws:policy/" in arn:
        return "AWS-managed, administrator" if name in ADMIN_MANAGED_POLICIES else "AWS-managed"
    if document is None:
        return "its document was not read"
    if grants_everything(document):
        return "every action on every resource"
    actions: set[str] = set()
    resources: set[str] = set()
    for statement in policy_statements(document):
        if statement.get("Effect") == "Allow":
            for key, into in (("Action", actions), ("Resource", resources)):
                value = statement.get(key, [])
                into.update([value] if isinstance(value, str) else value)
    wild = sorted(a for a in actions if a == "*" or a.endswith(":*"))
    scope = "every resource" if "*" in resources else f"{len(resources)} resource(s)"
    return f"{', '.join(wild)} on {scope}" if wild else f"{len(actions)} action(s) on {scope}"


def grants_everything(document: str) -> bool:
    for statement in policy_statements(document):
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if statement.get("Effect") == "Allow" and "*" in actions and "*" in resources:
            return True
    return False


def privileged(auth: Authorization) -> dict[str, tuple[Principal, str]]:
    """Principals with administrator power, by ARN, with how they got it."""
    admin_policies = {p.arn for p in auth.policies if grants_everything(p.document)}

    def via(principal: Principal) -> str | None:
        for arn in principal.attached:
            if arn.rsplit("/", 1)[-1] in ADMIN_MANAGED_POLICIES and ":aws:policy/" in arn:
                return f"AWS-managed {arn.rsplit('/', 1)[-1]}"
            if arn in admin_policies:
                return f"customer-managed policy {arn.rsplit('/', 1)[-1]} (Action * on Resource *)"
        for name, document in principal.inline.items():
            if grants_everything(document):
                return f"inline policy {name} (Action * on Resource *)"
        return None

    found = {p.arn: (p, how) for p in auth.principals if (how := via(p))}
    admin_groups = {p.name: how for p, how in found.values() if p.kind == "group"}
    for p in auth.principals:
        if p.kind == "user" and p.arn not in found:
            group = next((g for g in p.groups if g in admin_groups), None)
            if group:
                found[p.arn] = (p, f"group {group} ({admin_groups[group]})")
    return found


@check
def iam_privileged_access(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The privileged-access inventory: every admin principal listed; IAM users among them fail when they
    hold a long-lived access key."""
    auth, report = part.get(AUTHORIZATION), part.get(CREDENTIAL_REPORT)
    evidence = (*auth.sources, *report.sources)
    failure = auth.failure or report.failure
    if failure is not None:
        yield emit.error(failure, emit.arn("iam", GLOBAL, "*"), GLOBAL, evidence)
        return
    assert auth.value is not None
    keys = {r.arn: [k.slot for k in r.access_keys if k.active] for r in report.value or ()}
    admins = privileged(auth.value)
    if not admins:
        yield emit.passed(
            emit.arn("iam", GLOBAL, "*"),
            GLOBAL,
            "No IAM principal holds administrator access "
            "(check how administrators sign in: Identity Center permission sets are listed separately).",
            evidence,
        )
    for arn, (principal, how) in sorted(admins.items()):
        active = keys.get(arn, [])
        if principal.kind == "user" and active:
            yield emit.failed(
                arn,
                GLOBAL,
                f"Privileged IAM user {principal.name} (via {how}) holds long-lived "
                f"access key(s) {', '.join(map(str, active))}.",
                evidence,
                user=principal.name,
            )
        else:
            yield emit.passed(
                arn,
                GLOBAL,
                f"Privileged {principal.kind} {principal.name} (via {how}); no long-lived access key.",
                evidence,
            )


@check
def iam_user_direct_policies(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    auth = part.get(AUTHORIZATION)
    if auth.value is None:
        yield emit.unread(auth, emit.arn("iam", GLOBAL, "user/*"), GLOBAL)
        return
    # Decision (CIS AWS 1.15): every direct attachment is a finding, low, whatever its breadth — access granted
    # to one user is what an access review misses; the message states each policy's breadth, so a narrow one
    # reads as the small thing it is and an administrator's policy stands out.
    documents = {p.arn: p.document for p in auth.value.policies}
    for user in (p for p in auth.value.principals if p.kind == "user"):
        direct = [f"{a.rsplit('/', 1)[-1]} ({_breadth(a, documents.get(a))})" for a in user.attached]
        direct += [f"{n} (inline; {_breadth('', doc)})" for n, doc in user.inline.items()]
        if direct:
            yield emit.failed(
                user.arn,
                GLOBAL,
                f"{user.name} has policies attached directly: {', '.join(direct)}; "
                "grant access through groups or roles so reviews see it.",
                auth.sources,
                user=user.name,
            )
        else:
            yield emit.passed(user.arn, GLOBAL, f"{user.name} gets permissions only through groups.", auth.sources)


@check
def iam_access_analyzer_enabled(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    analyzers, errors = listed(part, emit, ACCESS_ANALYZERS, "analyzer/*")
    yield from errors
    failed_regions = {f.location for f in errors}
    for region in part.regions:
        if region in failed_regions:
            continue
        active = [a for r, a, _ in analyzers if r == region and a.data.get("status") == "ACTIVE"]
        sources = part.get(ACCESS_ANALYZERS, region).sources
        resource = emit.arn("access-analyzer", region, "analyzer/*")
        if active:
            yield emit.passed(active[0].id, region, f"IAM Access Analyzer is active in {region}.", sources)
        else:
            yield emit.failed(resource, region, f"No active IAM Access Analyzer in {region}.", sources)


@check
def iam_root_recent_use(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    limit = ctx.config.parameters.inactive_credential_days
    report = part.get(CREDENTIAL_REPORT)
    root_arn = emit.arn("iam", GLOBAL, "root")
    if report.value is None:
        yield emit.unread(report, root_arn, GLOBAL)
        return
    root = next((r for r in report.value if r.is_root), None)
    if root is None:
        yield emit.error(_no_root_row(), root_arn, GLOBAL, report.sources)
        return
    used = [d for d in (root.password_last_used, *(k.last_used for k in root.access_keys)) if d is not None]
    last = max(used) if used else None
    if last is not None and (ctx.now - last).days <= limit:
        yield emit.failed(
            root_arn,
            GLOBAL,
            f"The root user was used on {last.date().isoformat()}, within "
            f"{limit} days: use named administrators and keep root for break-glass.",
            report.sources,
        )
    else:
        when = f"last on {last.date().isoformat()}" if last else "never"
        yield emit.passed(
            root_arn, GLOBAL, f"The root user has not been used in {limit} days ({when}).", report.sources
        )


def _no_root_row() -> Failure:
    return Failure(
        "iam", "GetCredentialReport", GLOBAL, "UnexpectedResponse", "the credential report has no <root_account> row"
    )


@check
def iam_console_users_beside_identity_center(part: SourcePart, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    instances, errors = listed(part, emit, IDENTITY_CENTER, "instance/*")
    report = part.get(CREDENTIAL_REPORT)
    if errors:
        yield from errors
        return
    if report.value is None:
        yield emit.unread(report, emit.arn("iam", GLOBAL, "user/*"), GLOBAL)
        return
    evidence = (*(s for _, _, srcs in instances for s in srcs), *report.sources)
    console = [r for r in report.value if r.password_enabled and not r.is_root]
    # An instance is "in use" only with people in it or access assigned through it: an empty instance (made by
    # an Organization, never used) is not a sign-in path people could have taken instead.
    for _, center, _ in instances:
        unread = center.users.failure or center.assignments.failure
        if unread is not None:
            yield emit.error(unread, center.instance_arn, GLOBAL, evidence)
            return
    in_use = [c for _, c, _ in instances if (c.users.value or ()) or (c.assignments.value or ())]
    if not in_use:
        yield emit.not_applicable(
            emit.arn("iam", GLOBAL, "user/*"),
            GLOBAL,
            ("IAM Identity Center is set up but holds no users and assigns no access; " if instances else
             "IAM Identity Center is not set up; ")
            + "IAM users are the way people sign in (their MFA is checked separately).",
            evidence,
        )  # fmt: skip
        return
    for row in console:
        yield emit.failed(
            row.arn,
            GLOBAL,
            f"{row.user} signs in as an IAM user although IAM Identity Center "
            "exists: move the person to Identity Center and remove the password.",
            evidence,
            user=row.user,
        )
    if not console:
        yield emit.passed(
            emit.arn("iam", GLOBAL, "user/*"),
            GLOBAL,
            "People sign in through IAM Identity Center; no IAM user has a console password.",
            evidence,
        )
