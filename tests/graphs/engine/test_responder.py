"""Responders: the model's structured answer, repair feedback, and the offline function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.graphs.engine.responder import FunctionResponder, LLMResponder, Responder
from plangate.graphs.offline.scripted import ScriptedChatModel, tool_call_message
from plangate.tools.errors import UsageError


class Itinerary(BaseModel):
    """What was booked."""

    summary: str
    total_eur: int


RESULTS: dict[str, Any] = {
    "s1": {"tool": "search_flights", "status": "done", "result": [{"id": "TP1", "price": 99}]},
    "s2": {"tool": "book_flight", "status": "done", "result": {"confirmation": "ABC123"}},
}
REQUEST = "Book me the cheapest flight to Porto"


async def test_llm_responder_returns_the_parsed_response_model() -> None:
    model = ScriptedChatModel(
        [tool_call_message("Itinerary", {"summary": "Booked TP1 (ABC123)", "total_eur": 99})]
    )
    responder: Responder = LLMResponder(model, instructions="Be brief.")
    answer = await responder.respond(REQUEST, RESULTS, Itinerary)
    assert answer == Itinerary(summary="Booked TP1 (ABC123)", total_eur=99)
    request = model.requests[0]
    assert (request.tool_names, request.tool_choice) == (["Itinerary"], "any")
    system, human = request.messages
    assert "in the Itinerary format" in system.text
    assert "Be brief." in system.text
    assert human.text.startswith(f"Request: {REQUEST}\n\nStep results (by step id):\n")
    assert '"confirmation": "ABC123"' in human.text


async def test_llm_responder_hands_invalid_arguments_back_as_a_dict() -> None:
    bad = tool_call_message("Itinerary", {"summary": "Booked", "total_eur": "ninety-nine"})
    answer = await LLMResponder(ScriptedChatModel([bad])).respond(REQUEST, RESULTS, Itinerary)
    assert answer == {"summary": "Booked", "total_eur": "ninety-nine"}


async def test_llm_responder_reads_json_text_or_gives_an_empty_answer() -> None:
    model = ScriptedChatModel(['```json\n{"summary": "ok", "total_eur": 1}\n```', "Done!"])
    responder = LLMResponder(model)
    assert await responder.respond(REQUEST, RESULTS, Itinerary) == {"summary": "ok", "total_eur": 1}
    assert await responder.respond(REQUEST, RESULTS, Itinerary) == {}


async def test_llm_responder_asks_again_with_the_errors() -> None:
    good = tool_call_message("Itinerary", {"summary": "Booked TP1", "total_eur": 99})
    model = ScriptedChatModel([good])
    feedback = ["total_eur: Input should be a valid integer", "summary: Field required"]
    await LLMResponder(model).respond(REQUEST, RESULTS, Itinerary, feedback)
    last = model.requests[0].messages[-1]
    assert last.text == (
        "Your previous answer did not match Itinerary:\n"
        "1. total_eur: Input should be a valid integer\n"
        "2. summary: Field required\n"
        "Answer again with every field valid."
    )


async def test_llm_responder_prompts_are_deterministic() -> None:
    reply = tool_call_message("Itinerary", {"summary": "x", "total_eur": 1})
    model = ScriptedChatModel([reply, reply])
    shuffled = dict(reversed(list(RESULTS.items())))
    await LLMResponder(model).respond(REQUEST, RESULTS, Itinerary)
    await LLMResponder(model).respond(REQUEST, shuffled, Itinerary)
    assert model.requests[0].messages == model.requests[1].messages


async def test_function_responder_calls_sync_and_async_functions() -> None:
    def sync_answer(request: str, results: Mapping[str, Any]) -> Itinerary:
        return Itinerary(summary=f"{request}: {len(results)} steps", total_eur=99)

    async def async_answer(request: str, results: Mapping[str, Any]) -> dict[str, Any]:
        return {"summary": "async", "total_eur": 1}

    assert await FunctionResponder(sync_answer).respond(REQUEST, RESULTS, Itinerary) == Itinerary(
        summary=f"{REQUEST}: 2 steps", total_eur=99
    )
    assert await FunctionResponder(async_answer).respond("x", {}, Itinerary) == {
        "summary": "async",
        "total_eur": 1,
    }


async def test_function_responder_with_feedback_points_at_the_function() -> None:
    def answer(request: str, results: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    responder = FunctionResponder(answer)
    with pytest.raises(UsageError, match=r"responder .*answer returned .* not a valid Itinerary"):
        await responder.respond(REQUEST, RESULTS, Itinerary, ["summary: Field required"])
    with pytest.raises(UsageError, match="expects a function"):
        FunctionResponder("not callable")  # type: ignore[arg-type]
