"""Runs that outlive their Engine on PostgreSQL: checkpoints and ledger in one database."""

from __future__ import annotations

import pytest

from plangate.graphs.engine.encryption import CheckpointKeyError, checkpoint_serde
from plangate.graphs.engine.persistence import postgres_checkpointer
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.errors import UsageError
from plangate.tools.ledger import WriteState
from plangate.tools.ledger_postgres import PostgresLedger, redact_url
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import ScriptedPlanner, Shop, get_price, place_order, step
from tests.graphs.engine.test_engine_persistence import make_engine

PLAN = {
    "steps": [
        step("a", "get_price", args={"item": "tea"}),
        step("b", "place_order", args={"item": "tea", "qty": 1, "note": "price ${a}"}),
    ]
}
KEY = "00112233445566778899aabbccddeeff"


async def test_a_paused_run_resumes_in_a_new_engine_from_postgres(postgres_url: str) -> None:
    shop = Shop()
    toolset = Toolset([get_price, place_order], deps=shop)
    async with (
        PostgresLedger.connect(postgres_url) as ledger,
        postgres_checkpointer(postgres_url, key=KEY) as saver,
    ):
        first = make_engine(
            toolset, ScriptedPlanner(PLAN), ledger=ledger, checkpointer=saver,
            guardrails=[ApproveWrites()],
        )  # fmt: skip
        paused = await first.run("tea", thread_id="pg-paused")
    assert paused.status == "paused"
    assert [a["id"] for a in paused.approvals] == ["b"]

    async with (
        PostgresLedger.connect(postgres_url) as ledger,
        postgres_checkpointer(postgres_url, key=KEY) as saver,
    ):
        second = make_engine(
            toolset, ScriptedPlanner(), ledger=ledger, checkpointer=saver,
            guardrails=[ApproveWrites()],
        )  # fmt: skip
        assert [a["id"] for a in await second.pending_approvals("pg-paused")] == ["b"]
        done = await second.resume("pg-paused", {"b": "approve"})
        entries = await ledger.entries()
    assert done.status == "done", done.error
    assert done.steps["b"]["args"]["note"] == "price 4"
    assert shop.calls == ["price:tea", "order:tea"], "a read ran again or the write twice"
    assert [e.state for e in entries if e.tool == "place_order"] == [WriteState.COMMITTED]


async def test_checkpoints_written_with_a_key_cannot_be_read_without_it(
    postgres_url: str,
) -> None:
    toolset = Toolset([get_price, place_order], deps=Shop())
    async with postgres_checkpointer(postgres_url, key=KEY) as saver:
        engine = make_engine(
            toolset, ScriptedPlanner(PLAN), checkpointer=saver, guardrails=[ApproveWrites()]
        )
        await engine.run("tea", thread_id="pg-sealed")
    async with postgres_checkpointer(postgres_url, key=KEY[::-1]) as saver:
        engine = make_engine(toolset, ScriptedPlanner(), checkpointer=saver)
        with pytest.raises(CheckpointKeyError):
            await engine.pending_approvals("pg-sealed")


async def test_an_unreachable_database_is_a_usage_error_without_the_password() -> None:
    url = "postgresql://postgres:secret@127.0.0.1:1/nowhere"
    with pytest.raises(UsageError, match=r"postgres:\*\*\*@127\.0\.0\.1:1/nowhere") as caught:
        async with postgres_checkpointer(url, open_timeout=0.3):
            pass
    assert "secret" not in str(caught.value)


async def test_key_and_serde_together_are_refused() -> None:
    serde = checkpoint_serde(KEY)
    with pytest.raises(UsageError, match="key= or serde="):
        async with postgres_checkpointer("postgresql://x", key=KEY, serde=serde):
            pass


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("postgresql://u:p@h:5/db?x=1") == "postgresql://u:***@h:5/db?x=1"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"
