"""JSON-schema tools reject unknown arguments; the strict export keeps, round-trips and falls back."""

from __future__ import annotations

import warnings
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from plangate.tools.base import Tool, ToolContext, tool
from plangate.tools.errors import ToolArgsError, UsageError
from plangate.tools.schema import (
    StrictModeFallbackWarning,
    drop_strict_nulls,
    openai_tool,
    strict_blockers,
    strict_schema,
)
from plangate.tools.schema_tool import tool_from_json_schema

WEATHER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"enum": ["celsius", "fahrenheit"], "default": "celsius"},
        "where": {
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
        },
    },
    "required": ["city"],
}


def make(parameters: dict[str, Any], name: str = "weather") -> Tool[Any]:
    return tool_from_json_schema(
        name=name, description="Look it up.", parameters=parameters, fn=lambda a, c: a
    )


def test_a_misspelled_argument_is_rejected_naming_it_the_close_match_and_the_known_ones() -> None:
    with pytest.raises(ToolArgsError) as info:
        make(WEATHER).validate_args({"city": "Oslo", "unti": "fahrenheit"})
    assert info.value.errors == (
        (
            "unti",
            "unknown argument 'unti' (did you mean 'unit'?); known arguments: city, unit, where",
        ),
    )


def test_unknown_keys_in_nested_objects_are_rejected_with_every_other_error() -> None:
    with pytest.raises(ToolArgsError) as info:
        make(WEATHER).validate_args({"city": 3, "where": {"lat": 1.0, "long": 2.0}, "zzz": 1})
    by_loc = dict(info.value.errors)
    assert set(by_loc) == {"city", "where.long", "zzz"}
    assert "did you mean 'lon'?" in by_loc["where.long"]
    assert by_loc["zzz"] == "unknown argument 'zzz'; known arguments: city, unit, where"


def test_additional_properties_true_or_a_schema_lets_extra_keys_through() -> None:
    open_tool = make({**WEATHER, "additionalProperties": True})
    assert open_tool.validate_args({"city": "Oslo", "unti": "x"}).model_dump()["unti"] == "x"
    typed = make({**WEATHER, "additionalProperties": {"type": "integer"}})
    assert typed.validate_args({"city": "Oslo", "days": 3}).model_dump()["days"] == 3
    with pytest.raises(ToolArgsError, match="days: Input should be a valid integer"):
        typed.validate_args({"city": "Oslo", "days": "many"})


def test_free_form_object_arguments_stay_open_and_check_typed_values() -> None:
    schema = {
        "type": "object",
        "properties": {
            "meta": {"type": "object"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    }
    free = make(schema)
    args = free.validate_args({"meta": {"anything": [1, {"x": None}]}, "counts": {"a": 1}})
    assert args.model_dump()["meta"] == {"anything": [1, {"x": None}]}
    with pytest.raises(ToolArgsError, match=r"counts\.a"):
        free.validate_args({"counts": {"a": "one"}})


KEYWORD_NAMES = ["title", "default", "type", "description", "format", "enum", "items", "examples"]


def test_the_strict_export_keeps_properties_named_like_keywords() -> None:
    schema = {
        "type": "object",
        "title": "Args",
        "properties": {name: {"type": "string", "title": name.upper()} for name in KEYWORD_NAMES},
        "required": KEYWORD_NAMES[:3],
    }
    schema["properties"]["nested"] = {
        "type": "object",
        "properties": {"default": {"type": "integer", "default": 1}},
    }
    params = openai_tool(make(schema))["function"]["parameters"]
    jsonschema.Draft202012Validator.check_schema(params)
    assert "title" not in params
    assert set(params["properties"]) == {*KEYWORD_NAMES, "nested"}
    assert params["required"] == [*KEYWORD_NAMES, "nested"]
    assert params["properties"]["title"] == {"type": "string"}
    nested = params["properties"]["nested"]["anyOf"][0]
    assert nested["properties"] == {"default": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}


def test_keyword_names_inside_data_values_are_left_alone() -> None:
    schema = {
        "type": "object",
        "properties": {"pick": {"const": {"title": "x", "default": 1}}},
        "required": ["pick"],
    }
    assert strict_schema(schema)["properties"]["pick"] == {"const": {"title": "x", "default": 1}}


class Leg(BaseModel):
    origin: str
    stops: int = 0


class TripArgs(BaseModel):
    legs: list[Leg]
    note: str = "none"


@tool(effect="read")
async def plan_trip(args: TripArgs, ctx: ToolContext[None]) -> int:
    """Plan a trip."""
    return len(args.legs)


@pytest.mark.parametrize(
    ("item", "sent", "expected"),
    [
        (
            plan_trip,
            {"legs": [{"origin": "OSL", "stops": None}], "note": None},
            {"legs": [{"origin": "OSL", "stops": 0}], "note": "none"},
        ),
        (
            make(
                WEATHER
                | {
                    "properties": WEATHER["properties"]
                    | {
                        "days": {
                            "type": "object",
                            "properties": {"n": {"type": "integer", "default": 3}},
                        }
                    }
                }
            ),
            {"city": "Oslo", "unit": None, "where": None, "days": {"n": None}},
            {"city": "Oslo", "unit": "celsius", "days": {"n": 3}},  # omitted: absent
        ),
    ],
    ids=["pydantic", "json-schema"],
)
def test_nulls_for_nested_optional_fields_round_trip(
    item: Tool[Any], sent: dict[str, Any], expected: dict[str, Any]
) -> None:
    params = openai_tool(item)["function"]["parameters"]
    jsonschema.Draft202012Validator(params).validate(sent)
    assert item.validate_args(drop_strict_nulls(item, sent)).model_dump() == expected


class Free(BaseModel):
    query: str
    filters: dict[str, Any] = {}


@tool(effect="read")
async def search_free(args: Free, ctx: ToolContext[None]) -> int:
    """Search with free-form filters."""
    return 0


@pytest.mark.parametrize(
    ("item", "where"),
    [
        (make({"type": "object", "properties": {"meta": {"type": "object"}}}), "/properties/meta"),
        (make({**WEATHER, "additionalProperties": {"type": "string"}}), "/"),
        (search_free, "/properties/filters"),
    ],
    ids=["untyped-object", "typed-extras", "pydantic-dict"],
)
def test_a_schema_strict_mode_cannot_express_is_exported_non_strict_with_a_warning(
    item: Tool[Any], where: str
) -> None:
    with pytest.warns(StrictModeFallbackWarning, match=f"{where} is a free-form object"):
        function = openai_tool(item)["function"]
    assert function["strict"] is False
    assert function["parameters"] == item.args_schema()
    assert [b for b in strict_blockers(item.args_schema()) if b.startswith(where)]
    with pytest.raises(UsageError, match="cannot be made strict"):
        strict_schema(item.args_schema())


def test_expressible_schemas_export_strict_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert openai_tool(make(WEATHER))["function"]["strict"] is True
        assert openai_tool(plan_trip)["function"]["strict"] is True
