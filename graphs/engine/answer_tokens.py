"""The answer's tokens, streamed as ``AnswerToken`` events while the responding model writes.

``respond_node`` makes its model calls inside ``answer_tokens()``. The block attaches one
LangChain callback handler to the calls made in it (a configure hook, as ``metering`` does),
and that handler is a *streaming* handler: LangChain then calls a chat model that can stream
through its streaming API even though the responder only ``ainvoke``s it, and hands the handler
each chunk. Its words go out as ``format="text"`` tokens and the fragments of the structured
answer's JSON arguments (the first tool call: the responder asks for exactly one) as
``format="json"`` tokens, through LangGraph's custom stream writer like every other event.

Why not ``stream_mode="messages"``: it would put every model call of the run (plans, ``react``
turns) on the streaming API and into the stream, and tokens would arrive as LangChain message
chunks beside the typed events; here only the answer streams, as typed events, in order with
the rest. Tokens live in the stream only: never in state, so never in a checkpoint, and the
trace writer leaves them out (the model's response is recorded whole, as before).

**Output guardrails see the tokens first.** Tokens stream before the whole answer reaches the
output guardrails, and a token a guardrail would have redacted must not leak on the way. When
any guardrail watches the output stage, text is held back until a piece ends (a sentence, a
line, or a JSON string value), and each piece passes the output guardrails before it is sent:
a ``modify`` (PII redaction) sends the redacted piece, a ``block`` sends nothing more of that
attempt. The whole answer still goes through them afterwards, and only that verdict decides
the ``FinalAnswer``. With no output guardrail, tokens go out as they arrive.

A model that cannot stream (no ``_astream``), or an offline responder (a function, not a
model), sends no token: the ``FinalAnswer`` is then the whole answer at once.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, TypeVar
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, GenerationChunk, LLMResult
from langchain_core.tracers.context import register_configure_hook

from plangate.graphs.engine.events import AnswerToken
from plangate.graphs.guards.guardrails import Guardrail, GuardSubject, Stage, run_guardrails

__all__ = ["answer_tokens"]

T = TypeVar("T")
Format = Literal["text", "json"]

PIECE_END = re.compile(r'[.!?]\s|\n|"\s*[,}\]]')
"""Where a held-back piece may end: after a sentence, a line, or a JSON string value. Text
that a guardrail redacts (an e-mail address, a card or phone number, an IBAN) never spans one."""


class _TokenTap(AsyncCallbackHandler):
    """Turns the chunks of the model calls it sees into ``AnswerToken`` events.

    It implements ``tap_output_aiter`` / ``tap_output_iter``, which makes it one of LangChain's
    streaming handlers: a model that can stream is called through its streaming API.
    """

    run_inline = True  # in order, on the event loop: tokens must not overtake each other

    def __init__(
        self,
        guardrails: Sequence[Guardrail],
        metadata: Mapping[str, Any],
        emit: Callable[[AnswerToken], None],
    ) -> None:
        super().__init__()
        self.guardrails = [g for g in guardrails if Stage.OUTPUT in g.stages]
        self.metadata = dict(metadata)
        self.emit = emit
        self.attempt = 0
        self._answer_call: int | None = None
        self._held: dict[Format, str] = {"text": "", "json": ""}
        self._stopped = False

    def tap_output_aiter(self, run_id: UUID, output: AsyncIterator[T]) -> AsyncIterator[T]:
        """The output unchanged: tokens arrive through ``on_llm_new_token``."""
        return output

    def tap_output_iter(self, run_id: UUID, output: Iterator[T]) -> Iterator[T]:
        """The output unchanged: tokens arrive through ``on_llm_new_token``."""
        return output

    async def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        """A new attempt at the answer: what was held of the last one is dropped."""
        self.attempt += 1
        self._answer_call = None
        self._held = {"text": "", "json": ""}
        self._stopped = False

    async def on_llm_new_token(
        self,
        token: str | list[str | dict[str, Any]],
        *,
        chunk: GenerationChunk | ChatGenerationChunk | None = None,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Send the chunk's words and its answer's argument fragment."""
        message = chunk.message if isinstance(chunk, ChatGenerationChunk) else None
        if not isinstance(message, AIMessageChunk):
            if isinstance(token, str) and token:
                await self._take("text", token)
            return
        if message.text:
            await self._take("text", message.text)
        for call in message.tool_call_chunks:
            index = call.get("index")
            if self._answer_call is None:
                self._answer_call = index if index is not None else 0
            if (index is None or index == self._answer_call) and call.get("args"):
                await self._take("json", str(call["args"]))

    async def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        """The attempt is complete: send what was held back."""
        for form in ("text", "json"):
            await self._send(form, self._held[form])
        self._held = {"text": "", "json": ""}

    async def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        """The attempt failed: what was held back of it is never sent."""
        self._held = {"text": "", "json": ""}

    async def _take(self, form: Format, text: str) -> None:
        if not self.guardrails:
            await self._send(form, text)
            return
        if form == "json" and self._held["text"]:
            await self._send("text", self._held["text"])  # the words came before the call
            self._held["text"] = ""
        held = self._held[form] + text
        end = 0
        for match in PIECE_END.finditer(held):
            end = match.end()
        self._held[form] = held[end:]
        await self._send(form, held[:end])

    async def _send(self, form: Format, text: str) -> None:
        if not text or self._stopped:
            return
        if self.guardrails:
            # A guardrail that asks a model of its own must not have that model's tokens sent.
            quiet = _CURRENT.set(None)
            try:
                outcome = await run_guardrails(
                    self.guardrails,
                    GuardSubject(stage=Stage.OUTPUT, text=text, metadata=self.metadata),
                )
            finally:
                _CURRENT.reset(quiet)
            if outcome.blocked_by is not None:
                self._stopped = True  # nothing more of this attempt: the answer decides
                return
            text = outcome.subject.text if outcome.subject.text is not None else text
        self.emit(AnswerToken(text=text, attempt=max(self.attempt, 1), format=form))


# One context variable, registered once (see ``metering``: a hook per use would pile up).
_CURRENT: ContextVar[_TokenTap | None] = ContextVar("plangate_answer_tokens", default=None)
register_configure_hook(_CURRENT, inheritable=True)


@contextmanager
def answer_tokens(
    guardrails: Sequence[Guardrail],
    metadata: Mapping[str, Any],
    emit: Callable[[AnswerToken], None],
) -> Iterator[None]:
    """Stream the tokens of the model calls made in the block as ``AnswerToken`` events.

    Args:
        guardrails: the run's guardrails; those watching the output stage check each piece
            before it is sent (see the module docstring).
        metadata: what those guardrails see besides the text (``Runtime.metadata``).
        emit: where the events go (the engine's stream writer).
    """
    token = _CURRENT.set(_TokenTap(guardrails, metadata, emit))
    try:
        yield
    finally:
        _CURRENT.reset(token)
