"""Every way a model call fails maps, in one place, to a typed ``ModelError`` with its kind."""

from __future__ import annotations

import json

import anthropic
import httpx
import openai
import pytest

from plangate.graphs.engine.model_errors import ModelError, classify
from plangate.tools.errors import UsageError

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"


def response(url: str, status: int, body: dict[str, object], **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        headers=headers,
        content=json.dumps(body).encode(),
        request=httpx.Request("POST", url),
    )


def openai_error(status: int, message: str, **headers: str) -> openai.APIStatusError:
    body = {"error": {"message": message, "type": "requests", "code": None}}
    raw = response(OPENAI_URL, status, body, **headers)
    client = openai.OpenAI(api_key="sk-test", base_url="https://api.openai.com/v1")
    error = client._make_status_error_from_response(raw)
    assert isinstance(error, openai.APIStatusError)
    return error


def anthropic_error(
    status: int, kind: str, message: str, **headers: str
) -> anthropic.APIStatusError:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    raw = response(ANTHROPIC_URL, status, body, **headers)
    client = anthropic.Anthropic(api_key="sk-ant-test")
    error = client._make_status_error_from_response(raw)
    assert isinstance(error, anthropic.APIStatusError)
    return error


@pytest.mark.parametrize(
    ("error", "kind", "status", "retry_after"),
    [
        (openai_error(429, "Rate limit reached", **{"retry-after": "7"}), "rate_limited", 429, 7.0),
        (openai_error(429, "slow down", **{"retry-after-ms": "1500"}), "rate_limited", 429, 1.5),
        (openai_error(500, "The server had an error"), "server_error", 500, None),
        (openai_error(503, "Service unavailable"), "overloaded", 503, None),
        (openai_error(400, "Invalid 'messages'"), "bad_request", 400, None),
        (openai_error(401, "Incorrect API key provided"), "auth", 401, None),
        (anthropic_error(529, "overloaded_error", "Overloaded"), "overloaded", 529, None),
        (anthropic_error(429, "rate_limit_error", "Too many", **{"retry-after": "30"}),
         "rate_limited", 429, 30.0),
        (anthropic_error(400, "invalid_request_error", "max_tokens: too big"),
         "bad_request", 400, None),
        (anthropic_error(403, "permission_error", "no access"), "auth", 403, None),
    ],
)  # fmt: skip
def test_provider_status_errors_map_to_their_kind(
    error: Exception, kind: str, status: int, retry_after: float | None
) -> None:
    mapped = classify(error, from_model=True)
    assert mapped is not None
    assert (mapped.kind, mapped.status, mapped.retry_after) == (kind, status, retry_after)
    assert mapped.provider in ("openai", "anthropic")
    assert mapped.provider in str(mapped)
    assert f"HTTP {status}" in str(mapped)
    assert "{" not in mapped.detail  # the provider's message, not the body's repr


def test_the_providers_own_message_is_kept_on_one_line() -> None:
    mapped = classify(openai_error(400, "Invalid\n 'messages[1].content'"), from_model=True)
    assert mapped is not None
    assert mapped.detail == "Invalid 'messages[1].content'"


def test_a_retry_after_date_is_read_against_the_responses_own_date() -> None:
    error = openai_error(
        429, "later", **{"retry-after": "Wed, 21 Oct 2026 07:28:30 GMT",
                         "date": "Wed, 21 Oct 2026 07:28:00 GMT"}
    )  # fmt: skip
    mapped = classify(error, from_model=True)
    assert mapped is not None
    assert mapped.retry_after == 30.0


def test_transport_failures_are_timeouts_or_connection_failures() -> None:
    request = httpx.Request("POST", OPENAI_URL)
    timeout = classify(openai.APITimeoutError(request), from_model=True)
    refused = classify(openai.APIConnectionError(request=request), from_model=True)
    raw = classify(httpx.ConnectError("refused", request=request), from_model=False)
    assert timeout is not None
    assert timeout.kind == "timeout"
    assert timeout.retryable
    assert refused is not None
    assert refused.kind == "connection"
    assert refused.resumable
    assert raw is not None
    assert raw.kind == "connection"


def test_an_unreadable_answer_reported_by_the_model_is_an_empty_response() -> None:
    body = classify(json.JSONDecodeError("Expecting value", "", 0), from_model=True)
    null_choices = classify(TypeError("Received response with null value for 'choices'"),
                            from_model=True)  # fmt: skip
    no_choices = classify(IndexError("list index out of range"), from_model=False, empty=True)
    for mapped in (body, null_choices, no_choices):
        assert mapped is not None
        assert mapped.kind == "empty_response"
        assert mapped.retryable


def test_exceptions_that_are_not_the_models_pass_through() -> None:
    # A planner's own bug, or plangate's own error raised by a scripted model, is not a
    # provider failure: classify leaves it alone and the gate re-raises it unchanged.
    assert classify(IndexError("bug in a planner"), from_model=False) is None
    assert classify(KeyError("steps"), from_model=False) is None
    assert classify(UsageError("no script left"), from_model=True) is None
    assert classify(RuntimeError("something else"), from_model=True) is None


def test_kinds_say_whether_to_retry_and_whether_the_run_can_resume() -> None:
    assert ModelError("rate_limited").retryable
    assert not ModelError("auth").retryable
    assert ModelError("auth").resumable
    assert not ModelError("bad_request").resumable
    error = ModelError("server_error", provider="openai", status=500).with_attempts(3)
    assert str(error) == "openai failed on its side (HTTP 500) after 3 attempts"
    assert error.fields() == {"kind": "server_error", "provider": "openai", "status": "500"}


def test_an_error_event_in_the_middle_of_a_stream_maps_by_its_type() -> None:
    # Anthropic: `event: error` on a 200 stream; the SDK raises a bare APIStatusError.
    stream = httpx.Response(200, request=httpx.Request("POST", ANTHROPIC_URL))
    client = anthropic.Anthropic(api_key="sk-ant-test")
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    mid_stream = client._make_status_error(str(body), body=body, response=stream)
    mapped = classify(mid_stream, from_model=True)
    assert mapped is not None
    assert (mapped.kind, mapped.status, mapped.detail) == ("overloaded", None, "Overloaded")
    # OpenAI: a `{"error": ...}` chunk; the SDK raises a bare APIError with the error as body.
    chunk_error = openai.APIError(
        "The server had an error while processing your request.",
        request=httpx.Request("POST", OPENAI_URL),
        body={"message": "The server had an error", "type": "server_error", "code": None},
    )
    mapped = classify(chunk_error, from_model=True)
    assert mapped is not None
    assert mapped.kind == "server_error"
    assert mapped.retryable


def test_an_sdk_error_of_no_known_kind_is_the_providers_side() -> None:
    unknown = openai.APIError(
        "something new", request=httpx.Request("POST", OPENAI_URL), body={"type": "novel_error"}
    )
    mapped = classify(unknown, from_model=True)
    assert mapped is not None
    assert mapped.kind == "server_error"
