"""The base of every HTTP backend: one client, safe retries, one error mapping.

``HttpBackend`` wraps an ``httpx.AsyncClient`` (base URL, auth, timeouts) and retries with
tenacity — jittered exponential backoff, honoring ``Retry-After`` — but only where a retry cannot
repeat a side effect:

| failure                          | GET/HEAD | write with Idempotency-Key | write without |
|----------------------------------|----------|----------------------------|---------------|
| connect error (nothing was sent) | retry    | retry                      | retry         |
| 429 (refused before processing)  | retry    | retry                      | retry         |
| 502/503/504, read timeout        | retry    | retry                      | never         |

Every wait is announced first (``plangate.tools.retrying``: "market unreachable, retrying (2/4)
in 0.5 s"), and the waiting is bounded: by default three waits of at most 0.25, 0.5 and 1 s,
and never more than ``max_wait`` seconds in all — a ``Retry-After`` that asks for longer ends the
retries at once with the ``RateLimitedError`` that carries it. An error raised after retries
records how many attempts were made (``ToolError.attempts``), so the executor above does not
retry it again.

``map_http_error`` is the one place where httpx failures and HTTP statuses become plangate
errors; ``parse_body`` is the one place a body becomes a model.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolError,
    ToolRefusedError,
    ToolTimeoutError,
    UsageError,
)
from plangate.tools.retrying import RetryNotice, announce, failure_reason

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IDEMPOTENCY_HEADER = "Idempotency-Key"
_REFUSAL_STATUSES = frozenset({400, 404, 409, 422})


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _error_body(response: httpx.Response) -> tuple[str, str, str]:
    """(message, reason, hint) from a JSON error body, tolerant of any shape."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase, "", ""
    err = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(err, dict):
        message = str(err.get("message") or err.get("detail") or err.get("title") or err)
        return message, str(err.get("reason") or err.get("code") or ""), str(err.get("hint") or "")
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"]), "", ""
    return str(err)[:200], "", ""


