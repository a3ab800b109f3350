"""Where a source's token may go: only to its provider's hosts (or a loopback fake), only over HTTPS (plain
HTTP to 127.0.0.1 for the local fakes), and only from an environment variable named for that provider —
never an AWS credential variable. Checked before any request is made."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlparse

from evidence_tracer.errors import ConfigError

AWS_CREDENTIAL_VARIABLES = frozenset(
    {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(field: str, url: str, provider_hosts: Iterable[str], extra_hosts: Iterable[str] = ()) -> None:
    """`url` may receive the source's token: HTTPS to a provider host (a name in `provider_hosts`, or a
    subdomain of one starting with '.'), or to a host tracer.yaml lists in `extra_hosts`; HTTP only to loopback."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if not host:
        raise ConfigError(f"tracer.yaml: {field} {url!r} is not a URL")
    if is_loopback(host):
        if parsed.scheme not in ("http", "https"):
            raise ConfigError(f"tracer.yaml: {field} {url!r}: only http(s) is spoken")
        return
    if parsed.scheme != "https":
        raise ConfigError(
            f"tracer.yaml: {field} {url!r}: a token is sent only over HTTPS (plain HTTP only to a 127.0.0.1 fake)"
        )
    allowed = [h.lower() for h in (*provider_hosts, *extra_hosts)]
    if not any(host == h or (h.startswith(".") and host.endswith(h)) for h in allowed):
        raise ConfigError(
            f"tracer.yaml: {field} {url!r}: the token is sent only to the provider's own hosts "
            f"({', '.join(sorted(set(allowed)))}); list another of its hosts under token_hosts"
        )


def check_token_env(field: str, name: str, provider_words: Iterable[str]) -> None:
    """`name` may hold the source's token: never an AWS credential variable (nor any AWS_ one), and only a
    variable named for the provider (GITHUB_TOKEN, GH_TOKEN, OKTA_API_TOKEN, TRACER_DEMO_GITHUB_TOKEN …)."""
    upper = name.upper()
    if upper in AWS_CREDENTIAL_VARIABLES or upper.startswith("AWS_"):
        raise ConfigError(f"tracer.yaml: {field} {name!r} is an AWS credential variable: it is never sent elsewhere")
    words = tuple(provider_words)
    if not any(word in upper for word in words):
        raise ConfigError(
            f"tracer.yaml: {field} {name!r}: the token must come from a variable named for the provider "
            f"(its name contains {' or '.join(words)})"
        )
