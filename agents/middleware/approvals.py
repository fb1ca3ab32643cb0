"""Approvals inside a LangChain agent: plangate's payload, a LangGraph interrupt, a decision.

A tool call that a guardrail (or the provenance gate) holds pauses the run with the payload
plangate's engine uses, one pending call per interrupt::

    {"approvals": [{"id": "call_abc", "tool": "transfer", "args": {...},
                    "reasons": ["writes need approval: transfer"],
                    "guardrails": ["approve_writes"], "read": ["read_notes"]}]}

``id`` is the model's tool call id; ``read`` names the tools whose untrusted results the model
had read when it chose the call. The run resumes with ``Command(resume={id: decision})``, a
decision as ``plangate.graphs.engine.approvals`` reads it: ``"approve"``, ``{"action": "edit",
"args": {...}}`` (merged over the proposed arguments) or ``{"action": "reject", "reason": ...}``.
When several calls of one turn wait together, LangGraph raises one interrupt per call and the
resume maps each interrupt's id to its answer.

An edit is validated against the tool's arguments and guarded again, as the engine does: the
person approved it, so a further approval verdict is satisfied, but a block still stops it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from langchain_core.messages import ToolMessage

from plangate.agents.middleware.history import CallOrigin, mark
from plangate.graphs.engine.approvals import parse_decisions
from plangate.graphs.engine.pause import pause_for_person
from plangate.graphs.guards.guardrails import (
    Guardrail,
    GuardSubject,
    Stage,
    Verdict,
    run_guardrails,
)
from plangate.tools.base import Tool
from plangate.tools.errors import ToolError

UNTRUSTED_CONTROL = "untrusted_control"
"""The name of the middleware's own approval verdict for writes chosen after untrusted reads."""


def provenance_gate(tool: Tool[Any], origin: CallOrigin, call_id: str) -> list[Verdict]:
    """Approval for a write the model chose after reading untrusted results, else nothing."""
    if tool.effect != "write" or origin.is_trusted_control:
        return []
    read = list(dict.fromkeys(origin.untrusted_from))
    reason = f"the model chose this write after reading untrusted results of {', '.join(read)}"
    return [Verdict.approval(UNTRUSTED_CONTROL, Stage.TOOL_CALL, reason, step_id=call_id,
                             details={"read": read})]  # fmt: skip


def refusal(call_id: str, tool: str, text: str, **facts: Any) -> ToolMessage:
    """The reply a model gets for a call that did not run, and why (noted for the middleware)."""
    return mark(ToolMessage(text, tool_call_id=call_id, name=tool, status="error"), **facts)


def blocked(call_id: str, tool: str, verdict: Verdict) -> ToolMessage:
    """The reply to a call a guardrail blocked."""
    text = f"Blocked by {verdict.guardrail}: {verdict.reason}. The call was not run."
    return refusal(call_id, tool, text, verdicts=[verdict.model_dump(mode="json")])


async def ask_person(
    guardrails: Iterable[Guardrail],
    subject: GuardSubject,
    approvals: Sequence[Verdict],
    origin: CallOrigin,
) -> dict[str, Any] | ToolMessage:
    """Pause for a person; the arguments to run with, or the reply to a refused call.

    On resume the tool node runs again from its start: everything the middleware does before
    this call must be, and is, free of side effects (guardrails decide, they do not act).

    Raises:
        UsageError: the answer is not a decision for this call (nothing runs).
    """
    tool, call_id, args = subject.tool, str(subject.step_id), dict(subject.args or {})
    assert tool is not None  # a tool_call subject always names its tool
    request = {
        "id": call_id, "tool": tool.name, "args": args,
        "reasons": [verdict.reason for verdict in approvals],
        "guardrails": [verdict.guardrail for verdict in approvals],
        "read": list(dict.fromkeys(origin.untrusted_from)),
    }  # fmt: skip
    answer = pause_for_person({"approvals": [request]})
    decision = parse_decisions(answer, [call_id])[call_id]
    if decision.action == "reject":
        why = f": {decision.reason}" if decision.reason else ""
        text = f"A person rejected this call to {tool.name}{why}. It was not run."
        return refusal(call_id, tool.name, text, decision="reject")
    if decision.action == "approve":
        return args
    try:
        edited = tool.validate_args({**args, **(decision.args or {})}).model_dump(mode="json")
    except ToolError as exc:
        return refusal(call_id, tool.name, f"The edited call is invalid: {exc}", decision="edit")
    recheck = await run_guardrails(guardrails, GuardSubject(
        stage=Stage.TOOL_CALL, tool=tool, args=edited, step_id=call_id, tainted=subject.tainted,
        metadata=subject.metadata,
    ))  # fmt: skip
    if recheck.blocked_by is not None:
        return blocked(call_id, tool.name, recheck.blocked_by)
    return dict(recheck.subject.args or edited)
