"""Toolset: registration, lookup, namespaces, allow-lists, binding, entry-point discovery."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

import pytest

from plangate.tools.base import ToolContext, tool
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset, discover_tools


@tool(effect="read")
async def greet(name: str, ctx: ToolContext[str]) -> str:
    """Greet someone."""
    return f"{ctx.deps}, {name}"


@tool(effect="read")
def shout(text: str) -> str:
    """Shout some text."""
    return text.upper()


def test_lookup_and_unknown_names() -> None:
    toolset = Toolset([greet, shout])
    assert toolset.names == ["greet", "shout"]
    assert toolset.get("shout") is shout
    assert "greet" in toolset
    assert len(toolset) == 2
    with pytest.raises(UsageError, match="unknown tool 'nope'; known tools: greet, shout"):
        toolset.get("nope")


def test_duplicate_names_are_rejected() -> None:
    toolset = Toolset([greet])
    with pytest.raises(UsageError, match="duplicate tool name 'greet'"):
        toolset.add(greet)
    with pytest.raises(UsageError, match="expects a Tool"):
        toolset.add(lambda: None)  # type: ignore[arg-type]


def test_allow_list_keeps_order_and_rejects_unknown_names() -> None:
    toolset = Toolset([greet, shout])
    assert toolset.allow(["shout"]).names == ["shout"]
    with pytest.raises(UsageError, match="allow-list names unknown tools: book"):
        toolset.allow(["shout", "book"])


async def test_namespacing_and_binding_reach_the_tool() -> None:
    toolset = Toolset([greet], deps="Hello").namespaced("crm")
    assert toolset.names == ["crm__greet"]
    outcome = await ToolExecutor(toolset).call("crm__greet", {"name": "Ana"})
    assert outcome.result == "Hello, Ana"
    rebound = toolset.bind("Hi")
    assert (await ToolExecutor(rebound).call("crm__greet", {"name": "Ana"})).result == "Hi, Ana"
    with pytest.raises(UsageError, match="namespace"):
        toolset.namespaced("a__b")


def test_merge_keeps_bindings_and_refuses_clashes() -> None:
    merged = Toolset([greet], deps="Hey").merge(Toolset([shout]))
    assert merged.names == ["greet", "shout"]
    assert merged.binding("greet").deps == "Hey"
    with pytest.raises(UsageError, match="duplicate"):
        merged.merge(Toolset([shout]))


def make_tools() -> list[Any]:
    return [shout]


def test_entry_point_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    points = [
        EntryPoint("greet", f"{__name__}:greet", "plangate.tools"),
        EntryPoint("many", f"{__name__}:make_tools", "plangate.tools"),
    ]
    monkeypatch.setattr("plangate.tools.registry.entry_points", lambda group: points)
    assert discover_tools().names == ["greet", "shout"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("os:path", "not a Tool"),
        ("tools_that_do_not_exist:x", "failed"),
        (f"{__name__}:bad", "gave int"),
    ],
)
def test_entry_point_errors_name_the_entry_point(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setattr(
        "plangate.tools.registry.entry_points",
        lambda group: [EntryPoint("broken", value, "plangate.tools")],
    )
    with pytest.raises(UsageError, match=f"entry point 'broken'.*{message}"):
        discover_tools()


bad = 7
