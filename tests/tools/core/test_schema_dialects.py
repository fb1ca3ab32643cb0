"""Published function specs in loose dialects become tools: types, tuples, optional, names."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import jsonschema
import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolArgsError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema import StrictModeFallbackWarning, anthropic_tool, openai_tool
from plangate.tools.schema_dialects import adapt_schema, legal_tool_name, published_tool_name
from plangate.tools.schema_tool import SchemaTool, tool_from_json_schema

# Specs in the shape benchmark suites and plugin manifests publish them.
SPECS: list[dict[str, Any]] = [
    {
        "name": "spotify.play",
        "description": "Play specific tracks from a given artist for a specific time duration.",
        "parameters": {
            "type": "dict",
            "properties": {
                "artist": {"type": "string", "description": "The artist to play."},
                "duration": {"type": "integer", "description": "Minutes to play."},
            },
            "required": ["artist", "duration"],
        },
    },
    {
        "name": "calculate_triangle_area",
        "description": "Area of a triangle from its base and height.",
        "parameters": {
            "type": "dict",
            "properties": {
                "base": {"type": "float", "description": "The base."},
                "height": {"type": "float", "description": "The height."},
                "unit": {"type": "str", "description": "Unit of length.", "optional": True},
            },
            "required": ["base", "height", "unit"],
        },
    },
    {
        "name": "geometry.distance",
        "description": "Distance between two points on a plane.",
        "parameters": {
            "type": "dict",
            "properties": {
                "point_a": {
                    "type": "tuple",
                    "items": [{"type": "float"}, {"type": "float"}],
                    "description": "Coordinates (x, y).",
                },
                "point_b": {"type": "tuple", "items": [{"type": "float"}, {"type": "float"}]},
                "rounding": {"type": "int", "default": 2},
            },
            "required": ["point_a", "point_b"],
        },
    },
    {
        "name": "flight.book",
        "description": "Book a direct flight.",
        "parameters": {
            "type": "dict",
            "properties": {
                "_from": {"type": "string", "description": "Departure airport."},
                "to": {"type": "string", "description": "Arrival airport."},
                "_class": {"type": "string", "enum": ["economy", "business"], "optional": True},
                "json": {"type": "bool", "description": "Answer as JSON.", "optional": True},
            },
            "required": ["_from", "to"],
        },
    },
    {
        "name": "data.store",
        "description": "Store a value under a key.",
        "parameters": {
            "type": "dict",
            "properties": {
                "key": {"type": "String"},
                "value": {"type": "any", "description": "Anything JSON."},
                "tags": {"type": "list", "items": {"type": "str"}, "optional": True},
                "meta": {"type": "dict", "properties": {"ttl": {"type": "long", "nullable": True}}},
            },
            "required": ["key", "value"],
        },
    },
]

# (spec index, arguments a model sends, what the function receives)
CALLS = [
    (0, {"artist": "Taylor Swift", "duration": 20}, {"artist": "Taylor Swift", "duration": 20}),
    (1, {"base": 3, "height": 4.5}, {"base": 3.0, "height": 4.5}),
    (
        2,
        {"point_a": [0, 0], "point_b": [3, 4]},
        {"point_a": [0.0, 0.0], "point_b": [3.0, 4.0], "rounding": 2},
    ),
    (3, {"_from": "OSL", "to": "LIS", "_class": "economy"}, {"_from": "OSL", "to": "LIS", "_class": "economy"}),
    (4, {"key": "k", "value": [1, {"a": None}], "meta": {"ttl": None}}, {"key": "k", "value": [1, {"a": None}], "meta": {"ttl": None}}),
]  # fmt: skip


def build(spec: dict[str, Any], seen: list[dict[str, Any]] | None = None) -> SchemaTool:
    def run(args: dict[str, Any], ctx: object) -> int:
        if seen is not None:
            seen.append(args)
        return 1

    return tool_from_json_schema(
        name=spec["name"], description=spec["description"], parameters=spec["parameters"],
        fn=run, result_type=int, read_only_hint=True,
    )  # fmt: skip


@pytest.mark.parametrize("spec", SPECS, ids=[s["name"] for s in SPECS])
def test_every_published_spec_becomes_a_tool_with_a_standard_schema(spec: dict[str, Any]) -> None:
    item = build(spec)
    schema = item.args_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    text = repr(schema)
    for loose in ("'dict'", "'float'", "'tuple'", "'any'", "'str'", "'int'", "'optional'"):
        assert loose not in text
    assert item.published_name == spec["name"]
    assert anthropic_tool(item)["name"] == item.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StrictModeFallbackWarning)
        assert openai_tool(item)["function"]["name"] == item.name


@pytest.mark.parametrize(("index", "sent", "received"), CALLS)
def test_a_model_call_under_the_legal_name_reaches_the_tool_with_published_argument_names(
    index: int, sent: dict[str, Any], received: dict[str, Any]
) -> None:
    seen: list[dict[str, Any]] = []
    item = build(SPECS[index], seen)
    jsonschema.Draft202012Validator(item.args_schema()).validate(sent)
    executor = ToolExecutor(Toolset([item]), clock=FakeClock())
    outcome = asyncio.run(executor.call(item.name, sent))
    assert outcome.result == 1
    assert seen == [received]


def test_the_adapted_types() -> None:
    adapted = adapt_schema(SPECS[2]["parameters"] | {"type": "dict"}, tool="t")
    assert adapted["type"] == "object"
    assert adapted["properties"]["point_a"] == {
        "type": "array",
        "prefixItems": [{"type": "number"}, {"type": "number"}],
        "minItems": 2,
        "maxItems": 2,
        "description": "Coordinates (x, y).",
    }
    store = adapt_schema(SPECS[4]["parameters"], tool="data.store")["properties"]
    assert store["key"] == {"type": "string"}
    assert store["value"] == {"description": "Anything JSON."}
    assert store["tags"] == {"type": "array", "items": {"type": "string"}}
    assert store["meta"]["properties"]["ttl"] == {"type": ["integer", "null"]}
    assert adapt_schema({"type": ["str", "any"]}, tool="t") == {}
    assert adapt_schema({"type": "tuple", "items": {"type": "int"}}, tool="t") == {
        "type": "array",
        "items": {"type": "integer"},
    }


def test_optional_wins_over_required_and_draft_3_required_is_read() -> None:
    area = build(SPECS[1])
    assert area.args_schema()["required"] == ["base", "height"]
    assert "optional" not in area.args_schema()["properties"]["unit"]
    draft3 = adapt_schema(
        {"type": "object", "properties": {"a": {"type": "string", "required": True}, "b": {}}},
        tool="t",
    )
    assert draft3 == {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {}},
        "required": ["a"],
    }


def test_a_tuple_has_exactly_its_items() -> None:
    item = build(SPECS[2])
    with pytest.raises(ToolArgsError, match="point_a"):
        item.validate_args({"point_a": [1, 2, 3], "point_b": [0, 0]})
    with pytest.raises(ToolArgsError, match="point_b"):
        item.validate_args({"point_a": [1, 2], "point_b": [0]})


def test_underscore_and_keyword_property_names_keep_their_published_names() -> None:
    item = build(SPECS[3])
    model = item.validate_args({"_from": "OSL", "to": "LIS", "json": True})
    assert model.model_dump(mode="json") == {"_from": "OSL", "to": "LIS", "json": True}
    with pytest.raises(ToolArgsError) as info:
        item.validate_args({"from": "OSL", "to": "LIS"})
    assert dict(info.value.errors) == {
        "_from": "Field required",
        "from": "unknown argument 'from' (did you mean '_from'?); "
        "known arguments: _from, to, _class, json",
    }


@pytest.mark.parametrize(
    ("published", "legal"),
    [
        ("spotify.play", "spotify__play"),
        ("math.geometry.area", "math__geometry__area"),
        ("get_weather", "get_weather"),
        ("get-weather", "get-weather"),
    ],
)
def test_dotted_names_map_to_legal_names_and_back(published: str, legal: str) -> None:
    assert legal_tool_name(published) == legal
    if "." in published:
        assert published_tool_name(legal) == published


def test_the_toolset_finds_a_dotted_tool_under_its_legal_name_and_namespaces_agree() -> None:
    item = build(SPECS[0])
    tools = Toolset([item])
    assert tools.names == ["spotify__play"]
    assert tools.get(legal_tool_name("spotify.play")) is item
    music = tools.namespaced("music")
    assert published_tool_name(music.names[0]) == "music.spotify.play"


@pytest.mark.parametrize(
    ("name", "parameters", "message"),
    [
        ("a b", {"type": "object"}, r"tool 'a b': name 'a b' has characters .*' '"),
        ("a__b.c", {"type": "object"}, "mixes '.' and '__'"),
        ("x." + "y" * 70, {"type": "object"}, "at most 64"),
        (
            "t",
            {"type": "dict", "properties": {"a": {"type": "date"}}},
            r"tool 't': cannot adapt the schema at /properties/a/type: unknown type 'date'",
        ),
        (
            "t",
            {"type": "dict", "properties": {"a": {"type": "str", "optional": "yes"}}},
            r"at /properties/a: 'optional' must be true or false, got 'yes'",
        ),
        (
            "t",
            {"type": "dict", "properties": {"a": "string"}},
            r"at /properties/a: expected a schema object, got 'string'",
        ),
        (
            "t",
            {"type": "dict", "properties": {"a": {"type": "tuple", "items": "int"}}},
            r"at /properties/a/items: expected a schema or a list, got 'int'",
        ),
        (
            "t",
            {"type": "object", "properties": {"a/b": {"type": "HashMap"}}},
            r"at /properties/a~1b/type: unknown type 'HashMap'",
        ),
        (
            "t",
            {"type": "object", "properties": {"a": {"type": "array", "prefixItems": [{}]}}},
            r"at /a: prefixItems must fix the length",
        ),
    ],
)
def test_what_cannot_be_adapted_is_a_usage_error_naming_tool_path_and_problem(
    name: str, parameters: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        tool_from_json_schema(name=name, description="D.", parameters=parameters, fn=print)


def test_without_the_adapter_only_standard_json_schema_is_accepted() -> None:
    with pytest.raises(UsageError, match="parameters must be an object schema"):
        tool_from_json_schema(
            name="t", description="D.", parameters={"type": "dict"}, fn=print, adapt_dialects=False
        )
    with pytest.raises(UsageError, match="invalid"):
        tool_from_json_schema(
            name="a.b", description="D.", parameters={"type": "object"}, fn=print,
            adapt_dialects=False,
        )  # fmt: skip


def test_a_toolset_finds_a_dotted_tool_by_its_published_name() -> None:
    def play(**kwargs: Any) -> dict[str, Any]:
        return kwargs

    tool = tool_from_json_schema(
        name="spotify.play",
        description="Play a song.",
        parameters={
            "type": "object", "properties": {"song": {"type": "string"}}, "required": ["song"],
        },
        fn=play,
        effect="write",
    )  # fmt: skip
    toolset = Toolset([tool])
    assert toolset.get("spotify.play") is tool
    assert toolset.get("spotify__play") is tool
    assert "spotify.play" in toolset
    assert "spotify.pause" not in toolset
