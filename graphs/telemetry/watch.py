"""What the event stream does not say: each model call, and which superstep runs each step.

Spans are built from the engine's typed events (``plangate.graphs.telemetry.run_spans``). Two
things are not in them. Model calls make no event; and the calls of one wave run in parallel, so
one call can finish before the next one of its wave is announced — the events alone cannot tell
that call from one of the next wave.

``Watch`` learns both at the boundary the usage meter already uses
(``plangate.graphs.engine.metering``): a LangChain callback handler, registered through a context
variable, that LangChain hands every runnable of a run to. It sees each chat-model call start and
end (model, provider, parameters, token usage, why it stopped), and each ``call_tool`` node start
with LangGraph's superstep number, before the node announces its step. Nothing is threaded
through the engine's nodes, and with no ``Watch`` set nothing is done.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.tracers.context import register_configure_hook

from plangate.graphs.engine.metering import stop_of
from plangate.graphs.engine.state import CALL_TOOL


@dataclass
class ModelCall:
    """One chat-model call, as its callbacks reported it.

    Attributes:
        thread: the run's thread.
        node: the engine node that made it (``plan``, ``replan``, ``react``, ``respond``).
        start: when it started, in nanoseconds since the epoch.
        model: the model name it was configured with (``""``: not said).
        provider: who it calls (LangChain's ``ls_provider``), ``""`` if not said.
        params: request parameters it reported (temperature, max tokens).
        end: when it ended (``None`` while it runs).
        response_model: the model name the answer gave.
        response_id: the provider's id of the answer.
        input_tokens: prompt tokens.
        output_tokens: completion tokens.
        finish_reasons: why each answer stopped.
        error: the exception type's name when it failed.
    """

    thread: str
    node: str
    start: int
    model: str = ""
    provider: str = ""
    params: dict[str, float] = field(default_factory=dict)
    end: int | None = None
    response_model: str = ""
    response_id: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reasons: list[str] = field(default_factory=list)
    error: str = ""


class Watch(BaseCallbackHandler):
    """Collects model calls and call-tool supersteps, by thread (see the module docstring)."""

    run_inline = True  # on the event loop, in the node's context: no thread hop, no reordering

    def __init__(self) -> None:
        super().__init__()
        self._running: dict[UUID, ModelCall] = {}
        self._done: dict[str, list[ModelCall]] = {}
        self._supersteps: dict[tuple[str, str], int] = {}

    def on_chain_start(self, serialized: dict[str, Any] | None, inputs: Any, **kwargs: Any) -> None:
        metadata = kwargs.get("metadata") or {}
        if metadata.get("langgraph_node") != CALL_TOOL or kwargs.get("name") != CALL_TOOL:
            return
        call = inputs.get("call") if isinstance(inputs, Mapping) else None
        step = metadata.get("langgraph_step")
        if isinstance(call, Mapping) and isinstance(step, int):
            self._supersteps[(str(metadata.get("thread_id", "")), str(call.get("step_id")))] = step

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        metadata = kwargs.get("metadata") or {}
        params = {
            name: float(metadata[key])
            for name, key in (("temperature", "ls_temperature"), ("max_tokens", "ls_max_tokens"))
            if isinstance(metadata.get(key), int | float)
        }
        self._running[kwargs["run_id"]] = ModelCall(
            thread=str(metadata.get("thread_id", "")), node=str(metadata.get("langgraph_node", "")),
            start=time.time_ns(), model=str(metadata.get("ls_model_name") or ""),
            provider=str(metadata.get("ls_provider") or ""), params=params,
        )  # fmt: skip

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        call = self._running.pop(kwargs["run_id"], None)
        if call is None:
            return
        for batch in response.generations:
            for generation in batch:
                if isinstance(generation, ChatGeneration):
                    _read_answer(call, generation.message, generation.generation_info)
        self._finish(call)

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        call = self._running.pop(kwargs["run_id"], None)
        if call is not None:
            call.error = type(error).__name__
            self._finish(call)

    def _finish(self, call: ModelCall) -> None:
        call.end = time.time_ns()
        self._done.setdefault(call.thread, []).append(call)

    def take_calls(self, thread: str) -> list[ModelCall]:
        """The model calls of ``thread`` that ended since the last time, oldest first."""
        return self._done.pop(thread, [])

    def superstep(self, thread: str, step_id: str) -> int | None:
        """The superstep the call of ``step_id`` runs in (``None``: not seen)."""
        return self._supersteps.pop((thread, step_id), None)

    def forget(self, thread: str) -> None:
        """Drop what is left of ``thread`` (its run's stream ended)."""
        self._done.pop(thread, None)
        for key in [key for key in self._supersteps if key[0] == thread]:
            del self._supersteps[key]


def _read_answer(call: ModelCall, message: BaseMessage, info: Mapping[str, Any] | None) -> None:
    metadata = message.response_metadata or {}
    call.response_model = str(metadata.get("model_name") or metadata.get("model") or "")
    call.response_id = str(message.id or "") if isinstance(message, AIMessage) else ""
    usage = message.usage_metadata if isinstance(message, AIMessage) else None
    if usage:
        call.input_tokens += int(usage.get("input_tokens", 0))
        call.output_tokens += int(usage.get("output_tokens", 0))
    reason, _ = stop_of(message, info)
    if reason:
        call.finish_reasons.append(reason)


# One context variable, registered once, like the usage meter's.
_CURRENT: ContextVar[Watch | None] = ContextVar("plangate_telemetry", default=None)
register_configure_hook(_CURRENT, inheritable=True)


@contextmanager
def watching(watch: Watch) -> Iterator[None]:
    """Hand ``watch`` every runnable started in the block (and in the tasks it starts)."""
    token = _CURRENT.set(watch)
    try:
        yield
    finally:
        _CURRENT.reset(token)
