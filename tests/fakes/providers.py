"""A loopback fake model provider speaking the OpenAI and Anthropic wire formats.

``FakeProvider`` is a real HTTP server on ``127.0.0.1`` (a free port, a thread of its own) with
two endpoints, ``POST /v1/chat/completions`` (OpenAI Chat Completions) and ``POST /v1/messages``
(Anthropic Messages), streamed (SSE) when the request says ``"stream": true``. It answers from a
script — one reply per request, whichever endpoint asks — and records every request, so a test
can count HTTP attempts (the SDKs' own retries included) and read what was sent. When the
script runs out it answers 500 in the provider's error shape, so no test ever hangs on it.

Usage::

    with FakeProvider() as provider:
        provider.script(ToolCalls([ToolCall("search", {"city": "Lisbon"})]), Text("Done."))
        model = provider.chat_openai()          # or provider.chat_anthropic()
        ...
        assert len(provider.requests) == 2

The replies (``Text``, ``ToolCalls``, ``Refusal``, ``Truncated``, ``HttpError``, ``Hang``,
``EmptyChoices``, ``EmptyBody``) are described in ``providers_script``; their wire shapes in
``providers_openai`` and ``providers_anthropic``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import anthropic
import openai
from langchain_anthropic import ChatAnthropic
from langchain_openai import ChatOpenAI

from tests.fakes import providers_anthropic, providers_openai
from tests.fakes.providers_script import (
    EmptyBody,
    EmptyChoices,
    Hang,
    HttpError,
    Refusal,
    Reply,
    StreamError,
    Text,
    ToolCall,
    ToolCalls,
    Truncated,
    Usage,
)
from tests.fakes.providers_wire import Ids, WireResponse, json_response

__all__ = [
    "EmptyBody",
    "EmptyChoices",
    "FakeProvider",
    "Hang",
    "HttpError",
    "ReceivedRequest",
    "Refusal",
    "Reply",
    "StreamError",
    "Text",
    "ToolCall",
    "ToolCalls",
    "Truncated",
    "Usage",
]

OPENAI_API_KEY = "sk-test"
ANTHROPIC_API_KEY = "sk-ant-test"


@dataclass(frozen=True)
class ReceivedRequest:
    """One HTTP request the fake received.

    Attributes:
        method: ``"POST"``, ...
        path: the path, e.g. ``"/v1/chat/completions"``.
        headers: the headers, names lower-cased.
        body: the parsed JSON body (``None`` when there was none or it was not JSON).
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any

    @property
    def is_stream(self) -> bool:
        """Whether the request asked for a streamed answer."""
        return isinstance(self.body, dict) and self.body.get("stream") is True


_Answer = Callable[[Any, Mapping[str, Any], Ids], WireResponse]
_Error = Callable[[int, Ids, HttpError | None], WireResponse]
_StreamError = Callable[[int, Mapping[str, Any], Ids], WireResponse]
_ENDPOINTS: Mapping[str, tuple[_Answer, _Error, _StreamError]] = {
    providers_openai.PATH: (
        providers_openai.answer, providers_openai.error, providers_openai.stream_error,
    ),
    providers_anthropic.PATH: (
        providers_anthropic.answer, providers_anthropic.error, providers_anthropic.stream_error,
    ),
}  # fmt: skip


