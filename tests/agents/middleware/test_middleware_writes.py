"""A write retried or resumed after a lost reply happens once, on a real ``create_agent`` agent."""

from __future__ import annotations

import pytest
from langchain.agents.middleware import ToolRetryMiddleware
from langchain_core.messages import ToolMessage

from plangate.agents.middleware import PlangateMiddleware
from plangate.tools.errors import UsageError
from plangate.tools.ledger import MemoryLedger, WriteState
from tests.agents.middleware.bank import Bank, ReplyLostError, ask, build_agent, calls

CONFIG = {"configurable": {"thread_id": "t-writes"}}


async def test_a_write_resumed_after_a_lost_reply_happens_once() -> None:
    bank = Bank(lose_replies=1)
    ledger = MemoryLedger()
    guard = PlangateMiddleware(
        effects={"read_notes": "read"}, ledger=ledger, reconcilers={"transfer": bank.find}
    )
    script = [calls("transfer", {"to": "alice", "amount": 40}, "call_t1"), "Sent 40 to alice."]
    agent, _ = build_agent(bank, script, [guard])

    with pytest.raises(ReplyLostError):
        await agent.ainvoke(ask("send alice 40"), CONFIG)
    [entry] = ledger.entries()
    assert entry.state is WriteState.UNKNOWN

    result = await agent.ainvoke(None, CONFIG)  # resume from the checkpoint: same tool call id

    assert bank.attempts == 1
    assert list(bank.transfers.values()) == [{"to": "alice", "amount": 40, "id": "tr_1"}]
    reply = next(m for m in result["messages"] if isinstance(m, ToolMessage))
    assert '"tr_1"' in reply.text
    assert reply.response_metadata["plangate"]["reused"] is True
    assert (await ledger.get(entry.key)).state is WriteState.COMMITTED  # type: ignore[union-attr]
    assert result["messages"][-1].text == "Sent 40 to alice."


async def test_a_write_retried_by_tool_retry_middleware_happens_once() -> None:
    bank = Bank(lose_replies=1)
    guard = PlangateMiddleware(effects={"read_notes": "read"}, reconcilers={"transfer": bank.find})
    retry = ToolRetryMiddleware(max_retries=2, initial_delay=0, jitter=False)
    script = [calls("transfer", {"to": "bob", "amount": 7}, "call_t2"), "Done."]
    agent, _ = build_agent(bank, script, [retry, guard])  # the retry wraps the ledger

    result = await agent.ainvoke(ask("send bob 7"), CONFIG)

    assert bank.attempts == 1
    assert len(bank.transfers) == 1
    assert result["messages"][-1].text == "Done."


async def test_without_a_reconciler_an_unknown_write_is_not_sent_again() -> None:
    bank = Bank(lose_replies=1)
    guard = PlangateMiddleware(effects={"read_notes": "read"})
    script = [calls("transfer", {"to": "carol", "amount": 3}, "call_t3"), "I could not confirm."]
    agent, _ = build_agent(bank, script, [guard])
    with pytest.raises(ReplyLostError):
        await agent.ainvoke(ask("send carol 3"), CONFIG)

    result = await agent.ainvoke(None, CONFIG)

    assert bank.attempts == 1
    reply = next(m for m in result["messages"] if isinstance(m, ToolMessage))
    assert reply.status == "error"
    assert "Not sent again" in reply.text
    assert "unknown" in reply.text


async def test_the_same_call_in_another_thread_is_another_write() -> None:
    bank = Bank()
    ledger = MemoryLedger()
    guard = PlangateMiddleware(effects={"read_notes": "read"}, ledger=ledger)
    for thread in ("a", "b"):
        script = [calls("transfer", {"to": "dan", "amount": 1}, "call_0"), "ok"]
        agent, _ = build_agent(bank, script, [guard])
        await agent.ainvoke(ask("send dan 1"), {"configurable": {"thread_id": thread}})
    assert len(bank.transfers) == 2
    assert len({entry.key for entry in ledger.entries()}) == 2


async def test_a_write_without_a_thread_id_is_refused_with_a_usage_error() -> None:
    bank = Bank()
    guard = PlangateMiddleware(effects={"read_notes": "read"})
    agent, _ = build_agent(bank, [calls("transfer", {"to": "eve", "amount": 1}, "call_0")], [guard])

    with pytest.raises(UsageError, match="thread id"):
        await agent.ainvoke(ask("send eve 1"), {"configurable": {"thread_id": ""}})
    assert bank.attempts == 0
