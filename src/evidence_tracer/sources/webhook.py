"""The one write Evidence Tracer makes to the outside world, and only when asked (`tracer drift --notify URL`):
a JSON message to a Slack-compatible incoming webhook. It reads nothing and is not an evidence source."""

from __future__ import annotations

from typing import Any

from evidence_tracer.errors import TracerError


class NotifyError(TracerError):
    """The webhook did not take the message."""


def post_message(url: str, payload: dict[str, Any], timeout: float = 10.0) -> None:
    """POST `payload` as JSON to `url` (HTTPS, or HTTP on the loopback for a local receiver)."""
    import httpx

    parsed = httpx.URL(url)
    if parsed.scheme != "https" and parsed.host not in ("127.0.0.1", "localhost", "::1"):
        raise NotifyError(f"--notify {url!r}: a webhook URL is https:// (plain http only on this machine)")
    try:
        answer = httpx.post(url, json=payload, timeout=timeout)
    except httpx.HTTPError as exc:
        raise NotifyError(f"the webhook at {parsed.host} did not answer: {type(exc).__name__}") from None
    if answer.status_code >= 300:
        raise NotifyError(f"the webhook at {parsed.host} refused the message: HTTP {answer.status_code}")
