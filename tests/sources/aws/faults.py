"""Make AWS answer with a chosen error, through botocore's real response parsing.

A `before-send` handler returns an HTTP error response in the operation's own wire protocol,
so the collector sees exactly what a real AccessDenied/throttle/opt-in error looks like.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse

from evidence_tracer.sources.aws.session import AwsContext


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _body(protocol: str, code: str, message: str) -> tuple[bytes, dict[str, str]]:
    if protocol in ("json", "rest-json"):
        return (
            json.dumps({"__type": code, "message": message}).encode(),
            {"x-amzn-ErrorType": code, "Content-Type": "application/x-amz-json-1.1"},
        )
    if protocol == "ec2":
        xml = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>fault-1</RequestID></Response>"
        )
    elif protocol == "query":
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            "</Error><RequestId>fault-1</RequestId></ErrorResponse>"
        )
    else:  # rest-xml
        xml = f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault-1</RequestId></Error>"
    return xml.encode(), {"Content-Type": "text/xml"}


def inject_error(
    ctx: AwsContext,
    service: str,
    operation: str,
    code: str = "AccessDenied",
    status: int = 403,
    message: str = "not authorized",
    region: str | None = None,
    body_contains: str | None = None,
) -> None:
    """Every later call of `service:operation` (optionally only in `region`, or only those whose request body
    holds `body_contains`) fails with `code`."""
    model = ctx.session._session.get_service_model(service)
    body, headers = _body(model.protocol, code, message)

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        if region is not None and f".{region}." not in request.url and f"/{region}" not in request.url:
            return None
        if body_contains is not None and body_contains not in str(request.body or ""):
            return None
        return AWSResponse(request.url, status, headers, _Raw(body))

    event = f"before-send.{model.service_id.hyphenize()}.{operation}"
    ctx.session.events.register(event, handler)


def respond(
    ctx: AwsContext,
    service: str,
    operation: str,
    body: bytes,
    status: int = 200,
    content_type: str = "application/json",
) -> None:
    """Every later call of `service:operation` gets this raw answer, parsed by botocore as a real one."""
    model = ctx.session._session.get_service_model(service)

    def handler(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, status, {"Content-Type": content_type}, _Raw(body))

    ctx.session.events.register(f"before-send.{model.service_id.hyphenize()}.{operation}", handler)
