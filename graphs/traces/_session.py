"""``ReplaySession``: the recorded answers a replay serves, and the first divergence it found.

The replay chat model asks it for the answer to a request (by key, or strictly in order); the
replay executor asks it for the result of a step's call, which must name the same tool with the
same arguments. Whatever does not match becomes a ``ReplayMismatchError`` with a diff against the
nearest recorded counterpart, and the first one is kept: the replay reports it even if the engine
swallowed the exception on its way up.

Live data is cleaned as the recorder cleaned it. Values the replay read from the trace are
stand-ins already; a value the agent holds itself is tied to the stand-in recorded in its place
(``plangate.graphs.traces._align``) the first time it is compared.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast, get_args

import plangate.tools.errors as errors_module
from plangate.graphs.engine.model_errors import ModelError, ModelErrorKind
from plangate.graphs.guards.pseudonyms import Pseudonyms
from plangate.graphs.guards.redaction import Redactor
from plangate.graphs.traces._align import align
from plangate.graphs.traces._cleaning import Cleaner
from plangate.graphs.traces._codec import call_key, rebuild
from plangate.graphs.traces.format import (
    BackendCallRecord,
    ModelRequestRecord,
    ModelResponseRecord,
    ToolCallRecord,
    ToolResultRecord,
    Trace,
    TraceRecord,
)
from plangate.graphs.traces.model_calls import request_key
from plangate.graphs.traces.surface import json_diff, pretty, similarity
from plangate.tools.errors import PlangateError, ReplayMismatchError, ToolError

_CUSTOM_ERRORS: dict[tuple[str, str], type[ToolError]] = {}


class RecordedModelError(PlangateError):
    """A model call that failed when it was recorded fails the same way in the replay."""


def replayed_model_error(data: Mapping[str, str]) -> ModelError:
    """The recorded failure of a model call as the ``ModelError`` it was, so the gate retries
    (or interrupts) in the replay exactly as it did live."""
    status, wait = data.get("status"), data.get("retry_after")
    kind = str(data.get("kind"))
    if kind not in get_args(ModelErrorKind):
        raise ReplayMismatchError(f"recorded model failure of unknown kind {kind!r}")
    return ModelError(
        cast(ModelErrorKind, kind),
        provider=str(data.get("provider") or "model"),
        status=int(status) if status else None,
        retry_after=float(wait) if wait else None,
        detail=str(data.get("detail") or ""),
    )


def iter_pairs(
    records: Sequence[TraceRecord],
) -> Iterator[tuple[ModelRequestRecord, ModelResponseRecord | None]]:
    """Each model request with its response record (``None`` when none was written)."""
    responses = {r.call: r for r in records if isinstance(r, ModelResponseRecord)}
    for record in records:
        if isinstance(record, ModelRequestRecord):
            yield record, responses.get(record.call)


def _known(name: str) -> type[ToolError] | None:
    found = getattr(errors_module, name, None)
    return found if isinstance(found, type) and issubclass(found, ToolError) else None


def replayed_error(data: Mapping[str, Any], tool: str) -> ToolError:
    """The recorded error of a tool call, as an exception of the same type and message."""
    name = str(data.get("type") or "ToolError")
    cls = _known(name)
    if cls is None:
        base = _known(str(data.get("base"))) or ToolError
        made = type(name, (base,), {"__module__": __name__})
        cls = _CUSTOM_ERRORS.setdefault((name, base.__name__), made)
    exc = cls.__new__(cls)
    Exception.__init__(exc, *(data.get("args") or [str(data.get("message", ""))]))
    exc.tool = tool
    for key, value in (data.get("attrs") or {}).items():
        try:
            setattr(exc, key, value)
        except AttributeError:  # a read-only property: the message says it already
            continue
    return exc


class ReplaySession:
    """The recorded calls of one trace, served to one replay.

    Args:
        trace: the recording.
        strict_order: serve model answers strictly in recorded order instead of by key.
    """

    def __init__(self, trace: Trace, *, strict_order: bool = False) -> None:
        self.trace = trace
        self.strict_order = strict_order
        header = trace.header
        table = Pseudonyms(allocate=False) if header.pii_pseudonyms else None
        self.redactor = Redactor(pii=header.pii_redacted, pseudonyms=table)
        self._cleaner = Cleaner(self.redactor)
        self.mismatch: ReplayMismatchError | None = None
        self.model_calls = 0
        self.tool_calls = 0
        self._calls = list(iter_pairs(trace.records))
        self._by_key: dict[str, deque[int]] = {}
        for index, (request, _) in enumerate(self._calls):
            self._by_key.setdefault(request.key, deque()).append(index)
        self._used: set[int] = set()
        results = {r.call: r for r in trace.of_type(ToolResultRecord)}
        self._tools: dict[tuple[str, str], deque[tuple[ToolCallRecord, ToolResultRecord | None]]]
        self._tools = {}
        for call in trace.of_type(ToolCallRecord):
            pair = (call, results.get(call.call))
            self._tools.setdefault((call.thread_id, call.step_id), deque()).append(pair)
        self._reads: dict[str, deque[BackendCallRecord]] = {}
        self._read_kinds: dict[str, str] = {}
        for read in trace.of_type(BackendCallRecord):
            self._reads.setdefault(call_key(read.method, read.args, read.kwargs), deque()).append(
                read
            )
            kind = "attribute" if read.attribute else "async" if read.is_async else "sync"
            self._read_kinds.setdefault(read.method, kind)

    def clean(
        self, live: Any, counterparts: Callable[[], Iterable[Any]], *, strict: bool = False
    ) -> Any:
        """``live`` cleaned as the recorder cleaned it, to compare with ``counterparts``.

        Args:
            live: what the replayed run produced.
            counterparts: the recorded data it should equal, most likely first.
            strict: whether a counterpart must equal it but for PII to lend it stand-ins.
        """
        cleaner = self._cleaner
        return align(
            lambda: cleaner.clean(live), counterparts, self.redactor.pseudonyms, strict=strict,
            held=lambda: cleaner.held,
        )  # fmt: skip

    def fail(self, message: str, diff: str = "") -> ReplayMismatchError:
        """A mismatch to raise; the first one is kept in ``mismatch``."""
        error = ReplayMismatchError(message, diff=diff)
        if self.mismatch is None:
            self.mismatch = error
        return error

    def answer(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The recorded answer to ``request`` (normalized, not yet cleaned).

        Raises:
            ReplayMismatchError: no recorded request matches.
            RecordedModelError: the recorded call failed.
        """
        cleaned = self.clean(dict(request), self._unused_requests, strict=True)
        key = request_key(cleaned)
        self.model_calls += 1
        number = self.model_calls
        index = (
            self._strict(number, key, cleaned)
            if self.strict_order
            else self._keyed(number, key, cleaned)
        )
        self._used.add(index)
        recorded, response = self._calls[index]
        if response is None:
            raise self.fail(
                f"recorded model call {recorded.call} has no response: the trace is incomplete"
            )
        if response.error is not None:
            if response.error.get("kind"):
                raise replayed_model_error(response.error)
            raise RecordedModelError(
                f"recorded model call {recorded.call} failed: {response.error.get('type')}: "
                f"{response.error.get('message')}"
            )
        return dict(response.response or {})

    def _unused_requests(self) -> list[dict[str, Any]]:
        order = [i for i in range(len(self._calls)) if i not in self._used]
        if self.strict_order:
            order = order[:1]
        return [self._calls[i][0].request for i in order]

    def _strict(self, number: int, key: str, cleaned: Mapping[str, Any]) -> int:
        index = number - 1
        if index >= len(self._calls):
            raise self.fail(
                f"model request #{number} was not recorded: the trace holds {len(self._calls)} "
                "model call(s)",
                json_diff(None, cleaned),
            )
        recorded = self._calls[index][0]
        if recorded.key != key:
            raise self.fail(
                f"model request #{number} differs from recorded request #{recorded.call}",
                json_diff(recorded.request, cleaned),
            )
        return index

    def _keyed(self, number: int, key: str, cleaned: Mapping[str, Any]) -> int:
        queue = self._by_key.get(key)
        if queue:
            return queue.popleft()
        if key in self._by_key:
            raise self.fail(
                f"model request #{number} (key {key}) was asked more often than recorded",
                json_diff(None, cleaned),
            )
        if not self._calls:
            raise self.fail(
                f"model request #{number} was not recorded: the trace holds no model calls "
                "(was it recorded offline?)",
                json_diff(None, cleaned),
            )
        nearest = self._nearest_request(cleaned)
        raise self.fail(
            f"model request #{number} (key {key}) matches no recorded request; the diff is "
            f"against the nearest one, recorded call {nearest.call} (key {nearest.key})",
            json_diff(nearest.request, cleaned),
        )

    def _nearest_request(self, cleaned: Mapping[str, Any]) -> ModelRequestRecord:
        text = pretty(cleaned)
        unused = [i for i in range(len(self._calls)) if i not in self._used] or list(
            range(len(self._calls))
        )
        best = max(unused, key=lambda i: similarity(pretty(self._calls[i][0].request), text))
        return self._calls[best][0]

    def tool(self, thread: str, step: str, tool: str, args: Any) -> ToolResultRecord:
        """The recorded result of step ``step``'s call in ``thread``.

        Raises:
            ReplayMismatchError: no such call was recorded, it differs, or it has no result.
        """
        queue = self._tools.get((thread, step))
        live = self.clean(
            {"tool": tool, "args": args},
            lambda: [{"tool": call.tool, "args": call.args} for call, _ in (queue or ())][:1],
        )
        self.tool_calls += 1
        if not queue:
            nearest = self._nearest_call(thread, {"step_id": step, **live})
            raise self.fail(
                f"step {step!r} called {tool} in thread {thread!r}, but the trace records no "
                "such call"
                + (f"; the diff is against step {nearest['step_id']!r}" if nearest else ""),
                json_diff(nearest, {"step_id": step, **live}),
            )
        call, result = queue[0]
        recorded = {"tool": call.tool, "args": call.args}
        if recorded != live:
            what = "another tool" if call.tool != tool else "other arguments"
            raise self.fail(
                f"step {step!r} in thread {thread!r} called {tool} with {what} than recorded",
                json_diff(recorded, live),
            )
        queue.popleft()
        if result is None:
            seen = {"type": "tool_call", "step_id": step, **recorded}
            raise self.fail(
                f"the trace has no result for step {step!r} ({tool}, tool call {call.call}) in "
                f"thread {thread!r}: it is incomplete or was edited",
                json_diff([seen], [seen, {"type": "tool_result", "step_id": step, "tool": tool}],
                          labels=("recorded", "needed")),
            )  # fmt: skip
        return result

    def _nearest_call(self, thread: str, live: Mapping[str, Any]) -> dict[str, Any] | None:
        text = pretty(live)
        views = [
            {"step_id": call.step_id, "tool": call.tool, "args": call.args}
            for (owner, _), queue in self._tools.items()
            if owner == thread
            for call, _ in queue
        ]
        return max(views, key=lambda v: similarity(pretty(v), text)) if views else None

    def backend_kind(self, name: str) -> str | None:
        """How ``name`` was read from a backend: ``async``, ``sync``, ``attribute``, or never."""
        return self._read_kinds.get(name)

    def backend(self, method: str, args: Any, kwargs: Any) -> Any:
        """The recorded result of a backend read outside a tool call (rebuilt with its type).

        Raises:
            ReplayMismatchError: the recording holds no such read (or fewer of them).
            ToolError: the recorded read failed with it.
        """
        same = [{"args": r.args, "kwargs": r.kwargs}
                for q in self._reads.values() for r in q if r.method == method]  # fmt: skip
        cleaned = self.clean({"args": args, "kwargs": kwargs}, lambda: same, strict=True)
        args, kwargs = cleaned["args"], cleaned["kwargs"]
        queue = self._reads.get(call_key(method, args, kwargs))
        if not queue:
            live = {"method": method, "args": args, "kwargs": kwargs}
            seen = [{"method": r.method, "args": r.args, "kwargs": r.kwargs}
                    for q in self._reads.values() for r in q if r.method == method]  # fmt: skip
            text = pretty(live)
            nearest = max(seen, key=lambda v: similarity(pretty(v), text)) if seen else None
            raise self.fail(
                f"a guardrail read the backend's {method} with arguments the recording does "
                "not hold (or more often)",
                json_diff(nearest, live),
            )
        read = queue.popleft()
        if read.error is not None:
            raise replayed_error(read.error, method)
        return rebuild(read.result, read.result_type)

    def leftovers(self) -> ReplayMismatchError | None:
        """A mismatch naming the recorded calls the replay never made (``None`` if all were)."""
        unused = [self._calls[i][0] for i in range(len(self._calls)) if i not in self._used]
        if unused:
            listed = ", ".join(str(r.call) for r in unused)
            return self.fail(
                f"the replay made {self.model_calls} model call(s); recorded call(s) {listed} "
                "were never requested",
                json_diff(unused[0].request, None),
            )
        pending = [call for queue in self._tools.values() for call, _ in queue]
        if pending:
            listed = ", ".join(f"{c.step_id} ({c.tool}, thread {c.thread_id})" for c in pending)
            first = pending[0]
            return self.fail(
                f"recorded tool call(s) never made by the replay: {listed}",
                json_diff({"step_id": first.step_id, "tool": first.tool, "args": first.args}, None),
            )
        reads = [read for queue in self._reads.values() for read in queue]
        if reads:
            listed = ", ".join(dict.fromkeys(read.method for read in reads))
            return self.fail(
                f"recorded backend read(s) never made by the replay's guardrails: {listed}",
                json_diff({"method": reads[0].method, "args": reads[0].args}, None),
            )
        return None
