"""What can go wrong at the model boundary, as typed errors: ``ModelError`` and its kinds.

Every failure of a chat-model call is mapped here, in one place, into a ``ModelError`` that says
what happened (``kind``), who said it (``provider``), the HTTP status and how long the provider
asked to wait (``retry_after``). The SDKs' own exceptions (``openai.RateLimitError``,
``anthropic.OverloadedError``...), LangChain's provider-neutral ones (``ModelRateLimitError``...),
httpx transport errors and the raw ``IndexError`` / ``JSONDecodeError`` a client raises on an
empty ``choices`` list or an empty body all arrive as one of these kinds:

| kind               | e.g.                                      | retried | run then        |
|--------------------|-------------------------------------------|---------|-----------------|
| rate_limited       | HTTP 429                                  | yes     | interrupted     |
| overloaded         | HTTP 529, 503                             | yes     | interrupted     |
| server_error       | HTTP 500, 502, 504                        | yes     | interrupted     |
| timeout            | no answer within the client's timeout     | yes     | interrupted     |
| connection         | refused, reset, DNS                       | yes     | interrupted     |
| empty_response     | 200 with no choices, or an empty body     | yes     | interrupted     |
| auth               | HTTP 401, 403                             | no      | interrupted     |
| bad_request        | HTTP 400, 404, 413, 422; context overflow | no      | failed          |
| truncated          | cut at the output-token limit             | repaired| failed          |
| refused            | the model declined to answer              | no      | failed (refused)|

"interrupted" means the run stops where it was and ``plangate resume THREAD`` (or
``Agent.recover``) continues it from its last checkpoint once the provider answers again (or
the API key is fixed); nothing done before is repeated. The retries are plangate's own
(``plangate.graphs.engine.model_gate``), never the SDK's, so each HTTP attempt is counted.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from plangate.tools.errors import PlangateError

ModelErrorKind = Literal[
    "rate_limited",
    "overloaded",
    "server_error",
    "timeout",
    "connection",
    "empty_response",
    "auth",
    "bad_request",
    "truncated",
    "refused",
]

RETRYABLE: frozenset[str] = frozenset(
    {"rate_limited", "overloaded", "server_error", "timeout", "connection", "empty_response"}
)
"""Kinds another attempt of the same request may get past."""
RESUMABLE: frozenset[str] = RETRYABLE | {"auth"}
"""Kinds after which the run stops where it was, to be resumed: the request itself was fine."""

_WHAT = {
    "rate_limited": "rate limited",
    "overloaded": "overloaded",
    "server_error": "failed on its side",
    "timeout": "did not answer in time",
    "connection": "unreachable",
    "empty_response": "sent an empty answer",
    "auth": "refused the credentials",
    "bad_request": "rejected the request",
    "truncated": "cut the answer off at the output-token limit",
    "refused": "refused to answer",
}


class ModelError(PlangateError):
    """A chat-model call failed.

    Attributes:
        kind: what happened (see the module's table).
        provider: who answered, e.g. ``"openai"``, ``"anthropic"`` (``"model"`` if unknown).
        status: the HTTP status, when there was one.
        retry_after: seconds the provider asked to wait, when it said.
        attempts: HTTP attempts made for this call, retries included.
        detail: the provider's own words, on one line.
    """

    def __init__(
        self,
        kind: ModelErrorKind,
        *,
        provider: str = "model",
        status: int | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
        detail: str = "",
    ) -> None:
        self.kind: ModelErrorKind = kind
        self.provider = provider
        self.status = status
        self.retry_after = retry_after
        self.attempts = attempts
        self.detail = " ".join(detail.split())[:300]
        super().__init__(self._describe())

    def _describe(self) -> str:
        http = f" (HTTP {self.status})" if self.status is not None else ""
        text = f"{self.provider} {_WHAT[self.kind]}{http}"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        if self.detail:
            text += f": {self.detail}"
        if self.retry_after is not None:
            text += f"; it asked to wait {self.retry_after:g} s"
        return text

    def with_attempts(self, attempts: int) -> ModelError:
        """This error, counting ``attempts`` HTTP attempts (the message says so)."""
        self.attempts = attempts
        self.args = (self._describe(),)
        return self

    def named(self, provider: str) -> ModelError:
        """This error, naming ``provider`` if it could not tell who failed."""
        if self.provider == "model":
            self.provider = provider
            self.args = (self._describe(),)
        return self

    @property
    def retryable(self) -> bool:
        """Whether another attempt of the same request may succeed."""
        return self.kind in RETRYABLE

    @property
    def resumable(self) -> bool:
        """Whether the run should stop where it is, to be resumed, rather than fail."""
        return self.kind in RESUMABLE

    def fields(self) -> dict[str, str]:
        """What a run's error record carries besides type and message."""
        out = {"kind": self.kind, "provider": self.provider}
        if self.status is not None:
            out["status"] = str(self.status)
        if self.retry_after is not None:
            out["retry_after"] = f"{self.retry_after:g}"
        return out


class ModelOutputTruncatedError(ModelError):
    """The model hit its output-token limit: the answer (or a tool call) is incomplete.

    A truncated tool call is never executed. The engine asks again for a shorter answer within
    the retry budget; when that is spent the run fails with this error.
    """

    def __init__(self, *, provider: str = "model", limit: int | None = None) -> None:
        self.limit = limit
        now = f" (now {limit})" if limit else ""
        detail = f"raise the model's max_tokens{now}"
        super().__init__("truncated", provider=provider, detail=detail)


class ModelRefusedError(ModelError):
    """The model declined to answer (OpenAI ``refusal``, Anthropic ``stop_reason: refusal``).

    The run ends with the model's own words; asking again would only pay for the same refusal.

    Attributes:
        words: what the model said, as given (empty if it said nothing).
    """

    def __init__(self, words: str, *, provider: str = "model") -> None:
        self.words = " ".join(words.split())
        super().__init__("refused", provider=provider, detail=self.words)


_KIND_BY_STATUS: dict[int, ModelErrorKind] = {
    400: "bad_request", 401: "auth", 403: "auth", 404: "bad_request", 408: "timeout",
    409: "server_error", 413: "bad_request", 422: "bad_request", 429: "rate_limited",
    503: "overloaded", 529: "overloaded",
}  # fmt: skip

# The error ``type`` (or ``code``) in a provider's error body: what an error sent in the middle of
# a stream says (Anthropic ``event: error``, an OpenAI ``{"error": ...}`` chunk), with no status.
_KIND_BY_BODY: dict[str, ModelErrorKind] = {
    "overloaded_error": "overloaded", "rate_limit_error": "rate_limited",
    "rate_limit_exceeded": "rate_limited", "insufficient_quota": "rate_limited",
    "api_error": "server_error", "server_error": "server_error", "internal_error": "server_error",
    "timeout_error": "timeout", "invalid_request_error": "bad_request",
    "not_found_error": "bad_request", "request_too_large": "bad_request",
    "context_length_exceeded": "bad_request", "authentication_error": "auth",
    "permission_error": "auth", "invalid_api_key": "auth",
}  # fmt: skip

# LangChain's provider-neutral exceptions (langchain_core.exceptions), by class name so that an
# older langchain-core without them still imports this module.
_KIND_BY_LANGCHAIN: dict[str, ModelErrorKind] = {
    "ModelAuthenticationError": "auth",
    "ModelPermissionDeniedError": "auth",
    "ModelInvalidRequestError": "bad_request",
    "ContextOverflowError": "bad_request",
    "ModelNotFoundError": "bad_request",
    "ModelRateLimitError": "rate_limited",
    "ModelConnectionError": "connection",
    "ModelTimeoutError": "timeout",
    "ModelAPIError": "server_error",
}


def classify(exc: BaseException, *, from_model: bool, empty: bool = False) -> ModelError | None:
    """``exc`` as a ``ModelError``; ``None`` when it is not a failure of the model call.

    Args:
        exc: what the call raised.
        from_model: the chat model reported this very exception as its own failure (LangChain's
            ``on_llm_error``), so even a bare ``JSONDecodeError`` is the provider's doing.
        empty: the model reported an answer with no generations (an empty ``choices`` list),
            which LangChain then trips over with an ``IndexError``.
    """
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, PlangateError):
        return None  # plangate's own (a scripted model's exhausted script): it says what it is
    if not (from_model or empty or _from_client(exc)):
        return None  # not the model's failure: a bug of the caller's, re-raised as it is
    provider = _provider(exc)
    status = _status(exc)
    detail = _detail(exc)
    names = {cls.__name__ for cls in type(exc).__mro__}
    kind: ModelErrorKind | None = None
    if "OverloadedError" in names:
        kind = "overloaded"
    elif status is not None:
        kind = _KIND_BY_STATUS.get(status, "server_error" if status >= 500 else "bad_request")
    elif (by_body := _kind_from_body(exc)) is not None:
        kind = by_body  # an error event in the middle of a 200 stream names its type only
    elif names & {"APITimeoutError", "TimeoutException", "TimeoutError", "ModelTimeoutError"}:
        kind = "timeout"
    elif names & {"APIConnectionError", "ConnectError", "TransportError", "NetworkError"}:
        kind = "connection"
    elif names & {"APIResponseValidationError", "JSONDecodeError", "RemoteProtocolError"}:
        kind = "empty_response" if from_model else None
    if kind is None:
        kind = next((_KIND_BY_LANGCHAIN[n] for n in names if n in _KIND_BY_LANGCHAIN), None)
    if kind is None and "APIError" in names and _from_client(exc):
        kind = "server_error"  # an SDK's own error of no known kind: the provider's side
    if kind is None and (empty or (from_model and isinstance(exc, _UNREADABLE))):
        # The client tripped over an answer it could not read: no choices, null choices...
        kind = "empty_response"
    if kind is None:
        return None
    if kind == "empty_response" and not detail:
        detail = "no choices in the answer" if empty else type(exc).__name__
    return ModelError(
        kind,
        provider=provider,
        status=status,
        retry_after=_retry_after(exc),
        detail=detail,
    )


