"""``HttpRetrievalBackend``: the retrieval Protocol over plangate's own REST API.

No public API fits "search a document folder with citations", so the API is ours, small and
read-only. It is served over any backend by ``plangate.tools.domains.retrieval.routes`` (mounted at
``/retrieval`` by ``plangate sandbox serve``); paths below are relative to that mount.

``GET /v1/search?q=<query>&k=<1..50>&source=<filter>[&source=<filter>...]``
    Search. ``k`` defaults to 5; each ``source`` is a file (``travel-policy.md``), a document id
    (``research/nvda``) or a folder (``venues/``), and the filters are OR-ed.
    ``200 {"hits": [SearchHit, ...]}``, best first, each hit
    ``{"chunk": {"id", "source", "title", "start", "end", "text"}, "score",
    "citation": {"source", "chunk_id", "start", "end", "snippet"}}``.
    ``422`` (reason ``invalid``): empty or over-long query, ``k`` out of range, unknown source.

``GET /v1/documents?limit=<1..100>&cursor=<opaque>``
    List documents, ordered by id, without their text. ``limit`` defaults to 50.
    ``200 {"documents": [{"id", "source", "title", "chars"}, ...], "next_cursor": str | null}``;
    pass ``next_cursor`` back as ``cursor`` for the next page; ``null`` ends the listing.
    ``422`` (reason ``invalid``): ``limit`` out of range.

``GET /v1/documents/{id}``
    One document, ``{"id", "source", "title", "text"}``. The id is sent percent-encoded as one
    segment (``venues%2Flisbon``); the server also accepts a raw ``/`` (``venues/lisbon``).
    ``404`` (reason ``not_found``): no such id.

Errors use the shared body ``{"error": {"reason", "message", "hint"}}``. Every call is a GET, so
``plangate.tools.http.HttpBackend`` retries connect errors, 429 (honouring ``Retry-After``),
502/503/504 and timeouts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import Clock
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    Document,
    DocumentInfo,
    DocumentPage,
    SearchHit,
    SearchResponse,
)
from plangate.tools.errors import MalformedResponseError
from plangate.tools.http import HttpBackend

SERVICE = "retrieval"
MAX_PAGE_SIZE = 100
_MAX_PAGES = 10_000  # a server that never ends its listing is broken, not big


class HttpRetrievalBackend(HttpBackend):
    """The retrieval service over REST.

    Args:
        base_url: the API's root, e.g. ``http://127.0.0.1:8765/retrieval``.
        token: a bearer token, if the server wants one.
        timeout: seconds for connect, read and write.
        retry: retry policy for transient failures.
        clock: what backoff sleeps on.
        transport: an httpx transport (tests).
        page_size: documents asked for per page when listing (1..100).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        page_size: int = 50,
    ) -> None:
        super().__init__(
            base_url,
            service=SERVICE,
            token=token,
            timeout=timeout,
            retry=retry,
            clock=clock,
            transport=transport,
        )
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))

    async def search(
        self, query: str, k: int = DEFAULT_K, sources: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """See ``RetrievalBackend.search``."""
        params: dict[str, Any] = {"q": query, "k": k}
        if sources:
            params["source"] = list(sources)
        body = await self.get_json("/v1/search", SearchResponse, params=params)
        return body.hits

    async def get_document(self, doc_id: str) -> Document:
        """See ``RetrievalBackend.get_document``."""
        # One path segment, fully escaped (dots too): "venues/lisbon" stays an id, and "../x"
        # cannot be resolved away by URL normalization before it reaches the server.
        segment = quote(doc_id, safe="").replace(".", "%2E")
        return await self.get_json(f"/v1/documents/{segment}", Document)

    async def list_documents(self) -> list[DocumentInfo]:
        """See ``RetrievalBackend.list_documents``; follows the cursor through every page.

        Raises:
            MalformedResponseError: the server repeats a cursor (the listing would never end).
        """
        documents: list[DocumentInfo] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            params: dict[str, Any] = {"limit": self.page_size}
            if cursor is not None:
                params["cursor"] = cursor
            page = await self.get_json("/v1/documents", DocumentPage, params=params)
            documents.extend(page.documents)
            cursor = page.next_cursor
            if cursor is None:
                return documents
            if cursor in seen:
                raise MalformedResponseError(
                    f"{SERVICE}: GET /v1/documents returned cursor {cursor!r} twice; "
                    "the server's pagination loops",
                    service=SERVICE,
                    body=page.model_dump_json(),
                )
            seen.add(cursor)
        raise MalformedResponseError(
            f"{SERVICE}: GET /v1/documents did not end after {_MAX_PAGES} pages",
            service=SERVICE,
        )
