"""`tracer serve`: the portal for employees, the founder and the auditor; `--auditor-link` prints a signed,
expiring link for the auditor instead of serving."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evidence_tracer.app.workspace import Workspace
from evidence_tracer.cli.options import WorkspaceDir, _now
from evidence_tracer.cli.output import safe


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    auditor_link: Annotated[bool, typer.Option(help="Print a read-only link for the auditor and exit.")] = False,
    expires: Annotated[str, typer.Option(help="With --auditor-link: how long it lasts (30d, 12h).")] = "30d",
    workspace: WorkspaceDir = Path("."),
) -> None:
    """Serve the portal over this workspace: employees sign in with the identity provider (tracer.yaml portal:
    issuer, client_id, the client secret in the environment) and acknowledge policies; management sees the
    dashboard. Behind the company's reverse proxy, set portal.public_url to its https URL."""
    from evidence_tracer.evidence.lock import STATE_DIR
    from evidence_tracer.web.security import auditor_token, parse_expiry, portal_secret

    ws = Workspace(workspace)
    if auditor_link:
        until = _now() + parse_expiry(expires)
        token = auditor_token(portal_secret(ws.path / STATE_DIR), until)
        typer.echo(f"{ws.config.portal.public_url}/auditor?token={token}")
        typer.echo(f"(read-only; expires {until:%Y-%m-%d %H:%M} UTC; send it to the auditor only)")
        return
    import uvicorn

    from evidence_tracer.web.app import create_app

    typer.echo(f"Serving {safe(ws.config.company.name)} on http://{host}:{port} (Ctrl-C stops)")
    uvicorn.run(create_app(ws.path), host=host, port=port, log_level="warning", proxy_headers=True)
