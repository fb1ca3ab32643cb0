"""The loose dialects of JSON schema that published function specs use, mapped to JSON Schema.

Function specs collected from benchmarks, plugin manifests and Python-minded generators speak a
dialect close to JSON Schema but not it. ``tool_from_json_schema`` adapts them by default
(``adapt_dialects=True``); ``adapt_schema`` and ``legal_tool_name`` are the same steps on their
own. The adapted schema is what the tool validates against and exports; what changed:

=============================================  ================================================
published                                      becomes
=============================================  ================================================
``"type": "dict"``                             ``"object"``
``"float"``, ``"double"``                      ``"number"``
``"int"``, ``"long"``                          ``"integer"``
``"str"``                                      ``"string"``
``"bool"``                                     ``"boolean"``
``"list"``                                     ``"array"``
``"tuple"``                                    ``"array"``; with a list of ``items``, exactly
                                               those items in that order (``prefixItems``)
``"any"``                                      no type constraint
``"items": [{...}, {...}]`` (draft 4 tuples)   ``prefixItems`` of exactly that length
``"optional": true`` on a property             the property is not required (``optional`` wins
                                               over ``required``); the keyword is removed
``"required": true`` on a property (draft 3)   the property is required; the keyword is removed
``"nullable": true`` (OpenAPI 3.0)             ``null`` is allowed too
=============================================  ================================================

Type names are matched case-insensitively (``"String"``, ``"Boolean"``), also inside type lists.
Property names are kept as published, ``_from`` and ``_class`` included: the tool's arguments
carry the published names on the wire.

Tool names: OpenAI and Anthropic accept ``^[a-zA-Z0-9_-]{1,64}$``. A dotted name
(``spotify.play``) becomes ``spotify__play`` — the separator ``Toolset.namespaced`` uses, so
``music.spotify.play`` and ``Toolset.namespaced("music")`` of ``spotify.play`` agree — and
``published_tool_name`` maps it back. A legal name is kept as it is.

Anything that cannot be mapped — an unknown type name, ``optional`` that is not a boolean, a name
with characters other than dots to replace — is a ``UsageError`` naming the tool, the JSON pointer
into the published schema and what was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from plangate.tools.errors import UsageError

LEGAL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DOT = "__"

# Published type name (lower case) → JSON Schema type; ``None`` means "no type constraint".
TYPE_ALIASES: dict[str, str | None] = {
    "dict": "object",
    "float": "number",
    "double": "number",
    "int": "integer",
    "long": "integer",
    "str": "string",
    "bool": "boolean",
    "list": "array",
    "tuple": "array",
    "any": None,
}
_STANDARD = {"object", "array", "string", "integer", "number", "boolean", "null"}
# Keywords whose value is one schema, a list of schemas, or a name → schema mapping.
_ONE_SCHEMA = ("items", "additionalProperties", "not", "if", "then", "else", "contains")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_MAPS = ("$defs", "definitions", "patternProperties", "dependentSchemas")


def legal_tool_name(name: str, *, tool: str | None = None) -> str:
    """``name`` as a legal function name: dots become ``__``; a legal name is kept.

    Raises:
        UsageError: the name has other characters no function name may hold, already holds
            ``__`` next to dots (the mapping could not be reversed), or is too long once mapped.
    """
    if LEGAL_NAME.match(name):
        return name
    label = tool or name
    if "." in name and DOT in name:
        raise UsageError(
            f"tool {label!r}: name {name!r} mixes '.' and '__', so it cannot be mapped to a "
            "legal function name and back; rename the tool"
        )
    mapped = name.replace(".", DOT)
    bad = sorted({ch for ch in mapped if not re.match(r"[A-Za-z0-9_-]", ch)})
    if bad or not mapped:
        raise UsageError(
            f"tool {label!r}: name {name!r} has characters no function name may hold "
            f"({', '.join(repr(ch) for ch in bad) or 'empty'}); only dots are mapped (to '__')"
        )
    if len(mapped) > 64:
        raise UsageError(
            f"tool {label!r}: name {name!r} is {len(mapped)} characters once mapped to "
            f"{mapped!r}; function names have at most 64"
        )
    return mapped


def published_tool_name(legal: str) -> str:
    """The published name ``legal_tool_name`` mapped to ``legal`` (``spotify__play`` → ``spotify.play``).

    Only meaningful for names that were mapped: a legal name that holds ``__`` of its own reads
    back with a dot. A ``SchemaTool`` keeps its exact published name in ``published_name``.
    """
    return legal.replace(DOT, ".")


def adapt_schema(parameters: Mapping[str, Any], *, tool: str) -> dict[str, Any]:
    """A JSON Schema copy of ``parameters`` with the loose dialects mapped (see the module doc).

    Raises:
        UsageError: something could not be mapped; the message names ``tool``, the JSON pointer
            and what was wrong.
    """
    adapted = _Adapter(tool).node(parameters, "")
    return dict(adapted)


def _pointer(where: str, *parts: str | int) -> str:
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "/".join((where, *escaped))


class _Adapter:
    def __init__(self, tool: str) -> None:
        self.tool = tool

    def fail(self, where: str, what: str) -> UsageError:
        return UsageError(f"tool {self.tool!r}: cannot adapt the schema at {where or '/'}: {what}")

    def node(self, raw: Any, where: str) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.fail(where, f"expected a schema object, got {raw!r}")
        node = dict(raw)
        self.types(node, where)
        items = node.get("items")
        if "items" in node and not isinstance(items, Mapping | list | bool):
            raise self.fail(_pointer(where, "items"), f"expected a schema or a list, got {items!r}")
        if isinstance(items, list):
            self.tuple_items(node, where)
        for key in _ONE_SCHEMA:
            if isinstance(node.get(key), Mapping):
                node[key] = self.node(node[key], _pointer(where, key))
        for key in _SCHEMA_LISTS:
            if isinstance(node.get(key), list):
                node[key] = [
                    self.node(item, _pointer(where, key, i)) for i, item in enumerate(node[key])
                ]
        for key in _SCHEMA_MAPS:
            if isinstance(node.get(key), Mapping):
                node[key] = {
                    name: self.node(sub, _pointer(where, key, name))
                    for name, sub in node[key].items()
                }
        if "properties" in node:
            self.properties(node, where)
        if "nullable" in node:
            return self.nullable(node, where)
        return node

    def types(self, node: dict[str, Any], where: str) -> None:
        kind = node.get("type")
        if kind is None:
            return
        at = _pointer(where, "type")
        kinds = kind if isinstance(kind, list) else [kind]
        mapped: list[str] = []
        for item in kinds:
            if not isinstance(item, str):
                raise self.fail(at, f"a type is a name, got {item!r}")
            name = item.lower()
            if name in _STANDARD:
                mapped.append(name)
            elif name in TYPE_ALIASES:
                alias = TYPE_ALIASES[name]
                if alias is None:  # "any" allows everything, whatever else the list says
                    del node["type"]
                    return
                mapped.append(alias)
            else:
                known = ", ".join(sorted(_STANDARD | set(TYPE_ALIASES)))
                raise self.fail(at, f"unknown type {item!r} (known: {known})")
        unique = list(dict.fromkeys(mapped))
        node["type"] = unique if isinstance(kind, list) else unique[0]

    def tuple_items(self, node: dict[str, Any], where: str) -> None:
        """Draft-4 / Python tuples: ``items`` as a list means exactly those items, in order."""
        items = node.pop("items")
        if "prefixItems" in node:
            raise self.fail(_pointer(where, "items"), "a list of items next to prefixItems")
        node["prefixItems"] = items
        node.setdefault("minItems", len(items))
        node.setdefault("maxItems", len(items))

    def properties(self, node: dict[str, Any], where: str) -> None:
        props = node["properties"]
        if not isinstance(props, Mapping):
            raise self.fail(_pointer(where, "properties"), f"expected an object, got {props!r}")
        required = node.get("required", [])
        if not isinstance(required, list):
            raise self.fail(_pointer(where, "required"), f"expected a list, got {required!r}")
        wanted = list(required)
        adapted: dict[str, Any] = {}
        for name, raw in props.items():
            at = _pointer(where, "properties", name)
            prop = self.node(raw, at)
            optional = prop.pop("optional", None)
            if optional is not None and not isinstance(optional, bool):
                raise self.fail(at, f"'optional' must be true or false, got {optional!r}")
            flag = prop.get("required")
            if isinstance(flag, bool):  # draft 3: "required" on the property itself
                del prop["required"]
                if flag and name not in wanted:
                    wanted.append(name)
            if optional:
                wanted = [n for n in wanted if n != name]
            adapted[name] = prop
        node["properties"] = adapted
        if wanted or "required" in node:
            node["required"] = wanted

    def nullable(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        flag = node.pop("nullable")
        if not isinstance(flag, bool):
            raise self.fail(_pointer(where, "nullable"), f"expected true or false, got {flag!r}")
        if not flag:
            return node
        kind = node.get("type")
        if isinstance(kind, str) and not ({"enum", "const"} & node.keys()):
            node["type"] = [kind, "null"]
            return node
        if isinstance(kind, list) and not ({"enum", "const"} & node.keys()):
            node["type"] = [*kind, "null"] if "null" not in kind else kind
            return node
        description = node.pop("description", None)
        out: dict[str, Any] = {"anyOf": [node, {"type": "null"}]}
        if description is not None:
            out["description"] = description
        return out
