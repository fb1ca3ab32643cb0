"""Tools declared from a JSON schema plus a function, as MCP servers and OpenAPI specs do.

``tool_from_json_schema`` builds a pydantic args model from the schema, so arguments are
validated exactly like those of ``@tool`` functions, while the declared schema is what gets
exported. Supported: objects (nested, closed or open), arrays, strings, integers, numbers,
booleans, ``null``, ``enum``/``const``, ``anyOf``/``oneOf`` and type lists, local ``$ref`` to
``$defs``/``definitions``, and the usual bounds. Anything else is a ``UsageError``, so a tool never
accepts arguments its schema forbids.

Unknown arguments are rejected: the arguments object, and every nested object that lists
``properties``, is closed unless its schema says ``additionalProperties: true`` (or gives a schema
the extra values must match). The ``ToolArgsError`` names the unknown key, suggests a close match
(``unti`` → ``unit``) and lists the known ones. A nested ``{"type": "object"}`` without
``properties`` is a free-form mapping (its values checked against ``additionalProperties`` when that
is a schema).

The function receives ``(args: dict, ctx: ToolContext)`` and may be sync or async.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from plangate.tools.base import NO_RETRY, Effect, Reconciler, RetryPolicy, Tool, ToolFunction
from plangate.tools.errors import UsageError
from plangate.tools.sinks import SinkPolicy

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


def tool_from_json_schema(
    *,
    name: str,
    description: str,
    parameters: Mapping[str, Any],
    fn: ToolFunction,
    effect: Effect = "write",
    result_type: Any = Any,
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
    reconciler: Reconciler | None = None,
    sinks: Mapping[str, SinkPolicy] | None = None,
) -> Tool[Any]:
    """A ``Tool`` whose arguments are described by the JSON schema ``parameters``.

    ``sinks`` declares, per argument path, what an untrusted value may do there
    (``plangate.tools.sinks``); paths are checked against ``parameters``.

    Raises:
        UsageError: the schema uses a construct plangate cannot enforce (named in the message),
            or ``sinks`` names an argument the schema does not have.
    """
    schema = dict(parameters)
    if schema.get("type", "object") != "object":
        raise UsageError(f"tool {name!r}: parameters must be an object schema")
    converter = _Converter(schema, name)
    args_model = converter.model(schema, _camel(name) + "Args")
    return Tool(
        name=name,
        description=description,
        args_model=args_model,
        result_type=result_type,
        fn=fn,
        effect=effect,
        timeout=timeout,
        retry=retry,
        reconciler=reconciler,
        takes_ctx=True,
        call_style="mapping",
        json_schema=schema,
        sinks=sinks,
    )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


class _Converter:
    def __init__(self, root: Mapping[str, Any], tool: str) -> None:
        self.root = root
        self.tool = tool
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

    def model(self, node: Mapping[str, Any], model_name: str, where: str = "") -> type[BaseModel]:
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        fields: dict[str, Any] = {}
        for prop_name, prop in properties.items():
            if not prop_name.isidentifier() or prop_name.startswith("_"):
                raise self.fail(f"{where}/{prop_name}", "property names must be identifiers")
            annotation = self.type_of(prop, f"{where}/{prop_name}")
            default = ... if prop_name in required else prop.get("default")
            if prop_name not in required and default is None:
                annotation = annotation | None
            fields[prop_name] = (annotation, Field(default, description=prop.get("description")))
        created: type[BaseModel] = create_model(
            model_name, __base__=self.base(node, where), **fields
        )
        return created

    def base(self, node: Mapping[str, Any], where: str) -> type[BaseModel]:
        """The base class saying what an object does with keys its schema does not list."""
        extra = node.get("additionalProperties", False)
        if extra is False:
            return _ClosedArgs
        if extra is True or extra == {}:
            return _OpenArgs
        if not isinstance(extra, Mapping):
            raise self.fail(f"{where}/additionalProperties", f"expected a schema, got {extra!r}")
        value_type = self.type_of(extra, f"{where}/additionalProperties")
        namespace = {
            "__annotations__": {"__pydantic_extra__": dict[str, value_type]},  # type: ignore[valid-type]
            "model_config": ConfigDict(extra="allow"),
        }
        return type(f"{_camel(self.tool)}Extra{self.counter}", (BaseModel,), namespace)

    def type_of(self, raw: Mapping[str, Any], where: str) -> Any:
        node = self.resolve(raw, where)
        unknown = set(node) - _IGNORED - set(_BOUNDS) - {
            "type", "properties", "required", "additionalProperties", "items", "enum", "const",
            "anyOf", "oneOf", "$ref", "$defs", "definitions",
        }  # fmt: skip
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
        elif kind == "array":
            items = node.get("items")
            base = list[self.type_of(items, f"{where}/items")] if items else list[Any]  # type: ignore[misc]
        elif kind == "object" or "properties" in node:
            extra = node.get("additionalProperties")
            if "properties" in node or extra is False:
                self.counter += 1
                base = self.model(node, f"{_camel(self.tool)}Object{self.counter}", where)
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


class _ClosedArgs(BaseModel):
    """An object that rejects keys its schema does not list, naming them and the known ones."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _name_unknown(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            known = list(cls.model_fields)
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


class _OpenArgs(BaseModel):
    """An object that keeps keys its schema does not list (``additionalProperties: true``)."""

    model_config = ConfigDict(extra="allow")


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
