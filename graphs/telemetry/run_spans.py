"""``RunSpans``: one run's event stream turned into a tree of OpenTelemetry spans.

```
invoke_agent {agent}                     the run (a resume is a run of its own, linked)
├── plangate.plan                        a plan accepted (or refused: status error)
│   ├── chat {model}                     the model calls that made it
│   └── plangate.verdict {guardrail}     the plan guardrails' verdicts
├── plangate.wave                        the calls started together
│   ├── plangate.verdict {guardrail}     tool-call verdicts, a person's decisions
│   ├── plangate.approval                the calls held for a person (ends at the pause)
│   └── execute_tool {tool}              one call: effect, idempotency key, provenance
│       └── plangate.verdict {guardrail} its result's verdicts
└── plangate.respond                     the answer, with its model calls and output verdicts
```

Everything is built in the task that reads the stream, from the events and from what the
``Watch`` saw (model calls, supersteps); a phase's span starts when the previous event was seen,
or at its first model call. Every string that comes from the run goes through the same
``Redactor`` as traces (secrets always, PII unless ``redact_pii=False``); with ``content=False``
none is sent at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanContext, Status, StatusCode, Tracer

from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.events import (
    ApprovalRequested,
    Event,
    FinalAnswer,
    ModelRetrying,
    PlanReady,
    PlanRejected,
    Replanning,
    RunFailed,
    RunInterrupted,
    RunStarted,
    StepFinished,
    StepRetrying,
    StepStarted,
    VerdictIssued,
)
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.guardrails import PERSON
from plangate.graphs.guards.redaction import Redactor
from plangate.graphs.telemetry import conventions as c
from plangate.graphs.telemetry.model_spans import add_model_span
from plangate.graphs.telemetry.watch import Watch

_LATER = ("plan", "output")  # stages whose verdicts come before their phase's span exists


@dataclass
class _Approval:
    span: Span
    ids: list[str]
    decisions: dict[str, str] = field(default_factory=dict)

    def decide(self, step_id: str, decision: str) -> bool:
        """Note a person's decision; ``True`` once every call held is decided."""
        self.decisions[step_id] = decision
        if len(self.decisions) < len(self.ids):
            return False
        self.span.set_attribute(c.APPROVAL_DECISIONS, [self.decisions[i] for i in self.ids])
        self.span.end()
        return True


@dataclass
class _Wave:
    span: Span
    context: Context
    superstep: int | None = None
    step_ids: list[str] = field(default_factory=list)


