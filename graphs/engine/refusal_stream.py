"""Streamed OpenAI refusals, kept: ``langchain-openai`` drops ``delta.refusal`` from streams.

A non-streamed OpenAI refusal reaches plangate as ``additional_kwargs["refusal"]``; a streamed
one arrives as ``delta.refusal`` pieces, which ``ChatOpenAI`` throws away, leaving an empty
answer that would be retried as if the provider had sent nothing. ``keep_streamed_refusals``
wraps a ``ChatOpenAI``'s async Chat Completions client so that, in a stream, each refusal piece
is also passed on as text and the final chunk's ``finish_reason`` reads ``"refusal"``; the
engine then ends the run with the model's words (``ModelRefusedError``) instead of paying for
the same refusal again. Everything else passes through untouched; non-streamed calls too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

REFUSAL = "refusal"
"""The ``finish_reason`` a streamed refusal ends with once it has been kept."""


class _RefusalAwareCompletions:
    """The ``chat.completions`` resource, with streams that keep refusals."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def create(self, **payload: Any) -> Any:
        response = await self._inner.create(**payload)
        return _RefusalStream(response) if payload.get("stream") else response


class _RefusalStream:
    """An async stream of chunks (as dicts) in which refusal pieces are kept as text."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> _RefusalStream:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._inner.__aexit__(*exc)

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[dict[str, Any]]:
        refused = False
        async for chunk in self._inner:
            data: dict[str, Any] = chunk if isinstance(chunk, dict) else chunk.model_dump()
            for choice in data.get("choices") or []:
                delta = choice.get("delta") or {}
                piece = delta.get(REFUSAL)
                if isinstance(piece, str) and piece:
                    refused = True
                    delta["content"] = (delta.get("content") or "") + piece
                if refused and choice.get("finish_reason"):
                    choice["finish_reason"] = REFUSAL
            yield data


def keep_streamed_refusals(model: Any) -> None:
    """Wrap ``model``'s async Chat Completions client in place (a ``ChatOpenAI`` and kin;
    any other model is left as it is)."""
    client = getattr(model, "async_client", None)
    if client is None or isinstance(client, _RefusalAwareCompletions):
        return
    if not type(model).__module__.startswith("langchain_openai"):
        return
    if not callable(getattr(client, "create", None)):
        return
    model.async_client = _RefusalAwareCompletions(client)
