"""Model calls at the trace boundary: normalized requests and responses, and their key.

A trace records what the engine asked a chat model, not what went over HTTP: the messages
(role, text, tool calls, tool call ids), the tools bound (in one canonical, provider-neutral
form), ``tool_choice`` and the call's parameters. ``request_key`` hashes that normalized request,
so a replayed run finds the recorded answer to the same question whatever the provider.

``BoundaryChatModel`` is the base of the recording and the replaying chat models: its
``bind_tools`` keeps the canonical binding next to whatever the provider needs, so both see the
same request. Structured output goes through it too (LangChain's default
``with_structured_output`` binds the schema as a forced tool).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.tool import invalid_tool_call, tool_call
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.structured_output import function_calling_output
from plangate.tools.base import Tool
from plangate.tools.schema import openai_tool

BINDING = "plangate_binding"
"""The bound keyword that carries the canonical tools of a ``BoundaryChatModel`` binding."""

RawTool = dict[str, Any] | type | Callable[..., Any] | BaseTool


def canonical_json(value: Any) -> str:
    """``value`` as compact JSON with sorted keys: the form that is hashed."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def request_key(request: Mapping[str, Any]) -> str:
    """The stable key of a normalized request (16 hex digits of its SHA-256)."""
    return hashlib.sha256(canonical_json(request).encode()).hexdigest()[:16]


def jsonable(value: Any) -> Any:
    """``value`` as JSON data (pydantic models dumped, unknown objects as text)."""
    return to_jsonable_python(value, fallback=str)


def canonical_tools(tools: Sequence[RawTool | Tool[Any]]) -> list[dict[str, Any]]:
    """Tools in OpenAI function format, whatever form they were bound in."""
    return [
        openai_tool(item, strict=False)
        if isinstance(item, Tool)
        else _class_tool(item)
        if isinstance(item, type)
        else convert_to_openai_tool(item)
        for item in tools
    ]


_CLASS_TOOLS: weakref.WeakKeyDictionary[type, dict[str, Any]] = weakref.WeakKeyDictionary()


def _class_tool(cls: type) -> dict[str, Any]:
    """A class bound as a tool (a structured output's schema), converted once per class.

    Every planner and responder call binds its output model again; its JSON schema is worked
    out the first time only, and each binding gets its own copy.
    """
    found = _CLASS_TOOLS.get(cls)
    if found is None:
        found = _CLASS_TOOLS[cls] = convert_to_openai_tool(cls)
    copied: dict[str, Any] = _copy(found)
    return copied


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def normalize_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """Messages as JSON data: role, content, tool calls and tool call ids; no ids or metadata.

    A conversation sends its earlier messages again at every turn, as the same objects: each
    is normalized once (``IdentityMemo``), so recording a long run does not cost the square of
    its length. The normalized data is shared: treat it as read-only.
    """
    return [_NORMALIZED.get(message, _normalize) for message in messages]


def _normalize(message: BaseMessage) -> dict[str, Any]:
    item: dict[str, Any] = {"role": message.type, "content": jsonable(message.content)}
    if isinstance(message, AIMessage) and message.tool_calls:
        item["tool_calls"] = [
            {"name": c["name"], "args": jsonable(c["args"]), "id": c.get("id")}
            for c in message.tool_calls
        ]
    if isinstance(message, ToolMessage):
        item["tool_call_id"] = message.tool_call_id
    if message.name:
        item["name"] = message.name
    return item


_NORMALIZED: IdentityMemo[dict[str, Any]] = IdentityMemo(8192)
"""The messages of the conversations being recorded, normalized, by the message object."""


