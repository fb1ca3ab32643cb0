"""Structured output by function calling, its answer parsed where it arrives.

LangChain's generic ``BaseChatModel.with_structured_output`` hands its parser, and each step of
its ``include_raw`` chain, to a worker thread: six thread hops per model call, a large share of
the CPU of a planner or responder call to a fast model. ``function_calling_output`` binds and
parses exactly as that method does (the same tool binding, parser and ``raw`` / ``parsed`` /
``parsing_error`` output) and parses in the calling task. ``structured_output`` uses it for a
model that keeps LangChain's generic method, and the model's own method otherwise (a provider
that overrides it knows its own API best).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    JsonOutputToolsParser,
    PydanticToolsParser,
)
from langchain_core.outputs import ChatGeneration
from langchain_core.runnables import Runnable, RunnableLambda
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel

StructuredRunnable = Runnable[LanguageModelInput, dict[str, Any] | BaseModel]


def structured_output(
    model: BaseChatModel, schema: dict[str, Any] | type, *, include_raw: bool = False
) -> StructuredRunnable:
    """``model.with_structured_output(schema, method="function_calling")``, parsed in line when
    ``model`` keeps LangChain's generic implementation."""
    if type(model).with_structured_output is BaseChatModel.with_structured_output:
        return function_calling_output(model, schema, include_raw=include_raw)
    return model.with_structured_output(schema, include_raw=include_raw, method="function_calling")


def function_calling_output(
    model: BaseChatModel, schema: dict[str, Any] | type, *, include_raw: bool = False
) -> StructuredRunnable:
    """What ``BaseChatModel.with_structured_output`` builds for function calling, its parsing
    done in the calling task rather than in worker threads."""
    llm = model.bind_tools(
        [schema],
        tool_choice="any",
        ls_structured_output_format={"kwargs": {"method": "function_calling"}, "schema": schema},
    )
    parser: JsonOutputToolsParser
    if isinstance(schema, type) and is_basemodel_subclass(schema):
        parser = PydanticToolsParser(tools=[schema], first_tool_only=True)
    else:
        key_name = convert_to_openai_tool(schema)["function"]["name"]
        parser = JsonOutputKeyToolsParser(key_name=key_name, first_tool_only=True)

    def parse(message: BaseMessage) -> Any:
        return parser.parse_result([ChatGeneration(message=message)])

    def parse_raw(message: BaseMessage) -> dict[str, Any]:
        try:
            parsed = parse(message)
        except Exception as exc:  # as LangChain's fallback: the error is part of the output
            return {"raw": message, "parsed": None, "parsing_error": exc}
        return {"raw": message, "parsed": parsed, "parsing_error": None}

    step = parse_raw if include_raw else parse
    return llm | RunnableLambda(step, afunc=_in_line(step), name=parser.get_name())


def _in_line(step: Callable[[BaseMessage], Any]) -> Callable[[BaseMessage], Awaitable[Any]]:
    async def run(message: BaseMessage) -> Any:
        return step(message)

    return run
