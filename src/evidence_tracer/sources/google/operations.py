"""The Google Workspace source's declared operations and the access they need: what the registry, the
allow-list and `tracer permissions` read without loading the source (its HTTP client and key signing)."""

from __future__ import annotations

from evidence_tracer.sources.base import Operation

SOURCE = "google"
SCOPES = ("https://www.googleapis.com/auth/admin.directory.user.readonly",)
OPERATIONS = (Operation(SOURCE, "directory", "ListUsers", SCOPES[0]),)
PATHS = {"directory:ListUsers": "/admin/directory/v1/users"}


def token_permissions() -> str:
    return "\n".join(
        [
            "# Google Workspace access for Evidence Tracer",
            "",
            "Generated from the source's declared operations (`tracer permissions --source google`).",
            "",
            "1. Create a service account (no roles in the Cloud project are needed) and a JSON key for it.",
            "2. In the Admin console > Security > API controls > Domain-wide delegation, add its client id with "
            "only this scope:",
            "",
            *(f"   - `{s}`" for s in SCOPES),
            "",
            "3. Set `sources.google.admin_email` to an administrator it may act as (a read-only admin role that can "
            "read users is enough) and `credentials_file` (or GOOGLE_APPLICATION_CREDENTIALS) to the key.",
            "",
            "The only POST is the OAuth token exchange at the key's `token_uri`; every data call is a GET:",
            "",
            "| Operation | Path | Scope |",
            "|---|---|---|",
            *(f"| {o.key} | `GET {PATHS[o.key]}` | {o.permission} |" for o in OPERATIONS),
            "",
        ]
    )
