"""The idempotency ledger around a LangChain agent's write tools.

A LangChain tool call is retried (``ToolRetryMiddleware``), re-run when a crashed or interrupted
run is resumed from its checkpoint, or run again after an approval; each time the tool's side
effect would happen again. Here every write tool call passes plangate's ledger
(``plangate.tools.ledger.perform_once``): its key is claimed before the tool runs and its reply
recorded after, so a second attempt gets the recorded reply, and an attempt after a lost reply
asks the backend (the tool's *reconciler*) instead of writing again.

**The key** is ``idempotency_key(thread, tool_call_id, tool, args)``:

- the *tool call id* is what the model's ``AIMessage`` gave this call. It is stored in the
  checkpoint with the message, so a retry, a resume after a crash and the re-run after an
  approval all see the same id; a new model turn gets new ids, because it is a new decision.
- the *thread* (``configurable.thread_id``) keeps two conversations apart: providers number
  tool calls per response (``call_0``...), so an id alone is not unique across threads.
- the *tool and its arguments*: a reviewer's ``edit`` makes a different write, with its own key.

The tool reads the key with ``current_idempotency_key()`` and sends it to its backend (an
``Idempotency-Key`` header, a client order id), which is what lets a reconciler find the write.
"""

from __future__ import annotations

import contextvars
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import ToolMessage

from plangate.tools.clock import Clock
from plangate.tools.errors import ToolRefusedError, UsageError
from plangate.tools.ledger import Ledger, idempotency_key, perform_once

Reconciler = Callable[[str, Mapping[str, Any]], Awaitable[str | None]]
"""``(idempotency key, args) -> the reply text of the write recorded under the key, or None``."""

_KEY: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "plangate_write_key", default=None
)


def current_idempotency_key() -> str | None:
    """The key of the write tool call running now (``None`` outside one).

    LangChain runs a tool in the task, or copies the context into the thread, of the middleware
    that calls it, so a tool function sees the key its call was given.
    """
    return _KEY.get()


def write_key(thread_id: str, tool_call_id: str, tool: str, args: Mapping[str, Any]) -> str:
    """The idempotency key of one write tool call (see the module docstring for why)."""
    return idempotency_key(thread_id, tool_call_id, tool, dict(args))


class _ToolAnsweredError(ToolRefusedError):
    """The tool answered with an error message: the call was refused, nothing was written.

    With LangChain's default error handling only invalid arguments become an error message
    (anything else raises), so the ledger records the call as failed and a corrected retry may
    run.
    """

    def __init__(self, reply: ToolMessage) -> None:
        super().__init__(str(reply.content), tool=reply.name or "", reason="error_reply")
        self.reply = reply


@dataclass(frozen=True)
class WriteGate:
    """Runs write tool calls through the ledger.

    Attributes:
        ledger: where outcomes are recorded (``MemoryLedger``, ``SQLiteLedger``,
            ``PostgresLedger``: one shared by every process that runs the agent).
        reconcilers: per tool name, how to ask the backend for a write by its key.
        clock: timestamps of the ledger's entries.
    """

    ledger: Ledger
    reconcilers: Mapping[str, Reconciler]
    clock: Clock | None = None

    async def perform(
        self,
        key: str,
        call: Mapping[str, Any],
        run: Callable[[], Awaitable[Any]],
    ) -> tuple[ToolMessage, bool]:
        """Run ``call`` once under ``key``; returns its reply and whether it was reused.

        Raises:
            OutcomeUnknownError: an earlier attempt's outcome is unknown and the tool has no
                reconciler: the call is not sent again.
            UsageError: the tool answered with something other than a ``ToolMessage``.
        """
        name = str(call["name"])
        call_id = str(call.get("id") or "")
        reconciler = self.reconcilers.get(name)

        async def perform() -> ToolMessage:
            token = _KEY.set(key)
            try:
                reply = await run()
            finally:
                _KEY.reset(token)
            if not isinstance(reply, ToolMessage):
                raise UsageError(
                    f"write tool {name!r} answered with {type(reply).__name__}; the ledger "
                    "records ToolMessage replies only"
                )
            if reply.status == "error":
                raise _ToolAnsweredError(reply)
            return reply

        async def reconcile() -> ToolMessage | None:
            assert reconciler is not None  # only passed when there is one
            text = await reconciler(key, dict(call.get("args") or {}))
            return None if text is None else ToolMessage(text, tool_call_id=call_id, name=name)

        try:
            reply, reused = await perform_once(
                self.ledger, key=key, tool=name, perform=perform,
                reconcile=reconcile if reconciler is not None else None,
                dump=lambda message: {"content": message.content},
                load=lambda data: ToolMessage(data["content"], tool_call_id=call_id, name=name),
                clock=self.clock,
            )  # fmt: skip
        except _ToolAnsweredError as refused:
            return refused.reply, False
        return reply, reused