_UNREADABLE = (TypeError, KeyError, IndexError, ValueError, AttributeError)
"""What a client raises when a 200 answer lacks what it expects (``choices: null``...)."""

_CLIENT_MODULES = frozenset(
    {"openai", "anthropic", "httpx", "httpcore", "ollama", "google", "mistralai", "groq", "cohere"}
)


def _from_client(exc: BaseException) -> bool:
    """Whether ``exc`` is a model client's own exception (an SDK's, httpx's, LangChain's)."""
    return any(
        cls.__module__.split(".")[0] in _CLIENT_MODULES or cls.__name__ in _KIND_BY_LANGCHAIN
        for cls in type(exc).__mro__
    )


def _provider(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        root = cls.__module__.split(".")[0]
        if root in ("openai", "anthropic", "ollama", "google", "mistralai", "groq", "cohere"):
            return root
        if root.startswith("langchain_") and root not in ("langchain_core",):
            return root.removeprefix("langchain_")
    return "model"


def _status(exc: BaseException) -> int | None:
    """The HTTP error status ``exc`` carries (4xx or 5xx; a 200 it could not read is none)."""
    for name in ("status_code", "status", "http_status"):
        value = getattr(exc, name, None)
        if isinstance(value, int) and 400 <= value <= 599:
            return value
    response = getattr(exc, "response", None)
    value = getattr(response, "status_code", None)
    return value if isinstance(value, int) and 400 <= value <= 599 else None


def _kind_from_body(exc: BaseException) -> ModelErrorKind | None:
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        return None
    error = body.get("error", body)
    if not isinstance(error, dict):
        return None
    for key in ("code", "type"):
        value = error.get(key)
        if isinstance(value, str) and value in _KIND_BY_BODY:
            return _KIND_BY_BODY[value]
    return None


def _headers(exc: BaseException) -> Any:
    return getattr(getattr(exc, "response", None), "headers", None)


def _retry_after(exc: BaseException) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    headers = _headers(exc)
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(float(millis) / 1000, 0.0)
        value = headers.get("retry-after")
    except (AttributeError, TypeError, ValueError):
        return None
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    date = _headers_date(headers)
    return max((when - date).total_seconds(), 0.0) if date is not None else None


def _headers_date(headers: Any) -> Any:
    # An HTTP-date Retry-After is read against the response's own Date header, never the
    # machine's clock: the two come from the same server.
    try:
        return parsedate_to_datetime(str(headers.get("date")))
    except (TypeError, ValueError):
        return None


def _detail(exc: BaseException) -> str:
    """The provider's own message: ``error.message`` of the body, else the exception's text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else None
        if isinstance(message, str) and message.strip():
            return message
    text = str(exc)
    # SDK messages repeat the body as a dict repr after "Error code: 429 - "; keep the message.
    found = re.search(r"'message': '([^']+)'", text)
    if found:
        return found.group(1)
    try:
        json.loads(text)
    except ValueError:
        return text
    return ""
