"""What keeps the portal safe by default: its secret (made once, kept 0600 in `.tracer/`, never logged), CSRF
tokens, a sign-in rate limit, and the auditor's expiring signed link."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from evidence_tracer.errors import ConfigError

SECRET_FILE = "portal-secret"


def portal_secret(state_dir: Path) -> bytes:
    """The workspace's portal secret: signs session cookies and auditor links (rotating it signs everyone out)."""
    path = state_dir / SECRET_FILE
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_bytes(32))
    return path.read_bytes()


def csrf_token() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class RateLimit:
    """At most `limit` attempts per `window` from one client address (sign-in and callback)."""

    def __init__(self, clock: Callable[[], datetime], limit: int = 10, window: timedelta = timedelta(minutes=1)):
        self.clock, self.limit, self.window = clock, limit, window
        self._seen: dict[str, deque[datetime]] = {}

    def allow(self, client: str) -> bool:
        now = self.clock()
        seen = self._seen.setdefault(client, deque())
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def auditor_token(secret: bytes, expires: datetime) -> str:
    payload = _b64(json.dumps({"exp": int(expires.timestamp()), "n": secrets.token_hex(8)}).encode())
    mac = _b64(hmac.new(secret, b"auditor:" + payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}"


def auditor_expiry(secret: bytes, token: str, now: datetime) -> datetime | None:
    """When a genuine, unexpired auditor link expires; None for anything else."""
    payload, _, mac = token.partition(".")
    good = _b64(hmac.new(secret, b"auditor:" + payload.encode(), hashlib.sha256).digest())
    if not payload or not hmac.compare_digest(mac, good):
        return None
    try:
        expires = datetime.fromtimestamp(int(json.loads(_unb64(payload))["exp"]), now.tzinfo)
    except (ValueError, KeyError, TypeError):
        return None
    return expires if expires > now else None


def parse_expiry(text: str) -> timedelta:
    """`30d`, `12h` or `90m`: how long an auditor link lasts (at most a year)."""
    unit = {"d": "days", "h": "hours", "m": "minutes"}.get(text[-1:])
    if unit is None or not text[:-1].isdigit() or int(text[:-1]) < 1:
        raise ConfigError(f"--expires {text!r}: a number of days, hours or minutes, e.g. 30d")
    span = timedelta(**{unit: int(text[:-1])})
    if span > timedelta(days=366):
        raise ConfigError("--expires: an auditor link lasts at most a year")
    return span
