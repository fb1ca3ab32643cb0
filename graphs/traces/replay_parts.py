"""What a replayed agent is built with: ``RunParts`` and the stand-ins they hold.

``RunParts`` carries a ``ReplayChatModel`` (each request answered with the recorded answer to the
same normalized request), a factory of ``ReplayExecutor`` (each step's recorded result, after
its tool and arguments are checked), a clock showing each run's recorded time, a backend
stand-in for the tools to be bound to, and a checkpointer. An agent rebuilds itself around them
with ``for_replay(parts)`` (``SupportsReplay``); anything else is a factory ``(parts) -> Engine``.

``replay`` hands over stand-ins that hold no trace (``reusable_parts``): each reads the replay
under way (``plangate.graphs.traces._scope``). An agent built around them — and persisting its
runs in ``parts.checkpointer`` — is therefore built once and reused by every replay of it
(``plangate.graphs.traces.replay_cache``). Made with a ``ReplaySession``, the model, executor and
backend serve that session only, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import BaseModel, PrivateAttr

from plangate.graphs.engine.build import Checkpointer
from plangate.graphs.engine.runtime import Strategy
from plangate.graphs.traces._saver import ReplaySaver
from plangate.graphs.traces._scope import current_scope
from plangate.graphs.traces._session import ReplaySession, replayed_error
from plangate.graphs.traces.model_calls import BoundaryChatModel, normalize_request, response_result
from plangate.graphs.traces.recording import Runner
from plangate.graphs.traces.taps import ReplayBackend, call_args
from plangate.tools.clock import Clock
from plangate.tools.errors import ToolError
from plangate.tools.executor import ToolExecutor, ToolOutcome
from plangate.tools.registry import Toolset
from plangate.tools.retrying import RetryListener

NO_BACKEND = ReplayBackend(None)
"""A backend stand-in with nothing recorded: any use says a replay has no backend."""


@dataclass(frozen=True)
class RunParts:
    """What a replayed agent is built with.

    Attributes:
        model: the replay chat model; ``None`` when the trace was recorded offline.
        strategy: the recorded strategy.
        clock: shows each run's recorded time (plans mention today's date).
        executor: builds the replay executor for the agent's toolset.
        deps: bind the tools to this instead of a backend.
        checkpointer: persist the runs here (``Engine(runtime, parts.checkpointer)``): each
            replay then keeps its runs apart, and ``replay`` reuses the agent built around
            these parts for the next replay of it instead of building it again (``None``: the
            agent keeps its own, and is built again for every replay).
    """

    model: BaseChatModel | None
    strategy: Strategy
    clock: Clock
    executor: Callable[[Toolset], ToolExecutor]
    deps: Any = NO_BACKEND
    checkpointer: Checkpointer | None = None


def reusable_parts(strategy: Strategy, *, model: bool) -> RunParts:
    """Stand-ins that serve whichever replay is under way (see the module docstring).

    Args:
        strategy: the recorded strategy.
        model: whether the trace was recorded with a chat model (else offline).
    """
    return RunParts(
        model=ReplayChatModel() if model else None, strategy=strategy, clock=CurrentReplayClock(),
        executor=ReplayExecutor, deps=CurrentReplayBackend(), checkpointer=ReplaySaver(),
    )  # fmt: skip


@runtime_checkable
class SupportsReplay(Protocol):
    """An agent that can rebuild itself around replay stand-ins (``plangate.agents.Agent`` can)."""

    def for_replay(self, parts: RunParts) -> Runner:
        """The same agent, built with ``parts`` instead of its model and backends."""
        ...


ReplayFactory = Callable[[RunParts], Runner]
ReplayTarget = SupportsReplay | ReplayFactory


def build_runner(target: ReplayTarget, parts: RunParts) -> Runner:
    """The replayed agent: ``target.for_replay(parts)``, or ``target(parts)`` for a factory."""
    if isinstance(target, SupportsReplay):
        return target.for_replay(parts)
    return target(parts)


class ReplayClock:
    """A clock that shows the recorded time of each replayed run; sleeping returns at once."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._mono = 0.0

    def now(self) -> datetime:
        """The current (recorded) time."""
        return self._now

    def monotonic(self) -> float:
        """Seconds slept so far."""
        return self._mono

    def set(self, when: datetime) -> None:
        """Show ``when`` from now on."""
        self._now = when

    async def sleep(self, seconds: float) -> None:
        """Move time on by ``seconds`` without waiting."""
        self._now += timedelta(seconds=max(0.0, seconds))
        self._mono += max(0.0, seconds)
        await asyncio.sleep(0)


class CurrentReplayClock:
    """The clock of the replay under way (a ``ReplayClock``)."""

    def now(self) -> datetime:
        """The current (recorded) time."""
        return current_scope().clock.now()

    def monotonic(self) -> float:
        """Seconds slept so far in this replay."""
        return current_scope().clock.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Move this replay's time on by ``seconds`` without waiting."""
        await current_scope().clock.sleep(seconds)


class CurrentReplayBackend:
    """Stands for every backend, serving the reads recorded in the replay under way."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and the like probe dunders: nothing recorded
            raise AttributeError(name)
        return getattr(current_scope().backend, name)

    def __repr__(self) -> str:
        return "ReplayBackend()"


def _served(own: ReplaySession | None) -> ReplaySession:
    return own if own is not None else current_scope().session


class ReplayChatModel(BoundaryChatModel):
    """A chat model that answers with the recorded answer to the same normalized request.

    Args:
        session: the recording to serve (``None``: the replay under way's).
    """

    _session: ReplaySession | None = PrivateAttr(default=None)

    def __init__(self, session: ReplaySession | None = None, **data: Any) -> None:
        super().__init__(**data)
        self._session = session

    @property
    def _llm_type(self) -> str:
        return "replay"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        session = _served(self._session)
        return response_result(session.answer(normalize_request(messages, stop, kwargs)))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)


class ReplayExecutor(ToolExecutor):
    """Returns each step's recorded result (or raises its recorded error); runs nothing.

    Args:
        toolset: the agent's tools.
        session: the recording to serve (``None``: the replay under way's).
    """

    def __init__(self, toolset: Toolset, session: ReplaySession | None = None) -> None:
        super().__init__(toolset)
        self._session = session

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
        """The recorded outcome of this call.

        Raises:
            ReplayMismatchError: the call differs from the recording, or has no recorded result.
            ToolError: the recorded call failed with it.
        """
        tool = self.toolset.get(name)
        session = _served(self._session)
        recorded = session.tool(thread_id, step_id, name, call_args(tool, args))
        if recorded.error is not None:
            raise replayed_error(recorded.error, name)
        try:
            result = tool.validate_result(recorded.result)
        except ToolError:  # redacted data may no longer fit the result type; the JSON is kept
            result = recorded.result
        return ToolOutcome(
            tool=name, args=tool.validate_args(args), result=result, result_json=recorded.result,
            attempts=recorded.attempts, duration=recorded.duration,
            idempotency_key=recorded.idempotency_key, reused=recorded.reused,
        )  # fmt: skip