class FakeProvider:
    """The loopback fake provider; use it as a context manager (or ``start``/``close``).

    Args:
        seed: seeds the generated ids, so they are the same on every run.
    """

    def __init__(self, seed: int = 0) -> None:
        self.requests: list[ReceivedRequest] = []
        """Every request received, in order."""
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._ids = Ids(seed)
        self._connections: set[socket.socket] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        # A short poll: ``close`` waits for the serving loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-provider",
            daemon=True,
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash or ``/v1``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        """Queue replies, answered one per request in order."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def remaining(self) -> int:
        """How many scripted replies have not been used yet."""
        with self._lock:
            return len(self._replies)

    def chat_openai(self, **overrides: Any) -> ChatOpenAI:
        """A ``ChatOpenAI`` pointed at the fake (``gpt-4o``, SDK retries off)."""
        fields: dict[str, Any] = {
            "base_url": f"{self.url}/v1",
            "api_key": OPENAI_API_KEY,
            "model": "gpt-4o",
            "max_retries": 0,
        }
        return ChatOpenAI(**{**fields, **overrides})

    def chat_anthropic(self, **overrides: Any) -> ChatAnthropic:
        """A ``ChatAnthropic`` pointed at the fake (``claude-sonnet-4-5``, SDK retries off)."""
        fields: dict[str, Any] = {
            "base_url": self.url,
            "api_key": ANTHROPIC_API_KEY,
            "model": "claude-sonnet-4-5",
            "max_retries": 0,
        }
        return ChatAnthropic(**{**fields, **overrides})

    def openai_client(self, **overrides: Any) -> openai.AsyncOpenAI:
        """The raw async OpenAI SDK client pointed at the fake (SDK retries off)."""
        fields: dict[str, Any] = {
            "base_url": f"{self.url}/v1",
            "api_key": OPENAI_API_KEY,
            "max_retries": 0,
        }
        return openai.AsyncOpenAI(**{**fields, **overrides})

    def anthropic_client(self, **overrides: Any) -> anthropic.AsyncAnthropic:
        """The raw async Anthropic SDK client pointed at the fake (SDK retries off)."""
        fields: dict[str, Any] = {
            "base_url": self.url,
            "api_key": ANTHROPIC_API_KEY,
            "max_retries": 0,
        }
        return anthropic.AsyncAnthropic(**{**fields, **overrides})

    def start(self) -> FakeProvider:
        """Start serving; returns the provider."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Release hanging requests, drop open connections and stop serving."""
        self._closed.set()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # the client closed it first
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- used by the request handler ------------------------------------------------------

    def _receive(self, request: ReceivedRequest) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            return self._replies.popleft() if self._replies else None

    def _respond(self, request: ReceivedRequest) -> WireResponse | Hang | EmptyBody:
        endpoint = _ENDPOINTS.get(request.path)
        if request.method != "POST" or endpoint is None:
            self._receive(request)
            message = f"fake provider: no endpoint {request.method} {request.path}"
            return json_response(404, {"error": {"message": message, "type": "not_found"}})
        answer, error, stream_error = endpoint
        reply = self._receive(request)
        if reply is None:
            message = (
                f"fake provider: the script is exhausted ({len(self.requests)} requests "
                "received); script one more reply"
            )
            return error(500, self._ids, HttpError(500, message))
        if isinstance(reply, HttpError):
            return error(reply.status, self._ids, reply)
        if isinstance(reply, StreamError):
            if not request.is_stream or not isinstance(request.body, dict):
                return error(reply.status, self._ids, None)
            return stream_error(reply.status, request.body, self._ids)
        if isinstance(reply, Hang | EmptyBody):
            return reply
        if not isinstance(request.body, dict):
            return error(400, self._ids, HttpError(400, "the body is not a JSON object"))
        return answer(reply, request.body, self._ids)


def _handler_for(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with provider._lock:
                provider._connections.add(self.connection)

        def finish(self) -> None:
            with provider._lock:
                provider._connections.discard(self.connection)
            super().finish()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a test's output is not the place for an access log

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {name.lower(): value for name, value in self.headers.items()}
            request = ReceivedRequest(self.command, self.path.split("?")[0], headers, body)
            response = provider._respond(request)
            if isinstance(response, Hang):
                provider._closed.wait()
                self.close_connection = True
                return
            if isinstance(response, EmptyBody):
                kind = "text/event-stream" if request.is_stream else "application/json"
                response = WireResponse(200, {"content-type": kind})
            self._write(response)

        def _write(self, response: WireResponse) -> None:
            self.send_response(response.status)
            # One request per connection: no client keeps a pooled socket to a fake that is
            # gone when the test ends (an unclosed socket is a ResourceWarning, an error here).
            self.send_header("connection", "close")
            self.close_connection = True
            for name, value in response.headers.items():
                self.send_header(name, value)
            if response.events is None:
                self.send_header("content-length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
                return
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for frame in response.events:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    return Handler
