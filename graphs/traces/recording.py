"""Recording runs into a trace: ``Recorder``, the recording chat model and tool executor.

Build the runtime with the recorder's wrappers, then run through the recorder::

    recorder = Recorder("traces/shop/prices.jsonl", agent="shop")
    runtime = Runtime(..., planner=LLMPlanner(recorder.model(model)),
                      executor=recorder.executor(ToolExecutor(toolset)))
    engine = Engine(runtime)
    result = await recorder.run(engine, "tea and cake prices")
    recorder.close()

(``plangate.agents.Agent.record(path)`` does all of this.) The wrapped model records each request
and answer at the normalized boundary; the wrapped executor records each tool call and its result
or error with timings; ``run``/``resume`` record the request, the engine's events (plans,
verdicts, approvals, the answer), the decisions and the outcome. Secrets held by the model and
the backends are collected when they are wrapped and never written; PII is redacted unless
``redact_pii=False``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import RunnableBinding
from langgraph.checkpoint.base import BaseCheckpointSaver
from pydantic import PrivateAttr

from plangate.graphs.engine.build import Checkpointer, Engine, RunResult
from plangate.graphs.engine.events import Event
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.traces._writer import TraceWriter
from plangate.graphs.traces.model_calls import (
    BINDING,
    BoundaryChatModel,
    RawTool,
    jsonable,
    model_id,
    normalize_request,
    normalize_response,
)
from plangate.graphs.traces.surface import outcome_of
from plangate.graphs.traces.taps import RecordingExecutor, tap_toolset
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


class Runner(Protocol):
    """What runs requests: an ``Engine``, or an ``Agent``."""

    @property
    def runtime(self) -> Runtime:
        """The collaborators the runs use."""
        ...

    def stream(self, request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
        """Run ``request``, yielding events."""
        ...

    def stream_resume(self, thread_id: str, decisions: Mapping[str, Any]) -> AsyncIterator[Event]:
        """Resume a paused run, yielding events."""
        ...

    def stream_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> AsyncIterator[Event]:
        """Run a fixed plan with no planner, yielding events."""
        ...

    async def result(self, thread_id: str) -> RunResult:
        """Where a thread stands."""
        ...


def shared_checkpointer(engine: Engine) -> Checkpointer:
    """The checkpointer ``engine`` persists runs in, for another engine to share.

    A recording engine shares it with the agent's plain one, so a run paused outside a
    ``record`` block can be resumed inside it, and the other way round.
    """
    saver = engine.graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):
        raise UsageError("the engine was compiled without a checkpointer to share")
    return saver


class Recorder(TraceWriter):
    """Records runs into a trace (see the module docstring).

    Args:
        path: the JSONL file to write; ``None`` keeps the trace in memory (``trace``).
        agent: the agent's name, written in the header.
        redact_pii: redact PII in everything written (the default).
        append: continue the trace already at ``path`` (e.g. to record a resume in another
            process); the agent must not have changed.
        timer: seconds, for the records' ``at`` (``time.perf_counter`` by default).
        reference: the agent's ``module:attribute``, written in the header for replay.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        agent: str = "engine",
        redact_pii: bool = True,
        append: bool = False,
        timer: Callable[[], float] = time.perf_counter,
        source: str | None = None,
        reference: str | None = None,
    ) -> None:
        super().__init__(
            path, agent=agent, redact_pii=redact_pii, append=append, timer=timer, source=source,
            reference=reference,
        )  # fmt: skip

    def model(self, model: BaseChatModel) -> RecordingChatModel:
        """``model``, recording every request and answer into this trace."""
        self.note_model(model_id(model), jsonable(model._identifying_params), model)
        return RecordingChatModel(model, self)

    def executor(self, executor: ToolExecutor) -> RecordingExecutor:
        """``executor``, recording every tool call and its result into this trace."""
        toolset = executor.toolset
        self.note_secrets(*(toolset.binding(name).deps for name in toolset.names))
        return RecordingExecutor(executor, self)

    def backends(self, toolset: Toolset) -> Toolset:
        """``toolset`` with its backends tapped: give it to guardrails that read backends.

        Their reads outside tool calls are recorded, and a replay serves them back (see
        ``plangate.graphs.traces.taps``); tool calls keep going through the executor.
        """
        self.note_secrets(*(toolset.binding(name).deps for name in toolset.names))
        return tap_toolset(toolset, self)

    async def run(self, runner: Runner, request: str, *, thread_id: str | None = None) -> RunResult:
        """Run ``request`` on ``runner``, recording it; returns how it ended."""
        thread = thread_id or self.new_thread()
        async for _ in self.stream(runner, request, thread_id=thread):
            pass
        return await runner.result(thread)

    async def stream(
        self, runner: Runner, request: str, *, thread_id: str | None = None
    ) -> AsyncIterator[Event]:
        """``run``, yielding the events as they happen."""
        thread = thread_id or self.new_thread()
        self.describe(runner.runtime)
        self.begin_run(thread, request, runner.runtime.clock.now())
        async for event in runner.stream(request, thread_id=thread):
            self.event(thread, event)
            yield event
        self.outcome(await runner.result(thread))

    async def stream_plan(
        self,
        runner: Runner,
        plan: Plan,
        *,
        request: str = "",
        thread_id: str | None = None,
        replan: bool = False,
    ) -> AsyncIterator[Event]:
        """Run a fixed ``plan`` on ``runner`` (``Engine.stream_plan``), recording it with
        the plan, so that a replay runs the same plan again."""
        thread = thread_id or self.new_thread()
        self.describe(runner.runtime)
        now = runner.runtime.clock.now()
        self.begin_run(thread, request, now, plan=plan.model_dump(mode="json"), replan=replan)
        stream = runner.stream_plan(plan, request=request, thread_id=thread, replan=replan)
        async for event in stream:
            self.event(thread, event)
            yield event
        self.outcome(await runner.result(thread))

    async def resume(
        self, runner: Runner, thread_id: str, decisions: Mapping[str, Any]
    ) -> RunResult:
        """Resume a paused run with ``decisions``, recording them and what follows."""
        async for _ in self.stream_resume(runner, thread_id, decisions):
            pass
        return await runner.result(thread_id)

    async def stream_resume(
        self, runner: Runner, thread_id: str, decisions: Mapping[str, Any]
    ) -> AsyncIterator[Event]:
        """``resume``, yielding the events as they happen."""
        self.describe(runner.runtime)
        if self.redactor.pseudonyms is not None:  # a resume in another process: same stand-ins
            self.learn(thread_id, outcome_of(await runner.result(thread_id)))
        stream = runner.stream_resume(thread_id, decisions)
        first = await anext(stream)  # the engine checks the decisions before anything moves
        self.decisions(thread_id, decisions, runner.runtime.clock.now())
        yield first
        async for event in stream:
            self.event(thread_id, event)
            yield event
        self.outcome(await runner.result(thread_id))


