"""The answer's tokens as the server keeps them: coalesced into pieces, never one row a token.

A model streams its answer a few characters at a time (``AnswerToken``). Kept as they come, a
2,000-character answer would be some 500 rows of the PostgreSQL event log (``events``) — each
with its own NOTIFY — and as many entries in the embedded server's in-memory log, for a text
the ``final`` event carries again in full. Both services therefore pass a run's events through
``coalesce_tokens`` before they keep them: consecutive tokens of one attempt are joined into
pieces of about ``PIECE_CHARS`` characters, and any other event (a step, a verdict, the final
answer) sends the piece held so far first, so the order of events is kept. Readers of the
Server-Sent Events stream see the answer grow a piece at a time; they replay exactly what a
reconnecting client would (pieces are stored events like any other), and nothing needs a
second, transient channel beside the log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from plangate.graphs.engine.events import AnswerToken, Event

__all__ = ["PIECE_CHARS", "coalesce_tokens"]

PIECE_CHARS = 160
"""A piece is sent once it holds at least this many characters (about 40 tokens)."""


async def coalesce_tokens(
    events: AsyncIterator[Event], piece_chars: int = PIECE_CHARS
) -> AsyncIterator[Event]:
    """``events`` with consecutive ``AnswerToken``s of one attempt and format joined.

    Args:
        events: a run's events, as the engine streams them.
        piece_chars: send a piece once it holds at least this many characters.
    """
    held: AnswerToken | None = None
    async for event in events:
        if not isinstance(event, AnswerToken):
            if held is not None:
                yield held
                held = None
            yield event
            continue
        if held is not None and (held.attempt, held.format) != (event.attempt, event.format):
            yield held
            held = None
        held = event if held is None else held.model_copy(update={"text": held.text + event.text})
        if len(held.text) >= piece_chars:
            yield held
            held = None
    if held is not None:
        yield held
