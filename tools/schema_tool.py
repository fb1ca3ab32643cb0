"""Tools declared from a JSON schema plus a function, as MCP servers and OpenAPI specs do.

``tool_from_json_schema`` builds a pydantic args model from the schema, so arguments are
validated exactly like those of ``@tool`` functions, while the declared schema is what gets
exported. Supported: objects (nested, closed or open), arrays (and tuples of fixed length, as
``prefixItems``), strings, integers, numbers, booleans, ``null``, ``enum``/``const``,
``anyOf``/``oneOf`` and type lists, local ``$ref`` to ``$defs``/``definitions``, and the usual
bounds. Anything else is a ``UsageError``, so a tool never accepts arguments its schema forbids.

Loose dialects (``"type": "dict"``, ``"float"``, ``"tuple"``, ``"any"``, a stray ``optional``,
dotted names such as ``spotify.play``) are adapted first (``plangate.tools.schema_dialects``;
``adapt_dialects=False`` accepts standard JSON Schema only). A dotted name is exported as a legal
function name (``spotify__play``, the tool's ``name``, under which a model calls it); the name as
published stays in ``SchemaTool.published_name``. Property names are kept as published, ``_from``
and ``_class`` included.

Unknown arguments are rejected: the arguments object, and every nested object that lists
``properties``, is closed unless its schema says ``additionalProperties: true`` (or gives a schema
the extra values must match). The ``ToolArgsError`` names the unknown key, suggests a close match
(``unti`` → ``unit``) and lists the known ones. A nested ``{"type": "object"}`` without
``properties`` is a free-form mapping (its values checked against ``additionalProperties`` when that
is a schema).

The function receives ``(args: dict, ctx: ToolContext)`` and may be sync or async. An optional
argument the call omitted is absent from ``args`` (at every depth), never ``null``; a declared
``default`` is filled in.

Effects: ``effect=`` says it; otherwise MCP's tool annotations do (``annotations=`` as an MCP
server lists them, or the ``read_only_hint=`` / ``destructive_hint=`` keywords):
``readOnlyHint: true`` makes a ``read``, which runs without approval and in parallel with other
reads. Without a word the tool is a ``write`` — MCP's own default (``readOnlyHint: false``,
``destructiveHint: true``) and the safe one: gated by approval policies, run through the
idempotency ledger, and serialized with the tool's other writes unless ``conflict_key`` says which
calls touch different resources.

Coercion: by default arguments are validated in pydantic's lax mode, which converts some values a
JSON schema would reject (``"3"`` → 3 and ``True`` → 1 for integers, ``"yes"``/``"on"``/``1`` →
``True`` for booleans, ``"2.5"`` → 2.5 for numbers); the tool receives the converted value.
``strict=True`` turns every conversion off (pydantic strict mode). The full table is in
``docs/tools.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from plangate.tools._schema_model import args_model
from plangate.tools.base import NO_RETRY, Effect, Reconciler, RetryPolicy, Tool, ToolFunction
from plangate.tools.errors import UsageError
from plangate.tools.schema_dialects import adapt_schema, legal_tool_name
from plangate.tools.sinks import SinkPolicy

ArgsConflictKey = Callable[[dict[str, Any]], str | None]


class SchemaTool(Tool[Any]):
    """A ``Tool`` built by ``tool_from_json_schema``.

    Attributes:
        published_name: the name as the spec published it (``spotify.play``); ``name`` is the
            legal function name the tool is exported and called under (``spotify__play``).
    """

    published_name: str


def effect_from_hints(
    annotations: Mapping[str, Any] | None = None,
    *,
    read_only_hint: bool | None = None,
    destructive_hint: bool | None = None,
    tool: str = "tool",
) -> Effect:
    """The effect MCP's tool annotations describe: ``read`` for ``readOnlyHint: true``, else ``write``.

    ``destructiveHint`` only matters when the tool is not read-only (as MCP defines it), so it
    never makes a read. A keyword given next to ``annotations`` must agree with it.

    Raises:
        UsageError: a hint that is not a boolean, or a keyword contradicting ``annotations``.
    """
    given = dict(annotations or {})
    hints: dict[str, bool | None] = {}
    for key, keyword in (("readOnlyHint", read_only_hint), ("destructiveHint", destructive_hint)):
        published = given.get(key)
        if published is not None and not isinstance(published, bool):
            raise UsageError(
                f"tool {tool!r}: annotation {key} must be a boolean, got {published!r}"
            )
        if published is not None and keyword is not None and published != keyword:
            raise UsageError(
                f"tool {tool!r}: {key}={keyword} contradicts the annotations ({key}: {published})"
            )
        hints[key] = keyword if keyword is not None else published
    return "read" if hints["readOnlyHint"] else "write"


def tool_from_json_schema(
    *,
    name: str,
    description: str,
    parameters: Mapping[str, Any],
    fn: ToolFunction,
    effect: Effect | None = None,
    annotations: Mapping[str, Any] | None = None,
    read_only_hint: bool | None = None,
    destructive_hint: bool | None = None,
    conflict_key: ArgsConflictKey | None = None,
    strict: bool = False,
    adapt_dialects: bool = True,
    result_type: Any = Any,
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
    reconciler: Reconciler | None = None,
    sinks: Mapping[str, SinkPolicy] | None = None,
) -> SchemaTool:
    """A ``Tool`` whose arguments are described by the JSON schema ``parameters``.

    Args:
        name: the tool's published name; a dotted one is exported as a legal function name.
        description: the line the model sees.
        parameters: the arguments' JSON schema (an object schema).
        fn: ``fn(args: dict, ctx: ToolContext)``, sync or async.
        effect: ``read`` or ``write``; when not given, taken from the hints below, and
            ``write`` when they say nothing.
        annotations: MCP tool annotations (``readOnlyHint``, ``destructiveHint``, ...).
        read_only_hint: MCP's ``readOnlyHint``, as a keyword.
        destructive_hint: MCP's ``destructiveHint``, as a keyword.
        conflict_key: for writes, the resource a call touches, from its arguments (a dict as
            ``fn`` receives it); writes with different keys may run at the same time.
        strict: validate without coercion (pydantic strict mode); unrelated to OpenAI's strict
            export, which ``plangate.tools.schema.openai_tool`` decides.
        adapt_dialects: adapt the loose dialects published specs use first
            (``plangate.tools.schema_dialects``).
        result_type: the type results are validated against.
        timeout: seconds one attempt may take.
        retry: the retry policy for transient failures.
        reconciler: for writes, look an outcome up by idempotency key.
        sinks: per argument path, what an untrusted value there may do
            (``plangate.tools.sinks``); paths are checked against ``parameters``.

    Raises:
        UsageError: the schema uses a construct plangate cannot enforce or adapt (named with its
            place in the message), the name cannot be made legal, ``effect`` contradicts the hints,
            or ``sinks`` names an argument the schema does not have.
    """
    legal = legal_tool_name(name) if adapt_dialects else name
    schema = adapt_schema(parameters, tool=name) if adapt_dialects else dict(parameters)
    if schema.get("type", "object") != "object":
        raise UsageError(f"tool {name!r}: parameters must be an object schema")
    hinted = effect_from_hints(
        annotations, read_only_hint=read_only_hint, destructive_hint=destructive_hint, tool=name
    )
    if effect is not None and effect not in ("read", "write"):
        raise UsageError(f"tool {name!r}: effect must be 'read' or 'write', got {effect!r}")
    if effect == "read" and _says_it_writes(annotations, read_only_hint, destructive_hint):
        raise UsageError(
            f"tool {name!r}: effect='read' contradicts its annotations, which say it writes"
        )
    model = args_model(schema, name, strict=strict)
    built = SchemaTool(
        name=legal,
        description=description,
        args_model=model,
        result_type=result_type,
        fn=fn,
        effect=effect or hinted,
        timeout=timeout,
        retry=retry,
        conflict_key=_on_args(conflict_key) if conflict_key is not None else None,
        reconciler=reconciler,
        takes_ctx=True,
        call_style="mapping",
        json_schema=schema,
        sinks=sinks,
    )
    built.published_name = name
    return built


def _says_it_writes(
    annotations: Mapping[str, Any] | None, read_only: bool | None, destructive: bool | None
) -> bool:
    given = dict(annotations or {})
    read_only = read_only if read_only is not None else given.get("readOnlyHint")
    destructive = destructive if destructive is not None else given.get("destructiveHint")
    return read_only is False or (destructive is True and read_only is not True)


def _on_args(key: ArgsConflictKey) -> Callable[[BaseModel], str | None]:
    """A conflict key over the validated model, calling ``key`` with the args as ``fn`` sees them."""

    def conflict_key(args: BaseModel) -> str | None:
        return key(args.model_dump(mode="json"))

    return conflict_key
