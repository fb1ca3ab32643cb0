"""The trace format: a versioned JSONL record of runs at the model and tool boundary.

```
{"type": "header", "format": "plangate.trace", "version": 1, "agent": …, "model": …, …}
{"type": "run", "seq": 1, "at": 0.0, "thread_id": "t1", "request": "…", "now": …}
                                                   (+ "plan", "replan" for a fixed plan's run)
{"type": "model_request", "call": 1, "key": "3f…", "request": {messages, tools, …}}
{"type": "model_response", "call": 1, "key": "3f…", "response": {content, tool_calls, …}}
{"type": "event", "event": {"kind": "plan_ready", …}}          verdicts, approvals, final…
{"type": "tool_call", "call": 1, "step_id": "a", "tool": …, "args": …, "idempotency_key": …}
{"type": "tool_result", "call": 1, "step_id": "a", "result": … | "error": {type, message}}
{"type": "backend_call", "method": "get_offer", "args": […], "result": …}   a guardrail's read
{"type": "outcome", "thread_id": "t1", "outcome": {status, response, steps, verdicts, …}}
{"type": "decisions", "thread_id": "t1", "decisions": {"c": "approve"}}      then a resume
```

The header names the agent, strategy and model, and carries the agent's *surface* (its
instructions, tool schemas and response schema) with its fingerprint, so a replay can tell an
edited instruction from a changed model answer. ``at`` is seconds since recording started.
Everything written has been through a ``plangate.graphs.guards.redaction.Redactor``.

``FORMAT_VERSION`` changes whenever a reader of the previous version could misread a trace;
``read_trace`` refuses other versions with a ``TraceFormatError`` that says what to do.

**A model request repeats only what is new** (version 2). Each turn of a conversation sends
the model every earlier message again; written whole, a ``react`` run's trace grew with the
square of its turns. A request whose first messages are those of an earlier request is written
with ``"prefix": {"call": k, "messages": m}`` and its other messages only; ``parse_trace``
restores the whole request, so a ``Trace``'s records always hold whole requests. Version 1
traces (no prefixes) are read as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidationError,
    model_serializer,
)
from pydantic_core import to_jsonable_python

from plangate.graphs.engine.events import Event
from plangate.tools.errors import PlangateError

FORMAT = "plangate.trace"
FORMAT_VERSION = 2
OLDEST_VERSION = 1
"""The oldest format version this plangate still reads."""
PREFIX = "prefix"
"""The key of a model request line that repeats an earlier request's first messages."""


class TraceFormatError(PlangateError):
    """A file is not a trace this plangate can read.

    Attributes:
        source: the file (or ``"<string>"``).
        line: the 1-based line at fault, 0 when the file as a whole is.
    """

    def __init__(self, source: str, message: str, *, line: int = 0) -> None:
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")
        self.source: str = source
        self.line: int = line


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    seq: int = 0
    at: float = 0.0


_R = TypeVar("_R", bound=_Record)


class ModelInfo(BaseModel):
    """The chat model a run used (``None`` in the header for offline runs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    params: dict[str, Any] = {}


class Header(BaseModel):
    """The first line of a trace.

    Attributes:
        agent: the agent's name (``plangate replay`` finds demo agents by it).
        strategy: ``plan`` or ``react``.
        model: the chat model, or ``None`` when the run was offline.
        fingerprint: hash of ``surface``.
        surface: instructions, tool schemas and response schema, as recorded.
        pii_redacted: whether PII was redacted (replay cleans its own data the same way).
        pii_pseudonyms: whether redacted PII became stable stand-ins of the same shape
            (``plangate.graphs.guards.pseudonyms``); traces without it hold markers (``[email]``).
        source: where the trace came from when it was not recorded (``openai-chat``).
        reference: the ``module:attribute`` the agent was loaded from, when it was (``plangate
            run pkg.mod:agent``), so ``plangate replay`` finds an agent that is not a demo one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["header"] = "header"
    format: Literal["plangate.trace"] = "plangate.trace"
    version: int = FORMAT_VERSION
    agent: str
    strategy: Literal["plan", "react"] = "plan"
    model: ModelInfo | None = None
    fingerprint: str
    surface: dict[str, Any]
    pii_redacted: bool = True
    pii_pseudonyms: bool = False
    source: str | None = None
    reference: str | None = None


class RunRecord(_Record):
    """A run began: its thread, its (cleaned) request and the time it saw.

    A run of a fixed plan (``run_plan``) also holds the plan (cleaned) and whether the
    planner may re-plan it; a replay runs that plan again. Other runs write neither key.
    """

    type: Literal["run"] = "run"
    thread_id: str
    request: str
    now: str
    zone: str | None = None
    plan: dict[str, Any] | None = None
    replan: bool = False

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Runs that were planned are written as they were before fixed plans existed.
        data: dict[str, Any] = handler(self)
        if self.plan is None:
            data.pop("plan", None)
            data.pop("replan", None)
        return data


