"""Retry notices: a layer that is about to wait and try again says so, to whoever listens.

Two layers retry: ``HttpBackend`` (one request, where a retry is safe) and ``ToolExecutor`` (one
tool call, for backends that are not HTTP). Each announces every wait, before sleeping, as a
``RetryNotice``. The executor listens while it runs a call (``listening``), fills in the tool's
name and hands each notice to its caller (``on_retry``, or the listener of an enclosing
``listening`` block, which also reaches through executors that wrap another); the engine streams them as ``StepRetrying`` events and
the CLI prints "market unreachable, retrying (2/4) in 0.5 s". A context variable carries the
listener, so a backend needs no reference to the call it serves, and concurrent calls (each in
its own task) never hear each other's notices.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolError,
    ToolTimeoutError,
    WriteInProgressError,
)


@dataclass(frozen=True)
class RetryNotice:
    """A failed attempt is about to be repeated.

    Attributes:
        attempt: the attempt about to start (2 for the first retry).
        max_attempts: the most attempts the retrying layer will make.
        delay: seconds it waits first.
        reason: a few words on why the last attempt failed, e.g. ``"unreachable"``.
        service: the backend that failed, when known.
        tool: the tool being called, when known (the executor fills it in).
    """

    attempt: int
    max_attempts: int
    delay: float
    reason: str
    service: str = ""
    tool: str = ""


RetryListener = Callable[[RetryNotice], None]
"""Receives each notice; it must not raise."""

_LISTENER: ContextVar[RetryListener | None] = ContextVar("plangate_retry_listener", default=None)


@contextmanager
def listening(listener: RetryListener) -> Iterator[None]:
    """Hand every notice announced inside the block (in this task and tasks it starts) to
    ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def current_listener() -> RetryListener | None:
    """The listener of the enclosing ``listening`` block, if any."""
    return _LISTENER.get()


def announce(notice: RetryNotice) -> None:
    """Tell the current listener, if any, about ``notice``."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(notice)


def with_tool(notice: RetryNotice, tool: str) -> RetryNotice:
    """``notice`` naming ``tool`` unless it names one already."""
    return notice if notice.tool else dataclasses.replace(notice, tool=tool)


def failure_reason(exc: BaseException) -> str:
    """A few words on why a call failed, for a progress line: ``"unreachable"``, ``"HTTP 503"``."""
    if isinstance(exc, RateLimitedError):
        return "rate limited (429)"
    if isinstance(exc, MalformedResponseError):
        return "sent a malformed reply"
    if isinstance(exc, OutcomeUnknownError):
        return "did not answer a write"
    if isinstance(exc, BackendError):
        return "unreachable" if exc.status is None else f"answered HTTP {exc.status}"
    if isinstance(exc, ToolTimeoutError):
        return "timed out"
    if isinstance(exc, WriteInProgressError):
        return "write in progress elsewhere"
    if isinstance(exc, ToolError):
        return "failed"
    return type(exc).__name__
