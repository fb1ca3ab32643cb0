"""``Tool``, the ``@tool`` decorator and ``ToolContext``.

A tool is a typed async (or sync) function with a name, a one-line description the model sees,
a pydantic args model, a result type, an effect (``read`` | ``write``), a timeout and a retry
policy. Two declaration styles are accepted::

    @tool(effect="read")
    async def search(args: SearchArgs, ctx: ToolContext[Backend]) -> list[Venue]:
        '''Find restaurants with a free table for the party.'''

    @tool(effect="read")
    def add(a: int, b: int) -> int:          # args model derived from the parameters
        '''Add two integers.'''

A third, ``Tool.from_json_schema``, lives in ``plangate.tools.schema_tool`` for tools described by a
JSON schema (MCP servers, OpenAPI operations).

The effect defaults to ``write``: a tool must say it only reads before it is run without an
idempotency key or an approval. This is the safe default, and the same one used for wrapped
LangChain tools. A write also says, per argument, what a value from a tool result may do there
(``sinks={"venue_id": "allow", "iban": "refuse"}``; every other argument: ``approve``), see
``plangate.tools.sinks``; a read that sends data outward declares the arguments that leave
(``sinks={"url": "refuse"}``). A tool's results are untrusted unless it says they are
(``trusted_output=True``, for data the user's own system of record produces).
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import re
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar, cast, overload

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic.errors import (
    PydanticInvalidForJsonSchema,
    PydanticSchemaGenerationError,
    PydanticUserError,
)

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import (
    MalformedResponseError,
    PlangateError,
    ToolArgsError,
    ToolError,
    ToolTimeoutError,
    UsageError,
)
from plangate.tools.sinks import SinkPolicy, Sinks, declare_sinks

Effect = Literal["read", "write"]
DepsT = TypeVar("DepsT", covariant=True)

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# Serialization context key asking an args model for its canonical dump: an optional argument
# that was omitted appears as ``null`` (models built from JSON schemas leave it out otherwise).
CANONICAL_CONTEXT = "plangate.canonical"


def canonical_args(args: BaseModel) -> dict[str, Any]:
    """``args`` as JSON data in canonical form: the same whether an optional argument was
    omitted or sent as ``null``. Idempotency keys are derived from it."""
    return args.model_dump(mode="json", context={CANONICAL_CONTEXT: True})


@dataclass(frozen=True)
class ToolContext(Generic[DepsT]):
    """What a tool receives besides its arguments.

    Attributes:
        deps: the tool's dependencies, typically a backend implementing a domain Protocol.
        run_id: id of the run this call belongs to.
        thread_id: id of the conversation thread (stable across resumes).
        step_id: id of the plan step making the call.
        idempotency_key: set for ``write`` calls; backends must pass it on so a repeated write
            is recognised and not performed twice.
        clock: the clock to read time from and sleep on.
        attempt: 1 for the first attempt, 2 for the first retry, and so on.
    """

    deps: DepsT
    run_id: str = "run"
    thread_id: str = "thread"
    step_id: str = "step"
    idempotency_key: str | None = None
    clock: Clock = field(default_factory=SystemClock)
    attempt: int = 1


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed call is retried.

    Only errors marked ``retryable`` are retried, and writes only with their idempotency key
    (the executor reconciles an unknown write before re-sending it).

    Attributes:
        max_attempts: total attempts, including the first (1 = never retry).
        initial_delay: delay before the first retry, in seconds.
        max_delay: cap on any single delay, in seconds.
        jitter: fraction of each delay randomised, in ``[0, 1]``.
    """

    max_attempts: int = 3
    initial_delay: float = 0.2
    max_delay: float = 5.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise UsageError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")
        if not 0.0 <= self.jitter <= 1.0:
            raise UsageError(f"RetryPolicy.jitter must be within [0, 1], got {self.jitter}")

    def delay(self, attempt: int, unit: float, retry_after: float | None = None) -> float:
        """Seconds to wait after failed ``attempt`` (1-based); ``unit`` is a random in [0, 1).

        A server's Retry-After wins when it is longer than our own backoff.
        """
        base = min(self.max_delay, self.initial_delay * 2 ** (attempt - 1))
        wait = base * (1 - self.jitter * unit)
        return float(max(wait, retry_after or 0.0))


NO_RETRY = RetryPolicy(max_attempts=1)

ToolFunction = Callable[..., Any]
ConflictKey = Callable[[Any], str | None]
Reconciler = Callable[[ToolContext[Any], str], Awaitable[Any | None]]


