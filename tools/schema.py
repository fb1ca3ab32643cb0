"""Tool schemas in the formats model providers accept.

- ``openai_tool(tool)``: ``{"type": "function", "function": {...}}`` in OpenAI strict mode —
  every object closed (``additionalProperties: false``), every property required, optional
  fields made nullable, keywords strict mode rejects removed.
- ``anthropic_tool(tool)``: ``{"name", "description", "input_schema"}``.

In strict mode an optional argument arrives as ``null``; ``drop_strict_nulls`` removes those
before validation so the args model's default applies.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from plangate.tools.base import Tool

# Keywords OpenAI's strict mode does not accept; the schema still validates what the args
# model validates, so dropping them loses no safety (validation happens on our side too).
_STRICT_UNSUPPORTED = {"default", "title", "examples", "discriminator"}


def openai_tool(tool: Tool[Any], *, strict: bool = True) -> dict[str, Any]:
    """The tool in OpenAI's function-calling format (strict-mode compatible by default)."""
    parameters = strict_schema(tool.args_schema()) if strict else tool.args_schema()
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "parameters": parameters,
    }
    if strict:
        function["strict"] = True
    return {"type": "function", "function": function}


def anthropic_tool(tool: Tool[Any]) -> dict[str, Any]:
    """The tool in Anthropic's tool-use format."""
    schema = tool.args_schema()
    schema.setdefault("type", "object")
    return {"name": tool.name, "description": tool.description, "input_schema": schema}


def openai_tools(tools: Iterable[Tool[Any]], *, strict: bool = True) -> list[dict[str, Any]]:
    """Every tool in OpenAI format."""
    return [openai_tool(item, strict=strict) for item in tools]


def anthropic_tools(tools: Iterable[Tool[Any]]) -> list[dict[str, Any]]:
    """Every tool in Anthropic format."""
    return [anthropic_tool(item) for item in tools]


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` made acceptable to OpenAI strict mode."""
    out = copy.deepcopy(dict(schema))
    _make_strict(out)
    return out


def _make_strict(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _make_strict(item)
        return
    if not isinstance(node, dict):
        return
    for key in _STRICT_UNSUPPORTED & node.keys():
        # A property literally named "title"/"default" lives under "properties", not here.
        del node[key]
    for child in node.values():
        _make_strict(child)
    if node.get("type") == "object" or "properties" in node:
        properties: dict[str, Any] = node.setdefault("properties", {})
        required = set(node.get("required", []))
        for name, prop in list(properties.items()):
            if name not in required:
                properties[name] = _nullable(prop)
        node["required"] = list(properties)
        node["additionalProperties"] = False


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    if prop.get("type") == "null":
        return prop
    variants = prop.get("anyOf")
    if isinstance(variants, list):
        if not any(isinstance(v, dict) and v.get("type") == "null" for v in variants):
            variants.append({"type": "null"})
        return prop
    description = prop.pop("description", None)
    out: dict[str, Any] = {"anyOf": [prop, {"type": "null"}]}
    if description:
        out["description"] = description
    return out


def drop_strict_nulls(tool: Tool[Any], args: Mapping[str, Any]) -> dict[str, Any]:
    """Remove the ``null`` strict mode sends for optional arguments, so their defaults apply.

    Strict mode cannot tell "omitted" from "null" for an optional argument; plangate reads
    ``null`` as "omitted", which is what the model means in practice.
    """
    fields = tool.args_model.model_fields
    return {
        name: value
        for name, value in args.items()
        if not (value is None and name in fields and not fields[name].is_required())
    }
