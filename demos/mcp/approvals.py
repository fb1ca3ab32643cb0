"""Approvals over MCP: asked through the client's elicitation, or handed back as a paused result.

A client that declares the ``elicitation`` capability shows each pending call to its user as a
form (approve or reject, and a reason); the answer decides that call. A "decline" or "cancel" of
the form rejects the call: nothing is written that a person did not accept. A client without
elicitation gets the run back paused — its thread id and the pending calls, with their arguments
and provenance — and decides them later with the ``resume`` tool.
"""

from __future__ import annotations

import json
from typing import Any

from mcp import types
from mcp.server.session import ServerSession

DECISION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "decision": {
            "type": "string",
            "title": "Decision",
            "enum": ["approve", "reject"],
            "description": "approve runs the call as shown; reject skips it",
        },
        "reason": {"type": "string", "title": "Reason", "description": "why (optional)"},
    },
    "required": ["decision"],
}


def can_elicit(session: ServerSession) -> bool:
    """Whether the client said it can show elicitation forms."""
    wanted = types.ClientCapabilities(elicitation=types.ElicitationCapability())
    return session.check_client_capability(wanted)


def question(call: dict[str, Any]) -> str:
    """What a person reads before deciding ``call`` (a pending approval or a direct write)."""
    args = json.dumps(call.get("args", {}), indent=2, sort_keys=True, ensure_ascii=False)
    reasons = "; ".join(str(reason) for reason in call.get("reasons", ())) or "it writes"
    return (
        f"Approve {call.get('tool')} (call {call.get('id')})? Needs approval because: {reasons}.\n"
        f"Arguments:\n{args}"
    )


async def ask(
    session: ServerSession, call: dict[str, Any], *, related: types.RequestId | None
) -> dict[str, Any]:
    """One decision (``{"action": "approve" | "reject", "reason": ...}``) from the client's user.

    A form that was declined, cancelled or answered with anything but ``approve`` rejects.
    """
    answer = await session.elicit_form(question(call), DECISION_SCHEMA, related_request_id=related)
    content = answer.content or {}
    reason = str(content.get("reason") or "")
    if answer.action == "accept" and content.get("decision") == "approve":
        return {"action": "approve", "reason": reason or "approved in the MCP client"}
    why = reason or (
        "rejected in the MCP client" if answer.action == "accept" else f"form {answer.action}ed"
    )
    return {"action": "reject", "reason": why}


async def ask_all(
    session: ServerSession, approvals: list[dict[str, Any]], *, related: types.RequestId | None
) -> dict[str, Any]:
    """A decision for every pending approval, asked one by one, by id."""
    return {call["id"]: await ask(session, call, related=related) for call in approvals}


def check_decisions(decisions: Any, pending: list[str]) -> dict[str, Any]:
    """``decisions`` as the engine takes them: one ``approve`` or ``reject`` per pending id.

    Raises:
        ValueError: a missing or unknown id, or an action that is not approve or reject (the
            message names them and lists the pending ids; the client reads it as a tool error).
    """
    if not isinstance(decisions, dict):
        raise ValueError('decisions must be an object: {"<call id>": "approve" | "reject"}')
    checked: dict[str, Any] = {}
    for pid, decision in decisions.items():
        action = decision.get("action") if isinstance(decision, dict) else decision
        if action not in ("approve", "reject"):
            raise ValueError(f"decision for {pid!r} must be 'approve' or 'reject', got {action!r}")
        reason = decision.get("reason", "") if isinstance(decision, dict) else ""
        checked[str(pid)] = {"action": action, **({"reason": str(reason)} if reason else {})}
    missing = [pid for pid in pending if pid not in checked]
    unknown = [pid for pid in checked if pid not in pending]
    if missing or unknown:
        problems = ([f"no decision for {', '.join(missing)}"] if missing else []) + (
            [f"not pending: {', '.join(unknown)}"] if unknown else []
        )
        raise ValueError(f"{'; '.join(problems)}; pending calls: {', '.join(pending) or '(none)'}")
    return checked
