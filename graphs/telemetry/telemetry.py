"""``Telemetry``: the switch that turns a run's events into OpenTelemetry spans.

Give one to an agent (``Agent(spec, toolset, telemetry=Telemetry())``) or build an engine with
it (``Telemetry().engine(runtime)``). It costs nothing until spans can go somewhere: plangate
imports OpenTelemetry only when a ``Telemetry`` is asked for a tracer, and a run streams exactly
as it would without one when the ``otel`` extra is not installed, or when no tracer provider was
given and none is configured globally (OpenTelemetry's default proxy provider).

Everything sent is cleaned by the trace's ``Redactor`` (``plangate.graphs.guards.redaction``):
credentials held by the model and the backends never leave, and PII is redacted unless
``redact_pii=False``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Literal

from plangate.graphs.engine.build import Checkpointer, Engine
from plangate.graphs.engine.events import Event, RunStarted
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.pseudonyms import Pseudonyms
from plangate.graphs.guards.redaction import Redactor, find_secrets
from plangate.graphs.telemetry.traced_engine import TracedEngine
from plangate.graphs.telemetry.watch import Watch, watching
from plangate.tools.errors import UsageError

if TYPE_CHECKING:  # never imported at run time unless a tracer is asked for
    from opentelemetry.trace import SpanContext, Tracer, TracerProvider

    from plangate.graphs.telemetry.run_spans import RunSpans

_LOG = logging.getLogger("plangate.telemetry")
SCOPE = "plangate"
"""The instrumentation scope spans are reported under."""
PAUSED_KEPT = 1024
"""How many paused runs' spans a ``Telemetry`` remembers, to link their resumes to them."""


class Telemetry:
    """Where a run's spans go, and what they may carry.

    Args:
        tracer_provider: the provider to take a tracer from; ``None``: the global one (set with
            ``opentelemetry.trace.set_tracer_provider``), checked at every run, so one set later
            is used from then on.
        redact_pii: redact emails, phones, card numbers and IBANs (the default), as traces do.
        content: send the request, tool-call arguments, summaries and approval details
            (cleaned); ``False`` sends names, ids, counts and verdicts only.
    """

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        *,
        redact_pii: bool = True,
        content: bool = True,
    ) -> None:
        self.tracer_provider = tracer_provider
        self.redact_pii = redact_pii
        self.content = content
        self._watch = Watch()
        self._paused: OrderedDict[str, SpanContext] = OrderedDict()
        self._warned = False

    def tracer(self) -> Tracer | None:
        """The tracer spans go to now, or ``None`` when they can go nowhere."""
        try:
            from opentelemetry import trace
        except ImportError:
            if not self._warned:
                self._warned = True
                _LOG.warning("telemetry is on but OpenTelemetry is not installed: "
                             "pip install 'plangate[otel]'")  # fmt: skip
            return None
        provider = self.tracer_provider
        if provider is None:
            provider = trace.get_tracer_provider()
            if isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider):
                return None  # nothing configured: spans would be dropped, so none are made
        return provider.get_tracer(SCOPE)

    def engine(
        self,
        runtime: Runtime,
        checkpointer: Checkpointer | Literal[False] | None = None,
        *,
        agent: str = "engine",
    ) -> Engine:
        """An ``Engine`` over ``runtime`` whose runs report spans here, as agent ``agent``."""
        return TracedEngine(runtime, checkpointer, telemetry=self, agent=agent)

    def redactor(self, runtime: Runtime) -> Redactor:
        """A fresh redactor for one run: PII stand-ins as in a trace, the runtime's secrets."""
        toolset = runtime.toolset
        sources: list[Any] = [toolset.binding(name).deps for name in toolset.names]
        sources += [runtime.react_model, getattr(runtime.planner, "model", None),
                    getattr(runtime.responder, "model", None)]  # fmt: skip
        redactor = Redactor(
            pii=self.redact_pii, pseudonyms=Pseudonyms() if self.redact_pii else None
        )
        return redactor.with_secrets(find_secrets(*(s for s in sources if s is not None)))

    async def trace(
        self, engine: Engine, events: AsyncIterator[Event], *, agent: str
    ) -> AsyncIterator[Event]:
        """``events``, unchanged, reporting the run they tell as spans.

        Raises:
            UsageError: the stream does not begin with ``RunStarted``.
        """
        tracer = self.tracer()
        if tracer is None:
            async for event in events:
                yield event
            return
        spans: RunSpans | None = None
        try:
            while True:
                with watching(self._watch):  # set only while the engine runs, reset between
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        break
                if spans is None:
                    spans = self._begin(tracer, engine, event, agent)
                else:
                    self._see(spans, event)
                yield event
        except BaseException as exc:
            if spans is not None:
                spans.finish(error=exc if isinstance(exc, Exception) else None)
            raise
        if spans is not None:
            result = await engine.result(spans.thread)
            if result.status == "paused":
                self._remember(spans)
            spans.finish(result)

    def _see(self, spans: RunSpans, event: Event) -> None:
        """Add ``event`` to the spans; a failure to is logged, never raised into the run."""
        try:
            spans.see(event)
        except Exception:
            _LOG.exception("telemetry could not report a %s event; the run goes on", event.kind)

    def _begin(self, tracer: Tracer, engine: Engine, event: Event, agent: str) -> RunSpans:
        from plangate.graphs.telemetry.run_spans import RunSpans

        if not isinstance(event, RunStarted):
            raise UsageError(f"a run's events begin with run_started, not {event.kind}")
        paused = self._paused.pop(event.thread_id, None) if event.resumed else None
        return RunSpans(
            tracer, engine.runtime, self.redactor(engine.runtime), self._watch, agent=agent,
            started=event, content=self.content, paused=paused,
        )  # fmt: skip

    def _remember(self, spans: RunSpans) -> None:
        self._paused[spans.thread] = spans.span.get_span_context()
        self._paused.move_to_end(spans.thread)
        while len(self._paused) > PAUSED_KEPT:
            self._paused.popitem(last=False)
