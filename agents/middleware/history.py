"""What the middleware reads back from an agent's messages: provenance and usage.

The middleware keeps no state of its own. Everything it decides on is derived from the thread's
messages, which LangGraph checkpoints: a resumed or retried run sees exactly what the first
attempt saw, so a count cannot be lost or doubled and a taint cannot be forgotten.

- **Provenance** (control level). A tool call is *trusted control* when the model chose it having
  read no untrusted tool result since the conversation began; after one (any result of a tool
  not listed as trusted), the model's later choices may be steered by that text, so its writes
  need a person. A result the injection check flagged *taints* every later call
  (``GuardSubject.tainted``, which ``TaintedWriteApproval`` holds for a person).
- **Usage** of the current run, the turns since the latest human message: model calls made and
  tool calls executed, for the budgets.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

MARK = "plangate"
"""The key of ``ToolMessage.response_metadata`` where the middleware notes what it decided."""


def mark(message: ToolMessage, **facts: Any) -> ToolMessage:
    """``message`` with ``facts`` noted under ``response_metadata["plangate"]``."""
    noted = {**message.response_metadata.get(MARK, {}), **facts}
    return message.model_copy(update={"response_metadata": {**message.response_metadata,
                                                            MARK: noted}})  # fmt: skip


def marks(message: BaseMessage) -> dict[str, Any]:
    """What the middleware noted on ``message`` (empty for messages it did not see)."""
    noted = message.response_metadata.get(MARK) if isinstance(message, ToolMessage) else None
    return dict(noted) if isinstance(noted, dict) else {}


@dataclass(frozen=True)
class CallOrigin:
    """Where a tool call's turn stands in its thread.

    Attributes:
        untrusted_from: the tools whose untrusted results the model had read, in order.
        tainted_by: the tools whose results were flagged as possible prompt injection.
    """

    untrusted_from: tuple[str, ...] = ()
    tainted_by: tuple[str, ...] = ()

    @property
    def is_trusted_control(self) -> bool:
        """True when the model had read no untrusted result when it made the call."""
        return not self.untrusted_from


def origin_of(
    messages: Sequence[BaseMessage], tool_call_id: str, trusted_tools: Collection[str]
) -> CallOrigin:
    """The provenance of the call ``tool_call_id``: what the model had read when it made it.

    A call whose message is not found (it came from elsewhere) is judged against every result
    in ``messages``: the safe reading.
    """
    end = len(messages)
    for index, message in enumerate(messages):
        if isinstance(message, AIMessage) and any(
            call.get("id") == tool_call_id for call in message.tool_calls
        ):
            end = index
            break
    untrusted: list[str] = []
    tainted: list[str] = []
    for message in messages[:end]:
        if not isinstance(message, ToolMessage):
            continue
        name = message.name or "tool"
        if name not in trusted_tools:
            untrusted.append(name)
        if marks(message).get("tainted") is True:
            tainted.append(name)
    return CallOrigin(tuple(untrusted), tuple(tainted))


def current_run(messages: Sequence[BaseMessage]) -> Sequence[BaseMessage]:
    """The messages of the current run: those after the latest human message."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index + 1 :]
    return messages


def model_calls(messages: Sequence[BaseMessage]) -> int:
    """Model calls the current run has made (its model answers)."""
    return sum(isinstance(message, AIMessage) for message in current_run(messages))


def tool_calls_before(messages: Sequence[BaseMessage], tool_call_id: str) -> int:
    """Tool calls the current run made before ``tool_call_id``: every call of earlier turns
    that ran, and the calls listed before it in its own turn (they run alongside it)."""
    run = current_run(messages)
    answered = {m.tool_call_id for m in run if isinstance(m, ToolMessage) and marks(m).get("ran")}
    count = 0
    for message in run:
        if not isinstance(message, AIMessage):
            continue
        ids = [str(call.get("id")) for call in message.tool_calls]
        if tool_call_id in ids:
            return count + ids.index(tool_call_id)
        count += sum(call_id in answered for call_id in ids)
    return count
