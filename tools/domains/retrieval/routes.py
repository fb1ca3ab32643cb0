"""The retrieval REST API (documented in ``plangate.tools.domains.retrieval.http``) over any
backend.

``router(backend)`` serves exactly the endpoints ``HttpRetrievalBackend`` calls. Parameters
arrive loosely typed and the backend validates them, so a bad query is refused in the same
words, with the same reason, over HTTP as in process. ``plangate.tools.domains.server.create_app``
turns the backend's ``ToolRefusedError`` into the shared error body.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.http import MAX_PAGE_SIZE
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    Document,
    DocumentInfo,
    DocumentPage,
    SearchResponse,
)
from plangate.tools.errors import ToolRefusedError

PREFIX = "/retrieval"
DEFAULT_PAGE_SIZE = 50


def paginate(documents: Sequence[DocumentInfo], limit: int, cursor: str | None) -> DocumentPage:
    """One page of ``documents`` (ordered by id) after ``cursor``.

    The cursor is the id of the last document of the previous page, so a page boundary stays
    put when documents are added or removed elsewhere in the listing.

    Raises:
        ToolRefusedError: ``invalid`` for a ``limit`` outside 1..100.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ToolRefusedError(
            f"limit={limit} is out of range",
            reason="invalid",
            hint=f"Ask for between 1 and {MAX_PAGE_SIZE} documents per page.",
        )
    remaining = [doc for doc in documents if cursor is None or doc.id > cursor]
    page = remaining[:limit]
    more = len(remaining) > limit
    return DocumentPage(documents=page, next_cursor=page[-1].id if more and page else None)


def router(backend: RetrievalBackend) -> APIRouter:
    """The REST API over ``backend``, to mount at ``PREFIX``."""
    api = APIRouter(tags=["retrieval"])

    @api.get("/v1/search", response_model=SearchResponse)
    async def search(
        q: str = "",
        k: int = DEFAULT_K,
        source: Annotated[list[str] | None, Query()] = None,
    ) -> SearchResponse:
        return SearchResponse(hits=await backend.search(q, k, source or None))

    @api.get("/v1/documents", response_model=DocumentPage)
    async def list_documents(
        limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
    ) -> DocumentPage:
        return paginate(await backend.list_documents(), limit, cursor)

    @api.get("/v1/documents/{doc_id:path}", response_model=Document)
    async def get_document(doc_id: str) -> Document:
        return await backend.get_document(doc_id)

    return api
