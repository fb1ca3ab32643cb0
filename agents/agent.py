"""``Agent``: an ``AgentSpec`` made runnable over bound tools and a model (or none).

Without a model the agent runs offline: the ``RulePlanner`` plans with the spec's grammar and the
spec's ``offline_answer`` writes the answer. With any LangChain chat model, ``LLMPlanner`` and
``LLMResponder`` take over (and ``strategy="react"`` lets the model call tools turn by turn).
Either way the same engine runs the plan, with the spec's guardrails at every stage.

``with agent.record(path):`` records the runs made inside it into a trace
(``plangate.graphs.traces.format``); ``plangate.graphs.traces.replay.replay(path, agent)`` replays
one through ``for_replay``, with no model and no backend. The agent's engine (its compiled graph)
is built at its first run, so an agent made only to be replayed never builds one; the replayed
agent is built once per configuration (``replay_identity``) and reused by every replay.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from langchain_core.language_models import BaseChatModel

from plangate.agents.spec import AgentSpec, check_max_parallel
from plangate.graphs.engine.build import Checkpointer, Engine, RunResult
from plangate.graphs.engine.events import Event
from plangate.graphs.engine.model_gate import DEFAULT_MODEL_RETRY, ModelRetry, own_retries
from plangate.graphs.engine.plan import DEFAULT_LIMITS, Plan, PlanLimits
from plangate.graphs.engine.planner import LLMPlanner, Planner
from plangate.graphs.engine.prices import Price, with_defaults
from plangate.graphs.engine.replan_context import ReplanLimits
from plangate.graphs.engine.responder import FunctionResponder, LLMResponder, Responder
from plangate.graphs.engine.runtime import Runtime, Strategy
from plangate.graphs.guards.guardrails import Guardrail
from plangate.graphs.offline.grammar import Grammar
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.traces.recording import Recorder, shared_checkpointer
from plangate.graphs.traces.replay import RunParts
from plangate.graphs.traces.replay_cache import hashable
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import Ledger
from plangate.tools.registry import Toolset

if TYPE_CHECKING:  # the telemetry is built by whoever passes one
    from plangate.graphs.telemetry import Telemetry


class Agent:
    """A runnable assistant.

    Args:
        spec: what the agent is.
        toolset: tools bound to their backends; the spec's allow-list picks from it.
        model: a LangChain chat model, or ``None`` to run offline.
        strategy: ``plan`` (default) or ``react`` (needs a model).
        checkpointer: where runs persist (in memory by default; SQLite for the CLI), or
            ``False`` for nowhere: the fastest, for runs that never pause for approval and need
            no recovery (``Engine``).
        ledger: the idempotency ledger for writes (in memory by default).
        clock: time source for the engine and the executor.
        guardrails: extra guardrails, run after the spec's own.
        prices: USD per million tokens by model family, for the cost budget; looked up before
            the shipped ``DEFAULT_PRICES`` (``plangate.graphs.engine.prices``).
        model_retry: how failed model calls are retried; the model's SDK retries are turned
            off (``own_retries``) so that every HTTP attempt is one counted model call.
        executor: builds the tool executor for the agent's toolset (a ``ToolExecutor`` over
            ``ledger`` and ``clock`` by default; replay passes its own).
        recorder: records every run into a trace (see also ``record``).
        replan_limits: how much of earlier attempts a model's re-plan prompt may show.
        max_parallel: the most tool calls that run at once; overrides the spec's
            ``max_parallel`` (``None``: the spec's, else the engine's default).
        telemetry: report every run as OpenTelemetry spans (``plangate.graphs.telemetry``;
            nothing is done while no tracer provider is configured).
    """

    def __init__(
        self,
        spec: AgentSpec,
        toolset: Toolset,
        *,
        model: BaseChatModel | None = None,
        strategy: Strategy = "plan",
        checkpointer: Checkpointer | Literal[False] | None = None,
        ledger: Ledger | None = None,
        clock: Clock | None = None,
        guardrails: Sequence[Guardrail] = (),
        prices: Mapping[str, Price] | None = None,
        model_retry: ModelRetry | None = None,
        executor: Callable[[Toolset], ToolExecutor] | None = None,
        recorder: Recorder | None = None,
        replan_limits: ReplanLimits | None = None,
        max_parallel: int | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        if strategy not in get_args(Strategy):
            known = " or ".join(repr(name) for name in get_args(Strategy))
            raise UsageError(f"unknown strategy {strategy!r}: use {known}")
        self.spec = spec
        self.model = own_retries(model) if model is not None else None
        self.strategy: Strategy = strategy
        self.toolset = toolset.allow(spec.tools)
        self.clock: Clock = clock or SystemClock()
        if strategy == "react" and model is None:
            raise UsageError("the react strategy needs a chat model: pass model= or --model")
        if model is None:
            self._check_offline()
        self._guardrails = tuple(guardrails)
        self._prices = with_defaults(prices)
        self._model_retry = model_retry or DEFAULT_MODEL_RETRY
        self._executor = (
            executor(self.toolset)
            if executor is not None
            else ToolExecutor(self.toolset, ledger=ledger, clock=self.clock)
        )
        self._recorder = recorder
        self._checkpointer = checkpointer
        self._replan_limits = replan_limits or ReplanLimits()
        check_max_parallel(max_parallel, owner=f"agent {spec.name!r}")
        self._max_parallel = max_parallel if max_parallel is not None else spec.max_parallel
        self._telemetry = telemetry
        self._engine: Engine | None = None
        if recorder is not None:
            self._engine = self._new_engine(self._runtime(recorder), checkpointer)

    @property
    def engine(self) -> Engine:
        """The engine that runs the requests (built, and its graph compiled, at first use)."""
        if self._engine is None:
            self._engine = self._new_engine(self._runtime(self._recorder), self._checkpointer)
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    def _new_engine(
        self, runtime: Runtime, checkpointer: Checkpointer | Literal[False] | None
    ) -> Engine:
        if self._telemetry is not None:
            return self._telemetry.engine(runtime, checkpointer, agent=self.spec.name)
        return Engine(runtime, checkpointer)

    def _check_offline(self) -> None:
        if self.spec.grammar is None:
            raise UsageError(f"agent {self.spec.name!r} has no offline grammar: pass a model")
        if self.spec.offline_answer is None:
            raise UsageError(f"agent {self.spec.name!r} has no offline answer: pass a model")

    def _runtime(self, recorder: Recorder | None) -> Runtime:
        model = self.model
        executor = self._executor
        policy_tools = self.toolset
        if recorder is not None:
            model = recorder.model(model) if model is not None else None
            executor = recorder.executor(executor)
            policy_tools = recorder.backends(self.toolset)  # the policy's own reads, recorded
        policy = (*self.spec.policy(policy_tools), *self._guardrails)
        runtime = Runtime(
            toolset=self.toolset,
            executor=executor,
            planner=self._planner(model),
            responder=self._responder(model),
            response_model=self.spec.response_model,
            instructions=self.spec.instructions,
            guardrails=(*policy, *self.spec.write_gate(policy)),
            allowed=self.spec.tools,
            budget=self.spec.budget,
            limits=self._limits(),
            clock=self.clock,
            prices=self._prices,
            model_retry=self._model_retry,
            strategy=self.strategy,
            react_model=model,
        )
        if recorder is not None:
            recorder.describe(runtime, agent=self.spec.name)
        return runtime

    def _limits(self) -> PlanLimits:
        if self._max_parallel is None:
            return DEFAULT_LIMITS
        return dataclasses.replace(DEFAULT_LIMITS, max_parallel=self._max_parallel)

    def _planner(self, model: BaseChatModel | None) -> Planner:
        if model is not None:
            return LLMPlanner(model, replan_limits=self._replan_limits)
        self._check_offline()
        assert isinstance(self.spec.grammar, Grammar)  # the spec made its intents a Grammar
        return RulePlanner(self.spec.grammar)

    def _responder(self, model: BaseChatModel | None) -> Responder:
        if model is not None:
            return LLMResponder(model, instructions=self.spec.instructions)
        self._check_offline()
        assert self.spec.offline_answer is not None
        return FunctionResponder(self.spec.offline_answer)

    @property
    def name(self) -> str:
        """The agent's name."""
        return self.spec.name

    @property
    def runtime(self) -> Runtime:
        """The engine's collaborators (tools, planner, guardrails...)."""
        return self.engine.runtime

    @contextmanager
    def record(
        self,
        path: str | Path | None,
        *,
        redact_pii: bool = True,
        append: bool = False,
        reference: str | None = None,
    ) -> Iterator[Recorder]:
        """Record the runs and resumes made inside the block into the trace at ``path``.

        Args:
            path: the JSONL trace to write (``None``: keep it in memory, see ``Recorder.trace``).
            redact_pii: redact PII in the trace (the default); secrets are never written.
            append: add to the trace already at ``path`` (e.g. a resume in another process).
            reference: the ``module:attribute`` this agent was loaded from, written in the
                header so that ``plangate replay`` can load it again.

        Raises:
            UsageError: the agent is already recording.
        """
        if self._recorder is not None:
            raise UsageError(f"agent {self.name!r} is already recording a trace")
        recorder = Recorder(
            path, agent=self.spec.name, redact_pii=redact_pii, append=append, reference=reference
        )
        plain = self.engine
        try:
            saver: Checkpointer | Literal[False] = (
                shared_checkpointer(plain) if plain.persistent else False
            )
            self.engine = self._new_engine(self._runtime(recorder), saver)
        except BaseException:
            recorder.close()
            raise
        self._recorder = recorder
        try:
            yield recorder
        finally:
            self.engine = plain
            self._recorder = None
            recorder.close()

    def for_replay(self, parts: RunParts) -> Agent:
        """This agent rebuilt around replay stand-ins: no model, no backend (see ``replay``)."""
        return Agent(
            self.spec,
            self.toolset.bind(parts.deps),
            model=parts.model,
            strategy=parts.strategy,
            checkpointer=parts.checkpointer,
            clock=parts.clock,
            guardrails=self._guardrails,
            prices=self._prices,
            # A replay never waits: the recorded failures come back at once, retried alike.
            model_retry=dataclasses.replace(self._model_retry, sleep=_no_wait),
            executor=parts.executor,
            replan_limits=self._replan_limits,
            max_parallel=self._max_parallel,
        )

    def replay_identity(self) -> Hashable:
        """Everything ``for_replay`` builds from: agents that share it replay alike.

        Two agents made with the same spec, tools, guardrails, prices and model retries (their
        models, backends, clocks and checkpointers are replaced in a replay) share one replayed
        agent (``plangate.graphs.traces.replay_cache``). A part that cannot be hashed counts by
        its identity.
        """
        tools = tuple((name, hashable(self.toolset.get(name))) for name in self.toolset.names)
        return (
            type(self), hashable(self.spec), tools, tuple(hashable(g) for g in self._guardrails),
            tuple(sorted((name, hashable(price)) for name, price in self._prices.items())),
            hashable(self._model_retry), hashable(self._replan_limits), self._max_parallel,
        )  # fmt: skip

    async def run(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """Run ``request`` until it answers, fails or pauses for approval."""
        if self._recorder is not None:
            return await self._recorder.run(self.engine, request, thread_id=thread_id)
        return await self.engine.run(request, thread_id=thread_id)

    def run_sync(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """``run`` for code without an event loop."""
        return asyncio.run(self.run(request, thread_id=thread_id))

    def stream(self, request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
        """Run ``request``, yielding the typed events as they happen."""
        if self._recorder is not None:
            return self._recorder.stream(self.engine, request, thread_id=thread_id)
        return self.engine.stream(request, thread_id=thread_id)

    async def run_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> RunResult:
        """Run a fixed ``plan`` (a workflow as code) with no planner, until it answers, fails
        or pauses for approval.

        The plan meets the agent's validation, guardrails, approvals, provenance and ledger
        like a planned one (``Engine.stream_plan``). A failed or refused step ends the run
        with its error, unless ``replan`` lets the agent's planner re-plan around it.

        Raises:
            UsageError: ``plan`` is not a ``Plan``.
        """
        thread = thread_id or uuid.uuid4().hex[:12]
        async for _ in self.stream_plan(plan, request=request, thread_id=thread, replan=replan):
            pass
        return await self.engine.result(thread)

    def run_plan_sync(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> RunResult:
        """``run_plan`` for code without an event loop."""
        return asyncio.run(self.run_plan(plan, request=request, thread_id=thread_id, replan=replan))

    def stream_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> AsyncIterator[Event]:
        """``run_plan``, yielding the typed events as they happen (recorded with the plan
        inside ``record``, so a replay runs the same plan)."""
        if self._recorder is not None:
            return self._recorder.stream_plan(
                self.engine, plan, request=request, thread_id=thread_id, replan=replan
            )
        return self.engine.stream_plan(plan, request=request, thread_id=thread_id, replan=replan)

    async def resume(self, thread_id: str, decisions: Mapping[str, Any]) -> RunResult:
        """Continue a paused run with a decision per pending approval id."""
        if self._recorder is not None:
            return await self._recorder.resume(self.engine, thread_id, decisions)
        return await self.engine.resume(thread_id, decisions)

    def stream_resume(self, thread_id: str, decisions: Mapping[str, Any]) -> AsyncIterator[Event]:
        """``resume``, yielding events."""
        if self._recorder is not None:
            return self._recorder.stream_resume(self.engine, thread_id, decisions)
        return self.engine.stream_resume(thread_id, decisions)

    def stream_recover(self, thread_id: str) -> AsyncIterator[Event]:
        """Continue a run that was interrupted (its process died), yielding events."""
        return self.engine.stream_recover(thread_id)

    async def recover(self, thread_id: str) -> RunResult:
        """Continue a run that was interrupted (its process died) from its last checkpoint."""
        return await self.engine.recover(thread_id)

    async def pending_approvals(self, thread_id: str) -> list[dict[str, Any]]:
        """What a paused run waits for."""
        return await self.engine.pending_approvals(thread_id)

    async def result(self, thread_id: str) -> RunResult:
        """Where a run stands."""
        return await self.engine.result(thread_id)

    def mermaid(self) -> str:
        """The agent's graph as a Mermaid diagram."""
        return self.engine.mermaid()


async def _no_wait(_seconds: float) -> None:
    """A replay's sleep between model retries: none."""
