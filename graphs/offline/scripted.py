"""``ScriptedChatModel``: a chat model that answers from a script, for tests.

A public test double (like ``SandboxFlightBackend`` for backends): it is a real LangChain
``BaseChatModel``, so everything that accepts a model accepts it — ``bind_tools``,
``with_structured_output``, sync and async calls, callbacks. It answers each request with the
next scripted response and records the request, so a test can assert what was asked::

    model = ScriptedChatModel([plan_message(plan), "All booked."])
    planner = LLMPlanner(model)
    ...
    assert "search_flights" in model.requests[0].text

Structured output is the inherited LangChain implementation (a forced tool call parsed by
``PydanticToolsParser``), so a scripted tool call whose arguments do not fit the schema fails
exactly as it would with a provider's model.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import PrivateAttr

from plangate.graphs.engine.plan import Plan
from plangate.tools.base import Tool
from plangate.tools.errors import UsageError
from plangate.tools.schema import openai_tool

ScriptFunction = Callable[[list[BaseMessage], tuple[dict[str, Any], ...]], AIMessage | str]
ScriptedResponse = AIMessage | str | ScriptFunction
"""A scripted answer: a message, its text, or ``(messages, bound_tools) -> AIMessage``."""

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class ScriptedRequest:
    """One request the model received.

    Attributes:
        index: 0 for the first request, 1 for the second, and so on.
        messages: the messages, with their ids removed so equal requests compare equal.
        tools: the bound tools, in OpenAI format.
        tool_choice: the bound ``tool_choice`` (``None`` when none was bound).
        kwargs: every other call option (``stop``, ``max_tokens``, bound kwargs).
    """

    index: int
    messages: tuple[BaseMessage, ...]
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: Any = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The text of every message, blank-line separated (handy for ``in`` assertions)."""
        return "\n\n".join(_content_text(message) for message in self.messages)

    @property
    def tool_names(self) -> list[str]:
        """Names of the bound tools."""
        return [str(item.get("function", {}).get("name", "")) for item in self.tools]

    def describe(self, width: int = 400) -> str:
        """A short readable summary: one line per message, long texts cut to ``width``."""
        lines = []
        for message in self.messages:
            text = _content_text(message)
            cut = text if len(text) <= width else text[:width] + f"… ({len(text)} chars)"
            lines.append(f"  [{message.type}] {cut}")
        if self.tools:
            lines.append(f"  tools: {', '.join(self.tool_names)} (tool_choice={self.tool_choice})")
        return "\n".join(lines)


class ScriptExhaustedError(UsageError):
    """The model was called more times than it has scripted responses.

    Attributes:
        scripted: how many responses were scripted.
        request: the request that found the script empty.
    """

    def __init__(self, scripted: int, request: ScriptedRequest) -> None:
        super().__init__(
            f"ScriptedChatModel received request #{request.index + 1} but only {scripted} "
            f"response(s) were scripted; script one more for this request:\n{request.describe()}"
        )
        self.scripted: int = scripted
        self.request: ScriptedRequest = request


