"""The retrieval tools the model calls: search the documents, read one whole.

Each takes its args model and a ``ToolContext`` whose ``deps`` is a ``RetrievalBackend``. Both
only read, so they carry no idempotency key and are retried on transient failures. Refusals
(an empty query, an unknown document) arrive from the backend as ``ToolRefusedError``, reason and
hint intact, which the engine shows the model.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plangate.tools.base import RetryPolicy, Tool, ToolContext, tool
from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    MAX_K,
    MAX_QUERY_LENGTH,
    Document,
    SearchHit,
)

READ_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.2, max_delay=4.0)


class SearchDocumentsArgs(BaseModel):
    """Arguments of ``search_documents``."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="Keywords or a question, e.g. 'business class long-haul' or 'NVDA risks'.",
    )
    k: int = Field(default=DEFAULT_K, ge=1, le=MAX_K, description=f"Hits to return, 1 to {MAX_K}.")
    sources: list[str] | None = Field(
        default=None,
        description="Search only these: a file ('travel-policy.md'), a document id "
        "('research/nvda') or a folder ('venues/', 'research/'). Omit to search everything.",
    )


class GetDocumentArgs(BaseModel):
    """Arguments of ``get_document``."""

    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(
        min_length=1,
        description="The document's id, e.g. 'travel-policy' or 'venues/lisbon' "
        "(a hit's citation source works too).",
    )


@tool(effect="read", timeout=30.0, retry=READ_RETRY)
async def search_documents(
    args: SearchDocumentsArgs, ctx: ToolContext[RetrievalBackend]
) -> list[SearchHit]:
    """Search the document library by keywords; every hit quotes its passage and cites its source."""
    return await ctx.deps.search(args.query, args.k, args.sources)


@tool(effect="read", timeout=30.0, retry=READ_RETRY)
async def get_document(args: GetDocumentArgs, ctx: ToolContext[RetrievalBackend]) -> Document:
    """Read one whole document from the library by its id."""
    return await ctx.deps.get_document(args.doc_id)


TOOLS: tuple[Tool[Any], ...] = (search_documents, get_document)