class RecordingChatModel(BoundaryChatModel):
    """A chat model that records each request and answer of the model it wraps.

    Args:
        inner: the model that answers.
        recorder: where the calls are recorded.
    """

    inner: BaseChatModel
    _recorder: Recorder = PrivateAttr()

    def __init__(self, inner: BaseChatModel, recorder: Recorder, **data: Any) -> None:
        super().__init__(inner=inner, **data)
        self._recorder = recorder

    @property
    def _llm_type(self) -> str:
        return self.inner._llm_type

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return dict(self.inner._identifying_params)

    def provider_binding(
        self, tools: Sequence[RawTool], tool_choice: str | None, kwargs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """What the wrapped model's own ``bind_tools`` binds.

        Raises:
            UsageError: the wrapped model's ``bind_tools`` does not return a binding of it.
        """
        bound = self.inner.bind_tools(tools, tool_choice=tool_choice, **kwargs)
        if isinstance(bound, RunnableBinding) and bound.bound is self.inner:
            return dict(bound.kwargs)
        raise UsageError(
            f"cannot record {type(self.inner).__name__}: its bind_tools returns "
            f"{type(bound).__name__}, not a binding of the model"
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        call, started = self._recorder.model_request(normalize_request(messages, stop, kwargs))
        try:
            result = self.inner._generate(messages, stop, run_manager, **_provider(kwargs))
        except Exception as exc:
            self._recorder.model_failed(call, started, exc)
            raise
        self._recorder.model_response(call, started, normalize_response(_message(result)))
        return result

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        call, started = self._recorder.model_request(normalize_request(messages, stop, kwargs))
        try:
            result = await self.inner._agenerate(messages, stop, run_manager, **_provider(kwargs))
        except Exception as exc:
            self._recorder.model_failed(call, started, exc)
            raise
        self._recorder.model_response(call, started, normalize_response(_message(result)))
        return result


def _provider(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in kwargs.items() if key != BINDING}


def _message(result: ChatResult) -> BaseMessage:
    return result.generations[0].message
