"""Every AWS call goes through `Recorder.call`: it records the exchange and converts errors.

A recorded call becomes an `ApiRecord` (the evidence of what AWS said). botocore errors become
`CallFailed`, carrying the `Failure` the checks will report as `error`.
"""

from __future__ import annotations

import base64
import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError
from botocore.parsers import ResponseParserError

from evidence_tracer.errors import CollectionError, CredentialsError
from evidence_tracer.evidence.redact import redact
from evidence_tracer.inventory import Failure, Observed
from evidence_tracer.models import ApiRecord


class CallFailed(CollectionError):
    """One API call failed; `failure` is what the checks will report."""

    def __init__(self, failure: Failure, record_id: str) -> None:
        super().__init__(failure.describe())
        self.failure = failure
        self.record_id = record_id


def jsonable(value: Any) -> Any:
    """A JSON-ready copy of a botocore response (datetimes in UTC ISO form, bytes decoded)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return {"base64": base64.b64encode(value).decode("ascii")}
    if hasattr(value, "read"):  # a streaming body we never asked for
        return "<stream>"
    return value


T = TypeVar("T")
_MESSAGE_LIMIT = 300


def _short(message: str) -> str:
    """An error message fit for a finding: one line, bounded (a proxy's HTML page is not a message)."""
    flat = " ".join(message.split())
    return flat if len(flat) <= _MESSAGE_LIMIT else flat[:_MESSAGE_LIMIT] + "…"


class Recorder:
    """Makes and records calls. Thread-safe; `records` keeps them in call order."""

    def __init__(self, account_id: str = "", clock: Callable[[], datetime] | None = None) -> None:
        self.account_id = account_id
        self.records: list[ApiRecord] = []
        self._lock = threading.Lock()
        # Record ids: 96 random bits per recorder and a counter (one uuid4 per call cost more than the call's
        # own bookkeeping at thousands of calls a scan).
        self._prefix = uuid.uuid4().hex[:24]
        self._count = itertools.count()
        self._clock = clock or (lambda: datetime.now(UTC))

    def _add(self, record: ApiRecord) -> None:
        with self._lock:
            self.records.append(record)

    def take(self) -> list[ApiRecord]:
        """The records made since the last take, handed over: they leave `records`."""
        with self._lock:
            taken, self.records = self.records, []
        return taken

    def call(
        self, client: Any, method: str, absent: frozenset[str] = frozenset(), **params: Any
    ) -> tuple[dict[str, Any] | None, str]:
        """Call `client.method(**params)`. Error codes in `absent` mean "not configured": the call
        is recorded and `(None, record_id)` returned. Any other failure raises `CallFailed`."""
        response, record = self.exchange(client, method, absent, **params)
        return response, record.record_id

    def exchange(
        self, client: Any, method: str, absent: frozenset[str] = frozenset(), **params: Any
    ) -> tuple[dict[str, Any] | None, ApiRecord]:
        """`call`, answering botocore's response and the record of it: JSON-shaped and redacted, once, here. A
        collector that keeps values as they came builds its inventory from `record.response`, so the snapshot
        holds only what the stored evidence holds."""
        service = client.meta.service_model.service_name
        operation = client.meta.method_to_api_mapping.get(method, method)
        region = client.meta.region_name or "global"
        record_id = f"{self._prefix}{next(self._count):08x}"
        started = self._clock()

        def record(response: Any, request_id: str, error_code: str = "") -> ApiRecord:
            (clean, clean_params), redactions = redact([jsonable(response), jsonable(params)])
            made = ApiRecord(
                record_id=record_id,
                service=service,
                operation=operation,
                parameters=clean_params,
                account_id=self.account_id,
                region=region,
                collected_at=started,
                request_id=request_id,
                response=clean,
                error_code=error_code,
                redactions=redactions,
            )
            self._add(made)
            return made

        try:
            response = getattr(client, method)(**params)
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            code = str(exc.response.get("Error", {}).get("Code") or f"HTTP{status}")
            request_id = str(exc.response.get("ResponseMetadata", {}).get("RequestId", ""))
            made = record(exc.response, request_id, code)
            if code in absent:
                return None, made
            message = _short(str(exc.response.get("Error", {}).get("Message", "")) or str(exc))
            raise CallFailed(Failure(service, operation, region, code, message), record_id) from None
        except (NoCredentialsError, PartialCredentialsError) as exc:
            raise CredentialsError(f"no usable AWS credentials: {exc}") from None
        except (BotoCoreError, NotImplementedError, UnicodeDecodeError, ResponseParserError, KeyError) as exc:
            # A body botocore cannot parse (an HTML login page from a proxy, bytes that are not UTF-8, XML without
            # the result element its parser looks up) is an unexpected response, not a crash.
            unparsed = isinstance(exc, UnicodeDecodeError | ResponseParserError | KeyError)
            code = "UnexpectedResponse" if unparsed else type(exc).__name__
            message = _short(str(exc))
            record({"Error": {"Code": code, "Message": message}}, "", code)
            raise CallFailed(Failure(service, operation, region, code, message), record_id) from None
        request_id = str(response.get("ResponseMetadata", {}).get("RequestId", ""))
        return response, record(response, request_id)

    def pages(self, client: Any, method: str, **params: Any) -> Iterator[tuple[dict[str, Any], str]]:
        """Follow a paginated operation by hand, with the tokens botocore's paginator model names for
        it, so that every page is its own record. An operation with no paginator is one call."""
        for page, record in self.exchanges(client, method, **params):
            yield page, record.record_id

    def exchanges(self, client: Any, method: str, **params: Any) -> Iterator[tuple[dict[str, Any], ApiRecord]]:
        """`pages`, each with its record (see `exchange`). The tokens are read from botocore's page: a
        redacted token would end the listing early."""
        tokens = _page_tokens(client, method)
        while True:
            page, record = self.exchange(client, method, **params)
            assert page is not None
            yield page, record
            if tokens is None:
                return
            token_in, token_out, more = tokens
            token = page.get(token_out)
            if not token or (more and not page.get(more)):
                return
            params = {**params, token_in: token}


def _page_tokens(client: Any, method: str) -> tuple[str, str, str] | None:
    """(input token, output token, "more results" flag) of a paginated operation, or None."""
    if not client.can_paginate(method):
        return None
    config = client.get_paginator(method)._pagination_cfg
    token_in, token_out = config["input_token"], config["output_token"]
    if not isinstance(token_in, str) or not isinstance(token_out, str):
        raise CollectionError(f"{method}: multi-token pagination is not supported by the recorder")
    return token_in, token_out, str(config.get("more_results", ""))


def observe(
    rec: Recorder,
    client: Any,
    method: str,
    parse: Callable[[dict[str, Any] | None], T],
    absent: frozenset[str] = frozenset(),
    **params: Any,
) -> Observed[T]:
    """One call turned into an inventory value: parsed on success, a `Failure` otherwise.
    `parse` receives None when AWS answered with one of the `absent` ("not configured") codes."""
    try:
        raw, record_id = rec.call(client, method, absent=absent, **params)
    except CallFailed as exc:
        return Observed.failed(exc.failure, (exc.record_id,))
    try:
        return Observed.ok(parse(raw), (record_id,))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Observed.failed(
            unexpected(client, method, f"the answer is not shaped as documented: {exc!r}"), (record_id,)
        )


def unexpected(client: Any, method: str, message: str) -> Failure:
    """The failure for an answer that arrived but does not have the documented shape."""
    return Failure(
        client.meta.service_model.service_name,
        client.meta.method_to_api_mapping.get(method, method),
        client.meta.region_name or "global",
        "UnexpectedResponse",
        message,
    )
