"""A tiny threaded HTTP server on 127.0.0.1 for fake APIs: routes by regex, records every request, and lets a
test inject faults (a status, headers and body for a path) — the real client code talks real HTTP to it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["Request"], "Reply"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    groups: dict[str, str]
    body: bytes = b""


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # exact bytes (an HTML login page, broken JSON)


@dataclass
class FakeApi:
    routes: list[tuple[re.Pattern[str], Handler]] = field(default_factory=list)
    faults: list[tuple[re.Pattern[str], Reply, int]] = field(default_factory=list)  # (path, reply, times left)
    seen: list[Request] = field(default_factory=list)
    base_url: str = ""
    check_auth: Callable[[Request], Reply | None] = lambda request: None

    def route(self, pattern: str, handler: Handler) -> None:
        self.routes.append((re.compile(f"^{pattern}$"), handler))

    def fault(self, pattern: str, reply: Reply, times: int = 1_000_000) -> None:
        self.faults.insert(0, (re.compile(pattern), reply, times))

    def answer(self, request: Request) -> Reply:
        for i, (pattern, reply, left) in enumerate(self.faults):
            if (
                pattern.search(
                    request.path
                    + ("?" + "&".join(f"{k}={v}" for k, v in request.query.items()) if request.query else "")
                )
                and left > 0
            ):
                self.faults[i] = (pattern, reply, left - 1)
                return reply
        denied = self.check_auth(request)
        if denied is not None:
            return denied
        for pattern, handler in self.routes:
            found = pattern.match(request.path)
            if found:
                return handler(
                    Request(
                        request.method, request.path, request.query, request.headers, found.groupdict(), request.body
                    )
                )
        return Reply(404, {"message": "Not Found"})


def paginate(items: list[Any], request: Request, base_url: str, default: int = 30) -> Reply:
    """GitHub-style pages: per_page/page query, a Link header with rel="next"."""
    per_page = int(request.query.get("per_page", default))
    page = int(request.query.get("page", 1))
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {}
    if page * per_page < len(items):
        query = {**request.query, "page": str(page + 1)}
        headers["Link"] = f'<{base_url}{request.path}?{"&".join(f"{k}={v}" for k, v in query.items())}>; rel="next"'
    return Reply(200, chunk, headers)


@contextmanager
def serve(api: FakeApi) -> Iterator[FakeApi]:
    class _Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, {}, body
            )
            api.seen.append(request)
            reply = api.answer(request)
            payload = (
                reply.raw if reply.raw is not None else (b"" if reply.body is None else json.dumps(reply.body).encode())
            )
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()  # serve_forever polls every 0.5 s: a shorter poll keeps tests quick
        server.server_close()
