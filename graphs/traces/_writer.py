"""``TraceWriter``: the bookkeeping under ``plangate.graphs.traces.recording.Recorder``.

It numbers and timestamps records, cleans them (``plangate.graphs.guards.redaction``), keeps them in
memory and appends each one to the file as it happens, so a run that crashes still leaves its trace.
PII becomes stable stand-ins, one table per trace; a writer that continues a trace learns the
stand-ins the earlier records gave to the values a resumed run still holds (``learn``).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO

from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.events import (
    AnswerToken,
    Event,
    RunStarted,
    StepStarted,
    parse_event,
)
from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.model_errors import classify
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.pii import find_pii
from plangate.graphs.guards.pseudonyms import Pseudonyms
from plangate.graphs.guards.redaction import Redactor, find_secrets
from plangate.graphs.traces._align import align
from plangate.graphs.traces._codec import type_of
from plangate.graphs.traces.format import (
    BackendCallRecord,
    DecisionsRecord,
    EventRecord,
    Header,
    ModelInfo,
    ModelRequestRecord,
    ModelResponseRecord,
    OutcomeRecord,
    RunRecord,
    ToolCallRecord,
    ToolResultRecord,
    Trace,
    TraceRecord,
    dump_line,
    read_trace,
)
from plangate.graphs.traces.model_calls import jsonable, request_key
from plangate.graphs.traces.surface import describe_surface, fingerprint, outcome_of
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolOutcome

# The run and tool_call records say as much; the model response record holds the whole answer.
_SKIPPED_EVENTS = (RunStarted, StepStarted, AnswerToken)


def _cannot_write(path: Path, exc: OSError) -> UsageError:
    return UsageError(f"cannot write the trace {path}: {exc.strerror or exc}")


def _private_open(path: Path, mode: str) -> TextIO:
    """Open a trace for writing, readable by its owner only: a trace holds what a run saw.

    Raises:
        UsageError: the path is a folder, or cannot be created or written.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    try:
        handle = os.open(path, flags, 0o600)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    os.fchmod(handle, 0o600)  # a file that existed keeps its mode through os.open
    if mode == "a":
        return os.fdopen(handle, "a", encoding="utf-8")
    return os.fdopen(handle, "w", encoding="utf-8")


def error_data(exc: BaseException) -> dict[str, Any]:
    """An exception as JSON: type, message, arguments, public attributes and, for a project's
    own error class, its nearest ``plangate.tools.errors`` base (which replay rebuilds it on)."""
    attrs = {
        key: jsonable(value)
        for key, value in vars(exc).items()
        if not key.startswith("_") and key != "tool"
    }
    args = [jsonable(arg) for arg in exc.args]
    base = next(
        (c.__name__ for c in type(exc).__mro__ if c.__module__ == "plangate.tools.errors"), None
    )
    data = {"type": type(exc).__name__, "message": str(exc), "args": args, "attrs": attrs}
    return {**data, "base": base} if base and base != data["type"] else data


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


PREFIX_LOOKBACK = 8
"""How many of the latest model requests a new one is compared with for a common beginning."""
CLEANED_KEPT = 4096
"""How many messages' cleanings a writer remembers (``TraceWriter._clean_request``)."""


