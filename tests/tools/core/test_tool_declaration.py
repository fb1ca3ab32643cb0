"""Declaring tools: both decorator styles, the JSON-schema style, sync and async, UsageErrors."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from pydantic import BaseModel, Field

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.errors import (
    MalformedResponseError,
    ToolArgsError,
    ToolError,
    ToolTimeoutError,
    UsageError,
)
from plangate.tools.schema_tool import tool_from_json_schema


class SearchArgs(BaseModel):
    city: str = Field(description="City, e.g. 'Lisbon'.")
    party_size: int = Field(ge=1, le=20)


class Venue(BaseModel):
    name: str
    seats: int


class Directory:
    """A tiny stateful dependency."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def search(self, city: str, size: int) -> list[Venue]:
        self.calls.append(city)
        return [Venue(name=f"{city} Bistro", seats=size)]


@tool(effect="read")
async def search_restaurants(args: SearchArgs, ctx: ToolContext[Directory]) -> list[Venue]:
    """Find restaurants with a free table for the party.

    More text the model does not see.
    """
    return await ctx.deps.search(args.city, args.party_size)


def ctx_for(deps: Any = None) -> ToolContext[Any]:
    return ToolContext(deps=deps)


async def test_model_style_declaration_validates_and_calls() -> None:
    assert isinstance(search_restaurants, Tool)
    assert search_restaurants.name == "search_restaurants"
    assert search_restaurants.description == "Find restaurants with a free table for the party."
    assert search_restaurants.effect == "read"
    assert search_restaurants.args_model is SearchArgs
    directory = Directory()
    result = await search_restaurants.invoke({"city": "Porto", "party_size": 4}, ctx_for(directory))
    assert result == [Venue(name="Porto Bistro", seats=4)]
    assert directory.calls == ["Porto"]


async def test_invalid_args_list_every_problem() -> None:
    with pytest.raises(ToolArgsError) as info:
        await search_restaurants.invoke({"party_size": 40}, ctx_for(Directory()))
    locations = [loc for loc, _ in info.value.errors]
    assert locations == ["city", "party_size"]
    assert "less than or equal to 20" in str(info.value)
    assert info.value.model_visible


async def test_params_style_derives_a_closed_args_model_with_docstring_descriptions() -> None:
    @tool(effect="read")
    def add(a: int, b: int = 3) -> int:
        """Add two integers.

        Args:
            a: the first addend.
            b: the second addend.
        """
        return a + b

    schema = add.args_schema()
    assert schema["required"] == ["a"]
    assert schema["properties"]["a"]["description"] == "the first addend."
    assert schema["additionalProperties"] is False
    assert await add.invoke({"a": 2}, ctx_for()) == 5
    with pytest.raises(ToolArgsError, match="Extra inputs"):
        await add.invoke({"a": 2, "c": 1}, ctx_for())


async def test_sync_tools_run_off_the_event_loop() -> None:
    loop_thread = threading.get_ident()

    @tool(effect="read")
    def where() -> int:
        """Report the thread the tool ran on."""
        return threading.get_ident()

    assert await where.invoke({}, ctx_for()) != loop_thread


async def test_effect_defaults_to_write_the_safe_choice() -> None:
    @tool
    async def send(text: str) -> str:
        """Send a message."""
        return text

    assert send.is_write


async def test_timeout_raises_tool_timeout_error() -> None:
    release = asyncio.Event()

    @tool(effect="read", timeout=0.01)
    async def hang() -> int:
        """Never answers."""
        await release.wait()
        return 1

    with pytest.raises(ToolTimeoutError) as info:
        await hang.invoke({}, ctx_for())
    assert info.value.tool == "hang"
    assert info.value.timeout == 0.01


async def test_a_result_that_breaks_its_type_is_malformed() -> None:
    @tool(effect="read")
    async def broken() -> Venue:
        """Returns garbage."""
        return {"name": "x"}  # type: ignore[return-value]

    with pytest.raises(MalformedResponseError, match="seats"):
        await broken.invoke({}, ctx_for())


def test_missing_parameter_annotation_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="parameter 'city' has no type annotation"):

        @tool
        def bad(city) -> str:  # type: ignore[no-untyped-def]
            """Bad."""
            return str(city)


def test_missing_return_annotation_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no return annotation"):

        @tool
        def bad(city: str):  # type: ignore[no-untyped-def]
            """Bad."""
            return city


def test_missing_description_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no description"):

        @tool
        def bad(city: str) -> str:
            return city


def test_unsupported_types_are_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot validate"):

        @tool
        def bad(lock: threading.Lock) -> str:  # type: ignore[valid-type]
            """Bad."""
            return "x"