class Tool(Generic[DepsT]):
    """A typed tool. Build one with ``@tool`` rather than by hand.

    Attributes:
        name: unique name, ``[A-Za-z0-9_-]{1,64}`` (what OpenAI and Anthropic accept).
        description: the one line the model sees.
        args_model: pydantic model the arguments are validated into.
        result_type: the type the result is validated against.
        effect: ``read`` or ``write``.
        timeout: seconds one attempt may take.
        retry: the retry policy for transient failures.
        conflict_key: maps validated args to a resource key; writes sharing a key are
            serialized by the engine. ``None`` means every write conflicts with every other write
            of this tool.
        reconciler: for writes, looks an outcome up by idempotency key (``None`` if never
            performed); used to settle a write whose outcome is unknown.
        sinks: per argument, what an untrusted value there may do: ``allow``, ``approve`` (the
            default of a write) or ``refuse`` (``plangate.tools.sinks``). A read's declared
            arguments are sinks too (it sends them outward); its others are not.
        trusted_output: True when the tool's results are trusted data (the user's own system
            of record); by default a tool result is untrusted
            (``plangate.graphs.guards.result_labels``).

    Raises:
        UsageError: the name, description, effect, timeout, types or ``sinks`` are invalid.
    """

    def __init__(
        self,
        *,
        name: str,
        description: str,
        args_model: type[BaseModel],
        result_type: Any,
        fn: ToolFunction,
        effect: Effect = "write",
        timeout: float = 30.0,
        retry: RetryPolicy = NO_RETRY,
        conflict_key: ConflictKey | None = None,
        reconciler: Reconciler | None = None,
        takes_ctx: bool = False,
        ctx_param: str = "ctx",
        call_style: Literal["model", "params", "mapping"] = "model",
        json_schema: dict[str, Any] | None = None,
        sinks: Mapping[str, SinkPolicy] | None = None,
        trusted_output: bool = False,
    ) -> None:
        if not _NAME_RE.match(name):
            raise UsageError(f"tool name {name!r} is invalid: use 1-64 letters, digits, '_' or '-'")
        if not description.strip():
            raise UsageError(f"tool {name!r} has no description: the model needs one line")
        if effect not in ("read", "write"):
            raise UsageError(f"tool {name!r}: effect must be 'read' or 'write', got {effect!r}")
        if timeout <= 0:
            raise UsageError(f"tool {name!r}: timeout must be positive, got {timeout}")
        self.name = name
        self.description = description.strip().splitlines()[0].strip()
        self.args_model = args_model
        self.result_type = result_type
        self.effect: Effect = effect
        self.timeout = timeout
        self.retry = retry
        self.conflict_key = conflict_key
        self.reconciler = reconciler
        if not isinstance(trusted_output, bool):
            raise UsageError(
                f"tool {name!r}: trusted_output is True or False, not {trusted_output!r}"
            )
        self.trusted_output = trusted_output
        self._fn = fn
        self._takes_ctx = takes_ctx
        self._ctx_param = ctx_param
        self._call_style = call_style
        self._is_async = inspect.iscoroutinefunction(fn)
        self._json_schema = json_schema
        try:
            self._result_adapter: TypeAdapter[Any] = TypeAdapter(result_type)
            self._result_adapter.json_schema()
            self._args_schema: dict[str, Any] = args_model.model_json_schema()
        except (
            PydanticSchemaGenerationError,
            PydanticInvalidForJsonSchema,
            PydanticUserError,
        ) as exc:
            raise UsageError(f"tool {name!r} uses a type plangate cannot validate: {exc}") from exc
        self.sinks: Sinks = declare_sinks(name, sinks, self.args_schema(), effect=effect)

    def __repr__(self) -> str:
        return f"Tool(name={self.name!r}, effect={self.effect!r})"

    @property
    def is_write(self) -> bool:
        """True for tools with side effects."""
        return self.effect == "write"

    def sink_policy(self, path: str) -> SinkPolicy:
        """What an untrusted value may do at argument ``path`` (e.g. ``passengers[0].first_name``)."""
        return self.sinks.policy(path)

    def args_schema(self) -> dict[str, Any]:
        """The JSON schema of the arguments (the declared one for JSON-schema tools).

        Built once, when the tool is declared; each call returns a copy of its own.
        """
        if self._json_schema is not None:
            return dict(self._json_schema)
        return copy.deepcopy(self._args_schema)

    def result_schema(self) -> dict[str, Any]:
        """The JSON schema of the result."""
        return self._result_adapter.json_schema()

    def validate_args(self, raw: Mapping[str, Any] | BaseModel) -> BaseModel:
        """Validate raw arguments into ``args_model``.

        Raises:
            ToolArgsError: listing every invalid field, in words a model can act on.
        """
        if isinstance(raw, self.args_model):
            return raw
        data = raw.model_dump() if isinstance(raw, BaseModel) else raw
        if not isinstance(data, Mapping):
            raise ToolArgsError(
                f"{self.name}: arguments must be an object, got {type(data).__name__}",
                tool=self.name,
                errors=[("", "expected an object")],
            )
        try:
            return self.args_model.model_validate(dict(data))
        except ValidationError as exc:
            errors = [
                (".".join(str(p) for p in err["loc"]) or "(root)", err["msg"])
                for err in exc.errors()
            ]
            listed = "; ".join(f"{loc}: {msg}" for loc, msg in errors)
            raise ToolArgsError(
                f"{self.name}: invalid arguments — {listed}", tool=self.name, errors=errors
            ) from exc

    def validate_result(self, raw: Any) -> Any:
        """Validate a result against ``result_type``.

        Raises:
            MalformedResponseError: the tool returned something its result type rejects.
        """
        try:
            return self._result_adapter.validate_python(raw)
        except ValidationError as exc:
            raise MalformedResponseError(
                f"{self.name}: result does not match {_type_name(self.result_type)}: "
                f"{exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}",
                service=self.name,
                body=repr(raw),
                tool=self.name,
            ) from exc

    def dump_result(self, result: Any) -> Any:
        """The result as JSON-compatible data."""
        return self._result_adapter.dump_python(result, mode="json")

    def resource_key(self, args: BaseModel) -> str:
        """The key under which conflicting writes are serialized."""
        key = self.conflict_key(args) if self.conflict_key else None
        return f"{self.name}:{key}" if key is not None else self.name

    async def invoke(self, args: Mapping[str, Any] | BaseModel, ctx: ToolContext[Any]) -> Any:
        """One attempt: validate args, run within the timeout, validate the result.

        Retries, idempotency and guardrails are the executor's and the engine's business.
        """
        model = self.validate_args(args)
        try:
            async with asyncio.timeout(self.timeout):
                raw = await self._call(model, ctx)
        except PlangateError:
            raise
        except TimeoutError as exc:
            raise ToolTimeoutError(
                f"{self.name}: no result within {self.timeout:g}s",
                tool=self.name,
                timeout=self.timeout,
            ) from exc
        except Exception as exc:
            # A bug or an untranslated failure inside the tool: the step fails with what was
            # raised, instead of the whole run.
            raise ToolError(
                f"{self.name} raised {type(exc).__name__}: {exc}", tool=self.name
            ) from exc
        return self.validate_result(raw)

    async def _call(self, model: BaseModel, ctx: ToolContext[Any]) -> Any:
        if self._call_style == "model":
            pos: tuple[Any, ...] = (model, ctx) if self._takes_ctx else (model,)
            kw: dict[str, Any] = {}
        elif self._call_style == "mapping":
            # Defaults declared in the schema apply; absent optional fields stay absent.
            data = model.model_dump(mode="json")
            unset = set(type(model).model_fields) - model.model_fields_set
            pos = ({k: v for k, v in data.items() if not (k in unset and v is None)}, ctx)
            kw = {}
        else:
            pos = ()
            kw = {name: getattr(model, name) for name in type(model).model_fields}
            if self._takes_ctx:
                kw[self._ctx_param] = ctx
        if self._is_async:
            return await self._fn(*pos, **kw)
        # A sync tool runs off the event loop so it never blocks other steps.
        return await asyncio.to_thread(self._fn, *pos, **kw)


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or repr(tp)