class TraceWriter:
    """Numbers, cleans, keeps and writes trace records (see ``Recorder`` for the arguments)."""

    def __init__(
        self,
        path: str | Path | None,
        *,
        agent: str,
        redact_pii: bool,
        append: bool,
        timer: Callable[[], float],
        source: str | None,
        reference: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.agent = agent
        self.source = source
        self.reference = reference
        self.redactor = Redactor(pii=redact_pii, pseudonyms=Pseudonyms() if redact_pii else None)
        self._timer = timer
        self._origin = timer()
        self._offset = 0.0
        self._records: list[TraceRecord] = []
        self._header: Header | None = None
        self._model: ModelInfo | None = None
        self._file: TextIO | None = None
        self._lock = threading.Lock()
        self._seq = self._model_calls = self._tool_calls = 0
        self._cleaned: IdentityMemo[Any] = IdentityMemo(CLEANED_KEPT)  # a message's cleaning
        self._cleaned_by: Redactor | None = None
        self._appending = False
        if append and self.path is not None and self.path.exists():
            self._resume_from(read_trace(self.path))

    def _resume_from(self, existing: Trace) -> None:
        self._header = existing.header
        self._records = list(existing.records)
        header = existing.header
        table = Pseudonyms() if header.pii_redacted and header.pii_pseudonyms else None
        self.redactor = Redactor(pii=header.pii_redacted, pseudonyms=table)
        if table is not None:  # new values must not get the stand-ins earlier ones have
            for text in _strings([r.model_dump(mode="json") for r in existing.records]):
                for match in find_pii(text):
                    table.note(match.kind, match.text)
        self._seq = max((r.seq for r in self._records), default=0)
        self._offset = max((r.at for r in self._records), default=0.0)
        self._model_calls = max((r.call for r in existing.of_type(ModelRequestRecord)), default=0)
        self._tool_calls = max((r.call for r in existing.of_type(ToolCallRecord)), default=0)
        self._appending = True

    @property
    def trace(self) -> Trace:
        """What was recorded so far.

        Raises:
            UsageError: nothing was recorded yet (no header).
        """
        if self._header is None:
            raise UsageError("nothing was recorded yet: run something through the recorder")
        source = str(self.path) if self.path is not None else "<recording>"
        return Trace(header=self._header, records=tuple(self._records), source=source)

    def clean(self, value: Any) -> Any:
        """``value`` as it may be written: no secrets, PII redacted unless opted out."""
        return self.redactor.clean(value)

    def _clean_request(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """``clean(request)``, each message cleaned once however many requests repeat it.

        A conversation sends every earlier message again at each turn; redacting them all
        again made recording a long ``react`` run cost the square of its length. Cleaning is
        a pure function of a message and the redactor (pseudonyms, once given, stay), and a
        repeated message is the same normalized object (``normalize_messages``), so its
        cleaning is remembered by its identity until the redactor changes.
        """
        messages = request.get("messages")
        if not isinstance(messages, list):
            return dict(self.clean(dict(request)))
        if self._cleaned_by is not self.redactor:
            self._cleaned = IdentityMemo(CLEANED_KEPT)
            self._cleaned_by = self.redactor
        tools = request.get("tools")
        listed = ("messages", "tools") if isinstance(tools, list) else ("messages",)
        rest = self.clean({key: value for key, value in request.items() if key not in listed})
        # Messages, and the tools bound (the same at every turn), are cleaned one by one.
        rest["messages"] = [self._clean_message(message) for message in messages]
        if isinstance(tools, list):
            rest["tools"] = [self._clean_message(tool) for tool in tools]
        return {key: rest[key] for key in request}

    def _clean_message(self, message: Any) -> Any:
        return self._cleaned.get(message, self.clean)

    def note_secrets(self, *sources: Any) -> None:
        """Never write the credentials ``sources`` hold (models, backends, clients)."""
        self.redactor = self.redactor.with_secrets(find_secrets(*sources))

    def note_model(self, identity: str, params: Mapping[str, Any], model: Any) -> None:
        """Remember the chat model for the header and the secrets it holds."""
        self.note_secrets(model)
        if self._model is None:
            self._model = ModelInfo(id=identity, params=self.clean(dict(params)))

    def new_thread(self) -> str:
        """A fresh thread id."""
        return uuid.uuid4().hex[:12]

    def describe(self, runtime: Runtime, *, agent: str | None = None) -> None:
        """Write the header for ``runtime``'s agent (once); check it when appending.

        Raises:
            UsageError: the trace already describes another agent or surface.
        """
        surface = self.clean(describe_surface(runtime))
        named = agent or (self._header.agent if self._header is not None else self.agent)
        header = Header(
            agent=named, strategy=runtime.strategy, model=self._model,
            fingerprint=fingerprint(surface), surface=surface,
            pii_redacted=self.redactor.pii, source=self.source, reference=self.reference,
            pii_pseudonyms=self.redactor.pii and self.redactor.pseudonyms is not None,
        )  # fmt: skip
        if self._header is not None:
            old = self._header
            if (old.agent, old.fingerprint, old.strategy) != (
                header.agent,
                header.fingerprint,
                header.strategy,
            ):
                raise UsageError(
                    f"cannot add to trace {self.path or '<recording>'}: it records agent "
                    f"{old.agent!r} ({old.strategy}, fingerprint {old.fingerprint}), this run "
                    f"is {header.agent!r} ({header.strategy}, fingerprint {header.fingerprint})"
                )
            return
        self._header = header
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise _cannot_write(self.path, exc) from exc
            self._file = _private_open(self.path, "w")
            self._write(dump_line(header))

    def _add(self, kind: type[TraceRecord], **fields: Any) -> Any:
        if self._header is None:
            raise UsageError("describe the run (Recorder.describe) before recording into it")
        with self._lock:
            self._seq += 1
            at = round(self._offset + self._timer() - self._origin, 6)
            record = kind(seq=self._seq, at=at, **fields)
            self._records.append(record)
            if self._file is None and self._appending and self.path is not None:
                self._file = _private_open(self.path, "a")
            if self._file is not None:
                self._write(dump_line(record, prefix=self._prefix(record)))
        return record

    def _prefix(self, record: TraceRecord) -> tuple[int, int] | None:
        """``(call, count)`` when a model request begins with an earlier request's messages.

        The latest requests are the ones a conversation continues (``PREFIX_LOOKBACK``); a
        trace of format version 1 being appended to is written as version 1 wrote it.
        """
        if not isinstance(record, ModelRequestRecord) or self._header is None:
            return None
        if self._header.version < 2:
            return None
        messages = record.request.get("messages")
        if not isinstance(messages, list) or not messages:
            return None
        best: tuple[int, int] | None = None
        looked = 0
        for earlier in reversed(self._records[:-1]):
            if not isinstance(earlier, ModelRequestRecord):
                continue
            looked += 1
            if looked > PREFIX_LOOKBACK:
                break
            before = earlier.request.get("messages")
            if not isinstance(before, list) or len(before) > len(messages):
                continue
            if messages[: len(before)] == before and (best is None or len(before) > best[1]):
                best = (earlier.call, len(before))
        return best if best is not None and best[1] > 0 else None

    def _write(self, line: str) -> None:
        """Append ``line`` and flush it, so a crash leaves every record written so far."""
        if self._file is None or self.path is None:
            return
        try:
            self._file.write(line)
            self._file.flush()
        except OSError as exc:
            raise _cannot_write(self.path, exc) from exc

    def begin_run(
        self,
        thread: str,
        request: str,
        now: datetime,
        *,
        plan: Mapping[str, Any] | None = None,
        replan: bool = False,
    ) -> None:
        """A run starts; ``plan`` is the fixed plan it runs, if it was given one."""
        zone = getattr(now.tzinfo, "key", None)
        fixed = {} if plan is None else {"plan": self.clean(dict(plan)), "replan": replan}
        self._add(RunRecord, thread_id=thread, request=self.clean(request),
                  now=now.isoformat(), zone=zone, **fixed)  # fmt: skip

    def learn(self, thread: str, outcome: Mapping[str, Any]) -> None:
        """Give the values ``outcome`` holds (a paused run's, read back from its checkpoint)
        the stand-ins the trace's last outcome of ``thread`` gave them, before it resumes."""
        table = self.redactor.pseudonyms
        recorded = [r.outcome for r in self._records if isinstance(r, OutcomeRecord)
                    and r.thread_id == thread]  # fmt: skip
        if table is None or not recorded:
            return
        table.allocate = False
        try:
            align(lambda: self.clean(dict(outcome)), lambda: recorded[-1:], table, strict=False)
        finally:
            table.allocate = True

    def decisions(self, thread: str, decisions: Mapping[str, Any], now: datetime) -> None:
        """A paused run is resumed with ``decisions``."""
        zone = getattr(now.tzinfo, "key", None)
        self._add(DecisionsRecord, thread_id=thread, decisions=self.clean(jsonable(decisions)),
                  now=now.isoformat(), zone=zone)  # fmt: skip

    def event(self, thread: str, event: Event) -> None:
        """An engine event (run and step starts and answer tokens are left out: other records
        cover them)."""
        if isinstance(event, _SKIPPED_EVENTS):
            return
        cleaned = parse_event(self.clean(event.model_dump(mode="json")))
        self._add(EventRecord, thread_id=thread, event=cleaned)

    def outcome(self, result: RunResult) -> None:
        """How the run ended."""
        self._add(OutcomeRecord, thread_id=result.thread_id, outcome=self.clean(outcome_of(result)))

    def model_request(self, request: Mapping[str, Any]) -> tuple[int, float]:
        """A model request; returns its call number and start time."""
        cleaned = self._clean_request(request)
        with self._lock:
            self._model_calls += 1
            call = self._model_calls
        self._add(ModelRequestRecord, call=call, key=request_key(cleaned), request=cleaned)
        return call, self._timer()

    def _key(self, call: int) -> str:
        for record in reversed(self._records):
            if isinstance(record, ModelRequestRecord) and record.call == call:
                return record.key
        return ""

    def model_response(self, call: int, started: float, response: Mapping[str, Any]) -> None:
        """The answer to model request ``call``."""
        self._add(ModelResponseRecord, call=call, key=self._key(call),
                  response=self.clean(dict(response)),
                  duration=round(self._timer() - started, 6))  # fmt: skip

    def model_failed(self, call: int, started: float, exc: BaseException) -> None:
        """Model request ``call`` raised ``exc``."""
        data = self.clean(error_data(exc))
        error = {"type": data["type"], "message": data["message"]}
        mapped = classify(exc, from_model=True)
        if mapped is not None:
            # Enough for the replay to fail the same way, so plangate's retries replay too.
            error.update(mapped.fields())
            error["detail"] = str(self.clean(mapped.detail))
        self._add(ModelResponseRecord, call=call, key=self._key(call), error=error,
                  duration=round(self._timer() - started, 6))  # fmt: skip

    def tool_call(
        self, thread: str, step: str, tool: str, args: Any, key: str | None
    ) -> ToolCallRecord:
        """A tool call starts."""
        with self._lock:
            self._tool_calls += 1
            call = self._tool_calls
        record: ToolCallRecord = self._add(
            ToolCallRecord, call=call, thread_id=thread, step_id=step, tool=tool,
            args=self.clean(args), idempotency_key=key,
        )  # fmt: skip
        return record

    def tool_result(self, call: ToolCallRecord, outcome: ToolOutcome) -> None:
        """Tool call ``call`` produced ``outcome``."""
        self._add(ToolResultRecord, call=call.call, thread_id=call.thread_id,
                  step_id=call.step_id, tool=call.tool, result=self.clean(outcome.result_json),
                  attempts=outcome.attempts, duration=outcome.duration, reused=outcome.reused,
                  idempotency_key=outcome.idempotency_key)  # fmt: skip

    def tool_failed(self, call: ToolCallRecord, exc: BaseException, duration: float) -> None:
        """Tool call ``call`` failed with ``exc``."""
        self._add(ToolResultRecord, call=call.call, thread_id=call.thread_id,
                  step_id=call.step_id, tool=call.tool, error=self.clean(error_data(exc)),
                  attempts=getattr(exc, "attempts", 0) or 1, duration=duration,
                  idempotency_key=call.idempotency_key)  # fmt: skip

    def backend_call(
        self,
        backend: str,
        method: str,
        args: Any,
        kwargs: Any,
        *,
        result: Any = None,
        error: BaseException | None = None,
        is_async: bool = False,
        attribute: bool = False,
    ) -> None:
        """A backend read outside a tool call (see ``plangate.graphs.traces.taps``)."""
        self._add(BackendCallRecord, backend=backend, method=method,
                  args=self.clean(jsonable(list(args))) if args is not None else None,
                  kwargs=self.clean(jsonable(dict(kwargs))) if kwargs is not None else None,
                  result=self.clean(jsonable(result)), result_type=type_of(result),
                  error=self.clean(error_data(error)) if error is not None else None,
                  is_async=is_async, attribute=attribute)  # fmt: skip

    def close(self) -> None:
        """Close the file (the records stay available in ``trace``)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
