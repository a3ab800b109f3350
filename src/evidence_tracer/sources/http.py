"""A read-only HTTP reader for REST evidence sources (GitHub, Okta): only the GET calls a source declares,
each recorded as an `ApiRecord`; every failure (401, 403, 404 where a value was expected, a rate limit, a
5xx after retries, a body that is not the JSON the API documents, a dropped connection) becomes a `Failure`
value the checks turn into `error`, never an exception out of the scan."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from evidence_tracer.errors import ReadOnlyViolation
from evidence_tracer.inventory import GLOBAL, Failure
from evidence_tracer.models import ApiRecord

_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
RETRYABLE = frozenset({500, 502, 503, 504})


class CallFailed(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]
    record_id: str


@dataclass
class HttpReader:
    """GET-only access to one API for one account (an organisation, an Okta org)."""

    source: str
    base_url: str
    paths: Mapping[str, str]  # declared "service:Name" -> path template
    account: str
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 20.0
    max_retries: int = 2
    max_wait_seconds: float = 5.0  # longest Retry-After honoured; a longer limit is a failure, not a hang
    backoff: float = 0.5  # seconds before the first retry of a 5xx without Retry-After (then doubled-ish)
    sleep: Callable[[float], None] = time.sleep
    records: list[ApiRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            base_url=self.base_url, headers=dict(self.headers), timeout=self.timeout, follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    def url(self, key: str, path_params: Mapping[str, object]) -> str:
        if key not in self.paths:
            raise ReadOnlyViolation(f"{self.source}: {key} is not a declared read-only operation")
        return self.paths[key].format(
            **{k: quote(str(v), safe="/" if k == "path" else "") for k, v in path_params.items()}
        )

    def get(
        self,
        key: str,
        path: Mapping[str, object] | None = None,
        *,
        params: Mapping[str, object] | None = None,
        region: str = GLOBAL,
        expect: tuple[int, ...] = (200,),
        url: str | None = None,
    ) -> Answer:
        """One GET of a declared operation. A status outside `expect` is a `CallFailed`."""
        path_params = dict(path or {})
        target = url or self.url(key, path_params)
        service, _, name = key.partition(":")
        recorded = {**{k: str(v) for k, v in path_params.items()}, **{k: str(v) for k, v in (params or {}).items()}}

        def fail(code: str, message: str, request_id: str = "") -> CallFailed:
            self._record(service, name, recorded, region, request_id, {"error": message}, code)
            return CallFailed(Failure(self.source, key, region, code, message[:300]))

        for attempt in range(self.max_retries + 1):
            try:
                query = {k: str(v) for k, v in (params or {}).items()} if url is None else None
                response = self._client.get(target, params=query)
            except httpx.TransportError as exc:
                if attempt < self.max_retries:
                    continue
                raise fail("ConnectionFailed", f"{type(exc).__name__}: {exc}") from None
            request_id = response.headers.get("x-github-request-id") or response.headers.get("x-okta-request-id", "")
            limited = response.status_code == 429 or (
                response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"
            )
            if (limited or response.status_code in RETRYABLE) and attempt < self.max_retries:
                wait = float(response.headers.get("retry-after") or self.backoff * (attempt + 1))
                if wait <= self.max_wait_seconds:
                    self.sleep(wait)
                    continue
            if limited:
                raise fail("RateLimited", "the API's rate limit is exhausted; re-scan later", request_id)
            if response.status_code not in expect:
                status = response.status_code
                code = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound"}.get(
                    status, "ServerError" if status >= 500 else f"HTTP{status}"
                )
                raise fail(code, f"HTTP {response.status_code}: {_message(response)}", request_id)
            body: Any = None
            if response.status_code != 204 and response.content:
                if "json" not in response.headers.get("content-type", ""):
                    raise fail(
                        "UnexpectedResponse", f"expected JSON, got {response.headers.get('content-type')!r}", request_id
                    )
                try:
                    body = response.json()
                except ValueError as exc:
                    raise fail("UnexpectedResponse", f"the body is not valid JSON: {exc}", request_id) from None
            shown = body if isinstance(body, dict) else {"items": body, "status": response.status_code}
            record_id = self._record(service, name, recorded, region, request_id, shown)
            return Answer(response.status_code, body, response.headers, record_id)
        raise AssertionError("unreachable")

    def pages(
        self,
        key: str,
        path: Mapping[str, object] | None = None,
        *,
        params: Mapping[str, object] | None = None,
        region: str = GLOBAL,
        max_pages: int = 100,
    ) -> Iterator[tuple[list[Any], str]]:
        """Each page of a list endpoint (Link rel="next"), with its record id. A page that is not a list, or
        a next link leaving this API, is a failure."""
        answer = self.get(key, path, params=params, region=region)
        for _ in range(max_pages):
            if not isinstance(answer.body, list):
                raise CallFailed(
                    Failure(
                        self.source,
                        key,
                        region,
                        "UnexpectedResponse",
                        f"expected a list, got {type(answer.body).__name__}",
                    )
                )
            yield answer.body, answer.record_id
            found = _NEXT.search(answer.headers.get("link", ""))
            if not found:
                return
            if not found.group(1).startswith(self.base_url):
                raise CallFailed(
                    Failure(self.source, key, region, "UnexpectedResponse", "the next page link leaves the API")
                )
            answer = self.get(key, path, region=region, url=found.group(1))
        raise CallFailed(Failure(self.source, key, region, "TooManyPages", f"more than {max_pages} pages"))

    def all(
        self,
        key: str,
        path: Mapping[str, object] | None = None,
        *,
        params: Mapping[str, object] | None = None,
        region: str = GLOBAL,
    ) -> tuple[list[Any], tuple[str, ...]]:
        items: list[Any] = []
        ids: list[str] = []
        for page, record_id in self.pages(key, path, params=params, region=region):
            items += page
            ids.append(record_id)
        return items, tuple(ids)

    def _record(
        self,
        service: str,
        name: str,
        parameters: dict[str, str],
        region: str,
        request_id: str,
        response: dict[str, Any],
        error_code: str = "",
    ) -> str:
        record = ApiRecord(
            uuid.uuid4().hex,
            f"{self.source}.{service}",
            name,
            dict(parameters),
            self.account,
            region,
            datetime.now(UTC),
            request_id,
            response,
            error_code,
        )
        self.records.append(record)
        return record.record_id


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("message") or body.get("errorSummary") or body)[:200]
    return str(body)[:200]