class ScriptedChatModel(BaseChatModel):
    """A chat model that replays a script of responses and records every request.

    Args:
        responses: the answers, in order: an ``AIMessage``, a string (a text answer), or a
            callable ``(messages, bound_tools) -> AIMessage`` that computes the answer.

    Attributes:
        latency: seconds each call pretends to take, waited on ``sleep``.
        sleep: the async sleep to wait with; inject a fake one so tests never sleep.
        model_name: reported in each response's ``response_metadata["model_name"]``.
        max_tokens: recorded with each request; the scripted text is never cut.
    """

    model_name: str = "scripted"
    latency: float = 0.0
    sleep: Sleep = asyncio.sleep
    max_tokens: int | None = None

    _script: list[ScriptedResponse] = PrivateAttr(default_factory=list)
    _requests: list[ScriptedRequest] = PrivateAttr(default_factory=list)
    # Sync calls may come from several threads (LangChain's batch); the index must not repeat.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, responses: Sequence[ScriptedResponse] = (), /, **data: Any) -> None:
        super().__init__(**data)
        if self.latency < 0:
            raise UsageError(f"ScriptedChatModel latency must be >= 0, got {self.latency}")
        self._script = list(responses)

    @classmethod
    def from_json(cls, responses: Sequence[Mapping[str, Any]], **data: Any) -> ScriptedChatModel:
        """A model scripted with ``AIMessage`` fields as JSON (``content``, ``tool_calls``...).

        A tool call without an ``id`` gets a deterministic one.
        """
        messages = []
        for raw in responses:
            fields = {"content": "", **raw}
            fields["tool_calls"] = [
                tool_call(name=call["name"], args=call.get("args", {}), id=call.get("id"))
                if call.get("id")
                else _tool_call(call["name"], call.get("args", {}))
                for call in raw.get("tool_calls", [])
            ]
            messages.append(AIMessage(**fields))
        return cls(messages, **data)

    @property
    def requests(self) -> list[ScriptedRequest]:
        """Every request received so far, in order."""
        return list(self._requests)

    @property
    def remaining(self) -> int:
        """Scripted responses not used yet."""
        return max(0, len(self._script) - len(self._requests))

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool | Tool[Any]],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools as a provider would; plangate ``Tool``s are accepted too."""
        formatted = [
            openai_tool(item) if isinstance(item, Tool) else convert_to_openai_tool(item)
            for item in tools
        ]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request, response = self._take(messages, stop, kwargs)
        if self.latency:
            _run_blocking(self.sleep(self.latency))
        return self._result(request, response)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        request, response = self._take(messages, stop, kwargs)
        if self.latency:
            await self.sleep(self.latency)
        return self._result(request, response)

    def _take(
        self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> tuple[ScriptedRequest, ScriptedResponse]:
        """Record the request and pick its response; raise when the script is used up."""
        options = dict(kwargs)
        tools = tuple(options.pop("tools", None) or ())
        choice = options.pop("tool_choice", None)
        if stop is not None:
            options["stop"] = list(stop)
        if self.max_tokens is not None:
            options.setdefault("max_tokens", self.max_tokens)
        with self._lock:
            request = ScriptedRequest(
                index=len(self._requests),
                messages=tuple(_without_id(message) for message in messages),
                tools=tools,
                tool_choice=choice,
                kwargs=options,
            )
            self._requests.append(request)
        if request.index >= len(self._script):
            raise ScriptExhaustedError(len(self._script), request)
        return request, self._script[request.index]

    def _result(self, request: ScriptedRequest, response: ScriptedResponse) -> ChatResult:
        if callable(response):
            response = response(list(request.messages), request.tools)
        message = AIMessage(content=response) if isinstance(response, str) else response
        message = message.model_copy(deep=True)
        if message.usage_metadata is None:
            tools = json.dumps(request.tools, sort_keys=True, default=str) if request.tools else ""
            calls = json.dumps(message.tool_calls, sort_keys=True, default=str)
            output = _content_text(message) + (calls if message.tool_calls else "")
            message.usage_metadata = _usage(request.text + tools, output)
        finish = "tool_calls" if message.tool_calls else "stop"
        message.response_metadata = {
            "finish_reason": finish,
            **message.response_metadata,
            "model_name": self.model_name,
        }
        generation = ChatGeneration(message=message)
        return ChatResult(generations=[generation], llm_output={"model_name": self.model_name})


def tool_call_message(name: str, args: Mapping[str, Any], id: str | None = None) -> AIMessage:
    """An ``AIMessage`` calling tool ``name`` with ``args`` (a deterministic id by default)."""
    call = tool_call(name=name, args=dict(args), id=id) if id else _tool_call(name, args)
    return AIMessage(content="", tool_calls=[call])


def plan_message(plan: Plan) -> AIMessage:
    """The message a model sends when ``with_structured_output(Plan)`` asks it for ``plan``."""
    name = convert_to_openai_tool(Plan)["function"]["name"]
    return tool_call_message(name, plan.model_dump(mode="json"))


def _tool_call(name: str, args: Mapping[str, Any]) -> Any:
    canonical = json.dumps({"name": name, "args": args}, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return tool_call(name=name, args=dict(args), id=f"call_{digest}")


def _without_id(message: BaseMessage) -> BaseMessage:
    return message.model_copy(update={"id": None}) if message.id is not None else message


def _content_text(message: BaseMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)


def _usage(prompt: str, output: str) -> UsageMetadata:
    """Tokens estimated as a quarter of the characters: deterministic and roughly realistic."""
    input_tokens = math.ceil(len(prompt) / 4)
    output_tokens = math.ceil(len(output) / 4)
    return UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


def _run_blocking(waiting: Awaitable[None]) -> None:
    """Wait on an async sleep from sync code, even when this thread already runs a loop."""

    async def pause() -> None:
        await waiting

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(pause())
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, pause()).result()