class RunSpans:
    """Spans of one run's stream (see the module docstring).

    Args:
        tracer: where spans go.
        runtime: the engine's collaborators (tools, for effects and keys; prices).
        redactor: cleans every string sent.
        watch: what the callbacks saw.
        agent: the agent's name.
        started: the stream's first event.
        content: send requests, arguments and summaries (cleaned); ``False`` sends none.
        paused: the span of the run this one resumes, linked to it.
    """

    def __init__(
        self,
        tracer: Tracer,
        runtime: Runtime,
        redactor: Redactor,
        watch: Watch,
        *,
        agent: str,
        started: RunStarted,
        content: bool,
        paused: SpanContext | None = None,
    ) -> None:
        self._tracer, self._runtime, self._redactor = tracer, runtime, redactor
        self._watch, self._content = watch, content
        self.thread = started.thread_id
        attributes: dict[str, Any] = {
            c.OPERATION_NAME: c.INVOKE_AGENT, c.AGENT_NAME: agent,
            c.CONVERSATION_ID: self.thread, c.RESUMED: started.resumed,
            c.STRATEGY: runtime.strategy,
        }  # fmt: skip
        if content:
            attributes[c.REQUEST] = redactor.clean_text(started.request)
        links = [Link(paused)] if paused is not None else []
        self.span = tracer.start_span(
            f"{c.INVOKE_AGENT} {agent}", attributes=attributes, links=links
        )
        self._context = trace.set_span_in_context(self.span)
        self._last = time.time_ns()
        self._later: list[tuple[int, dict[str, Any]]] = []  # plan and output verdicts
        self._wave: _Wave | None = None
        self._waves = 0
        self._tools: dict[str, Span] = {}
        self._approvals: list[_Approval] = []

    def see(self, event: Event) -> None:
        """Add what ``event`` says to the tree."""
        if isinstance(event, StepStarted):
            self._step_started(event)
        elif isinstance(event, StepFinished):
            self._step_finished(event)
        elif isinstance(event, StepRetrying) and event.step_id in self._tools:
            self._tools[event.step_id].add_event(c.RETRY_EVENT, {
                "attempt": event.attempt, "max_attempts": event.max_attempts,
                "delay": event.delay, "reason": event.reason, "service": event.service,
            })  # fmt: skip
        elif isinstance(event, VerdictIssued):
            self._verdict(event.verdict)
        elif isinstance(event, ApprovalRequested):
            self._approval(event)
        elif isinstance(event, PlanReady):
            steps = [str(s.get("id")) for s in event.plan.get("steps") or ()]
            self._phase(c.PLAN_SPAN, {
                c.PLAN_ATTEMPT: event.attempt, c.PLAN_REPLAN: event.replan,
                c.PLAN_EXTENDS: event.extends, c.PLAN_STEP_IDS: steps,
            })  # fmt: skip
        elif isinstance(event, PlanRejected):
            issues = [self._text(issue) for issue in event.issues] if self._content else []
            self._phase(c.PLAN_SPAN, {c.PLAN_ATTEMPT: event.attempt, c.PLAN_ISSUES: issues},
                        error="the plan failed validation")  # fmt: skip
        elif isinstance(event, Replanning):
            self._close_wave()
            self.span.add_event(c.REPLANNING_EVENT, {"attempt": event.attempt,
                                                     "failed": sorted(event.failed)})  # fmt: skip
        elif isinstance(event, FinalAnswer):
            self._phase(c.RESPOND_SPAN, {})
        elif isinstance(event, RunFailed | RunInterrupted):
            self._close_wave()
            self.span.set_attribute(c.ERROR_TYPE, event.error)
            self.span.set_status(Status(StatusCode.ERROR, self._text(event.message)))
        elif isinstance(event, ModelRetrying):
            self.span.add_event(c.RETRY_EVENT, {
                "provider": event.provider, "reason": self._text(event.reason),
                "attempt": event.attempt, "max_attempts": event.max_attempts,
            })  # fmt: skip
        self._last = time.time_ns()

    def finish(self, result: RunResult | None = None, error: BaseException | None = None) -> None:
        """End every span still open, the run's last; ``result`` is where the run stands."""
        for step_id in list(self._tools):
            span = self._tools.pop(step_id)
            span.set_status(Status(StatusCode.ERROR, "the stream ended before the call did"))
            span.end()
        for approval in self._approvals:
            approval.span.end()  # the run paused: the decisions come with a resume
        self._approvals.clear()
        self._close_wave()
        for call in self._watch.take_calls(self.thread):
            add_model_span(self._tracer, call, self._context, self._runtime.prices)
        for at, verdict in self._later:
            self._verdict_span(verdict, self._context, at)
        self._later.clear()
        self._watch.forget(self.thread)
        if result is not None:
            usage = result.usage
            self.span.set_attributes({
                c.RUN_STATUS: result.status, c.USAGE_TOKENS: int(usage.get("tokens", 0)),
                c.USAGE_MODEL_CALLS: int(usage.get("model_calls", 0)),
                c.USAGE_TOOL_CALLS: int(usage.get("tool_calls", 0)),
                c.COST: float(usage.get("cost", 0.0)),
            })  # fmt: skip
            if result.status in ("failed", "blocked") and result.error:
                self.span.set_status(Status(StatusCode.ERROR, self._text(result.error["message"])))
        if error is not None:
            self.span.record_exception(error)
            self.span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        self.span.end()

    def _text(self, text: str) -> str:
        return self._redactor.clean_text(text)

    def _json(self, value: Any) -> str:
        return json.dumps(self._redactor.clean(value), sort_keys=True, default=str)

    def _phase(self, name: str, attributes: Mapping[str, Any], error: str | None = None) -> None:
        """A phase that ended now (a plan, the answer), with its model calls and verdicts."""
        self._close_wave()
        calls = self._watch.take_calls(self.thread)
        start = min([self._last, *(call.start for call in calls)])
        span = self._tracer.start_span(
            name, context=self._context, start_time=start, attributes=dict(attributes)
        )
        inside = trace.set_span_in_context(span)
        for call in calls:
            add_model_span(self._tracer, call, inside, self._runtime.prices)
        for at, verdict in self._later:
            self._verdict_span(verdict, inside, at)
        self._later.clear()
        if error is not None:
            span.set_status(Status(StatusCode.ERROR, error))
        span.end()

    def _open_wave(self, superstep: int | None) -> _Wave:
        self._close_wave()
        self._waves += 1
        span = self._tracer.start_span(
            c.WAVE_SPAN, context=self._context, attributes={c.WAVE_NUMBER: self._waves}
        )
        self._wave = _Wave(span, trace.set_span_in_context(span), superstep)
        return self._wave

    def _close_wave(self) -> None:
        wave, self._wave = self._wave, None
        if wave is not None:
            wave.span.set_attribute(c.WAVE_STEP_IDS, wave.step_ids)
            wave.span.end()

    def _gating_wave(self) -> _Wave:
        """The wave a tool-call verdict or approval belongs to: a new one once calls started.

        Those are decided in the dispatch before a wave starts; LangGraph runs a wave's calls
        only after it, so a wave that already started calls is over.
        """
        wave = self._wave
        if wave is None or wave.superstep is not None or wave.step_ids:
            return self._open_wave(None)
        return wave

    def _step_started(self, event: StepStarted) -> None:
        superstep = self._watch.superstep(self.thread, event.step_id)
        wave = self._wave
        if wave is None or (superstep is not None and wave.superstep not in (None, superstep)):
            wave = self._open_wave(superstep)
        wave.superstep = superstep if superstep is not None else wave.superstep
        wave.step_ids.append(event.step_id)
        attributes: dict[str, Any] = {
            c.OPERATION_NAME: c.EXECUTE_TOOL, c.TOOL_NAME: event.tool,
            c.TOOL_CALL_ID: event.step_id, c.TOOL_TYPE: "function",
        }  # fmt: skip
        toolset = self._runtime.toolset
        if event.tool in toolset:
            tool = toolset.get(event.tool)
            attributes[c.TOOL_DESCRIPTION] = tool.description
            attributes[c.EFFECT] = tool.effect
            if tool.is_write:
                attributes[c.IDEMPOTENCY_KEY] = self._runtime.executor.write_key(
                    tool, tool.validate_args(event.args), thread_id=self.thread,
                    step_id=event.step_id,
                )  # fmt: skip
        if self._content:
            attributes[c.TOOL_CALL_ARGUMENTS] = self._json(event.args)
        name = f"{c.EXECUTE_TOOL} {event.tool}"
        self._tools[event.step_id] = self._tracer.start_span(
            name, context=wave.context, attributes=attributes
        )

    def _step_finished(self, event: StepFinished) -> None:
        span = self._tools.pop(event.step_id, None)
        if span is None:  # a step that never started: skipped, or refused before its call
            return
        span.set_attributes({
            c.STEP_STATUS: event.status, c.STEP_ATTEMPTS: event.attempts,
            c.STEP_REUSED: event.reused,
        })  # fmt: skip
        if event.provenance is not None:
            span.set_attribute(c.PROVENANCE, self._json(event.provenance))
        if event.label is not None:
            span.set_attribute(c.RESULT_LABEL, self._json(event.label))
        if self._content and event.summary:
            span.set_attribute(c.STEP_SUMMARY, self._text(event.summary))
        if event.status in ("failed", "rejected"):
            span.set_status(Status(StatusCode.ERROR, self._text(event.summary or event.status)))
        span.end()

    def _verdict(self, verdict: dict[str, Any]) -> None:
        stage = str(verdict.get("stage", ""))
        if stage in _LATER:
            self._later.append((time.time_ns(), verdict))
            return
        context = self._context
        if verdict.get("guardrail") == PERSON:
            context = self._decided(verdict)
        elif stage == "tool_call":
            context = self._gating_wave().context
        elif stage == "tool_result":
            span = self._tools.get(str(verdict.get("step_id")))
            context = trace.set_span_in_context(span) if span is not None else context
        self._verdict_span(verdict, context, time.time_ns())

    def _decided(self, verdict: Mapping[str, Any]) -> Context:
        """Where a person's decision goes: under the approval that asked for it."""
        step_id = str(verdict.get("step_id"))
        details = verdict.get("details") or {}
        decision = str(details.get("decision", "")) if isinstance(details, Mapping) else ""
        for approval in self._approvals:
            if step_id in approval.ids and step_id not in approval.decisions:
                context = trace.set_span_in_context(approval.span)
                if approval.decide(step_id, decision):
                    self._approvals.remove(approval)
                return context
        return self._gating_wave().context

    def _verdict_span(self, verdict: Mapping[str, Any], context: Context, at: int) -> None:
        guardrail = str(verdict.get("guardrail", ""))
        attributes: dict[str, Any] = {
            c.VERDICT_GUARDRAIL: guardrail, c.VERDICT_STAGE: str(verdict.get("stage", "")),
            c.VERDICT_ACTION: str(verdict.get("action", "")),
            c.VERDICT_REASON: self._text(str(verdict.get("reason", ""))),
        }  # fmt: skip
        if verdict.get("step_id"):
            attributes[c.VERDICT_STEP_ID] = str(verdict["step_id"])
        details = verdict.get("details") or {}
        if isinstance(details, Mapping) and isinstance(details.get("decision"), str):
            attributes[c.VERDICT_DECISION] = details["decision"]
        span = self._tracer.start_span(
            f"{c.VERDICT_SPAN} {guardrail}", context=context, start_time=at, attributes=attributes
        )
        span.end(end_time=at)

    def _approval(self, event: ApprovalRequested) -> None:
        wave = self._gating_wave()
        asked = event.approvals
        attributes: dict[str, Any] = {
            c.APPROVAL_IDS: [str(a.get("id")) for a in asked],
            c.APPROVAL_TOOLS: [str(a.get("tool")) for a in asked],
            c.APPROVAL_REASONS: [self._text("; ".join(a.get("reasons") or ())) for a in asked],
        }  # fmt: skip
        if self._content:
            attributes[c.APPROVAL_CALLS] = self._json(list(asked))
        span = self._tracer.start_span(c.APPROVAL_SPAN, context=wave.context, attributes=attributes)
        self._approvals.append(_Approval(span, [str(a.get("id")) for a in asked]))