def normalize_request(
    messages: Sequence[BaseMessage], stop: Sequence[str] | None, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """The normalized request of one model call (see the module docstring)."""
    binding: Mapping[str, Any] = kwargs.get(BINDING) or {}
    provider = set(binding.get("provider_keys", ()))
    params = {
        key: value
        for key, value in kwargs.items()
        if key not in provider and key not in (BINDING, "tools", "tool_choice")
        and not key.startswith("ls_")
    }  # fmt: skip
    params.update(binding.get("options") or {})
    if stop is not None:
        params["stop"] = list(stop)
    return {
        "messages": normalize_messages(messages),
        "tools": list(binding.get("tools") or []),
        "tool_choice": jsonable(binding.get("tool_choice")),
        "params": jsonable(params),
    }


STOP_KEYS = ("model_name", "finish_reason", "stop_reason", "done_reason")
"""Response metadata a trace keeps: who answered, and why the answer stopped."""


def normalize_response(message: BaseMessage) -> dict[str, Any]:
    """A model's answer as JSON data: content, tool calls, usage, model name, finish reason."""
    data: dict[str, Any] = {"content": jsonable(message.content)}
    if isinstance(message, AIMessage):
        data["tool_calls"] = [
            {"name": c["name"], "args": jsonable(c["args"]), "id": c.get("id")}
            for c in message.tool_calls
        ]
        if message.invalid_tool_calls:
            data["invalid_tool_calls"] = [
                {key: c.get(key) for key in ("name", "args", "id", "error")}
                for c in message.invalid_tool_calls
            ]
        if message.usage_metadata is not None:
            data["usage"] = jsonable(dict(message.usage_metadata))
    metadata = message.response_metadata or {}
    for key in STOP_KEYS:
        if metadata.get(key) is not None:
            data[key] = jsonable(metadata[key])
    refusal = message.additional_kwargs.get("refusal")
    if isinstance(refusal, str):
        data["refusal"] = refusal
    return data


def response_result(data: Mapping[str, Any]) -> ChatResult:
    """The ``ChatResult`` a recorded answer stands for."""
    usage = data.get("usage")
    message = AIMessage(
        content=data.get("content") or "",
        tool_calls=[
            tool_call(name=c["name"], args=dict(c.get("args") or {}), id=c.get("id"))
            for c in data.get("tool_calls") or []
        ],
        invalid_tool_calls=[
            invalid_tool_call(
                name=c.get("name"), args=c.get("args"), id=c.get("id"), error=c.get("error")
            )
            for c in data.get("invalid_tool_calls") or []
        ],
        usage_metadata=UsageMetadata(**usage) if usage else None,  # type: ignore[typeddict-item]
        response_metadata={key: data[key] for key in STOP_KEYS if key in data},
        additional_kwargs={"refusal": data["refusal"]} if "refusal" in data else {},
    )
    llm_output = {"model_name": data["model_name"]} if "model_name" in data else None
    return ChatResult(generations=[ChatGeneration(message=message)], llm_output=llm_output)


def model_id(model: BaseChatModel) -> str:
    """``<type>:<model name>`` of a chat model, e.g. ``openai-chat:gpt-4o-mini``."""
    name = next(
        (
            value
            for attr in ("model_name", "model", "model_id")
            if isinstance(value := getattr(model, attr, None), str) and value
        ),
        "",
    )
    kind = model._llm_type
    return f"{kind}:{name}" if name else kind


class BoundaryChatModel(BaseChatModel):
    """A chat model whose ``bind_tools`` also binds the canonical form of the tools.

    Subclasses implement ``provider_binding`` (what the real model needs bound; nothing for a
    replay) and ``_generate``/``_agenerate``, reading the request with ``normalize_request``.
    """

    def provider_binding(
        self, tools: Sequence[RawTool], tool_choice: str | None, kwargs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The keywords the underlying model binds for these tools (none by default)."""
        return {}

    def bind_tools(
        self,
        tools: Sequence[RawTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind ``tools``: the provider's own binding plus the canonical one."""
        provider = self.provider_binding(tools, tool_choice, kwargs)
        binding = {
            "tools": canonical_tools(tools),
            "tool_choice": tool_choice,
            "options": {k: jsonable(v) for k, v in kwargs.items() if not k.startswith("ls_")},
            "provider_keys": sorted(provider),
        }
        return self.bind(**provider, **{BINDING: binding})

    def with_structured_output(
        self, schema: dict[str, Any] | type, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """LangChain's structured output by function calling, its answer parsed inline.

        The binding, the parser and what comes out (with ``include_raw``: ``raw``, ``parsed``
        and ``parsing_error``) are ``BaseChatModel.with_structured_output``'s, so requests and
        answers are the ones recorded. Only the parsing differs in where it runs: LangChain
        hands its parser and each step of its ``include_raw`` chain to a worker thread, six
        thread hops per call, which is as much as a replayed call costs otherwise.
        """
        kwargs.pop("method", None)
        kwargs.pop("strict", None)
        if kwargs:
            raise ValueError(f"Received unsupported arguments {kwargs}")
        return function_calling_output(self, schema, include_raw=include_raw)
