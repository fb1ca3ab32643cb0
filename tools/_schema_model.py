"""The pydantic args model of a JSON-schema tool (private to ``plangate.tools.schema_tool``).

``args_model(schema, tool, strict=...)`` builds the model arguments are validated into:

- Every object that lists ``properties`` is closed unless ``additionalProperties`` opens it; an
  unknown key is named with a close match and the known keys.
- Property names are kept as published. One that cannot be a pydantic field name (``_from``,
  ``class``, ``json``, ``model_dump``) gets an internal field name and the published name as its
  alias, used both ways: validation and every dump speak the published name.
- An optional property the call omits is absent from every dump, at every depth, so a tool never
  receives a ``null`` it was not sent; so is a ``null`` sent for an optional property whose schema
  does not allow ``null`` (how OpenAI strict mode says "omitted"). A declared default is filled in.
  The canonical dump (``plangate.tools.base.canonical_args``) keeps them as ``null``, so
  idempotency keys do not depend on how an argument was left out.
- ``strict=True`` validates in pydantic's strict mode: no coercion (``"3"`` is not an integer,
  ``"yes"`` not a boolean, ``True`` not a number).
"""

from __future__ import annotations

import difflib
import keyword
import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, ClassVar, Literal, Union, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from plangate.tools.base import CANONICAL_CONTEXT
from plangate.tools.errors import UsageError

_SCALARS: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool}
_BOUNDS = {
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minItems": "min_length",
    "maxItems": "max_length",
}
_IGNORED = {"description", "title", "default", "examples", "format", "$schema", "$id", "$comment"}
_STRUCTURE = {
    "type", "properties", "required", "additionalProperties", "items", "prefixItems", "enum",
    "const", "anyOf", "oneOf", "$ref", "$defs", "definitions",
}  # fmt: skip