def _is_context(annotation: Any) -> bool:
    return annotation is ToolContext or typing.get_origin(annotation) is ToolContext


def _docstring_arg_descriptions(doc: str) -> dict[str, str]:
    """Parse a Google-style ``Args:`` section into ``{name: description}``."""
    out: dict[str, str] = {}
    in_args = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped in ("Args:", "Arguments:", "Parameters:"):
            in_args = True
            continue
        if in_args:
            if not stripped or (stripped.endswith(":") and " " not in stripped):
                if stripped:
                    break
                continue
            match = re.match(r"^(\w+)\s*(?:\([^)]*\))?:\s*(.*)$", stripped)
            if match:
                out[match.group(1)] = match.group(2)
    return out


def build_tool(
    fn: ToolFunction,
    *,
    name: str | None = None,
    description: str | None = None,
    effect: Effect = "write",
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
    conflict_key: ConflictKey | None = None,
    reconciler: Reconciler | None = None,
    sinks: Mapping[str, SinkPolicy] | None = None,
    trusted_output: bool = False,
) -> Tool[Any]:
    """Turn a typed function into a ``Tool`` (what ``@tool`` does).

    Raises:
        UsageError: naming what is wrong with the declaration.
    """
    if not callable(fn):
        raise UsageError(f"@tool expects a function, got {type(fn).__name__}")
    tool_name: str = name or str(getattr(fn, "__name__", ""))
    doc = inspect.getdoc(fn) or ""
    desc = description or (doc.strip().splitlines()[0] if doc.strip() else "")
    if not desc:
        raise UsageError(
            f"tool {tool_name!r} has no description: add a docstring whose first line tells the "
            "model what the tool does, or pass description="
        )
    try:
        hints = typing.get_type_hints(fn, include_extras=True)
    except (NameError, TypeError) as exc:
        raise UsageError(f"tool {tool_name!r}: cannot resolve its annotations: {exc}") from exc
    if "return" not in hints:
        raise UsageError(f"tool {tool_name!r} has no return annotation: declare the result type")
    params = list(inspect.signature(fn).parameters.values())
    takes_ctx = False
    ctx_param = "ctx"
    fields: dict[str, Any] = {}
    arg_docs = _docstring_arg_descriptions(doc)
    for param in params:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise UsageError(f"tool {tool_name!r}: *args/**kwargs are not supported ({param.name})")
        if param.name not in hints:
            raise UsageError(f"tool {tool_name!r}: parameter {param.name!r} has no type annotation")
        annotation = hints[param.name]
        if _is_context(annotation):
            if takes_ctx:
                raise UsageError(f"tool {tool_name!r} takes more than one ToolContext")
            if param is not params[-1]:
                raise UsageError(f"tool {tool_name!r}: the ToolContext must be the last parameter")
            takes_ctx = True
            ctx_param = param.name
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (annotation, Field(default, description=arg_docs.get(param.name)))
    only = next(iter(fields.values()))[0] if len(fields) == 1 else None
    if inspect.isclass(only) and issubclass(only, BaseModel):
        return Tool(
            name=tool_name, description=desc, args_model=only, result_type=hints["return"], fn=fn,
            effect=effect, timeout=timeout, retry=retry, conflict_key=conflict_key,
            reconciler=reconciler, takes_ctx=takes_ctx, call_style="model", sinks=sinks,
            trusted_output=trusted_output,
        )  # fmt: skip
    try:
        args_model = create_model(
            _camel(tool_name) + "Args",
            __config__=ConfigDict(extra="forbid"),
            **fields,
        )
    except (PydanticSchemaGenerationError, PydanticUserError, TypeError) as exc:
        raise UsageError(f"tool {tool_name!r} uses a type plangate cannot validate: {exc}") from exc
    return Tool(
        name=tool_name, description=desc, args_model=cast(type[BaseModel], args_model),
        result_type=hints["return"], fn=fn, effect=effect, timeout=timeout, retry=retry,
        conflict_key=conflict_key, reconciler=reconciler, takes_ctx=takes_ctx, ctx_param=ctx_param,
        call_style="params", sinks=sinks, trusted_output=trusted_output,
    )  # fmt: skip


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[_\-]+", name) if part)


