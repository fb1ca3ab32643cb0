"""JSON-schema tools: effects from hints, omitted optionals absent, coercions lax or strict."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from plangate.tools.base import canonical_args
from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolArgsError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema_tool import SchemaTool, effect_from_hints, tool_from_json_schema

SEARCH: dict[str, Any] = {
    "type": "object",
    "properties": {
        "q": {"type": "string"},
        "limit": {"type": "integer"},
        "lang": {"type": "string", "default": "en"},
        "cursor": {"type": ["string", "null"]},
        "where": {
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            "required": ["lat"],
        },
        "filters": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "op": {"type": "string"}},
                "required": ["field"],
            },
        },
    },
    "required": ["q"],
}


def make(**options: Any) -> tuple[SchemaTool, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []

    def run(args: dict[str, Any], ctx: object) -> int:
        seen.append(args)
        return 1

    options.setdefault("parameters", SEARCH)
    item = tool_from_json_schema(
        name="search", description="Search.", fn=run, result_type=int, **options
    )
    return item, seen


@pytest.mark.parametrize(
    ("options", "effect"),
    [
        ({}, "write"),
        ({"annotations": {"readOnlyHint": True}}, "read"),
        ({"annotations": {"readOnlyHint": True, "destructiveHint": True}}, "read"),
        ({"annotations": {"destructiveHint": True}}, "write"),
        ({"annotations": {"readOnlyHint": False, "destructiveHint": False}}, "write"),
        ({"annotations": {"title": "Search", "openWorldHint": True}}, "write"),
        ({"read_only_hint": True}, "read"),
        ({"destructive_hint": False}, "write"),
        ({"effect": "read"}, "read"),
        ({"effect": "write", "read_only_hint": True}, "write"),
    ],
)
def test_the_effect_comes_from_effect_or_the_mcp_hints_and_is_write_without_a_word(
    options: dict[str, Any], effect: str
) -> None:
    item, _ = make(**options)
    assert item.effect == effect


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"effect": "read", "annotations": {"destructiveHint": True}}, "contradicts its annotations"),
        ({"effect": "read", "read_only_hint": False}, "contradicts its annotations"),
        ({"annotations": {"readOnlyHint": True}, "read_only_hint": False}, "readOnlyHint=False contradicts"),
        ({"annotations": {"readOnlyHint": "yes"}}, "readOnlyHint must be a boolean"),
        ({"effect": "delete"}, "effect must be 'read' or 'write'"),
    ],
)  # fmt: skip
def test_contradicting_or_malformed_hints_are_usage_errors(
    options: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        make(**options)


def test_effect_from_hints_alone() -> None:
    assert effect_from_hints({"readOnlyHint": True}) == "read"
    assert effect_from_hints(None) == "write"
    assert effect_from_hints(destructive_hint=True) == "write"


def test_a_conflict_key_sees_the_args_as_the_function_does() -> None:
    item, _ = make(conflict_key=lambda args: args["q"])
    assert item.resource_key(item.validate_args({"q": "tea"})) == "search:tea"
    assert item.resource_key(item.validate_args({"q": "cake"})) == "search:cake"


def call(item: SchemaTool, args: dict[str, Any]) -> None:
    asyncio.run(ToolExecutor(Toolset([item]), clock=FakeClock()).call(item.name, args))


@pytest.mark.parametrize(
    ("sent", "received"),
    [
        ({"q": "x"}, {"q": "x", "lang": "en"}),
        (
            {"q": "x", "where": {"lat": 1}, "filters": [{"field": "a"}]},
            {"q": "x", "lang": "en", "where": {"lat": 1.0}, "filters": [{"field": "a"}]},
        ),
        # null where the schema forbids it is how strict mode says "omitted"
        ({"q": "x", "limit": None, "where": {"lat": 1, "lon": None}}, {"q": "x", "lang": "en", "where": {"lat": 1.0}}),
        # null where the schema allows it was sent on purpose and is kept
        ({"q": "x", "cursor": None}, {"q": "x", "lang": "en", "cursor": None}),
    ],
)  # fmt: skip
def test_omitted_optional_arguments_are_absent_at_every_depth_through_the_executor(
    sent: dict[str, Any], received: dict[str, Any]
) -> None:
    item, seen = make(effect="read")
    call(item, sent)
    assert seen == [received]


def test_write_keys_do_not_depend_on_how_an_optional_argument_was_left_out() -> None:
    item, _ = make(effect="write")
    executor = ToolExecutor(Toolset([item]), clock=FakeClock())
    omitted = item.validate_args({"q": "x"})
    as_null = item.validate_args({"q": "x", "limit": None})
    key = executor.write_key(item, omitted, thread_id="t", step_id="s")
    assert key == executor.write_key(item, as_null, thread_id="t", step_id="s")
    assert canonical_args(omitted) == {
        "q": "x", "limit": None, "lang": "en", "cursor": None, "where": None, "filters": None,
    }  # fmt: skip


INTS = {"type": "object", "properties": {"n": {"type": "integer"}}}
BOOLS = {"type": "object", "properties": {"b": {"type": "boolean"}}}
NUMBERS = {"type": "object", "properties": {"x": {"type": "number"}}}
STRINGS = {"type": "object", "properties": {"s": {"type": "string"}}}

# (schema, sent, what lax mode makes of it; None: rejected in lax mode too)
COERCIONS = [
    (INTS, {"n": True}, {"n": 1}),
    (INTS, {"n": "3"}, {"n": 3}),
    (INTS, {"n": 3.0}, {"n": 3}),
    (INTS, {"n": 3.5}, None),
    (BOOLS, {"b": "yes"}, {"b": True}),
    (BOOLS, {"b": "off"}, {"b": False}),
    (BOOLS, {"b": 1}, {"b": True}),
    (BOOLS, {"b": "maybe"}, None),
    (NUMBERS, {"x": "2.5"}, {"x": 2.5}),
    (NUMBERS, {"x": True}, {"x": 1.0}),
    (STRINGS, {"s": 3}, None),
]


@pytest.mark.parametrize(("schema", "sent", "lax"), COERCIONS)
def test_lax_mode_coerces_as_documented_and_strict_mode_not_at_all(
    schema: dict[str, Any], sent: dict[str, Any], lax: dict[str, Any] | None
) -> None:
    item, seen = make(parameters=schema, effect="read")
    strict, _ = make(parameters=schema, effect="read", strict=True)
    if lax is None:
        with pytest.raises(ToolArgsError):
            item.validate_args(sent)
    else:
        call(item, sent)
        assert seen == [lax]
    with pytest.raises(ToolArgsError):
        strict.validate_args(sent)


def test_strict_mode_accepts_what_json_sends() -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer"},
            "x": {"type": "number"},
            "pair": {"type": "tuple", "items": [{"type": "int"}, {"type": "str"}]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "where": {"type": "object", "properties": {"lat": {"type": "number"}}},
            "extra": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    }
    item, seen = make(parameters=schema, effect="read", strict=True)
    sent = {"n": 1, "x": 2, "pair": [1, "a"], "tags": ["t"], "where": {"lat": 1}, "extra": {"k": 2}}
    call(item, sent)
    assert seen == [sent]
    with pytest.raises(ToolArgsError, match=r"extra\.k"):
        item.validate_args({"extra": {"k": "2"}})
    with pytest.raises(ToolArgsError, match=r"where\.lat"):
        item.validate_args({"where": {"lat": "1"}})
