"""Forged tool calls and chat messages as JSON objects inside a structured tool result.

A tool result is data about venues, flights or quotes. An object inside it shaped like a model's
own tool call (``{"function_call": {"name": "transfer_funds", "arguments": …}}``,
``{"tool": "place_order", "args": {…}}``) or like a chat message from a privileged role
(``{"role": "system", "content": …}``) is there to be mistaken for the conversation, whatever
its strings say, so the text rules alone cannot see it: its keys are single words and its
values may be harmless.

``spoofed_objects`` finds such objects at any depth (iteratively, so nesting depth costs no
stack); ``without_spoofed`` returns the payload with each of them replaced by a marker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SPOOF_KEYS = frozenset(
    {
        "tool_calls", "tool_call", "function_call", "function_calls", "tool_use", "tool_uses",
        "tool_result", "tool_results", "function_result", "function_results", "tool_response",
        "tool_output", "action_input", "tool_input", "next_action", "next_tool", "next_tool_call",
        "system_prompt", "system_message", "system_instructions",
    }
)  # fmt: skip
"""Keys that name a piece of the model's own conversation."""
ROLES = frozenset({"system", "developer", "tool", "function", "ipython"})
"""Chat roles that instruct or answer for a tool, which a tool result must never speak as.
"user" and "assistant" are left out: a transcript a support tool returns holds both."""
_CONTENT_KEYS = frozenset({"content", "text", "message", "parts", "prompt"})
_NAME_KEYS = frozenset({"name", "tool", "function", "tool_name", "function_name", "action"})
_ARG_KEYS = frozenset(
    {"arguments", "args", "parameters", "params", "input", "kwargs", "tool_input", "action_input"}
)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]{0,40}(?:[_.][a-z0-9]{1,40}){1,6}")
_SEPARATORS = re.compile(r"[\s\-]+")


def _key(key: object) -> str:
    return _SEPARATORS.sub("_", key.strip().lower()) if isinstance(key, str) else ""


def _is_message(keys: dict[str, Any]) -> bool:
    role = keys.get("role")
    if not isinstance(role, str) or not keys.keys() & _CONTENT_KEYS:
        return False
    return _key(role) in ROLES


def _is_tool_call(keys: dict[str, Any]) -> bool:
    if not keys.keys() & _ARG_KEYS:
        return False
    names = [keys[k] for k in keys.keys() & _NAME_KEYS]
    return any(isinstance(n, str) and _IDENTIFIER.fullmatch(n.strip()) for n in names)


def spoof_signal(mapping: Mapping[Any, Any]) -> str | None:
    """The signal a JSON object raises when it forges the conversation, else None.

    Args:
        mapping: one object of a tool result.
    """
    keys = {_key(key): value for key, value in mapping.items()}
    if keys.keys() & SPOOF_KEYS or _is_tool_call(keys):
        return "fake_tool_call"
    if _is_message(keys):
        return "fake_turns"
    return None


def spoofed_objects(payload: Any) -> dict[int, str]:
    """The forged objects of ``payload`` at any depth: ``id(object)`` to its signal."""
    found: dict[int, str] = {}
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            signal = spoof_signal(item)
            if signal is not None:
                found[id(item)] = signal
                continue  # replaced whole: what it holds is not read
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def without_spoofed(payload: Any, found: dict[int, str], marker: str) -> Any:
    """``payload`` with each object of ``found`` (from ``spoofed_objects``) replaced by
    ``marker``; the payload itself when ``found`` is empty.

    Raises:
        RecursionError: when the payload is nested past Python's recursion limit (the caller
            replaces the whole result).
    """
    if not found:
        return payload
    if id(payload) in found:
        return marker
    if isinstance(payload, Mapping):
        return {key: without_spoofed(value, found, marker) for key, value in payload.items()}
    if isinstance(payload, list | tuple):
        return type(payload)(without_spoofed(item, found, marker) for item in payload)
    return payload