class DecisionsRecord(_Record):
    """A paused run was resumed with these decisions."""

    type: Literal["decisions"] = "decisions"
    thread_id: str
    decisions: dict[str, Any]
    now: str
    zone: str | None = None


class ModelRequestRecord(_Record):
    """What a chat model was asked (``plangate.graphs.traces.model_calls.normalize_request``)."""

    type: Literal["model_request"] = "model_request"
    call: int
    key: str
    request: dict[str, Any]


class ModelResponseRecord(_Record):
    """What the chat model answered to request ``call``, or how it failed."""

    type: Literal["model_response"] = "model_response"
    call: int
    key: str
    response: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    duration: float = 0.0


class ToolCallRecord(_Record):
    """A tool call, as the executor received it."""

    type: Literal["tool_call"] = "tool_call"
    call: int
    thread_id: str
    step_id: str
    tool: str
    args: Any
    idempotency_key: str | None = None


class ToolResultRecord(_Record):
    """How tool call ``call`` ended: its result (JSON) or its error."""

    type: Literal["tool_result"] = "tool_result"
    call: int
    thread_id: str
    step_id: str
    tool: str
    result: Any = None
    error: dict[str, Any] | None = None
    attempts: int = 1
    duration: float = 0.0
    reused: bool = False
    idempotency_key: str | None = None


class BackendCallRecord(_Record):
    """A backend read outside a tool call (a guardrail's), with its result or its error."""

    type: Literal["backend_call"] = "backend_call"
    backend: str
    method: str
    args: Any = None
    kwargs: Any = None
    result: Any = None
    result_type: Any = None
    error: dict[str, Any] | None = None
    is_async: bool = False
    attribute: bool = False


class EventRecord(_Record):
    """An engine event: plan, re-plan, verdict, approval request, step end, answer, failure."""

    type: Literal["event"] = "event"
    thread_id: str
    event: Event


class OutcomeRecord(_Record):
    """Where a run (or a resume) ended, in the form replay compares (``outcome_of``)."""

    type: Literal["outcome"] = "outcome"
    thread_id: str
    outcome: dict[str, Any]


TraceRecord = Annotated[
    RunRecord | DecisionsRecord | ModelRequestRecord | ModelResponseRecord | ToolCallRecord
    | ToolResultRecord | BackendCallRecord | EventRecord | OutcomeRecord,
    Field(discriminator="type"),
]  # fmt: skip
_RECORD: TypeAdapter[TraceRecord] = TypeAdapter(TraceRecord)
RECORD_TYPES = ("run", "decisions", "model_request", "model_response", "tool_call",
                "tool_result", "backend_call", "event", "outcome")  # fmt: skip


@dataclass(frozen=True)
class Trace:
    """A header and its records, in the order they were written.

    Attributes:
        header: the first line.
        records: every later line.
        source: where it was read from.
    """

    header: Header
    records: tuple[TraceRecord, ...] = ()
    source: str = "<trace>"

    def of_type(self, kind: type[_R]) -> list[_R]:
        """The records of one type, in order."""
        return [r for r in self.records if isinstance(r, kind)]

    def dumps(self) -> str:
        """The trace as JSONL text."""
        return "".join(dump_line(item) for item in (self.header, *self.records))

    def write(self, path: str | Path) -> Path:
        """Write the trace to ``path`` (parents created); returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.dumps(), encoding="utf-8")
        return target


def dump_line(item: BaseModel, *, prefix: tuple[int, int] | None = None) -> str:
    """One JSONL line (with its newline).

    Args:
        item: the header or record.
        prefix: for a model request, ``(call, count)``: its first ``count`` messages are those
            of request ``call``, so only the others are written.
    """
    if prefix is None or not isinstance(item, ModelRequestRecord):
        return json.dumps(item.model_dump(mode="json"), ensure_ascii=False) + "\n"
    # The request is JSON data already: only the messages not in the prefix are dumped.
    call, count = prefix
    data = item.model_dump(mode="json", exclude={"request"})
    request = item.request
    data["request"] = to_jsonable_python({**request, "messages": request["messages"][count:]})
    data[PREFIX] = {"call": call, "messages": count}
    return json.dumps(data, ensure_ascii=False) + "\n"


def read_trace(path: str | Path) -> Trace:
    """Read a trace file.

    Raises:
        TraceFormatError: unreadable, not a trace, another format version, or a bad record.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceFormatError(source, f"cannot read the trace: {exc}") from exc
    return parse_trace(text, source=source)


