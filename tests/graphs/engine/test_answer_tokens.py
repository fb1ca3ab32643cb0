"""The answer's tokens stream as ``AnswerToken`` events, under both strategies."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import AnswerToken, Event, FinalAnswer, parse_event
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.responder import LLMResponder
from plangate.graphs.guards.guardrails import Stage
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message
from plangate.graphs.traces.format import EventRecord
from plangate.graphs.traces.recording import Recorder
from tests.graphs.engine.test_engine import Answer, Shop
from tests.graphs.engine.test_engine_strategies import runtime


class StreamingScriptedModel(ScriptedChatModel):
    """``ScriptedChatModel`` over a streaming API, as a provider streams: words one by one,
    then each tool call as a first chunk with its name and id and its arguments in pieces."""

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        result = await self._agenerate(messages, stop, None, **kwargs)
        message = result.generations[0].message
        assert isinstance(message, AIMessage)
        for word in re.findall(r"\S+\s*", message.text):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word))
        for index, call in enumerate(message.tool_calls):
            head = {"name": call["name"], "id": call["id"], "args": "", "index": index}
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[head]))
            args = json.dumps(call["args"])
            for at in range(0, len(args), 7):
                piece = {"name": None, "id": None, "args": args[at : at + 7], "index": index}
                yield ChatGenerationChunk(
                    message=AIMessageChunk(content="", tool_call_chunks=[piece])
                )
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                response_metadata={"finish_reason": "stop", "model_name": self.model_name},
            )
        )


def answer_call(summary: str, total: int) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[{"name": "Answer", "args": {"summary": summary, "total": total}, "id": "a1"}],
    )


PLAN = Plan.model_validate({"steps": [{"id": "a", "tool": "get_price", "args": {"item": "tea"}}]})


async def events_of(engine: Engine, request: str) -> list[Event]:
    return [event async for event in engine.stream(request, thread_id="t")]


def tokens(events: list[Event]) -> list[AnswerToken]:
    return [e for e in events if isinstance(e, AnswerToken)]


async def test_plan_strategy_streams_the_answer_arguments_in_order_before_the_final() -> None:
    model = StreamingScriptedModel([plan_message(PLAN), answer_call("tea costs 4", 4)])
    engine = Engine(runtime(Shop(), planner=LLMPlanner(model), responder=LLMResponder(model)))
    events = await events_of(engine, "price of tea")
    streamed = tokens(events)
    assert len(streamed) > 3  # piece by piece, not at once
    assert {t.format for t in streamed} == {"json"}
    assert {t.attempt for t in streamed} == {1}
    assert json.loads("".join(t.text for t in streamed)) == {"summary": "tea costs 4", "total": 4}
    assert isinstance(events[-1], FinalAnswer)
    assert events.index(streamed[-1]) < len(events) - 1
    result = await engine.result("t")
    assert result.response == Answer(summary="tea costs 4", total=4)


async def test_react_strategy_streams_the_answer_not_the_tool_turns() -> None:
    turn = AIMessage(
        content="Looking it up. ",
        tool_calls=[{"name": "get_price", "args": {"item": "tea"}, "id": "c1"}],
    )
    model = StreamingScriptedModel(
        [turn, AIMessage(content="Tea is 4."), answer_call("tea is 4", 4)]
    )
    engine = Engine(
        runtime(
            Shop(),
            planner=LLMPlanner(model),
            responder=LLMResponder(model),
            strategy="react",
            react_model=model,
        )
    )
    events = await events_of(engine, "price of tea")
    text = "".join(t.text for t in tokens(events))
    assert json.loads(text) == {"summary": "tea is 4", "total": 4}
    assert "Looking" not in text
    assert (await engine.result("t")).response == Answer(summary="tea is 4", total=4)


async def test_a_repaired_answer_streams_again_under_the_next_attempt() -> None:
    bad = AIMessage(
        content="",
        tool_calls=[{"name": "Answer", "args": {"summary": 5}, "id": "a0"}],
    )
    model = StreamingScriptedModel([plan_message(PLAN), bad, answer_call("fixed", 4)])
    engine = Engine(runtime(Shop(), planner=LLMPlanner(model), responder=LLMResponder(model)))
    streamed = tokens(await events_of(engine, "price of tea"))
    by_attempt: dict[int, str] = {}
    for token in streamed:
        by_attempt[token.attempt] = by_attempt.get(token.attempt, "") + token.text
    assert json.loads(by_attempt[1]) == {"summary": 5}
    assert json.loads(by_attempt[2]) == {"summary": "fixed", "total": 4}


async def test_output_guardrails_redact_each_piece_before_it_is_sent() -> None:
    words = "Booked. Confirmation sent to alice@example.com today. Done."
    answer = answer_call("sent to bob@example.com", 4)
    model = StreamingScriptedModel(
        [plan_message(PLAN), AIMessage(content=words, tool_calls=answer.tool_calls)]
    )
    responder = LLMResponder(model)
    engine = Engine(
        runtime(
            Shop(),
            planner=LLMPlanner(model),
            responder=responder,
            guardrails=[PIIRedaction(stages=[Stage.OUTPUT])],
        )
    )
    events = await events_of(engine, "price of tea")
    streamed = tokens(events)
    said = [t.text for t in streamed if t.format == "text"]
    assert len(said) == 3  # a piece per sentence, held back until it ends
    assert said[0] == "Booked. "
    assert said[2] == "Done."
    assert "alice@example.com" not in said[1]
    assert said[1].endswith("today. ")
    arguments = "".join(t.text for t in streamed if t.format == "json")
    assert "bob@example.com" not in arguments
    assert arguments.startswith('{"summary": "sent to ')
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert "bob@example.com" not in final.response["summary"]


async def test_a_model_that_cannot_stream_and_an_offline_responder_send_no_tokens() -> None:
    model = ScriptedChatModel([plan_message(PLAN), answer_call("tea costs 4", 4)])
    engine = Engine(runtime(Shop(), planner=LLMPlanner(model), responder=LLMResponder(model)))
    events = await events_of(engine, "price of tea")
    assert tokens(events) == []
    assert isinstance(events[-1], FinalAnswer)
    offline = Engine(runtime(Shop(), planner=LLMPlanner(ScriptedChatModel([plan_message(PLAN)]))))
    assert tokens(await events_of(offline, "price of tea")) == []


def test_a_token_event_parses_from_its_json() -> None:
    token = AnswerToken(text='{"su', attempt=2, format="json")
    assert parse_event(token.model_dump(mode="json")) == token


async def test_a_recorded_run_streams_tokens_but_its_trace_keeps_none() -> None:
    model = StreamingScriptedModel([plan_message(PLAN), answer_call("tea costs 4", 4)])
    engine = Engine(runtime(Shop(), planner=LLMPlanner(model), responder=LLMResponder(model)))
    recorder = Recorder(None, agent="shop")
    events = [e async for e in recorder.stream(engine, "price of tea", thread_id="t")]
    assert tokens(events)
    kinds = [r.event.kind for r in recorder.trace.records if isinstance(r, EventRecord)]
    assert "final" in kinds
    assert "answer_token" not in kinds
