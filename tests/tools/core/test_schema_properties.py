"""Property tests over generated JSON schemas: tool from schema → strict export → validate.

For every generated schema the strict export is a valid JSON schema in strict shape that keeps
every property; arguments valid for the original schema are accepted by the tool and, filled the
way strict mode sends them (``null`` for each omitted optional field, at every depth), by the
export; mutants (missing required, wrong type, unknown key, out-of-enum) are rejected by both.
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plangate.tools.base import Tool
from plangate.tools.errors import ToolArgsError
from plangate.tools.schema import drop_strict_nulls, openai_tool
from plangate.tools.schema_tool import tool_from_json_schema

NAMES = ["title", "default", "type", "description", "format", "enum", "items", "required",
         "properties", "unit", "city", "count", "x"]  # fmt: skip

SCALARS = st.one_of(
    st.just({"type": "string"}),
    st.integers(0, 3).map(lambda n: {"type": "string", "minLength": n, "title": "S"}),
    st.just({"type": "integer", "minimum": -5, "maximum": 5}),
    st.just({"type": "number", "description": "A number."}),
    st.just({"type": "boolean"}),
    st.lists(st.sampled_from(["a", "b", "c", "title"]), min_size=1, max_size=3, unique=True).map(
        lambda values: {"enum": values}
    ),
)


def objects(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(NAMES), children, min_size=1, max_size=4).flatmap(
        lambda props: st.sets(st.sampled_from(sorted(props))).map(
            lambda required: {
                "type": "object",
                "properties": props,
                "required": sorted(required),
                "title": "Obj",
            }
        )
    )


PROPERTY = st.recursive(
    SCALARS,
    lambda inner: st.one_of(objects(inner), inner.map(lambda i: {"type": "array", "items": i})),
    max_leaves=6,
)
SCHEMAS = objects(PROPERTY)


def values(data: st.DataObject, schema: dict[str, Any]) -> Any:
    """Draw a value valid for ``schema`` (objects omit some optional properties)."""
    if "enum" in schema:
        return data.draw(st.sampled_from(schema["enum"]))
    kind = schema["type"]
    if kind == "string":
        return data.draw(st.text("abc", min_size=schema.get("minLength", 0), max_size=6))
    if kind == "integer":
        return data.draw(st.integers(-5, 5))
    if kind == "number":
        return data.draw(st.floats(-10, 10, allow_nan=False))
    if kind == "boolean":
        return data.draw(st.booleans())
    if kind == "array":
        return [values(data, schema["items"]) for _ in range(data.draw(st.integers(0, 2)))]
    required = set(schema["required"])
    return {
        name: values(data, prop)
        for name, prop in schema["properties"].items()
        if name in required or data.draw(st.booleans())
    }


def strict_fill(schema: dict[str, Any], value: Any) -> Any:
    """``value`` as strict mode sends it: every omitted optional property present as ``null``.

    Keys the schema does not list are kept, so an unknown-key mutant stays a mutant.
    """
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        filled = {
            name: strict_fill(prop, value[name]) if name in value else None
            for name, prop in properties.items()
        }
        return {**filled, **{k: v for k, v in value.items() if k not in properties}}
    if isinstance(value, list):
        return [strict_fill(schema["items"], item) for item in value]
    return value


def objects_in(schema: dict[str, Any], value: Any, path: tuple[Any, ...] = ()) -> list[Any]:
    """``(path, schema, value)`` for every object inside ``value``, the root included."""
    found: list[Any] = []
    if isinstance(value, dict) and "properties" in schema:
        found.append((path, schema, value))
        for name, item in value.items():
            found += objects_in(schema["properties"][name], item, (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += objects_in(schema["items"], item, (*path, index))
    return found


def set_at(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(root)
    target = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def wrong_value(schema: dict[str, Any]) -> Any:
    """A value of a type ``schema`` rejects, under plangate's coercions and JSON Schema alike."""
    if "enum" in schema:
        return "zz-not-in-enum"
    return 7 if schema["type"] in ("object", "array") else {"k": [1]}


def property_names(schema: Any) -> list[Any]:
    if isinstance(schema, dict):
        if "properties" in schema:
            return [(n, property_names(p)) for n, p in sorted(schema["properties"].items())]
        if "anyOf" in schema:
            return property_names(schema["anyOf"][0])
        if "items" in schema:
            return property_names(schema["items"])
    return []


def rejects(item: Tool[Any], validator: Any, schema: dict[str, Any], mutant: Any) -> None:
    with pytest.raises(ToolArgsError):
        item.validate_args(mutant)
    assert not validator.is_valid(strict_fill(schema, mutant)), mutant


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(schema=SCHEMAS, data=st.data())
def test_generated_schemas_export_strict_and_validate_alike(
    schema: dict[str, Any], data: st.DataObject
) -> None:
    item = tool_from_json_schema(name="gen", description="G.", parameters=schema, fn=lambda a, c: a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        function = openai_tool(item)["function"]
    assert function["strict"] is True
    exported = function["parameters"]
    jsonschema.Draft202012Validator.check_schema(exported)
    assert property_names(exported) == property_names(schema)
    validator = jsonschema.Draft202012Validator(exported)

    args = values(data, schema)
    jsonschema.Draft202012Validator(schema).validate(args)
    direct = item.validate_args(args).model_dump()
    sent = strict_fill(schema, args)
    validator.validate(sent)
    assert item.validate_args(drop_strict_nulls(item, sent)).model_dump() == direct

    path, node, obj = data.draw(st.sampled_from(objects_in(schema, args)))
    present = [name for name in obj if name in node["required"]]
    if present:
        name = data.draw(st.sampled_from(present))
        missing = {k: v for k, v in obj.items() if k != name}
        rejects(item, validator, schema, set_at(args, path, missing) if path else missing)
    unknown = {**obj, "zz_unknown": 1}
    rejects(item, validator, schema, set_at(args, path, unknown) if path else unknown)
    if obj:
        name = data.draw(st.sampled_from(sorted(obj)))
        bad = set_at(args, (*path, name), wrong_value(node["properties"][name]))
        rejects(item, validator, schema, bad)