def map_http_error(
    service: str,
    *,
    method: str,
    exc: httpx.HTTPError | None = None,
    response: httpx.Response | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> ToolError:
    """Translate an httpx failure or an error status into a plangate error.

    Args:
        service: the backend's name, carried by the error.
        method: the HTTP method, which decides whether a lost reply makes the outcome unknown.
        exc: a transport error, if the request failed before a status arrived.
        response: the error response, if one arrived.
        idempotency_key: the write's key, recorded on ``OutcomeUnknownError``.
        now: the current time, to read a ``Retry-After`` date.
    """
    unsafe = method.upper() not in SAFE_METHODS
    if exc is not None:
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return BackendError(
                f"{service}: cannot connect ({type(exc).__name__}: {exc})",
                service=service,
                status=None,
                retryable=True,
            )
        if unsafe:
            return OutcomeUnknownError(
                f"{service}: {method} sent but no reply arrived ({type(exc).__name__}); "
                "the write may or may not have happened",
                service=service,
                key=idempotency_key or "",
            )
        if isinstance(exc, httpx.TimeoutException):
            return ToolTimeoutError(f"{service}: {method} timed out ({type(exc).__name__})")
        return BackendError(
            f"{service}: transport failure ({type(exc).__name__}: {exc})",
            service=service,
            status=None,
            retryable=True,
        )
    assert response is not None, "map_http_error needs exc or response"
    status = response.status_code
    message, reason, hint = _error_body(response)
    if status == 429:
        retry_after = parse_retry_after(
            response.headers.get("Retry-After"), now or datetime.now(UTC)
        )
        return RateLimitedError(
            f"{service}: rate limited (429): {message}", service=service, retry_after=retry_after
        )
    if status in _REFUSAL_STATUSES:
        return ToolRefusedError(
            f"{service}: {message}", reason=reason or f"http_{status}", hint=hint
        )
    if status in (401, 403):
        return BackendError(
            f"{service}: not authorized ({status}): check the backend's credentials",
            service=service,
            status=status,
        )
    return BackendError(f"{service}: HTTP {status}: {message}", service=service, status=status)


def parse_body(service: str, response: httpx.Response, shape: type[T] | TypeAdapter[T]) -> T:
    """Validate a response body into ``shape``.

    Raises:
        MalformedResponseError: the body is not JSON, or does not match ``shape``.
    """
    adapter: TypeAdapter[T] = shape if isinstance(shape, TypeAdapter) else TypeAdapter(shape)
    try:
        return adapter.validate_json(response.content)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise MalformedResponseError(
            f"{service}: malformed response to {response.request.method} "
            f"{response.request.url.path}: {where}: {first['msg']}",
            service=service,
            status=response.status_code,
            body=response.text,
        ) from exc


class HttpBackend:
    """Base class of the HTTP backends.

    Args:
        base_url: the API's root, e.g. ``http://127.0.0.1:8765/flights``.
        service: the backend's name, carried by errors (default: the class's ``SERVICE``).
        token: a bearer token, sent as ``Authorization`` (never logged or traced).
        timeout: seconds for connect, read and write.
        retry: the retry policy (attempts and backoff).
        clock: what backoff sleeps on (a ``FakeClock`` in tests).
        transport: an httpx transport (tests; respx mocks the default one).
        seed: seeds the backoff jitter.
        max_wait: the most seconds one request may spend waiting between its attempts.
    """

    SERVICE: ClassVar[str] = ""
    """The backend's name, carried by errors; a subclass sets it instead of passing ``service``."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str | None = None,
        token: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        seed: int = 0,
        max_wait: float = 15.0,
    ) -> None:
        name = service or type(self).SERVICE
        if not name:
            raise UsageError(
                f"{type(self).__name__} needs a service name: set SERVICE or pass service="
            )
        self.service = name
        self.retry = retry or RetryPolicy(max_attempts=4, initial_delay=0.25, max_delay=8.0)
        self.clock: Clock = clock or SystemClock()
        self.max_wait = max_wait
        self._rng = random.Random(seed)
        all_headers = {"Accept": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers=all_headers,
            timeout=httpx.Timeout(timeout),
            transport=transport,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def __aenter__(self) -> HttpBackend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _is_retryable(self, method: str, keyed: bool, exc: BaseException) -> bool:
        if not isinstance(exc, ToolError):
            return False
        if isinstance(exc, RateLimitedError):
            return True
        if (
            isinstance(exc, BackendError)
            and exc.status is None
            and not isinstance(exc, OutcomeUnknownError)
        ):
            return exc.retryable  # connect errors: nothing was sent
        if method in SAFE_METHODS or keyed:
            return exc.retryable or isinstance(exc, OutcomeUnknownError | ToolTimeoutError)
        return False

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
        return self.retry.delay(state.attempt_number, self._rng.random(), retry_after)

    def _stop(self, state: RetryCallState) -> bool:
        # Tenacity computes the wait before it asks whether to stop, so a wait that would take
        # the request past ``max_wait`` (a long Retry-After) stops it instead.
        out_of_attempts = state.attempt_number >= self.retry.max_attempts
        return out_of_attempts or state.idle_for + state.upcoming_sleep > self.max_wait

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        announce(
            RetryNotice(
                attempt=state.attempt_number + 1,
                max_attempts=self.retry.max_attempts,
                delay=state.upcoming_sleep,
                reason=failure_reason(exc) if exc is not None else "failed",
                service=self.service,
            )
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send a request, retrying where safe; return a 2xx response.

        Raises:
            ToolError: the mapped failure once retries are exhausted or unsafe; its
                ``attempts`` says how many were made.
        """
        method = method.upper()
        send_headers = dict(headers or {})
        if idempotency_key:
            send_headers[IDEMPOTENCY_HEADER] = idempotency_key
        keyed = bool(idempotency_key)
        made = 0

        async def once() -> httpx.Response:
            nonlocal made
            made += 1
            try:
                response = await self._client.request(
                    method, path, params=params, json=json, headers=send_headers
                )
            except httpx.HTTPError as exc:
                raise map_http_error(
                    self.service, method=method, exc=exc, idempotency_key=idempotency_key
                ) from exc
            if response.is_success:
                return response
            raise map_http_error(
                self.service,
                method=method,
                response=response,
                idempotency_key=idempotency_key,
                now=self.clock.now(),
            )

        retrying = AsyncRetrying(
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception(lambda exc: self._is_retryable(method, keyed, exc)),
            before_sleep=self._before_sleep,
            sleep=self.clock.sleep,
            reraise=True,
        )
        try:
            response: httpx.Response = await retrying(once)
        except ToolError as exc:
            exc.attempts = max(exc.attempts, made)
            raise
        return response

    async def get_json(
        self, path: str, shape: type[T] | TypeAdapter[T], *, params: Mapping[str, Any] | None = None
    ) -> T:
        """GET ``path`` and validate the body into ``shape``."""
        return parse_body(self.service, await self.request("GET", path, params=params), shape)

    async def send_json(
        self,
        method: str,
        path: str,
        shape: type[T] | TypeAdapter[T],
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> T:
        """Send a write and validate the reply into ``shape``."""
        response = await self.request(
            method, path, json=json, params=params, idempotency_key=idempotency_key
        )
        return parse_body(self.service, response, shape)
