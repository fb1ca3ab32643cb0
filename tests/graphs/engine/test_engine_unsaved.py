"""An engine with no checkpointer: runs end as they would with one, and what needs a
checkpoint (a pause for approval, resume, recover) says so instead of pretending."""

from __future__ import annotations

import pytest

from plangate.graphs.engine.build import Engine
from plangate.graphs.guards.policy import ApproveWrites
from plangate.tools.errors import UsageError
from tests.graphs.engine.test_engine import ScriptedPlanner, Shop, engine, step


def unsaved(planner: ScriptedPlanner, shop: Shop, **kwargs: object) -> Engine:
    return Engine(engine(planner, shop, **kwargs).runtime, checkpointer=False)  # type: ignore[arg-type]


def two_prices() -> ScriptedPlanner:
    return ScriptedPlanner(
        {
            "steps": [
                step("a", "get_price", args={"item": "tea"}),
                step("b", "get_price", args={"item": "cake"}),
            ]
        }
    )


async def test_a_run_without_a_checkpointer_ends_as_it_does_with_one() -> None:
    saved = await engine(two_prices(), Shop()).run("tea and cake", thread_id="t")
    result = await unsaved(two_prices(), Shop()).run("tea and cake", thread_id="t")
    assert result.status == saved.status == "done"
    assert result.response == saved.response
    assert result.steps == saved.steps
    assert result.plan == saved.plan
    assert result.usage == saved.usage


async def test_the_result_of_a_finished_run_is_kept_and_an_unknown_thread_is_an_error() -> None:
    runs = unsaved(two_prices(), Shop())
    await runs.run("tea and cake", thread_id="t1")
    assert (await runs.result("t1")).status == "done"
    with pytest.raises(UsageError, match=r"no run 'nope'.*no checkpointer"):
        await runs.result("nope")


async def test_a_call_that_needs_approval_ends_the_run_and_names_the_calls() -> None:
    shop = Shop()
    planner = ScriptedPlanner({"steps": [step("buy", "place_order", args={"item": "tea"})]})
    runs = unsaved(planner, shop, guardrails=[ApproveWrites()])
    result = await runs.run("order tea", thread_id="t")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "UsageError"
    assert "buy (place_order) need approval" in result.error["message"]
    assert [a["id"] for a in result.approvals] == ["buy"]
    assert shop.orders == {}  # nothing was written
    with pytest.raises(UsageError, match="cannot resume: this engine keeps no checkpoints"):
        await runs.resume("t", {"buy": "approve"})
    with pytest.raises(UsageError, match="cannot recover"):
        await runs.recover("t")
    assert await runs.pending_approvals("t") == []
