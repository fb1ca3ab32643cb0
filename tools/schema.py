"""Tool schemas in the formats model providers accept.

- ``openai_tool(tool)``: ``{"type": "function", "function": {...}}`` in OpenAI strict mode —
  every object closed (``additionalProperties: false``), every property required, optional
  fields made nullable, keywords strict mode rejects removed. Only keyword positions are
  transformed: a property literally named ``title``, ``default`` or ``type`` is kept.
- ``anthropic_tool(tool)``: ``{"name", "description", "input_schema"}``.

Strict mode cannot express every schema: a free-form object (``{"type": "object"}`` without
``properties``, or one whose ``additionalProperties`` is ``true`` or a schema) would have to be
closed to ``{}``, a property without a type (``{}``, what ``"type": "any"`` becomes) cannot be
said, and ``allOf``/``not``/``patternProperties``/``if``/``prefixItems`` (fixed-length tuples) are
not accepted. For such a tool ``openai_tool`` falls back to the plain (non-strict) schema with ``"strict": false`` and
emits a ``StrictModeFallbackWarning`` naming each place (``strict_blockers`` lists them);
``strict_schema`` raises ``UsageError`` instead.

In strict mode an optional argument arrives as ``null``; ``drop_strict_nulls`` removes those, at
every depth, before validation so the args model's default applies.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from plangate.tools.base import Tool
from plangate.tools.errors import UsageError

# Keywords OpenAI's strict mode does not accept; the schema still validates what the args
# model validates, so dropping them loses no safety (validation happens on our side too).
_STRICT_UNSUPPORTED = {"default", "title", "examples", "discriminator"}
# Keywords strict mode cannot express at all: their presence makes the tool non-strict.
_STRICT_INEXPRESSIBLE = {
    "allOf", "not", "if", "then", "else", "patternProperties", "dependentRequired",
    "dependentSchemas", "propertyNames", "unevaluatedProperties", "prefixItems",
}  # fmt: skip
# A schema with none of these accepts any value, which strict mode cannot say.
_CONSTRAINING = {
    "type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "properties", "items", "not",
    "prefixItems",
}  # fmt: skip
# Keywords whose value is one schema, a list of schemas, or a name → schema mapping.
_ONE_SCHEMA = {"items", "additionalProperties", "not", "if", "then", "else", "contains"}
_SCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems"}
_SCHEMA_MAPS = {"properties", "$defs", "definitions", "patternProperties", "dependentSchemas"}


class StrictModeFallbackWarning(UserWarning):
    """A tool's schema cannot be expressed in OpenAI strict mode; it is exported non-strict."""


def openai_tool(tool: Tool[Any], *, strict: bool = True) -> dict[str, Any]:
    """The tool in OpenAI's function-calling format (strict-mode compatible by default).

    With ``strict=True`` a schema strict mode cannot express is exported as is, with
    ``"strict": false``, and a ``StrictModeFallbackWarning`` names why.
    """
    schema = tool.args_schema()
    blockers = strict_blockers(schema) if strict else []
    if blockers:
        warnings.warn(
            f"tool {tool.name!r} exported without strict mode: {'; '.join(blockers)}",
            StrictModeFallbackWarning,
            stacklevel=2,
        )
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "parameters": strict_schema(schema) if strict and not blockers else schema,
    }
    if strict:
        function["strict"] = not blockers
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


def strict_blockers(schema: Mapping[str, Any]) -> list[str]:
    """Why ``schema`` cannot be expressed in OpenAI strict mode: one entry per place, or none."""
    found: list[str] = []
    _walk_blockers(schema, "", found)
    return found


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` made acceptable to OpenAI strict mode.

    Raises:
        UsageError: strict mode cannot express the schema (each place named).
    """
    blockers = strict_blockers(schema)
    if blockers:
        raise UsageError(f"schema cannot be made strict: {'; '.join(blockers)}")
    out = copy.deepcopy(dict(schema))
    _make_strict(out)
    return out


def _subschemas(node: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """``(path suffix, subschema)`` for every schema position directly under ``node``."""
    for key, value in node.items():
        if key in _ONE_SCHEMA and isinstance(value, dict):
            yield f"/{key}", value
        elif key == "items" and isinstance(value, list):  # draft-4 tuple form
            yield from ((f"/items/{i}", item) for i, item in enumerate(value))
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            yield from ((f"/{key}/{i}", item) for i, item in enumerate(value))
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            yield from ((f"/{key}/{name}", sub) for name, sub in value.items())


def _is_free_form(node: Mapping[str, Any]) -> bool:
    extra = node.get("additionalProperties")
    if extra is True or isinstance(extra, dict):
        return True
    return node.get("type") == "object" and "properties" not in node and extra is not False


def _walk_blockers(node: Any, where: str, found: list[str]) -> None:
    if not isinstance(node, Mapping):
        return
    place = where or "/"
    for key in sorted(_STRICT_INEXPRESSIBLE & node.keys()):
        found.append(f"{place} uses {key!r}")
    if _is_free_form(node):
        found.append(f"{place} is a free-form object (strict mode closes every object)")
    if where and not _CONSTRAINING & node.keys():
        found.append(f"{place} accepts any value (strict mode needs a type)")
    for suffix, sub in _subschemas(node):
        _walk_blockers(sub, where + suffix, found)


def _make_strict(node: Any) -> None:
    if not isinstance(node, dict):
        return
    for key in _STRICT_UNSUPPORTED & node.keys():
        del node[key]
    for _, sub in _subschemas(node):
        _make_strict(sub)
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
    ``null`` as "omitted", which is what the model means in practice. Nested objects (inside
    objects, arrays and ``anyOf`` variants) are cleaned the same way, following local ``$ref``.
    """
    schema = tool.args_schema()
    cleaned = _drop_nulls(schema, dict(args), schema)
    return dict(cleaned)


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") and seen < 32:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        node, seen = target if isinstance(target, Mapping) else {}, seen + 1
    return node


def _drop_nulls(raw: Any, value: Any, root: Mapping[str, Any]) -> Any:
    if not isinstance(raw, Mapping):
        return value
    node = _resolve(raw, root)
    if isinstance(value, dict):
        variant = _object_variant(node, value, root)
        properties = variant.get("properties", {})
        required = set(variant.get("required", []))
        return {
            key: _drop_nulls(properties.get(key), item, root)
            for key, item in value.items()
            if not (item is None and key in properties and key not in required)
        }
    if isinstance(value, list):
        items = node.get("items")
        if not isinstance(items, Mapping):
            items = next((v for v in _variants(node, root) if "items" in v), {}).get("items")
        return [_drop_nulls(items, item, root) for item in value]
    return value


def _variants(node: Mapping[str, Any], root: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    options = [node]
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, []) if isinstance(node.get(key), list) else []:
            if isinstance(option, Mapping):
                options.extend(_variants(_resolve(option, root), root))
    return options


def _object_variant(
    node: Mapping[str, Any], value: Mapping[str, Any], root: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The variant of ``node`` describing the object ``value`` (the one naming most of its keys)."""
    candidates = [v for v in _variants(node, root) if isinstance(v.get("properties"), Mapping)]
    if not candidates:
        return {}
    return max(candidates, key=lambda v: len(set(v["properties"]) & set(value)))
