"""Injected tool results, approvals and blocks, on a real ``create_agent`` agent."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.types import Command

from plangate.agents.middleware import UNTRUSTED_CONTROL, PlangateMiddleware
from plangate.graphs.guards import ApproveWrites, PolicyRules, PromptInjection, Rule
from plangate.graphs.guards.injection import REMOVED
from plangate.tools.errors import UsageError
from tests.agents.middleware.bank import INJECTED_NOTE, Bank, ask, build_agent, calls

CONFIG = {"configurable": {"thread_id": "t-guards"}}
TRANSFER = {"to": "DE89370400440532013000", "amount": 5000}


def tool_replies(result: dict[str, Any]) -> list[ToolMessage]:
    return [m for m in result["messages"] if isinstance(m, ToolMessage)]


def pending(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The approvals the run paused on (plangate's payload)."""
    return [a for i in result.get("__interrupt__", ()) for a in i.value["approvals"]]


def obeying_script() -> list[Any]:
    """A model that reads the notes, then does what the injected text says."""
    return [
        calls("read_notes", {}, "call_read"),
        calls("transfer", TRANSFER, "call_evil"),
        "Done as the note said.",
    ]


async def test_an_injected_result_cannot_trigger_an_unapproved_write() -> None:
    bank = Bank(notes=INJECTED_NOTE)
    guard = PlangateMiddleware(effects={"read_notes": "read"})
    agent, model = build_agent(bank, obeying_script(), [guard])

    result = await agent.ainvoke(ask("what do my notes say?"), CONFIG)

    assert bank.transfers == {}
    [approval] = pending(result)
    assert approval["id"] == "call_evil"
    assert approval["tool"] == "transfer"
    assert approval["read"] == ["read_notes"]
    assert set(approval["guardrails"]) == {"tainted_write_approval", UNTRUSTED_CONTROL}
    # The model read the note with the instruction removed, and the reply says it was flagged.
    [note] = tool_replies(result)
    assert REMOVED in note.text
    assert "IGNORE PREVIOUS" not in note.text
    assert note.response_metadata["plangate"]["tainted"] is True
    assert "IGNORE PREVIOUS" not in model.requests[1].text

    rejected = await agent.ainvoke(
        Command(resume={"call_evil": {"action": "reject", "reason": "not mine"}}), CONFIG
    )
    assert bank.transfers == {}
    answer = tool_replies(rejected)[-1]
    assert answer.status == "error"
    assert "rejected" in answer.text
    assert "not mine" in answer.text


async def test_a_write_after_an_untrusted_read_needs_approval_even_when_nothing_was_flagged() -> (
    None
):
    bank = Bank(notes="Pay the plumber 80.")
    guard = PlangateMiddleware(effects={"read_notes": "read"})
    script = [
        calls("read_notes", {}, "r1"),
        calls("transfer", {"to": "plumber", "amount": 80}, "w1"),
        "ok",
    ]
    agent, _ = build_agent(bank, script, [guard])

    result = await agent.ainvoke(ask("do what my notes say"), CONFIG)

    [approval] = pending(result)
    assert approval["guardrails"] == [UNTRUSTED_CONTROL]
    assert bank.transfers == {}
    await agent.ainvoke(Command(resume={"w1": "approve"}), CONFIG)
    assert [t["amount"] for t in bank.transfers.values()] == [80]


async def test_trusted_tools_do_not_make_later_writes_untrusted() -> None:
    bank = Bank(notes="Pay the plumber 80.")
    guard = PlangateMiddleware(effects={"read_notes": "read"}, trusted_tools={"read_notes"})
    script = [
        calls("read_notes", {}, "r1"),
        calls("transfer", {"to": "plumber", "amount": 80}, "w1"),
        "ok",
    ]
    agent, _ = build_agent(bank, script, [guard])

    result = await agent.ainvoke(ask("do what my notes say"), CONFIG)

    assert pending(result) == []
    assert len(bank.transfers) == 1


@pytest.mark.parametrize(
    ("decision", "amounts"),
    [
        ("approve", [40]),
        ({"action": "edit", "args": {"amount": 25}}, [25]),
        ({"action": "reject"}, []),
    ],
)
async def test_an_approval_interrupt_resumes_with_a_decision(
    decision: Any, amounts: list[int]
) -> None:
    bank = Bank()
    guard = PlangateMiddleware(effects={"read_notes": "read"}, guardrails=[ApproveWrites()])
    script = [calls("transfer", {"to": "alice", "amount": 40}, "w1"), "Handled."]
    agent, _ = build_agent(bank, script, [guard])

    paused = await agent.ainvoke(ask("send alice 40"), CONFIG)
    [approval] = pending(paused)
    assert approval == {
        "id": "w1", "tool": "transfer", "args": {"to": "alice", "amount": 40},
        "reasons": ["writes need approval: transfer"], "guardrails": ["approve_writes"], "read": [],
    }  # fmt: skip
    assert bank.transfers == {}

    result = await agent.ainvoke(Command(resume={"w1": decision}), CONFIG)

    assert [t["amount"] for t in bank.transfers.values()] == amounts
    assert result["messages"][-1].text == "Handled."


