"""Exported schemas: OpenAI strict and Anthropic formats accept valid args, reject invalid ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

import jsonschema
import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field

from plangate.tools.base import Tool, ToolContext, tool
from plangate.tools.executor import ToolExecutor
from plangate.tools.langchain_adapter import from_langchain, to_langchain
from plangate.tools.registry import Toolset
from plangate.tools.schema import anthropic_tool, drop_strict_nulls, openai_tool, strict_schema


class Cabin(StrEnum):
    ECONOMY = "economy"
    BUSINESS = "business"


class Passenger(BaseModel):
    name: str = Field(min_length=1)
    age: int | None = Field(None, ge=0, le=120)


class BookArgs(BaseModel):
    offer_id: str = Field(pattern=r"^OF-\d+$", description="Offer id from search_flights.")
    cabin: Cabin = Cabin.ECONOMY
    passengers: list[Passenger] = Field(min_length=1, max_length=9)
    max_price: Decimal | None = None
    when: date | None = None
    seat: Literal["aisle", "window"] | None = None


@tool(effect="write")
async def book(args: BookArgs, ctx: ToolContext[None]) -> dict[str, str]:
    """Book a flight offer."""
    return {"id": "BK-1", "offer": args.offer_id}


@tool(effect="read")
def add(a: int, b: int = 2) -> int:
    """Add two integers."""
    return a + b


TOOLS: list[Tool[Any]] = [book, add]

VALID: dict[str, list[dict[str, Any]]] = {
    "book": [
        {"offer_id": "OF-1", "passengers": [{"name": "Ana"}]},
        {
            "offer_id": "OF-22",
            "cabin": "business",
            "passengers": [{"name": "Ana", "age": 30}],
            "max_price": "499.90",
            "when": "2026-03-02",
            "seat": "aisle",
        },
    ],
    "add": [{"a": 1}, {"a": 1, "b": 5}],
}
INVALID: dict[str, list[dict[str, Any]]] = {
    "book": [
        {},
        {"offer_id": "X-1", "passengers": [{"name": "Ana"}]},
        {"offer_id": "OF-1", "passengers": []},
        {"offer_id": "OF-1", "passengers": [{"name": "Ana"}], "cabin": "first"},
        {"offer_id": "OF-1", "passengers": [{"name": "Ana"}], "extra": 1},
        {"offer_id": "OF-1", "passengers": [{"name": "Ana", "age": 200}]},
    ],
    "add": [{}, {"a": "one"}, {"a": 1, "c": 2}],
}


def strict_fill(schema: dict[str, Any], args: Any, root: dict[str, Any] | None = None) -> Any:
    """What a strict-mode model sends: every property present, omitted ones as null."""
    root = root or schema
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(args, dict) and "properties" in schema:
        return {
            name: strict_fill(prop, args.get(name), root)
            for name, prop in schema["properties"].items()
        }
    if isinstance(args, list) and "items" in schema:
        return [strict_fill(schema["items"], item, root) for item in args]
    for variant in schema.get("anyOf", []):
        if args is not None and variant.get("type") != "null":
            return strict_fill(variant, args, root)
    return args


@pytest.mark.parametrize("item", TOOLS, ids=lambda t: t.name)
def test_openai_strict_schema_accepts_valid_and_rejects_invalid(item: Tool[Any]) -> None:
    exported = openai_tool(item)
    assert exported["type"] == "function"
    function = exported["function"]
    assert function["strict"] is True
    assert function["name"] == item.name
    schema = function["parameters"]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert_strict_shape(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for args in VALID[item.name]:
        filled = strict_fill(schema, args)
        validator.validate(filled)
        # what the model sent validates on our side too, once nulls are read as "omitted"
        item.validate_args(drop_strict_nulls(item, filled))
    for args in INVALID[item.name]:
        assert not validator.is_valid(strict_fill(schema, args) | args), args


@pytest.mark.parametrize("item", TOOLS, ids=lambda t: t.name)
def test_anthropic_schema_accepts_valid_and_rejects_invalid(item: Tool[Any]) -> None:
    exported = anthropic_tool(item)
    assert set(exported) == {"name", "description", "input_schema"}
    validator = jsonschema.Draft202012Validator(exported["input_schema"])
    for args in VALID[item.name]:
        validator.validate(args)
    for args in INVALID[item.name]:
        if item.name == "book" and "extra" in args:
            continue  # pydantic models are open unless they say otherwise; ours rejects on call
        assert not validator.is_valid(args), args


def assert_strict_shape(node: Any) -> None:
    """Every object closed and fully required; no keyword strict mode rejects."""
    if isinstance(node, list):
        for child in node:
            assert_strict_shape(child)
        return
    if not isinstance(node, dict):
        return
    assert "default" not in node
    if node.get("type") == "object":
        assert node["additionalProperties"] is False
        assert sorted(node["required"]) == sorted(node["properties"])
    for key, child in node.items():
        if key != "properties":
            assert_strict_shape(child)
        else:
            for prop in child.values():
                assert_strict_shape(prop)


def test_strict_schema_does_not_mutate_its_input() -> None:
    original = book.args_schema()
    strict_schema(original)
    assert "additionalProperties" not in original


def test_langchain_conversion_is_accepted_by_langchain_and_validates_through_plangate() -> None:
    lc_tool = to_langchain(add)
    converted = convert_to_openai_tool(lc_tool)
    assert converted["function"]["name"] == "add"
    assert converted["function"]["parameters"]["properties"]["a"]["type"] == "integer"
    assert lc_tool.invoke({"a": 40}) == 42
    strict = convert_to_openai_tool(to_langchain(book), strict=True)
    assert strict["function"]["strict"] is True


async def test_langchain_tool_errors_a_model_can_fix_come_back_as_text() -> None:
    lc_tool = to_langchain(add)
    assert (await lc_tool.ainvoke({"a": 1, "b": 1})) == 2
    message = await lc_tool.coroutine(a="x")  # type: ignore[misc]
    assert message.startswith("error: add: invalid arguments")


async def test_wrapped_langchain_tools_default_to_write_and_validate() -> None:
    from langchain_core.tools import tool as lc_tool_decorator

    @lc_tool_decorator
    def multiply(a: int, b: int) -> int:
        """Multiply two integers."""
        return a * b

    wrapped = from_langchain(multiply)
    assert wrapped.is_write
    assert from_langchain(multiply, effect="read").effect == "read"
    executor = ToolExecutor(Toolset([from_langchain(multiply, effect="read")]))
    outcome = await executor.call("multiply", {"a": 6, "b": 7})
    assert outcome.result == 42
    with pytest.raises(Exception, match="invalid arguments"):
        await executor.call("multiply", {"a": "six", "b": 7})
