"""Import an OpenAI chat-completions conversation as a trace the ``react`` strategy replays.

A chat-completions log — ``system``, one ``user`` request, then ``assistant`` turns with
``tool_calls`` answered by ``tool`` messages, and a final ``assistant`` answer — becomes a trace
by running the agent once against the log: a chat model plays the assistant turns in order, an
executor returns each ``tool`` message as the result of its call, and a ``Recorder`` records the
run as usual. The trace therefore holds exactly the requests the agent makes, and replays::

    trace = await import_openai(messages, agent, agent="shop")
    trace.write("tests/traces/shop/from_production.jsonl")
    assert (await replay(trace, agent)).ok

The log's system prompt is not used (the agent has its own instructions). The final answer's
text becomes the response: it is parsed as the response model's JSON, or fills its one required
string field, or is given with ``answer=``. Writes the agent holds for approval are approved,
as the log shows they ran.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import BaseModel

from plangate.graphs.traces.format import Trace
from plangate.graphs.traces.model_calls import RawTool, canonical_tools
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import ReplayTarget, RunParts, build_runner
from plangate.tools.clock import SystemClock
from plangate.tools.errors import ToolError, UsageError
from plangate.tools.executor import ToolExecutor, ToolOutcome
from plangate.tools.registry import Toolset
from plangate.tools.retrying import RetryListener

MAX_APPROVAL_ROUNDS = 50


class OpenAIImportError(UsageError):
    """The conversation cannot become a trace; the message names the message at fault."""


@dataclass(frozen=True)
class Turn:
    """One assistant message: its tool calls (``(id, name, args)``) and its text."""

    calls: tuple[tuple[str, str, dict[str, Any]], ...]
    text: str


@dataclass(frozen=True)
class Conversation:
    """A parsed chat-completions log."""

    request: str
    turns: tuple[Turn, ...]
    results: Mapping[str, str]
    model: str = ""


def _arguments(raw: Any, where: str) -> dict[str, Any]:
    try:
        args = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise OpenAIImportError(f"{where}: arguments are not JSON ({exc})") from exc
    if not isinstance(args, dict):
        raise OpenAIImportError(f"{where}: arguments must be a JSON object")
    return args


def parse_conversation(log: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> Conversation:
    """Read a chat-completions log: a list of messages, or a request body with ``messages``.

    Raises:
        OpenAIImportError: the log is not one request answered by assistant and tool messages.
    """
    model = str(log.get("model") or "") if isinstance(log, Mapping) else ""
    messages = log.get("messages") if isinstance(log, Mapping) else log
    if not isinstance(messages, Sequence) or isinstance(messages, str):
        raise OpenAIImportError("an OpenAI conversation is a list of messages (or has 'messages')")
    request: str | None = None
    turns: list[Turn] = []
    results: dict[str, str] = {}
    for index, message in enumerate(messages):
        where = f"message {index}"
        role = message.get("role") if isinstance(message, Mapping) else None
        if role in ("system", "developer"):
            continue
        if role == "user":
            if request is not None:
                raise OpenAIImportError(
                    f"{where}: a second user message; import one request per trace"
                )
            request = str(message.get("content") or "")
        elif role == "assistant":
            if request is None:
                raise OpenAIImportError(f"{where}: an assistant message before the user's request")
            calls = tuple(
                (str(c.get("id") or f"call_{index}_{n}"), str(c["function"]["name"]),
                 _arguments(c["function"].get("arguments", "{}"), f"{where}, tool call {n}"))
                for n, c in enumerate(message.get("tool_calls") or [])
            )  # fmt: skip
            turns.append(Turn(calls=calls, text=str(message.get("content") or "")))
        elif role == "tool":
            results[str(message.get("tool_call_id"))] = str(message.get("content") or "")
        else:
            raise OpenAIImportError(f"{where}: unknown role {role!r}")
    if request is None:
        raise OpenAIImportError("the conversation has no user message")
    if not turns or turns[-1].calls:
        raise OpenAIImportError("the conversation does not end with the assistant's answer")
    for turn in turns:
        for call_id, name, _ in turn.calls:
            if call_id not in results:
                raise OpenAIImportError(f"tool call {call_id} ({name}) has no tool message")
    return Conversation(request=request, turns=tuple(turns), results=results, model=model)


class _LogChatModel(BaseChatModel):
    """Plays the assistant turns of a conversation, then its answer as structured output."""

    conversation: Conversation
    model_name: str = "imported"
    answer: dict[str, Any] | None = None
    played: int = 0

    @property
    def _llm_type(self) -> str:
        return "openai-log"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

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
            if self.played >= len(self.conversation.turns):
                raise OpenAIImportError(
                    f"the agent asked for assistant turn {self.played + 1}, but the conversation "
                    f"has {len(self.conversation.turns)}"
                )
            turn = self.conversation.turns[self.played]
            self.played += 1
            calls = [tool_call(name=name, args=args, id=cid) for cid, name, args in turn.calls]
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
        if self.answer is not None:
            return dict(self.answer)
        text = self.conversation.turns[-1].text
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
    """Returns each ``tool`` message as the result of the call it answers."""

    def __init__(self, toolset: Toolset, conversation: Conversation) -> None:
        super().__init__(toolset)
        self.conversation = conversation

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
        calls = [t for t in self.conversation.turns if t.calls]
        try:
            call_id, logged, _ = calls[int(turn) - 1].calls[int(number) - 1]
        except (ValueError, IndexError):
            raise OpenAIImportError(
                f"step {step_id} has no tool call in the conversation"
            ) from None
        if logged != name:
            raise OpenAIImportError(f"step {step_id} calls {name}; the conversation calls {logged}")
        tool = self.toolset.get(name)
        content = self.conversation.results[call_id]
        try:
            result = tool.validate_result(json.loads(content))
        except (ValueError, ToolError):
            try:
                result = tool.validate_result(content)
            except ToolError as exc:
                raise OpenAIImportError(
                    f"the tool message of {call_id} does not fit {name}'s result: {exc}"
                ) from exc
        return ToolOutcome(tool=name, args=tool.validate_args(args), result=result,
                           result_json=tool.dump_result(result), attempts=1, duration=0.0)  # fmt: skip


async def import_openai(
    log: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    target: ReplayTarget,
    *,
    agent: str = "imported",
    thread_id: str = "imported",
    answer: Mapping[str, Any] | None = None,
    redact_pii: bool = True,
) -> Trace:
    """The trace of ``target`` (an agent, or a replay factory) playing the conversation ``log``.

    Raises:
        OpenAIImportError: the log is malformed, or does not fit the agent's turns and tools.
    """
    conversation = parse_conversation(log)
    recorder = Recorder(None, agent=agent, redact_pii=redact_pii, source="openai-chat")
    model = _LogChatModel(
        conversation=conversation,
        model_name=conversation.model or "imported",
        answer=dict(answer) if answer else None,
    )
    parts = RunParts(
        model=recorder.model(model), strategy="react", clock=SystemClock(),
        executor=lambda toolset: recorder.executor(_LogExecutor(toolset, conversation)),
    )  # fmt: skip
    runner = build_runner(target, parts)
    result = await recorder.run(runner, conversation.request, thread_id=thread_id)
    for _ in range(MAX_APPROVAL_ROUNDS):
        if result.status != "paused":
            break
        approve = {item["id"]: "approve" for item in result.approvals}
        result = await recorder.resume(runner, thread_id, approve)
    if model.played < len(conversation.turns):
        raise OpenAIImportError(
            f"the agent stopped after {model.played} assistant turn(s); the conversation has "
            f"{len(conversation.turns)} (status {result.status}: {result.error})"
        )
    return recorder.trace