def test_var_args_and_misplaced_context_are_usage_errors() -> None:
    with pytest.raises(UsageError, match=r"\*args"):

        @tool
        def star(*names: str) -> str:
            """Bad."""
            return ""

    with pytest.raises(UsageError, match="ToolContext must be the last parameter"):

        @tool
        def early(ctx: ToolContext[None], x: int) -> int:
            """Bad."""
            return x


def test_invalid_names_and_settings_are_usage_errors() -> None:
    def fn(x: int) -> int:
        """Doc."""
        return x

    with pytest.raises(UsageError, match="name 'has space' is invalid"):
        tool(name="has space")(fn)
    with pytest.raises(UsageError, match="timeout must be positive"):
        tool(timeout=0)(fn)
    with pytest.raises(UsageError, match="effect must be"):
        tool(effect="delete")(fn)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


def test_unresolvable_annotations_are_a_usage_error() -> None:
    def fn(x: NotAType) -> int:  # type: ignore[name-defined]  # noqa: F821
        """Doc."""
        return 1

    with pytest.raises(UsageError, match="cannot resolve its annotations"):
        tool(fn)


class TestJsonSchemaTools:
    SCHEMA: dict[str, Any] = {
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1, "description": "What to look for."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5},
            "mode": {"enum": ["fast", "exact"]},
            "filters": {
                "type": "object",
                "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
                "additionalProperties": False,
            },
        },
        "required": ["query"],
        "additionalProperties": False,
    }

    async def test_validates_like_a_typed_tool_and_exports_the_declared_schema(self) -> None:
        seen: list[dict[str, Any]] = []

        async def run(args: dict[str, Any], ctx: ToolContext[Any]) -> dict[str, Any]:
            seen.append(args)
            return {"hits": args["limit"]}

        mcp_tool = tool_from_json_schema(
            name="docs_search", description="Search the docs.", parameters=self.SCHEMA, fn=run,
            effect="read",
        )  # fmt: skip
        assert mcp_tool.args_schema() == self.SCHEMA
        assert await mcp_tool.invoke({"query": "ledger"}, ctx_for()) == {"hits": 5}
        assert seen == [{"query": "ledger", "limit": 5}]
        with pytest.raises(ToolArgsError) as info:
            await mcp_tool.invoke({"query": "", "limit": 11, "mode": "slow", "x": 1}, ctx_for())
        assert {loc.split(".")[0] for loc, _ in info.value.errors} == {
            "query",
            "limit",
            "mode",
            "x",
        }
        with pytest.raises(ToolArgsError, match="filters"):
            await mcp_tool.invoke({"query": "q", "filters": {"tags": "not-a-list"}}, ctx_for())

    def test_sync_function_and_refs(self) -> None:
        schema = {
            "type": "object",
            "properties": {"point": {"$ref": "#/$defs/Point"}},
            "required": ["point"],
            "$defs": {
                "Point": {
                    "type": "object",
                    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                    "required": ["x", "y"],
                }
            },
        }

        def norm(args: dict[str, Any], ctx: ToolContext[Any]) -> float:
            return float(args["point"]["x"] ** 2 + args["point"]["y"] ** 2) ** 0.5

        geo = tool_from_json_schema(
            name="norm", description="Length of a vector.", parameters=schema, fn=norm,
            effect="read", result_type=float,
        )  # fmt: skip
        assert asyncio.run(geo.invoke({"point": {"x": 3, "y": 4}}, ctx_for())) == 5.0

    @pytest.mark.parametrize(
        ("schema", "message"),
        [
            ({"type": "array"}, "must be an object schema"),
            ({"type": "object", "properties": {"a": {"type": "date"}}}, "type 'date'"),
            ({"type": "object", "properties": {"a": {"$ref": "http://x/y"}}}, "local \\$ref"),
            ({"type": "object", "properties": {"a": {"type": "string", "if": {}}}}, "keywords"),
            ({"type": "object", "properties": {"a-b": {"type": "string"}}}, "identifiers"),
        ],
    )
    def test_unsupported_schemas_are_usage_errors(
        self, schema: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(UsageError, match=message):
            tool_from_json_schema(
                name="x", description="X.", parameters=schema, fn=lambda a, c: None
            )


async def test_an_unexpected_exception_becomes_a_tool_error_naming_it() -> None:
    @tool(effect="read")
    async def buggy(x: int) -> int:
        """Divide by x."""
        return 10 // x

    with pytest.raises(ToolError, match="buggy raised ZeroDivisionError") as info:
        await buggy.invoke({"x": 0}, ctx_for())
    assert info.value.tool == "buggy"
    assert not info.value.model_visible