def parse_trace(text: str, *, source: str = "<string>") -> Trace:
    """Parse JSONL trace text (see ``read_trace``)."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise TraceFormatError(source, "the file is empty: a trace starts with a header line")
    header = _header(source, *lines[0])
    requests: dict[int, list[Any]] = {}
    records = tuple(_record(source, number, line, requests) for number, line in lines[1:])
    return Trace(header=header, records=records, source=source)


MAX_DEPTH = 100
"""How deeply a record's JSON may nest; recorded runs stay far below it, and code that walks a
record (redaction, replay, ``trace show``) can then never run out of stack."""


def _json(source: str, number: int, line: str) -> Any:
    too_deep = TraceFormatError(
        source, f"the record nests deeper than {MAX_DEPTH} levels", line=number
    )
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise TraceFormatError(source, f"not JSON ({exc})", line=number) from exc
    except RecursionError:
        raise too_deep from None
    # Each level of nesting opens with its own bracket, so a line with no more brackets than
    # the limit cannot nest deeper: only the rare longer ones are walked.
    if line.count("[") + line.count("{") > MAX_DEPTH and _deeper_than(data, MAX_DEPTH):
        raise too_deep
    return data


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests more than ``limit`` containers deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _header(source: str, number: int, line: str) -> Header:
    data = _json(source, number, line)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TraceFormatError(
            source,
            f'not a plangate trace: the first line must be a header with "format": "{FORMAT}"',
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TraceFormatError(source, f"the header's version {version!r} is not an integer")
    if version < OLDEST_VERSION:
        raise TraceFormatError(
            source,
            f"trace format version {version} is older than this plangate reads "
            f"({OLDEST_VERSION} to {FORMAT_VERSION}); re-record it (pytest --record-traces, "
            "or run with --trace)",
        )
    if version > FORMAT_VERSION:
        raise TraceFormatError(
            source,
            f"trace format version {version} is newer than this plangate reads "
            f"({FORMAT_VERSION}); upgrade plangate to replay it",
        )
    try:
        return Header.model_validate(data)
    except ValidationError as exc:
        raise TraceFormatError(source, f"invalid header: {_problems(exc)}", line=number) from exc


def _record(source: str, number: int, line: str, requests: dict[int, list[Any]]) -> TraceRecord:
    """Parse one record; ``requests`` holds the messages of each model request read so far."""
    data = _json(source, number, line)
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "model_request" and isinstance(data, dict):
        data = _whole_request(source, number, data, requests)
    if kind not in RECORD_TYPES:
        raise TraceFormatError(
            source,
            f"unknown record type {kind!r}; format {FORMAT_VERSION} has: {', '.join(RECORD_TYPES)}",
            line=number,
        )
    try:
        return _RECORD.validate_python(data)
    except ValidationError as exc:
        raise TraceFormatError(
            source, f"invalid {kind} record: {_problems(exc, kind)}", line=number
        ) from exc


def _whole_request(
    source: str, number: int, data: dict[str, Any], requests: dict[int, list[Any]]
) -> dict[str, Any]:
    """A model request line with the earlier messages its ``prefix`` stands for put back."""
    request = data.get("request")
    messages = request.get("messages") if isinstance(request, dict) else None
    prefix = data.pop(PREFIX, None)
    if prefix is not None:
        call = prefix.get("call") if isinstance(prefix, dict) else None
        count = prefix.get("messages") if isinstance(prefix, dict) else None
        earlier = requests.get(call) if isinstance(call, int) else None
        if (
            earlier is None
            or not isinstance(count, int)
            or isinstance(count, bool)
            or not 0 <= count <= len(earlier)
            or not isinstance(messages, list)
        ):
            raise TraceFormatError(
                source,
                f"invalid model_request record: its prefix {prefix!r} names no earlier "
                "request's messages (call: an earlier request's number, messages: how many of "
                "its first messages)",
                line=number,
            )
        messages = [*earlier[:count], *messages]
        data = {**data, "request": {**request, "messages": messages}}  # type: ignore[dict-item]
    if isinstance(messages, list) and isinstance(data.get("call"), int):
        requests[data["call"]] = messages
    return data


def _problems(exc: ValidationError, tag: object = None) -> str:
    def where(loc: tuple[int | str, ...]) -> str:
        path = loc[1:] if loc and loc[0] == tag else loc  # the union's tag is noise here
        return ".".join(str(p) for p in path) or "(record)"

    return "; ".join(f"{where(e['loc'])}: {e['msg']}" for e in exc.errors())
