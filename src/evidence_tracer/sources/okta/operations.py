"""Every Okta API call the source may make (all GET), with the OAuth scope that allows it for a service app,
and the admin role an API token's owner needs. The token documentation is generated from this list."""

from __future__ import annotations

from dataclasses import dataclass

from evidence_tracer.sources.base import Operation

SOURCE = "okta"


@dataclass(frozen=True)
class Endpoint:
    operation: Operation
    path: str


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(Operation(SOURCE, "users", "ListUsers", "okta.users.read"), "/api/v1/users"),
    Endpoint(Operation(SOURCE, "users", "ListFactors", "okta.users.read"), "/api/v1/users/{user_id}/factors"),
    Endpoint(Operation(SOURCE, "roles", "ListAdminAssignees", "okta.roles.read"), "/api/v1/iam/assignees/users"),
    Endpoint(Operation(SOURCE, "apps", "ListApps", "okta.apps.read"), "/api/v1/apps"),
)
BY_KEY = {e.operation.key: e for e in ENDPOINTS}


def operations() -> tuple[Operation, ...]:
    return tuple(e.operation for e in ENDPOINTS)


def token_permissions() -> str:
    scopes = sorted({e.operation.permission for e in ENDPOINTS})
    lines = [
        "# Okta access for Evidence Tracer",
        "",
        "Generated from the source's declared operations (`tracer permissions --source okta`).",
        "",
        "An API token acts with its creator's admin role: create it as a user holding the **Read-only "
        "Administrator** role (never Super Administrator), and set `OKTA_API_TOKEN`. For an OAuth service app "
        "grant only these scopes:",
        "",
        *(f"- `{s}`" for s in scopes),
        "",
        "Every call is a GET:",
        "",
        "| Operation | Path | Scope |",
        "|---|---|---|",
        *(f"| {e.operation.key} | `GET {e.path}` | {e.operation.permission} |" for e in ENDPOINTS),
    ]
    return "\n".join(lines) + "\n"
