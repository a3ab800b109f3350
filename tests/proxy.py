"""A loopback HTTP proxy in front of moto's server: delays every request, or lets a rule answer for AWS
(an HTML page with status 200, bytes that are not UTF-8, a hang). Used by the fault tests and the
latency benchmark; it only ever listens on, and forwards to, 127.0.0.1."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "text/html"
    hang_seconds: float = 0.0  # sleep this long before answering (a hanging endpoint)


Rule = Callable[[str, str, dict[str, str], bytes], Answer | None]  # (method, path, headers, body)


class LoopbackProxy:
    def __init__(self, target_port: int, delay_seconds: float = 0.0, rule: Rule | None = None) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                if self.headers.get("Expect", "").lower() == "100-continue":  # botocore waits for it on PutObject
                    self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    self.wfile.flush()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.delay:
                    time.sleep(proxy.delay)
                answer = proxy.rule(self.command, self.path, dict(self.headers), body) if proxy.rule else None
                if answer is not None:
                    time.sleep(answer.hang_seconds)
                    self._reply(answer.status, [("Content-Type", answer.content_type)], answer.body)
                    return
                conn = http.client.HTTPConnection("127.0.0.1", target_port, timeout=60)
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for key, value in self.headers.items():
                    conn.putheader(key, value)
                conn.endheaders(body or None)
                response = conn.getresponse()
                payload = response.read()
                headers = [
                    (k, v)
                    for k, v in response.getheaders()
                    if k.lower() not in ("transfer-encoding", "connection", "content-length")
                ]
                conn.close()
                self._reply(response.status, headers, payload)

            def _reply(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers:
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout under test)

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _serve

            def log_message(self, *_: Any) -> None:
                return

        self.delay = delay_seconds
        self.rule = rule
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
