"""Structured output parsed in line gives what LangChain's generic method gives."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.messages.tool import tool_call
from pydantic import BaseModel

from plangate.graphs.engine.structured_output import structured_output
from plangate.graphs.offline.scripted import ScriptedChatModel


class Weather(BaseModel):
    city: str
    degrees: int


def answer(args: dict[str, Any]) -> AIMessage:
    return AIMessage("", tool_calls=[tool_call(name="Weather", args=args, id="c1")])


@pytest.mark.parametrize(
    "args", [{"city": "Porto", "degrees": 21}, {"city": "Porto"}, {"degrees": "warm"}]
)
@pytest.mark.parametrize("include_raw", [True, False])
async def test_in_line_parsing_gives_langchains_output(
    args: dict[str, Any], include_raw: bool
) -> None:
    ours = structured_output(ScriptedChatModel([answer(args)]), Weather, include_raw=include_raw)
    theirs = ScriptedChatModel([answer(args)]).with_structured_output(
        Weather, include_raw=include_raw, method="function_calling"
    )
    question = [HumanMessage("weather in Porto?")]
    try:
        expected: Any = await theirs.ainvoke(question)
    except Exception as exc:  # without include_raw a parsing error is raised: so must ours be
        with pytest.raises(type(exc)):
            await ours.ainvoke(question)
        return
    got = await ours.ainvoke(question)
    if include_raw:
        assert got["parsed"] == expected["parsed"]
        assert got["raw"].tool_calls == expected["raw"].tool_calls
        assert type(got["parsing_error"]) is type(expected["parsing_error"])
    else:
        assert got == expected


async def test_a_model_with_its_own_method_keeps_it() -> None:
    class Own(ScriptedChatModel):
        def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:
            raise NotImplementedError("the provider's own")

    with pytest.raises(NotImplementedError, match="the provider's own"):
        structured_output(Own([]), Weather)