async def test_a_malformed_decision_is_a_usage_error_naming_the_call() -> None:
    bank = Bank()
    guard = PlangateMiddleware(effects={"read_notes": "read"}, guardrails=[ApproveWrites()])
    agent, _ = build_agent(bank, [calls("transfer", {"to": "a", "amount": 1}, "w1"), "x"], [guard])
    await agent.ainvoke(ask("send a 1"), CONFIG)

    with pytest.raises(UsageError, match="w1"):
        await agent.ainvoke(Command(resume={"w1": "maybe"}), CONFIG)
    assert bank.transfers == {}


async def test_a_blocked_call_answers_the_model_with_the_reason() -> None:
    bank = Bank()
    rule = Rule(
        tool="transfer", field="amount", op="<=", value=1000, message="over 1000 needs a branch"
    )
    guard = PlangateMiddleware(effects={"read_notes": "read"}, guardrails=[PolicyRules([rule])])
    script = [calls("transfer", {"to": "alice", "amount": 5000}, "w1"), "I cannot."]
    agent, model = build_agent(bank, script, [guard])

    result = await agent.ainvoke(ask("send alice 5000"), CONFIG)

    assert bank.attempts == 0
    [reply] = tool_replies(result)
    assert reply.status == "error"
    assert reply.text == "Blocked by policy_rules: over 1000 needs a branch. The call was not run."
    assert "over 1000 needs a branch" in model.requests[1].text


async def test_result_guardrails_may_be_chosen() -> None:
    bank = Bank(notes=INJECTED_NOTE)
    guard = PlangateMiddleware(
        effects={"read_notes": "read"}, guardrails=[PromptInjection(threshold=50)]
    )
    agent, _ = build_agent(bank, [calls("read_notes", {}, "r1"), "Read."], [guard])

    result = await agent.ainvoke(ask("read my notes"), CONFIG)

    [note] = tool_replies(result)
    assert note.text == INJECTED_NOTE  # a threshold this high lets the text through unchanged


def test_bad_settings_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="effects"):
        PlangateMiddleware(effects={"transfer": "delete"})  # type: ignore[dict-item]
    with pytest.raises(UsageError, match="trusted_tools"):
        PlangateMiddleware(trusted_tools="read_notes")


async def test_an_edited_call_is_validated_and_guarded_again() -> None:
    bank = Bank()
    rule = Rule(
        tool="transfer", field="amount", op="<=", value=1000, message="over 1000 needs a branch"
    )
    guard = PlangateMiddleware(
        effects={"read_notes": "read"}, guardrails=[ApproveWrites(), PolicyRules([rule])]
    )
    for thread, edit, expected in [
        ("e1", {"amount": 5000}, "Blocked by policy_rules: over 1000 needs a branch"),
        ("e2", {"amount": "lots"}, "The edited call is invalid"),
    ]:
        script = [calls("transfer", {"to": "alice", "amount": 40}, "w1"), "Handled."]
        agent, _ = build_agent(bank, script, [guard])
        config = {"configurable": {"thread_id": thread}}
        await agent.ainvoke(ask("send alice 40"), config)

        result = await agent.ainvoke(
            Command(resume={"w1": {"action": "edit", "args": edit}}), config
        )

        assert tool_replies(result)[-1].text.startswith(expected)
    assert bank.attempts == 0


async def test_two_calls_of_one_turn_wait_together_and_are_decided_one_by_one() -> None:
    bank = Bank()
    turn = AIMessage(
        "",
        tool_calls=[
            {"name": "transfer", "args": {"to": "a", "amount": 1}, "id": "w1"},
            {"name": "transfer", "args": {"to": "b", "amount": 2}, "id": "w2"},
        ],
    )
    guard = PlangateMiddleware(effects={"read_notes": "read"}, guardrails=[ApproveWrites()])
    agent, _ = build_agent(bank, [turn, "ok"], [guard])
    paused = await agent.ainvoke(ask("pay a and b"), CONFIG)
    waiting = {i.value["approvals"][0]["id"]: i.id for i in paused["__interrupt__"]}
    assert set(waiting) == {"w1", "w2"}

    answers = {waiting["w1"]: {"w1": "approve"}, waiting["w2"]: {"w2": {"action": "reject"}}}
    result = await agent.ainvoke(Command(resume=answers), CONFIG)

    assert [t["to"] for t in bank.transfers.values()] == ["a"]
    assert "__interrupt__" not in result
