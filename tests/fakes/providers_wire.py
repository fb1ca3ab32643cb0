"""Plumbing both fake endpoints share: the response to write, ids, SSE framing, stream pieces."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

CREATED = 1_727_000_000
"""The ``created`` timestamp of every OpenAI answer (fixed: no answer reads the wall clock)."""

_ALPHANUMERIC = string.ascii_letters + string.digits


@dataclass(frozen=True)
class WireResponse:
    """One HTTP answer: a whole body, or SSE events written and flushed one by one.

    Attributes:
        status: the HTTP status.
        headers: response headers (``content-type`` included).
        body: the whole body, when not streamed.
        events: SSE frames, each already encoded, when streamed.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: tuple[bytes, ...] | None = None


def json_response(
    status: int, payload: Any, headers: Mapping[str, str] | None = None
) -> WireResponse:
    """A JSON body, serialized compactly as the providers do."""
    return WireResponse(
        status=status,
        headers={"content-type": "application/json", **(headers or {})},
        body=json.dumps(payload).encode(),
    )


def sse_response(events: Iterator[bytes], headers: Mapping[str, str] | None = None) -> WireResponse:
    """A ``text/event-stream`` answer made of the given frames."""
    return WireResponse(
        status=200,
        headers={
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            **(headers or {}),
        },
        events=tuple(events),
    )


def sse_frame(data: Any, event: str | None = None) -> bytes:
    """One SSE frame: an optional ``event:`` line, a ``data:`` line, a blank line."""
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of ``size`` characters, as a model streams tokens (never empty)."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class Ids:
    """Real-looking ids from a seeded generator, so a run's ids are the same every time."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def _chars(self, n: int, alphabet: str = _ALPHANUMERIC) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(n))

    def completion(self) -> str:
        """An OpenAI chat completion id: ``chatcmpl-`` and 29 characters."""
        return f"chatcmpl-{self._chars(29)}"

    def call(self) -> str:
        """An OpenAI tool call id: ``call_`` and 24 characters."""
        return f"call_{self._chars(24)}"

    def fingerprint(self) -> str:
        """An OpenAI ``system_fingerprint``: ``fp_`` and 10 hex digits."""
        return f"fp_{self._chars(10, '0123456789abcdef')}"

    def obfuscation(self) -> str:
        """The random padding OpenAI adds to every stream chunk."""
        return self._chars(self._random.randint(2, 14))

    def message(self) -> str:
        """An Anthropic message id: ``msg_01`` and 22 characters."""
        return f"msg_01{self._chars(22)}"

    def tool_use(self) -> str:
        """An Anthropic tool use id: ``toolu_01`` and 22 characters."""
        return f"toolu_01{self._chars(22)}"

    def request(self, prefix: str) -> str:
        """A request id header value (``req_…``)."""
        return f"{prefix}{self._chars(24)}"
