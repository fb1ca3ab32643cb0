"""``PlangateMiddleware``: plangate's guards around a LangChain ``create_agent`` agent.

Users who already have a ``langchain.agents.create_agent`` agent add one middleware instead of
rewriting it::

    agent = create_agent(model, tools=[search, transfer], checkpointer=saver,
                         middleware=[PlangateMiddleware(effects={"search": "read"},
                                                        ledger=ledger)])

Around every tool call, in this order:

1. **Budget**: the run's tool calls so far (``Budget.max_tool_calls``); over it, the call is
   answered with a message saying so and not run.
2. **Tool-call guardrails** (``Stage.TOOL_CALL``): a ``block`` answers the model with a
   ``ToolMessage`` saying why; a ``modify`` changes the arguments; ``require_approval`` pauses the
   run (a LangGraph interrupt carrying plangate's approval payload, ``{"approvals": [{"id",
   "tool", "args", "reasons", "read"}]}``), and the run resumes with ``Command(resume={id:
   decision})``: ``"approve"``, ``{"action": "edit", "args": {...}}`` or ``{"action":
   "reject", "reason": "..."}`` (``plangate.graphs.engine.approvals``).
3. **Provenance**: a write the model chose after reading an untrusted tool result needs
   approval (``history``); a result flagged as injection taints later calls for
   ``TaintedWriteApproval``.
4. **The idempotency ledger** around write tools (``writes``): a retried or resumed call never
   writes twice.
5. **Tool-result guardrails** (``Stage.TOOL_RESULT``): prompt-injection heuristics neutralise
   instructions hidden in results before the model reads them.

Around every model call: the model-call budget, and trace records (``tracing``).

Order among middleware: first listed is outermost. List ``HumanInTheLoopMiddleware`` before this
one, and ``ToolRetryMiddleware`` before it too, so that each retry passes the ledger. The
middleware is async: run the agent with ``ainvoke`` / ``astream``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from langchain.agents.middleware import (
    AgentMiddleware,
    AgentState,
    ModelRequest,
    ModelResponse,
    ToolCallRequest,
)
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.tools import BaseTool

from plangate.agents.middleware.approvals import (
    ask_person,
    blocked,
    provenance_gate,
    refusal,
)
from plangate.agents.middleware.history import (
    mark,
    model_calls,
    origin_of,
    tool_calls_before,
)
from plangate.agents.middleware.tracing import HostedTrace
from plangate.agents.middleware.writes import Reconciler, WriteGate, write_key
from plangate.graphs.engine.budget import Budget
from plangate.graphs.guards import PromptInjection, TaintedWriteApproval
from plangate.graphs.guards.guardrails import (
    Guardrail,
    GuardSubject,
    Stage,
    render_result,
    run_guardrails,
)
from plangate.graphs.traces import Recorder
from plangate.tools.base import Effect, Tool
from plangate.tools.clock import Clock
from plangate.tools.errors import OutcomeUnknownError, UsageError
from plangate.tools.langchain_adapter import from_langchain
from plangate.tools.ledger import Ledger, MemoryLedger


def default_guardrails() -> tuple[Guardrail, ...]:
    """Prompt-injection heuristics on results, and approval for writes they taint."""
    return (PromptInjection(stages=(Stage.TOOL_RESULT,)), TaintedWriteApproval())


class PlangateMiddleware(AgentMiddleware[AgentState[Any], Any, Any]):
    """plangate's guardrails, approvals, budgets, ledger and traces as LangChain middleware.

    Args:
        guardrails: consulted at ``tool_call`` and ``tool_result``, in order
            (``default_guardrails()`` when omitted).
        effects: ``read`` or ``write`` per tool name; a tool not named is a ``write`` (an
            unknown tool might act, so it is gated and goes through the ledger).
        trusted_tools: tools whose results are trusted (the user's own data); every other
            result is untrusted text for provenance.
        approve_untrusted_writes: hold for a person every write the model chose after reading
            an untrusted result (True by default; turn off only with other write gates).
        ledger: the idempotency ledger for writes (a ``MemoryLedger`` when omitted: share a
            ``SQLiteLedger`` or ``PostgresLedger`` between processes).
        reconcilers: per write tool, how to ask its backend for a write by its key.
        budget: ``max_tool_calls`` and ``max_model_calls`` per run (per human message).
        recorder: a trace to record model and tool calls into.
        agent: the agent's name in the trace header.
        clock: for the ledger's timestamps.
        timer: seconds, for the durations recorded in traces.
    """

    def __init__(
        self,
        *,
        guardrails: Iterable[Guardrail] | None = None,
        effects: Mapping[str, Effect] | None = None,
        trusted_tools: Collection[str] = (),
        approve_untrusted_writes: bool = True,
        ledger: Ledger | None = None,
        reconcilers: Mapping[str, Reconciler] | None = None,
        budget: Budget | None = None,
        recorder: Recorder | None = None,
        agent: str = "langchain-agent",
        clock: Clock | None = None,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        super().__init__()
        self.guardrails = tuple(default_guardrails() if guardrails is None else guardrails)
        self.effects = dict(effects or {})
        if bad := {k: v for k, v in self.effects.items() if v not in ("read", "write")}:
            raise UsageError(f"PlangateMiddleware.effects must be 'read' or 'write': {bad}")
        if isinstance(trusted_tools, str):
            raise UsageError("PlangateMiddleware.trusted_tools is a collection of tool names")
        self.trusted_tools = frozenset(trusted_tools)
        self.approve_untrusted_writes = approve_untrusted_writes
        self.writes = WriteGate(ledger or MemoryLedger(), dict(reconcilers or {}), clock)
        self.budget = budget
        self.trace = HostedTrace(recorder, agent) if recorder is not None else None
        self._timer = timer
        self._tools: dict[str, Tool[Any]] = {}

    def tool(self, base_tool: BaseTool) -> Tool[Any]:
        """The plangate view of ``base_tool`` that guardrails see: its name, schema, effect."""
        if base_tool.name not in self._tools:
            effect = self.effects.get(base_tool.name, "write")
            self._tools[base_tool.name] = from_langchain(base_tool, effect=effect)
        return self._tools[base_tool.name]

    async def awrap_model_call(
        self,
        request: ModelRequest[Any],
        handler: Callable[[ModelRequest[Any]], Awaitable[ModelResponse[Any]]],
    ) -> Any:  # ModelResponse, or an AIMessage a handler may return
        """Keep the model-call budget and record the call."""
        history: Sequence[BaseMessage] = _state(request.state)
        if self.budget is not None and model_calls(history) + 1 > self.budget.max_model_calls:
            text = (f"I stopped: this run used its budget of {self.budget.max_model_calls} "
                    "model calls.")  # fmt: skip
            return ModelResponse(result=[AIMessage(text)])
        if self.trace is None:
            return await handler(request)
        tools = [self.tool(t) for t in request.tools if isinstance(t, BaseTool)]
        self.trace.describe(tools, request.system_message, request.model)
        system = [request.system_message] if request.system_message is not None else []
        call, started = self.trace.model_request([*system, *request.messages])
        try:
            response = await handler(request)
        except Exception as exc:
            self.trace.model_failed(call, started, exc)
            raise
        answers = getattr(response, "result", [response])
        if answers:
            self.trace.model_response(call, started, answers[-1])
        return response

    async def awrap_tool_call(
        self,
        request: ToolCallRequest,
        handler: Callable[[ToolCallRequest], Awaitable[Any]],
    ) -> Any:  # ToolMessage | langgraph Command, as the handler answers
        """Budget, guardrails, approval, provenance, ledger and result checks of one call."""
        call = request.tool_call
        call_id = str(call.get("id") or "")
        if request.tool is None:
            return await handler(request)  # an unknown tool: LangChain answers with its error
        tool = self.tool(request.tool)
        history = _state(request.state)
        if self.budget is not None:
            used = tool_calls_before(history, call_id)
            if used + 1 > self.budget.max_tool_calls:
                reason = f"this run used its budget of {self.budget.max_tool_calls} tool calls"
                return refusal(call_id, tool.name, f"Not run: {reason}.", budget="tool_calls")
        origin = origin_of(history, call_id, self.trusted_tools)
        thread = _thread(request)
        subject = GuardSubject(
            stage=Stage.TOOL_CALL, tool=tool, args=dict(call["args"]), step_id=call_id,
            tainted=bool(origin.tainted_by), metadata={"thread_id": thread},
        )  # fmt: skip
        outcome = await run_guardrails(self.guardrails, subject)
        if outcome.blocked_by is not None:
            return blocked(call_id, tool.name, outcome.blocked_by)
        args = dict(outcome.subject.args or {})
        approvals = [*outcome.approvals]
        if self.approve_untrusted_writes:
            approvals += provenance_gate(tool, origin, call_id)
        if approvals:
            decided = await ask_person(self.guardrails, outcome.subject, approvals, origin)
            if isinstance(decided, ToolMessage):
                return decided
            args = decided
        if args != call["args"]:
            request = request.override(tool_call={**call, "args": args})
        return await self._run(request, tool, thread, handler)

    async def _run(
        self,
        request: ToolCallRequest,
        tool: Tool[Any],
        thread: str,
        handler: Callable[[ToolCallRequest], Awaitable[Any]],
    ) -> Any:
        call = request.tool_call
        call_id = str(call.get("id") or "")
        key = None
        if tool.effect == "write":
            if not thread or not call_id:
                raise UsageError(
                    f"write tool {tool.name!r} needs a thread id (config['configurable']"
                    "['thread_id']) and a tool call id: its idempotency key is made of them, "
                    "and without them two conversations' calls could share one write"
                )
            key = write_key(thread, call_id, tool.name, call["args"])
        record = (
            self.trace.tool_call(thread, call_id, tool.name, call["args"], key)
            if self.trace is not None
            else None
        )
        started = self._timer()
        try:
            if key is not None:
                reply, reused = await self.writes.perform(key, call, lambda: handler(request))
            else:
                reply, reused = await handler(request), False
        except OutcomeUnknownError as exc:
            if self.trace is not None and record is not None:
                self.trace.tool_failed(record, exc, self._timer() - started)
            text = f"Not sent again: {exc}. Check with the service before trying another way."
            return refusal(call_id, tool.name, text, idempotency_key=key)
        except Exception as exc:
            if self.trace is not None and record is not None:
                self.trace.tool_failed(record, exc, self._timer() - started)
            raise
        if not isinstance(reply, ToolMessage):
            return reply  # a Command from a read tool: its own state update, passed through
        reply = await self._check_result(tool, reply, call_id)
        reply = mark(reply, ran=True, idempotency_key=key, reused=reused)
        if self.trace is not None and record is not None:
            duration = self._timer() - started
            self.trace.tool_result(record, tool, reply, duration=duration, reused=reused)
        return reply

    async def _check_result(self, tool: Tool[Any], reply: ToolMessage, call_id: str) -> ToolMessage:
        text = reply.content if isinstance(reply.content, str) else render_result(reply.content)
        subject = GuardSubject(
            stage=Stage.TOOL_RESULT, tool=tool, text=text, result=_json(text), step_id=call_id
        )
        outcome = await run_guardrails(self.guardrails, subject)
        verdicts = [v.model_dump(mode="json") for v in outcome.verdicts if v.action != "allow"]
        if outcome.blocked_by is not None:
            blocked = outcome.blocked_by
            content = f"Result withheld by {blocked.guardrail}: {blocked.reason}"
            reply = reply.model_copy(update={"content": content, "status": "error"})
        elif outcome.subject.payload != subject.payload:
            cleaned = outcome.subject.payload
            reply = reply.model_copy(update={"content": render_result(cleaned)})
        return mark(reply, verdicts=verdicts, tainted=outcome.tainted) if verdicts else reply


def _state(state: Any) -> Sequence[BaseMessage]:
    messages = state.get("messages") if isinstance(state, Mapping) else None
    return list(messages or [])


def _thread(request: ToolCallRequest) -> str:
    config = getattr(request.runtime, "config", None) or {}
    return str((config.get("configurable") or {}).get("thread_id") or "")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
