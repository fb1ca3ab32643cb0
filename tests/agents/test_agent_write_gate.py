"""Writes are gated by default: an agent's write waits for a person unless the spec opts out."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools import ToolContext, Toolset, tool
from plangate.tools.errors import UsageError


class Notebook:
    def __init__(self) -> None:
        self.notes: list[str] = []


@tool(effect="write")
def add_note(text: str, ctx: ToolContext[Notebook]) -> str:
    """Write a note down."""
    ctx.deps.notes.append(text)
    return f"noted: {text}"


@tool(effect="write")
def pin_note(text: str, ctx: ToolContext[Notebook]) -> str:
    """Pin a note to the top."""
    ctx.deps.notes.insert(0, text)
    return f"pinned: {text}"


class Done(BaseModel):
    summary: str


def plan(match: Any, context: Any) -> Plan:
    return Plan(steps=[Step(id="n", tool=match["verb"] + "_note", args={"text": match["text"]})])


SPEC = AgentSpec(
    name="notes",
    description="Keeps notes",
    instructions="",
    tools=("add_note", "pin_note"),
    response_model=Done,
    grammar=Grammar([Intent("note", "Note", ("add milk",), (r"(?P<verb>add|pin) (?P<text>\w+)",), plan)]),
    offline_answer=lambda request, steps: Done(summary=str(steps["n"]["result"])),
)  # fmt: skip


async def run(spec: AgentSpec, request: str) -> tuple[Any, Notebook]:
    notebook = Notebook()
    result = await Agent(spec, Toolset([add_note, pin_note], deps=notebook)).run(request)
    return result, notebook


async def test_a_write_waits_for_approval_with_no_policy_at_all() -> None:
    result, notebook = await run(SPEC, "add milk")
    assert result.status == "paused"
    assert [a["id"] for a in result.approvals] == ["n"]
    assert result.approvals[0]["reasons"] == ["writes need approval: add_note"]
    assert notebook.notes == []


async def test_a_spec_may_let_named_writes_run_without_approval() -> None:
    spec = dataclasses.replace(SPEC, writes_without_approval=("add_note",))
    added, notebook = await run(spec, "add milk")
    assert added.status == "done"
    assert notebook.notes == ["milk"]
    pinned, pinned_book = await run(spec, "pin eggs")
    assert pinned.status == "paused"  # the other write is still gated
    assert pinned_book.notes == []


async def test_all_lets_every_write_run() -> None:
    result, notebook = await run(dataclasses.replace(SPEC, writes_without_approval="all"), "pin x")
    assert result.status == "done"
    assert notebook.notes == ["x"]


async def test_a_policy_with_its_own_gate_is_not_gated_twice() -> None:
    own = dataclasses.replace(SPEC, policy=lambda toolset: (ApproveWrites(tools=["pin_note"]),))
    added, notebook = await run(own, "add milk")
    assert added.status == "done"  # the author's gate covers pin_note only
    assert notebook.notes == ["milk"]
    pinned, _ = await run(own, "pin eggs")
    assert pinned.approvals[0]["reasons"] == ["writes need approval: pin_note"]


@pytest.mark.parametrize(
    ("exempt", "message"),
    [
        ("add_note", "not the string 'add_note'"),
        (("add_note", "burn_notes"), "names tools it does not use: burn_notes"),
    ],
)
def test_a_bad_opt_out_is_refused_when_the_spec_is_made(exempt: Any, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        dataclasses.replace(SPEC, writes_without_approval=exempt)
