"""Built-in policy guardrails: MaxLength, ToolAllowList, ApproveWrites, TaintedWriteApproval."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import BaseModel

from plangate.graphs.guards.guardrails import Action, Guardrail, GuardSubject, Stage, run_guardrails
from plangate.graphs.guards.injection import PromptInjection
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import (
    ApproveWrites,
    MaxLength,
    PolicyRules,
    TaintedWriteApproval,
    ToolAllowList,
    plan_tools,
)
from plangate.tools.base import tool
from plangate.tools.errors import UsageError


@tool(effect="write")
def book_table(venue: str, party_size: int) -> str:
    """Book a table."""
    return venue


@tool(effect="write")
def cancel_booking(booking_id: str) -> bool:
    """Cancel a booking."""
    return True


@tool(effect="read")
def search_venues(city: str) -> list[str]:
    """Find venues."""
    return [city]


def _call(t: object, *, tainted: bool = False, step_id: str = "s1") -> GuardSubject:
    return GuardSubject(Stage.TOOL_CALL, tool=t, args={}, step_id=step_id, tainted=tainted)  # type: ignore[arg-type]


# -- MaxLength ---------------------------------------------------------------------------------


async def test_max_length_allows_text_at_the_limit() -> None:
    verdict = await MaxLength(5).check(GuardSubject(Stage.INPUT, text="12345"))
    assert verdict.action is Action.ALLOW


async def test_max_length_blocks_with_length_and_limit() -> None:
    verdict = await MaxLength(5).check(GuardSubject(Stage.OUTPUT, text="123456"))
    assert verdict.action is Action.BLOCK
    assert "6 characters" in verdict.reason
    assert "limit is 5" in verdict.reason
    assert verdict.details == {"length": 6, "limit": 5}


def test_max_length_defaults() -> None:
    guard = MaxLength()
    assert guard.max_chars == 8000
    assert guard.stages == {Stage.INPUT, Stage.OUTPUT}


@pytest.mark.parametrize("bad", [0, -3, True, 2.5])
def test_max_length_rejects_bad_limits(bad: object) -> None:
    with pytest.raises(UsageError, match="positive int"):
        MaxLength(bad)  # type: ignore[arg-type]


def test_max_length_has_no_text_to_measure_at_plan_stage() -> None:
    with pytest.raises(UsageError, match="cannot check stage plan"):
        MaxLength(stages=["plan"])


# -- ToolAllowList -----------------------------------------------------------------------------


async def test_allow_list_passes_allowed_calls() -> None:
    verdict = await ToolAllowList({"search_venues"}).check(_call(search_venues))
    assert verdict.action is Action.ALLOW


async def test_allow_list_blocks_a_call_naming_the_tool_and_the_allowed_ones() -> None:
    verdict = await ToolAllowList(["search_venues", "get_menu"]).check(_call(book_table))
    assert verdict.action is Action.BLOCK
    assert "'book_table'" in verdict.reason
    assert "get_menu, search_venues" in verdict.reason
    assert verdict.step_id == "s1"


async def test_allow_list_blocks_the_offending_plan_step() -> None:
    plan = {
        "steps": [
            {"id": "find", "tool": "search_venues", "args": {}},
            {"id": "book", "tool": "book_table", "args": {}},
        ]
    }
    verdict = await ToolAllowList({"search_venues"}).check(GuardSubject(Stage.PLAN, plan=plan))
    assert verdict.action is Action.BLOCK
    assert verdict.step_id == "book"
    assert verdict.details["tool"] == "book_table"


async def test_allow_list_reads_pydantic_plans_and_bare_step_lists() -> None:
    class Step(BaseModel):
        id: str
        tool: str

    class Plan(BaseModel):
        steps: list[Step]

    guard = ToolAllowList({"search_venues"})
    ok = Plan(steps=[Step(id="a", tool="search_venues")])
    assert (await guard.check(GuardSubject(Stage.PLAN, plan=ok))).action is Action.ALLOW
    bare = [{"id": "a", "tool": "cancel_booking"}]
    assert (await guard.check(GuardSubject(Stage.PLAN, plan=bare))).action is Action.BLOCK


def test_unreadable_plans_name_no_allowed_tool() -> None:
    assert plan_tools(None) == [(None, "")]
    assert plan_tools({"steps": [{"id": 3, "tool": 5}]}) == [("3", "")]


def test_allow_list_rejects_a_single_string() -> None:
    with pytest.raises(UsageError, match="not one string"):
        ToolAllowList("search_venues")


# -- ApproveWrites -----------------------------------------------------------------------------


async def test_every_write_needs_approval() -> None:
    verdict = await ApproveWrites().check(_call(book_table))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.reason == "writes need approval: book_table"


async def test_reads_need_no_approval() -> None:
    verdict = await ApproveWrites().check(_call(search_venues))
    assert verdict.action is Action.ALLOW


async def test_only_listed_writes_need_approval() -> None:
    guard = ApproveWrites(tools=["book_table"])
    assert (await guard.check(_call(book_table))).action is Action.REQUIRE_APPROVAL
    assert (await guard.check(_call(cancel_booking))).action is Action.ALLOW


async def test_a_call_without_a_tool_fails_closed() -> None:
    outcome = await run_guardrails([ApproveWrites()], GuardSubject(Stage.TOOL_CALL, args={}))
    assert outcome.action is Action.BLOCK
    assert outcome.blocked_by is not None
    assert "carries no tool" in outcome.blocked_by.reason


# -- TaintedWriteApproval ----------------------------------------------------------------------


async def test_tainted_write_needs_approval() -> None:
    verdict = await TaintedWriteApproval().check(_call(book_table, tainted=True))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.reason == (
        "arguments derive from a tool result flagged as possible prompt injection"
    )


@pytest.mark.parametrize(
    ("t", "tainted"), [(book_table, False), (search_venues, True), (search_venues, False)]
)
async def test_untainted_writes_and_tainted_reads_pass(t: object, tainted: bool) -> None:
    verdict = await TaintedWriteApproval().check(_call(t, tainted=tainted))
    assert verdict.action is Action.ALLOW


async def test_tainted_write_and_approve_writes_both_ask() -> None:
    outcome = await run_guardrails(
        [TaintedWriteApproval(), ApproveWrites()], _call(book_table, tainted=True)
    )
    assert [v.guardrail for v in outcome.approvals] == ["tainted_write_approval", "approve_writes"]
    assert all(v.step_id == "s1" for v in outcome.approvals)


def test_every_built_in_is_a_guardrail_with_a_distinct_name() -> None:
    built_ins: list[Guardrail] = [
        MaxLength(),
        ToolAllowList(["x"]),
        ApproveWrites(),
        TaintedWriteApproval(),
        PolicyRules([]),
        PIIRedaction(),
        PromptInjection(),
    ]
    assert all(isinstance(guard, Guardrail) for guard in built_ins)
    assert len({guard.name for guard in built_ins}) == len(built_ins)
    assert MaxLength(name="answer_length").name == "answer_length"


@pytest.mark.parametrize(
    "build",
    [
        lambda: ApproveWrites(stages=["plan"]),
        lambda: TaintedWriteApproval(stages=["tool_result"]),
        lambda: PolicyRules([], stages=["input"]),
        lambda: ToolAllowList(["x"], stages=["output"]),
    ],
)
def test_call_guardrails_only_watch_calls(build: Callable[[], object]) -> None:
    with pytest.raises(UsageError, match="cannot check stage"):
        build()