class SchemaArgs(BaseModel):
    """Base of every model built from a JSON schema: dumps by published name, omits the omitted.

    Attributes:
        omittable: field names of optional properties without a default (absent when omitted).
        null_is_absent: those of them whose schema does not allow ``null`` (``null`` = omitted).
    """

    model_config = ConfigDict(serialize_by_alias=True)
    omittable: ClassVar[frozenset[str]] = frozenset()
    null_is_absent: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_omitted(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        context = info.context
        if not isinstance(data, dict) or (
            isinstance(context, Mapping) and context.get(CANONICAL_CONTEXT)
        ):
            return data
        fields = type(self).model_fields
        for name in self.omittable:
            key = fields[name].alias or name
            if key in data and (
                name not in self.model_fields_set
                or (data[key] is None and name in self.null_is_absent)
            ):
                del data[key]
        return data


class _ClosedArgs(SchemaArgs):
    """An object that rejects keys its schema does not list, naming them and the known ones."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _name_unknown(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            known = [field.alias or name for name, field in cls.model_fields.items()]
            details: list[InitErrorDetails] = []
            for err in exc.errors():
                kind, loc, value = err["type"], err["loc"], err["input"]
                if kind == "extra_forbidden" and len(loc) == 1:
                    text = _unknown(loc[0], known)
                    details.append(_custom(_UNKNOWN, text, loc, value))
                elif kind == _UNKNOWN:
                    details.append(_custom(_UNKNOWN, err["msg"], loc, value))
                else:
                    details.append(
                        InitErrorDetails(type=kind, loc=loc, input=value, ctx=err.get("ctx", {}))
                    )
            raise ValidationError.from_exception_data(exc.title, details) from None


class _OpenArgs(SchemaArgs):
    """An object that keeps keys its schema does not list (``additionalProperties: true``)."""

    model_config = ConfigDict(extra="allow")


@cache
def _strict(base: type[SchemaArgs]) -> type[SchemaArgs]:
    namespace = {"model_config": ConfigDict(strict=True), "__module__": __name__}
    return type(f"Strict{base.__name__.lstrip('_')}", (base,), namespace)


def args_model(schema: Mapping[str, Any], tool: str, *, strict: bool = False) -> type[BaseModel]:
    """The args model of ``schema`` (an object schema).

    Raises:
        UsageError: the schema uses a construct plangate cannot enforce, named with its place.
    """
    converter = _Converter(schema, tool, strict)
    return converter.model(schema, camel(tool) + "Args")


def camel(name: str) -> str:
    """``spotify.play`` → ``SpotifyPlay``: a class name for a tool's models."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _as_tuple(value: Any) -> Any:
    """A JSON array is the wire form of a tuple (strict mode accepts only tuples otherwise)."""
    return tuple(value) if isinstance(value, list) else value


def _allows_null(node: Any, root: Mapping[str, Any]) -> bool:
    if not isinstance(node, Mapping):
        return True  # ``true``: any value
    node = _follow(node, root)
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if "const" in node:
        return node["const"] is None
    if "enum" in node:
        return None in node["enum"]
    options = [*node.get("anyOf", []), *node.get("oneOf", [])]
    if options:
        return any(isinstance(o, Mapping) and _allows_null(o, root) for o in options)
    return kind is None


def _follow(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    match = re.fullmatch(r"#/(\$defs|definitions)/(.+)", str(ref)) if ref else None
    if match is None:
        return node
    target = root.get(match.group(1), {}).get(match.group(2))
    return target if isinstance(target, Mapping) else node


class _Converter:
    def __init__(self, root: Mapping[str, Any], tool: str, strict: bool) -> None:
        self.root = root
        self.tool = tool
        self.strict = strict
        self.counter = 0

    def fail(self, where: str, what: str) -> UsageError:
        return UsageError(f"tool {self.tool!r}: unsupported JSON schema at {where or '/'}: {what}")

    def resolve(self, node: Mapping[str, Any], where: str) -> Mapping[str, Any]:
        ref = node.get("$ref")
        if ref is None:
            return node
        match = re.fullmatch(r"#/(\$defs|definitions)/(.+)", str(ref))
        if not match:
            raise self.fail(where, f"only local $ref to $defs is supported, got {ref!r}")
        target = self.root.get(match.group(1), {}).get(match.group(2))
        if target is None:
            raise self.fail(where, f"$ref {ref!r} points nowhere")
        return dict(target)

    def base_of(self, base: type[SchemaArgs]) -> type[SchemaArgs]:
        return _strict(base) if self.strict else base

    def model(self, node: Mapping[str, Any], model_name: str, where: str = "") -> type[BaseModel]:
        properties = node.get("properties", {})
        if not isinstance(properties, Mapping):
            raise self.fail(f"{where}/properties", f"expected an object, got {properties!r}")
        required = set(node.get("required", []))
        base = self.base(node, where)
        fields: dict[str, Any] = {}
        omittable: set[str] = set()
        null_is_absent: set[str] = set()
        taken = set(properties)
        for prop_name, prop in properties.items():
            at = f"{where}/{prop_name}"
            if not prop_name.isidentifier():
                raise self.fail(at, "property names must be identifiers")
            field_name = _field_name(prop_name, taken, base)
            taken.add(field_name)
            annotation = self.type_of(prop, at)
            default = ... if prop_name in required else _default(prop)
            if prop_name not in required and default is None:
                annotation = annotation | None
                omittable.add(field_name)
                if not _allows_null(prop, self.root):
                    null_is_absent.add(field_name)
            alias = prop_name if field_name != prop_name else None
            description = prop.get("description") if isinstance(prop, Mapping) else None
            fields[field_name] = (annotation, Field(default, alias=alias, description=description))
        created: type[BaseModel] = create_model(model_name, __base__=base, **fields)
        return _with_omittable(cast(type[SchemaArgs], created), omittable, null_is_absent)

    def base(self, node: Mapping[str, Any], where: str) -> type[SchemaArgs]:
        """The base class saying what an object does with keys its schema does not list."""
        extra = node.get("additionalProperties", False)
        if extra is False:
            return self.base_of(_ClosedArgs)
        if extra is True or extra == {}:
            return self.base_of(_OpenArgs)
        if not isinstance(extra, Mapping):
            raise self.fail(f"{where}/additionalProperties", f"expected a schema, got {extra!r}")
        value_type = self.type_of(extra, f"{where}/additionalProperties")
        namespace = {
            "__annotations__": {"__pydantic_extra__": dict[str, value_type]},  # type: ignore[valid-type]
            "model_config": ConfigDict(extra="allow", strict=self.strict),
            "__module__": __name__,
        }
        return type(f"{camel(self.tool)}Extra{self.counter}", (SchemaArgs,), namespace)

    def type_of(self, raw: Any, where: str) -> Any:
        if raw is True:
            return Any
        if not isinstance(raw, Mapping):
            raise self.fail(where, f"expected a schema object, got {raw!r}")
        node = self.resolve(raw, where)
        unknown = set(node) - _IGNORED - set(_BOUNDS) - _STRUCTURE
        if unknown:
            raise self.fail(where, f"keywords {sorted(unknown)} are not supported")
        if "const" in node:
            return Literal[node["const"]]
        if "enum" in node:
            return Literal[tuple(node["enum"])]
        for key in ("anyOf", "oneOf"):
            if key in node:
                options = [self.type_of(opt, f"{where}/{key}") for opt in node[key]]
                return Union[tuple(options)]  # noqa: UP007 - built at run time
        kind = node.get("type")
        if isinstance(kind, list):
            return Union[tuple(self.type_of({**node, "type": k}, where) for k in kind)]  # noqa: UP007
        constraints = {_BOUNDS[k]: v for k, v in node.items() if k in _BOUNDS}
        base: Any
        if kind in _SCALARS:
            base = _SCALARS[kind]
        elif kind == "null":
            return type(None)
        elif kind == "array" and "prefixItems" in node:
            return self.fixed_tuple(node, where)
        elif kind == "array":
            items = node.get("items")
            base = list[self.type_of(items, f"{where}/items")] if items else list[Any]  # type: ignore[misc]
        elif kind == "object" or "properties" in node:
            extra = node.get("additionalProperties")
            if "properties" in node or extra is False:
                self.counter += 1
                base = self.model(node, f"{camel(self.tool)}Object{self.counter}", where)
            elif isinstance(extra, Mapping) and extra:
                value_type = self.type_of(extra, f"{where}/additionalProperties")
                base = dict[str, value_type]  # type: ignore[valid-type]
            else:
                base = dict[str, Any]
        elif kind is None:
            base = Any
        else:
            raise self.fail(where, f"type {kind!r} is not supported")
        return Annotated[base, Field(**constraints)] if constraints else base

    def fixed_tuple(self, node: Mapping[str, Any], where: str) -> Any:
        """``prefixItems`` that fix the array's length: a tuple of exactly those items."""
        prefix = node["prefixItems"]
        if not isinstance(prefix, list) or not prefix:
            raise self.fail(f"{where}/prefixItems", f"expected a list of schemas, got {prefix!r}")
        size = len(prefix)
        if node.get("minItems") != size or not (
            node.get("maxItems") == size or node.get("items") is False
        ):
            raise self.fail(
                where,
                f"prefixItems must fix the length: give minItems and maxItems of {size} "
                "(an array of open length is not supported)",
            )
        items = tuple(
            self.type_of(item, f"{where}/prefixItems/{i}") for i, item in enumerate(prefix)
        )
        return Annotated[tuple[items], BeforeValidator(_as_tuple)]  # type: ignore[valid-type]


def _with_omittable(
    model: type[SchemaArgs], omittable: set[str], null_is_absent: set[str]
) -> type[SchemaArgs]:
    model.omittable = frozenset(omittable)
    model.null_is_absent = frozenset(null_is_absent)
    return model


def _default(prop: Any) -> Any:
    return prop.get("default") if isinstance(prop, Mapping) else None


def _field_name(prop: str, taken: set[str], base: type[BaseModel]) -> str:
    """``prop`` if pydantic takes it as a field name, else a fresh name (``prop`` is its alias)."""
    if not (prop.startswith("_") or keyword.iskeyword(prop) or hasattr(base, prop)):
        return prop
    stem = f"arg_{prop.strip('_') or 'x'}"
    candidate, n = stem, 1
    while candidate in taken or hasattr(base, candidate):
        n += 1
        candidate = f"{stem}_{n}"
    return candidate


_UNKNOWN = "unknown_argument"


def _custom(kind: str, text: str, loc: tuple[int | str, ...], value: Any) -> InitErrorDetails:
    error = PydanticCustomError(kind, "{text}", {"text": text})
    return InitErrorDetails(type=error, loc=loc, input=value)


def _unknown(key: int | str, known: list[str]) -> str:
    """``unknown argument 'unti' (did you mean 'unit'?); known arguments: city, unit``."""
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(known) if known else "none"
    return f"unknown argument {str(key)!r}{hint}; known arguments: {listed}"
