"""The answer's tokens reach Server-Sent Events clients, coalesced into pieces."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.local import local_service
from plangate.demos.serve.token_pieces import PIECE_CHARS, coalesce_tokens
from plangate.graphs.engine.events import AnswerToken, Event, FinalAnswer, RunStarted
from plangate.graphs.engine.plan import Plan
from plangate.graphs.offline.scripted import plan_message
from plangate.tools.clock import PinnedClock
from tests.demos.serve.api import FIND, NOW, TABLES, parse_sse
from tests.graphs.engine.test_answer_tokens import StreamingScriptedModel, answer_call


async def _events(*events: Event) -> AsyncIterator[Event]:
    for event in events:
        yield event


async def test_tokens_are_joined_per_attempt_and_sent_before_any_other_event() -> None:
    given = [
        RunStarted(thread_id="t", request="r"),
        AnswerToken(text="ab"),
        AnswerToken(text="cd"),
        AnswerToken(text="x", attempt=2),
        AnswerToken(text="y", attempt=2, format="json"),
        FinalAnswer(response={}),
        AnswerToken(text="z"),
    ]
    got = [event async for event in coalesce_tokens(_events(*given))]
    assert got == [
        given[0],
        AnswerToken(text="abcd"),
        AnswerToken(text="x", attempt=2),
        AnswerToken(text="y", attempt=2, format="json"),
        given[5],
        AnswerToken(text="z"),
    ]


async def test_a_piece_is_sent_once_it_is_long_enough() -> None:
    tokens = [AnswerToken(text="abc") for _ in range(7)]
    got = [event async for event in coalesce_tokens(_events(*tokens), piece_chars=6)]
    assert [e.text for e in got if isinstance(e, AnswerToken)] == ["abcabc"] * 3 + ["abc"]


async def test_the_event_stream_carries_the_answer_as_it_is_written(tmp_path: Path) -> None:
    plan = Plan.model_validate(
        {
            "steps": [
                {
                    "id": "find",
                    "tool": "search_restaurants",
                    "args": {"city": "Lisbon", "party_size": 2, "date": "2026-03-11", "limit": 3},
                }
            ]
        }
    )
    summary = "Three venues have a table for two in Lisbon on Wednesday evening. " * 5
    answer = answer_call(summary, 0)
    answer.tool_calls[0]["name"] = "TableAnswer"
    answer.tool_calls[0]["args"] = {"summary": summary, "venues": []}
    model = StreamingScriptedModel([plan_message(plan), answer])
    specs = resolve_agents([TABLES])
    async with local_service(tmp_path, specs, clock=PinnedClock(NOW), model=model) as service:
        app = create_app(service, max_body=4096, wait_seconds=5)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            await http.post("/threads", json={"thread_id": "s1"})
            body = {"agent_id": "tables", "input": {"request": FIND}}
            messages = parse_sse((await http.post("/threads/s1/runs/stream", json=body)).text)
    kinds = [m["event"] for m in messages]
    pieces = [m["data"]["text"] for m in messages if m["event"] == "answer_token"]
    assert len(pieces) >= 2  # the answer grows a piece at a time...
    assert len(pieces) < len(summary) // 7  # ...not a stored event per token
    assert all(len(piece) >= PIECE_CHARS for piece in pieces[:-1])
    assert kinds.index("final") > max(i for i, k in enumerate(kinds) if k == "answer_token")
    final = messages[kinds.index("final")]["data"]["response"]
    assert json.loads("".join(pieces)) == {"summary": summary, "venues": []}
    assert final == {"summary": summary, "venues": [], "booking_id": None}