@overload
def tool(fn: ToolFunction, /) -> Tool[Any]: ...


@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    effect: Effect = "write",
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
    conflict_key: ConflictKey | None = None,
    reconciler: Reconciler | None = None,
    sinks: Mapping[str, SinkPolicy] | None = None,
    trusted_output: bool = False,
) -> Callable[[ToolFunction], Tool[Any]]: ...


def tool(
    fn: ToolFunction | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    effect: Effect = "write",
    timeout: float = 30.0,
    retry: RetryPolicy = NO_RETRY,
    conflict_key: ConflictKey | None = None,
    reconciler: Reconciler | None = None,
    sinks: Mapping[str, SinkPolicy] | None = None,
    trusted_output: bool = False,
) -> Tool[Any] | Callable[[ToolFunction], Tool[Any]]:
    """Declare a tool from a typed function: ``@tool`` or ``@tool(effect="read", ...)``.

    Args:
        fn: the function, when used bare.
        name: the tool's name; defaults to the function's name.
        description: the line the model sees; defaults to the docstring's first line.
        effect: ``read`` or ``write`` (the default, because it is the safe one).
        timeout: seconds one attempt may take.
        retry: retry policy for transient failures.
        conflict_key: resource key of a write's args; same-key writes are serialized.
        reconciler: for writes, look an outcome up by idempotency key.
        sinks: per argument (or dotted path into one), what an untrusted value there may do:
            ``"allow"``, ``"approve"`` (the default of a write) or ``"refuse"``; a read that
            sends data outward declares the arguments that leave (``sinks={"url": "refuse"}``);
            see ``plangate.tools.sinks``.
        trusted_output: True when the results are trusted data (the user's own system of
            record, not text others wrote); by default every tool result is untrusted.

    Raises:
        UsageError: naming what is wrong with the declaration (e.g. a ``sinks`` key that is not
            an argument).
    """

    def wrap(f: ToolFunction) -> Tool[Any]:
        return build_tool(
            f, name=name, description=description, effect=effect, timeout=timeout, retry=retry,
            conflict_key=conflict_key, reconciler=reconciler, sinks=sinks,
            trusted_output=trusted_output,
        )  # fmt: skip

    return wrap(fn) if fn is not None else wrap
