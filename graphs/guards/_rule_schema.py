"""What a rule's terms will hold, read from the JSON schemas of tools, to validate rules early.

A rule is checked when the agent is built: each field path must exist in the tool's args
schema (or the lookup tool's result schema), and each comparison must pair kinds that can
meet. ``Shape`` is that static view of a term: a kind and, when known, the schema under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from plangate.tools.errors import UsageError

Kind = Literal["number", "text", "bool", "moment", "duration", "list", "object", "null", "any"]
_JSON_KINDS: dict[str, Kind] = {
    "integer": "number", "number": "number", "string": "text", "boolean": "bool",
    "array": "list", "object": "object", "null": "null",
}  # fmt: skip
_MOMENT_FORMATS = ("date", "date-time")


@dataclass(frozen=True)
class Shape:
    """The static view of a term.

    Attributes:
        kind: what the term holds, ``any`` when unknown.
        schema: the JSON schema at the term (resolved), when known.
        defs: the ``$defs`` that references in ``schema`` point into.
    """

    kind: Kind
    schema: Mapping[str, Any] | None = None
    defs: Mapping[str, Any] | None = None


ANY = Shape("any")


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 50:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        schema = {**defs.get(name, {}), **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def _branches(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The alternatives of ``schema`` other than ``null`` (``anyOf``/``oneOf``), resolved."""
    schema = _resolve(schema, defs)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            found = [
                _resolve(option, defs) for option in schema[key] if isinstance(option, Mapping)
            ]
            return [option for option in found if option.get("type") != "null"] or found
    return [schema]


def shape_of(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Shape:
    """The shape of a value valid against ``schema``."""
    branches = _branches(schema, defs)
    kinds = {_kind(branch) for branch in branches}
    if len(branches) == 1:
        return Shape(kinds.pop(), branches[0], defs)
    if kinds <= {"number", "text"}:  # Decimal money: a number or a string spelling one
        return Shape("number" if kinds == {"number"} else "text", None, defs)
    return Shape(kinds.pop() if len(kinds) == 1 else "any", None, defs)


def _kind(schema: Mapping[str, Any]) -> Kind:
    kind = schema.get("type")
    if kind == "string" and schema.get("format") in _MOMENT_FORMATS:
        return "moment"
    if isinstance(kind, str) and kind in _JSON_KINDS:
        return _JSON_KINDS[kind]
    if "properties" in schema:
        return "object"
    return "any"


def schema_shape(schema: Mapping[str, Any]) -> Shape:
    """The shape of a whole document (a tool's args or result schema)."""
    defs = schema.get("$defs", {})
    return shape_of(schema, defs if isinstance(defs, Mapping) else {})


def descend(shape: Shape, path: str, *, what: str) -> Shape:
    """The shape at dotted ``path`` under ``shape``; digits index lists.

    Raises:
        UsageError: ``path`` names nothing in the schema; the message lists what exists.
    """
    if not path:
        return shape
    for part in path.split("."):
        if shape.kind == "any" or shape.schema is None:
            return ANY
        defs = shape.defs or {}
        schema = shape.schema
        if shape.kind == "list":
            if not part.isdigit():
                raise UsageError(f"{what}: {part!r} is not an index into the list there")
            items = schema.get("items")
            shape = shape_of(items, defs) if isinstance(items, Mapping) else ANY
            continue
        properties = schema.get("properties")
        if shape.kind == "object" and not isinstance(properties, Mapping):
            return ANY  # an open object (a dict of anything): its fields are known at run time
        if shape.kind != "object" or not isinstance(properties, Mapping):
            raise UsageError(f"{what}: {part!r} is below {shape.kind} data, which has no fields")
        if part not in properties:
            if schema.get("additionalProperties") not in (None, False):
                return ANY
            known = ", ".join(sorted(properties)) or "none"
            raise UsageError(f"{what}: no field {part!r} (fields there: {known})")
        shape = shape_of(properties[part], defs)
    return shape


def item_shape(shape: Shape) -> Shape:
    """The shape of one item of a list (``ANY`` when unknown)."""
    if shape.kind == "list" and shape.schema is not None:
        items = shape.schema.get("items")
        return shape_of(items, shape.defs or {}) if isinstance(items, Mapping) else ANY
    return ANY


_ORDERED = {
    frozenset({"number"}), frozenset({"number", "text"}), frozenset({"text"}),
    frozenset({"moment"}), frozenset({"moment", "text"}), frozenset({"duration"}),
}  # fmt: skip
_EQUAL = _ORDERED | {frozenset({"bool"}), frozenset({"list"}), frozenset({"object"})}


def can_compare(op: str, left: Kind, right: Kind) -> bool:
    """Whether values of these kinds can meet under ``op`` (``any`` meets everything)."""
    if "any" in (left, right):
        return True
    if op in ("==", "!=") and "null" in (left, right):
        return True
    pair = frozenset({left, right})
    return pair in (_EQUAL if op in ("==", "!=") else _ORDERED)
