"""plangate trace records for an agent plangate did not build, at the same boundary as its own.

A ``Recorder`` writes plangate's versioned JSONL (``plangate.graphs.traces.format``). The
middleware records each model request and answer, and each tool call with its result or error
(its idempotency key, whether the ledger reused an earlier reply), cleaned of secrets and PII
by the recorder's redactor like every trace. The header describes the agent as the model meets
it: its system prompt and its tools (a ``react`` agent: the model chooses each call).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.traces import Recorder
from plangate.graphs.traces.format import ToolCallRecord
from plangate.graphs.traces.model_calls import (
    jsonable,
    model_id,
    normalize_request,
    normalize_response,
)
from plangate.tools.base import Tool
from plangate.tools.executor import ToolOutcome


class AgentReply(BaseModel):
    """What a LangChain agent answers with: the text of its last message."""

    text: str


@dataclass(frozen=True)
class _HostedSurface:
    """The parts of a ``Runtime`` a trace header reads (``describe_surface``), for an agent
    that has no plangate runtime: its instructions and tools."""

    toolset: tuple[Tool[Any], ...]
    instructions: str
    allowed: None = None
    response_model: type[BaseModel] = AgentReply
    strategy: str = "react"


class HostedTrace:
    """Records a LangChain agent's model and tool calls into ``recorder``.

    Args:
        recorder: the trace being written.
        agent: the agent's name in the header.
    """

    def __init__(self, recorder: Recorder, agent: str) -> None:
        self.recorder = recorder
        self.agent = agent

    def describe(
        self, tools: Iterable[Tool[Any]], system: SystemMessage | None, model: Any
    ) -> None:
        """Write the header once, from the first model request the agent makes."""
        if isinstance(model, BaseChatModel):
            self.recorder.note_model(model_id(model), jsonable(model._identifying_params), model)
        instructions = str(system.content) if system is not None else ""
        surface = _HostedSurface(tuple(sorted(tools, key=lambda t: t.name)), instructions)
        # ``describe`` reads only the attributes ``_HostedSurface`` has (see its docstring).
        self.recorder.describe(cast(Runtime, surface), agent=self.agent)

    def model_request(self, messages: Sequence[BaseMessage]) -> tuple[int, float]:
        """A model request; returns its call number and start time."""
        return self.recorder.model_request(normalize_request(messages, None, {}))

    def model_response(self, call: int, started: float, message: BaseMessage) -> None:
        """The model's answer to request ``call``."""
        self.recorder.model_response(call, started, normalize_response(message))

    def model_failed(self, call: int, started: float, exc: BaseException) -> None:
        """Model request ``call`` raised ``exc``."""
        self.recorder.model_failed(call, started, exc)

    def tool_call(
        self, thread: str, call_id: str, tool: str, args: Any, key: str | None
    ) -> ToolCallRecord:
        """A tool call starts (after its guardrails and approval let it through)."""
        return self.recorder.tool_call(thread, call_id, tool, jsonable(args), key)

    def tool_result(
        self,
        record: ToolCallRecord,
        tool: Tool[Any],
        reply: ToolMessage,
        *,
        duration: float,
        reused: bool,
    ) -> None:
        """Tool call ``record`` answered ``reply``."""
        args = tool.args_model.model_construct(**(record.args or {}))
        outcome = ToolOutcome(
            tool=record.tool, args=args, result=reply.content, result_json=jsonable(reply.content),
            attempts=1, duration=round(duration, 6), idempotency_key=record.idempotency_key,
            reused=reused,
        )  # fmt: skip
        self.recorder.tool_result(record, outcome)

    def tool_failed(self, record: ToolCallRecord, exc: BaseException, duration: float) -> None:
        """Tool call ``record`` raised ``exc``."""
        self.recorder.tool_failed(record, exc, round(duration, 6))
