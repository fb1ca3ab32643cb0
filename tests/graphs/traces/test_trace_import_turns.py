"""Real chat logs import: several user turns, reused tool_call ids, logged tool errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plangate.graphs.traces.format import RunRecord, ToolResultRecord, parse_trace
from plangate.graphs.traces.openai_import import import_openai
from plangate.graphs.traces.openai_log import logged_error, parse_conversation
from plangate.graphs.traces.replay import replay
from tests.traces.agents import replica

PRICES = {"tea": 4, "cake": 6, "pie": 9}


def calls(*pairs: tuple[str, str]) -> dict[str, Any]:
    """An assistant message calling get_price once per ``(id, item)``."""
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": cid, "type": "function",
         "function": {"name": "get_price", "arguments": json.dumps({"item": item})}}
        for cid, item in pairs
    ]}  # fmt: skip


def tool(cid: str, content: str, **extra: Any) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": cid, "content": content, **extra}


def answer(summary: str, total: int) -> dict[str, Any]:
    return {"role": "assistant", "content": json.dumps({"summary": summary, "total": total})}


MULTI_TURN: list[dict[str, Any]] = [
    {"role": "system", "content": "You are a tea shop assistant."},
    {"role": "user", "content": "How much is tea?"},
    calls(("call_0", "tea")),
    tool("call_0", "4"),
    answer("Tea is 4.", 4),
    {"role": "user", "content": [{"type": "text", "text": "And pie? And coffee?"}]},
    calls(("call_0", "pie"), ("call_1", "coffee")),
    tool("call_1", "Error: we do not sell coffee"),  # answered out of order, by id
    tool("call_0", "9"),
    answer("Pie is 9; no coffee.", 9),
]


async def test_several_user_turns_import_as_one_run_each_and_replay() -> None:
    trace = await import_openai(MULTI_TURN, replica, agent="shop", thread_id="t")
    runs = trace.of_type(RunRecord)
    assert [(r.thread_id, r.request) for r in runs] == [
        ("t", "How much is tea?"),
        ("t-2", "And pie? And coffee?"),
    ]
    results = trace.of_type(ToolResultRecord)
    assert [(r.thread_id, r.result) for r in results] == [("t", 4), ("t-2", 9), ("t-2", None)]
    error = results[2].error
    assert error is not None
    assert (error["type"], error["message"]) == ("LoggedToolError", "we do not sell coffee")
    report = await replay(parse_trace(trace.dumps()), replica)
    assert report.ok, report.diff
    assert report.runs == 2
    responses = [r.response.model_dump() for r in report.results if r.response is not None]
    assert responses == [
        {"summary": "Tea is 4.", "total": 4},
        {"summary": "Pie is 9; no coffee.", "total": 9},
    ]


def test_a_reused_id_is_answered_by_the_nearest_open_call_and_never_overwritten() -> None:
    log = [
        {"role": "user", "content": "tea, then pie"},
        calls(("call_0", "tea")),
        tool("call_0", "4"),
        calls(("call_0", "pie")),
        tool("call_0", "9"),
        answer("13", 13),
    ]
    turns = parse_conversation(log).requests[0].turns
    assert [(c.args["item"], c.result) for t in turns for c in t.calls] == [
        ("tea", "4"),
        ("pie", "9"),
    ]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        (tool("c", "Error: we do not sell coffee"), "we do not sell coffee"),
        (tool("c", "  error:not found"), "not found"),
        (tool("c", '{"error": "no such item"}'), "no such item"),
        (tool("c", '{"error": {"code": 404, "message": "gone"}}'), "gone"),
        (tool("c", '{"error": {"code": 404}}'), '{"code": 404}'),
        (tool("c", "out of stock", is_error=True), "out of stock"),
        (tool("c", "out of stock", status="error"), "out of stock"),
        (tool("c", '{"error": null, "price": 4}'), None),
        (tool("c", '{"error": false}'), None),
        (tool("c", "4"), None),
        (tool("c", "Errors are rare here"), None),
    ],
)
def test_which_tool_messages_are_logged_errors(message: dict[str, Any], error: str | None) -> None:
    assert logged_error(message, message["content"]) == error


async def test_a_logged_tool_error_imports_as_a_failed_call_not_a_bad_result() -> None:
    log = [
        {"role": "user", "content": "coffee?"},
        calls(("c1", "coffee")),
        tool("c1", json.dumps({"error": {"message": "not on the menu"}})),
        answer("No coffee.", 0),
    ]
    trace = await import_openai(log, replica, agent="shop")
    (result,) = trace.of_type(ToolResultRecord)
    assert result.error is not None
    assert result.error["message"] == "not on the menu"
    assert (await replay(trace, replica)).ok


def test_legacy_function_messages_are_read_as_tool_calls() -> None:
    log = [
        {"role": "user", "content": "tea?"},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_price", "arguments": '{"item": "tea"}'}},
        {"role": "function", "name": "get_price", "content": "4"},
        answer("4", 4),
    ]  # fmt: skip
    (call,) = parse_conversation(log).requests[0].turns[0].calls
    assert (call.name, call.args, call.result) == ("get_price", {"item": "tea"}, "4")


ITEMS = st.sampled_from(["tea", "cake", "pie", "coffee"])
ERRORS = st.sampled_from(["Error: no {item}", '{{"error": "no {item}"}}', "!flag"])


@st.composite
def conversations(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Any]]:
    """A multi-turn log with ids reused across turns, tool errors, and the results to expect."""
    log: list[dict[str, Any]] = [{"role": "system", "content": "shop"}]
    expected: list[Any] = []
    for number in range(draw(st.integers(1, 3))):
        log.append({"role": "user", "content": f"question {number}"})
        for _ in range(draw(st.integers(0, 2))):
            items = draw(st.lists(ITEMS, min_size=1, max_size=3))
            ids = [f"call_{n}" for n in range(len(items))]  # reused in every turn
            log.append(calls(*zip(ids, items, strict=True)))
            replies = []
            for cid, item in zip(ids, items, strict=True):
                if item == "coffee" or (draw(st.booleans()) and draw(st.booleans())):
                    form = draw(ERRORS)
                    flag = form == "!flag"
                    text = f"no {item}" if flag else form.format(item=item)
                    replies.append(tool(cid, text, **({"is_error": True} if flag else {})))
                    expected.append(("error", f"no {item}"))
                else:
                    replies.append(tool(cid, str(PRICES[item])))
                    expected.append(PRICES[item])
            log.extend(draw(st.permutations(replies)))
        log.append(answer(f"answer {number}", number))
    return log, expected


@settings(max_examples=25, deadline=None)
@given(conversations())
def test_generated_multi_turn_logs_import_and_replay(case: tuple[list[Any], list[Any]]) -> None:
    log, expected = case

    async def check() -> None:
        trace = await import_openai(log, replica, agent="shop")
        results = sorted(trace.of_type(ToolResultRecord), key=lambda r: (r.thread_id, r.step_id))
        got = [("error", r.error["message"]) if r.error else r.result for r in results]
        assert got == expected  # in request, turn and call order: each call got its own reply
        report = await replay(parse_trace(trace.dumps()), replica)
        assert report.ok, report.diff
        assert report.runs == sum(1 for m in log if m["role"] == "user")

    asyncio.run(check())
