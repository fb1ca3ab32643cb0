"""Citations: where a hit comes from, with a snippet centred on the query's terms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from plangate.tools.domains.retrieval.models import Chunk, Citation
from plangate.tools.domains.retrieval.tokens import scan

SNIPPET_CHARS = 240
_ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """An excerpt of ``text`` of at most ``width`` characters, whitespace collapsed.

    The window starts a little before the first word matching one of ``terms`` (or at the
    start, when none matches), widens to whole words, and is marked with ``…`` where it cuts.
    """
    wanted = set(terms)
    first = next((token.start for token in scan(text) if token.term in wanted), 0)
    begin = max(0, first - width // 4)
    # Back up (a little) to a word start so the snippet does not open mid-word.
    floor = max(0, begin - 20)
    while begin > floor and not text[begin - 1].isspace():
        begin -= 1
    end = begin + width
    piece = text[begin:end]
    if end < len(text):
        # Likewise, end after a whole word when one ends in the second half of the window.
        space = max(piece.rfind(" "), piece.rfind("\n"))
        piece = piece[:space] if space > width // 2 else piece
    collapsed = _SPACES.sub(" ", piece).strip()
    prefix = _ELLIPSIS if begin > 0 else ""
    suffix = _ELLIPSIS if begin + len(piece) < len(text.rstrip()) else ""
    # Keep within width including the marks: the snippet is a bounded field.
    budget = width - len(prefix) - len(suffix)
    return f"{prefix}{collapsed[:budget]}{suffix}"


def cite(chunk: Chunk, terms: Sequence[str]) -> Citation:
    """The citation of ``chunk`` for a query with ``terms`` (see ``tokens.query_terms``)."""
    return Citation(
        source=chunk.source,
        chunk_id=chunk.id,
        start=chunk.start,
        end=chunk.end,
        snippet=snippet(chunk.text, terms),
        page=chunk.page,
    )
