"""Taps below the model: the recording tool executor, and backend reads outside tool calls.

``RecordingExecutor`` records each tool call the engine makes, with its result or error.

Some guardrails judge a call by facts its arguments do not carry — a flight's price, what the
calendar already holds — and read them from the backends bound in the toolset. Those reads are
part of the run's boundary too. While recording, the agent's policy is built over a toolset whose
backends are wrapped in a ``BackendTap``: each method call (and each read of a plain-data
attribute) is recorded with its arguments and result. In a replay the tools are bound to a
``ReplayBackend``, which serves those results by method and arguments, rebuilt with their types
(pydantic models, datetimes), and shows the replay's clock as the backend's ``clock``. Tool calls
themselves still go through the executor, with the real backends, and are recorded there.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from plangate.graphs.traces.model_calls import jsonable
from plangate.tools.base import Tool
from plangate.tools.errors import PlangateError, ToolError, UsageError
from plangate.tools.executor import ToolExecutor, ToolOutcome
from plangate.tools.registry import Toolset
from plangate.tools.retrying import RetryListener

if TYPE_CHECKING:
    from plangate.graphs.traces._session import ReplaySession
    from plangate.graphs.traces._writer import TraceWriter
    from plangate.tools.clock import Clock

_PLAIN = (str, int, float, bool, type(None), list, dict)


def call_args(tool: Tool[Any], args: Mapping[str, Any] | BaseModel) -> Any:
    """A call's arguments as JSON: validated and dumped, or as given when they do not validate."""
    try:
        return tool.validate_args(args).model_dump(mode="json")
    except ToolError:
        return jsonable(args)


class RecordingExecutor(ToolExecutor):
    """A tool executor that records each call of the executor it wraps.

    Args:
        inner: the executor that performs the calls (retries, idempotency ledger).
        recorder: where the calls are recorded.
    """

    def __init__(self, inner: ToolExecutor, recorder: TraceWriter) -> None:
        super().__init__(inner.toolset, ledger=inner.ledger, clock=inner.clock)
        self.inner = inner
        self._recorder = recorder

    async def call(
        self,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        *,
        run_id: str = "run",
        thread_id: str = "thread",
        step_id: str = "step",
        on_retry: RetryListener | None = None,
    ) -> ToolOutcome:
        """Perform the call with the wrapped executor, recording it and how it ended."""
        tool = self.toolset.get(name)
        data = call_args(tool, args)
        key = None
        if tool.is_write and isinstance(data, dict):
            try:
                key = self.inner.write_key(
                    tool, tool.validate_args(data), thread_id=thread_id, step_id=step_id
                )
            except PlangateError:
                key = None
        call = self._recorder.tool_call(thread_id, step_id, name, data, key)
        started = self.clock.monotonic()
        try:
            outcome = await self.inner.call(
                name, args, run_id=run_id, thread_id=thread_id, step_id=step_id, on_retry=on_retry
            )
        except ToolError as exc:
            self._recorder.tool_failed(call, exc, self.clock.monotonic() - started)
            raise
        self._recorder.tool_result(call, outcome)
        return outcome


class BackendTap:
    """Wraps a backend, recording every public method call and plain-data attribute read."""

    def __init__(self, backend: Any, writer: TraceWriter) -> None:
        self._backend = backend
        self._writer = writer

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._backend, name)
        if name.startswith("_"):
            return value
        kind = type(self._backend).__name__
        if inspect.iscoroutinefunction(value):

            async def call_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    result = await value(*args, **kwargs)
                except Exception as exc:
                    self._writer.backend_call(kind, name, args, kwargs, error=exc, is_async=True)
                    raise
                self._writer.backend_call(kind, name, args, kwargs, result=result, is_async=True)
                return result

            return call_async
        if callable(value):

            def call(*args: Any, **kwargs: Any) -> Any:
                try:
                    result = value(*args, **kwargs)
                except Exception as exc:
                    self._writer.backend_call(kind, name, args, kwargs, error=exc)
                    raise
                self._writer.backend_call(kind, name, args, kwargs, result=result)
                return result

            return call
        if isinstance(value, _PLAIN):
            self._writer.backend_call(kind, name, None, None, result=value, attribute=True)
        return value


def tap_toolset(toolset: Toolset, writer: TraceWriter) -> Toolset:
    """``toolset`` with each distinct backend wrapped in one ``BackendTap``."""
    taps: dict[int, BackendTap] = {}
    tapped = Toolset()
    for name in toolset.names:
        binding = toolset.binding(name)
        deps = binding.deps
        if deps is not None and id(deps) not in taps:
            taps[id(deps)] = BackendTap(deps, writer)
        tapped.add(binding.tool, deps=taps[id(deps)] if deps is not None else None)
    return tapped


class ReplayBackend:
    """Stands for every backend in a replay, serving the reads recorded outside tool calls."""

    def __init__(self, session: ReplaySession | None, clock: Clock | None = None) -> None:
        self._session = session
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        if name == "clock" and self._clock is not None:
            return self._clock
        recorded = self._session.backend_kind(name) if self._session is not None else None
        if recorded is None:
            raise _no_backend(name)
        session = self._session
        assert session is not None
        if recorded == "attribute":
            return session.backend(name, None, None)

        def serve(*args: Any, **kwargs: Any) -> Any:
            return session.backend(name, jsonable(list(args)), jsonable(kwargs))

        if recorded == "async":

            async def serve_async(*args: Any, **kwargs: Any) -> Any:
                return serve(*args, **kwargs)

            return serve_async
        return serve

    def __repr__(self) -> str:
        return "ReplayBackend()"


def _no_backend(name: str) -> UsageError:
    return UsageError(
        f"a replay has no backends, and the recording holds no read of {name!r} outside a "
        "tool call to serve (only method calls and plain-data attributes are recorded)"
    )
