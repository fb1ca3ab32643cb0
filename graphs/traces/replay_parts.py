"""What a replayed agent is built with: ``RunParts`` and the stand-ins they hold.

``RunParts`` carries a ``ReplayChatModel`` (each request answered with the recorded answer to the
same normalized request), a factory of ``ReplayExecutor`` (each step's recorded result, after
its tool and arguments are checked), a ``ReplayClock`` showing each run's recorded time, and
``NO_BACKEND`` for the tools to be bound to. An agent rebuilds itself around them with
``for_replay(parts)`` (``SupportsReplay``); anything else is a factory ``(parts) -> Engine``.
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

from plangate.graphs.engine.runtime import Strategy
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
    """

    model: BaseChatModel | None
    strategy: Strategy
    clock: Clock
    executor: Callable[[Toolset], ToolExecutor]
    deps: Any = NO_BACKEND


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


class ReplayChatModel(BoundaryChatModel):
    """A chat model that answers with the recorded answer to the same normalized request."""

    _session: ReplaySession = PrivateAttr()

    def __init__(self, session: ReplaySession, **data: Any) -> None:
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
        return response_result(self._session.answer(normalize_request(messages, stop, kwargs)))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)


class ReplayExecutor(ToolExecutor):
    """Returns each step's recorded result (or raises its recorded error); runs nothing."""

    def __init__(self, toolset: Toolset, session: ReplaySession) -> None:
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
        recorded = self._session.tool(thread_id, step_id, name, call_args(tool, args))
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
