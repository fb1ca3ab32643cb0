"""Import an OpenAI chat-completions conversation as a trace the ``react`` strategy replays.

A chat-completions log — ``system``, ``user`` requests, each answered by ``assistant`` turns with
``tool_calls`` and their ``tool`` messages and then a final ``assistant`` answer — becomes a trace
by running the agent against the log: a chat model plays the assistant turns in order, an
executor returns each ``tool`` message as the result of its call, and a ``Recorder`` records the
runs as usual. The trace therefore holds exactly the requests the agent makes, and replays::

    trace = await import_openai(messages, agent, agent="shop")
    trace.write("tests/traces/shop/from_production.jsonl")
    assert (await replay(trace, agent)).ok

How the log maps onto the trace format (``plangate.graphs.traces.format``):

- **Each user turn is one run** (a ``run`` record, its model and tool calls, its ``outcome``).
  The engine keeps no chat memory between runs, so each turn runs in a thread of its own:
  ``thread_id`` for the first, ``{thread_id}-2``, ``{thread_id}-3``… for the next. A turn's
  request is its user text alone; earlier turns are not replayed into it.
- **A logged tool error is a failed call**: the executor raises ``LoggedToolError`` (a
  model-visible ``ToolRefusedError``), recorded as the call's ``error`` and replayed as one.
  Which tool messages are errors, and how reused ``tool_call`` ids are matched (by position,
  never overwriting each other), is ruled in ``plangate.graphs.traces.openai_log``.

The log's system prompt is not used (the agent has its own instructions). Each turn's final
answer becomes that run's response: it is parsed as the response model's JSON, or fills its one
required string field, or is given with ``answer=`` (one mapping for the last turn, or a list
with one per turn, ``None`` where the text serves). Writes the agent holds for approval are
approved, as the log shows they ran.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel, Field

from plangate.graphs.traces.format import Trace
from plangate.graphs.traces.model_calls import RawTool, canonical_tools
from plangate.graphs.traces.openai_log import (
    Conversation,
    OpenAIImportError,
    Turn,
    parse_conversation,
)
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import ReplayTarget, RunParts, build_runner
from plangate.tools.clock import SystemClock
from plangate.tools.errors import ToolError, ToolRefusedError
from plangate.tools.executor import ToolExecutor, ToolOutcome
from plangate.tools.registry import Toolset
from plangate.tools.retrying import RetryListener

MAX_APPROVAL_ROUNDS = 50


class LoggedToolError(ToolRefusedError):
    """A tool call the log shows failing (``Error: …``, an ``"error"`` object, a marked message)."""


class _LogChatModel(BaseChatModel):
    """Plays the assistant turns of the current request, then its answer as structured output."""

    conversation: Conversation
    model_name: str = "imported"
    answers: list[dict[str, Any] | None] = Field(default_factory=list)
    request: int = 0
    played: int = 0

    @property
    def _llm_type(self) -> str:
        return "openai-log"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    @property
    def turns(self) -> tuple[Turn, ...]:
        """The assistant turns of the request being played."""
        return self.conversation.requests[self.request].turns

    def bind_tools(
        self, tools: Sequence[RawTool], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self.bind(tools=canonical_tools(tools), tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        tools = kwargs.get("tools") or []
        if kwargs.get("tool_choice") not in (None, "auto", "none") and len(tools) == 1:
            name = str(tools[0]["function"]["name"])
            reply = AIMessage(content="", tool_calls=[tool_call(
                name=name, args=self._answer(tools[0]["function"]), id="answer")])  # fmt: skip
        else:
            if self.played >= len(self.turns):
                raise OpenAIImportError(
                    f"user turn {self.request + 1}: the agent asked for assistant turn "
                    f"{self.played + 1}, but the conversation has {len(self.turns)}"
                )
            turn = self.turns[self.played]
            self.played += 1
            calls = [tool_call(name=c.name, args=c.args, id=c.id or f"call_{n}")
                     for n, c in enumerate(turn.calls)]  # fmt: skip
            reply = AIMessage(content=turn.text if not calls else "", tool_calls=calls)
        reply.response_metadata = {"model_name": self.model_name}
        return ChatResult(generations=[ChatGeneration(message=reply)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)

    def _answer(self, function: Mapping[str, Any]) -> dict[str, Any]:
        given = self.answers[self.request] if self.request < len(self.answers) else None
        if given is not None:
            return dict(given)
        text = self.turns[-1].text
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        schema = function.get("parameters") or {}
        required = list(schema.get("required") or [])
        props = schema.get("properties") or {}
        if len(required) == 1 and props.get(required[0], {}).get("type") == "string":
            return {required[0]: text}
        raise OpenAIImportError(
            f"the conversation's answer is text, and {function.get('name')} needs the fields "
            f"{', '.join(required) or '(none)'}: pass answer={{...}} to import_openai"
        )


class _LogExecutor(ToolExecutor):
    """Returns each ``tool`` message as the result (or the error) of the call it answers."""

    def __init__(self, toolset: Toolset, model: _LogChatModel) -> None:
        super().__init__(toolset)
        self.model = model

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
        turn, _, number = step_id.removeprefix("t").partition("_")
        calls = [t for t in self.model.turns if t.calls]
        try:
            logged = calls[int(turn) - 1].calls[int(number) - 1]
        except (ValueError, IndexError):
            raise OpenAIImportError(
                f"step {step_id} has no tool call in the conversation"
            ) from None
        if logged.name != name:
            raise OpenAIImportError(
                f"step {step_id} calls {name}; the conversation calls {logged.name}"
            )
        tool = self.toolset.get(name)
        if logged.error is not None:
            raise LoggedToolError(logged.error, tool=name, reason="logged_error")
        content, where = logged.result, logged.id or step_id
        try:
            result = tool.validate_result(json.loads(content))
        except (ValueError, ToolError):
            try:
                result = tool.validate_result(content)
            except ToolError as exc:
                raise OpenAIImportError(
                    f"the tool message of {where} does not fit {name}'s result: {exc}"
                ) from exc
        return ToolOutcome(tool=name, args=tool.validate_args(args), result=result,
                           result_json=tool.dump_result(result), attempts=1, duration=0.0)  # fmt: skip


def _answers(
    answer: Mapping[str, Any] | Sequence[Mapping[str, Any] | None] | None, requests: int
) -> list[dict[str, Any] | None]:
    if answer is None:
        return []
    if isinstance(answer, Mapping):
        return [None] * (requests - 1) + [dict(answer)]
    if len(answer) != requests:
        raise OpenAIImportError(
            f"answer= has {len(answer)} answer(s); the conversation has {requests} user turn(s)"
        )
    return [dict(a) if a is not None else None for a in answer]


async def import_openai(
    log: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    target: ReplayTarget,
    *,
    agent: str = "imported",
    thread_id: str = "imported",
    answer: Mapping[str, Any] | Sequence[Mapping[str, Any] | None] | None = None,
    redact_pii: bool = True,
) -> Trace:
    """The trace of ``target`` (an agent, or a replay factory) playing the conversation ``log``.

    Args:
        log: the messages, or a chat-completions body with ``messages`` (and ``model``).
        target: the agent to run, as ``replay`` takes it.
        agent: the agent's name in the trace header.
        thread_id: the thread of the first user turn (later turns add ``-2``, ``-3``…).
        answer: the final answer's fields, for the last turn or a list with one per turn.
        redact_pii: redact PII in the trace, as recording does.

    Raises:
        OpenAIImportError: the log is malformed, or does not fit the agent's turns and tools.
    """
    conversation = parse_conversation(log)
    recorder = Recorder(None, agent=agent, redact_pii=redact_pii, source="openai-chat")
    model = _LogChatModel(
        conversation=conversation,
        model_name=conversation.model or "imported",
        answers=_answers(answer, len(conversation.requests)),
    )
    parts = RunParts(
        model=recorder.model(model), strategy="react", clock=SystemClock(),
        executor=lambda toolset: recorder.executor(_LogExecutor(toolset, model)),
    )  # fmt: skip
    runner = build_runner(target, parts)
    for number, request in enumerate(conversation.requests):
        model.request, model.played = number, 0
        thread = thread_id if number == 0 else f"{thread_id}-{number + 1}"
        result = await recorder.run(runner, request.text, thread_id=thread)
        for _ in range(MAX_APPROVAL_ROUNDS):
            if result.status != "paused":
                break
            approve = {item["id"]: "approve" for item in result.approvals}
            result = await recorder.resume(runner, thread, approve)
        if model.played < len(request.turns):
            turn = f"user turn {number + 1}: " if len(conversation.requests) > 1 else ""
            raise OpenAIImportError(
                f"{turn}the agent stopped after {model.played} assistant turn(s); the "
                f"conversation has {len(request.turns)} (status {result.status}: {result.error})"
            )
    return recorder.trace


__all__ = ["LoggedToolError", "OpenAIImportError", "import_openai", "parse_conversation"]
