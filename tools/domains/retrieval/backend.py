"""``RetrievalBackend``: what the retrieval tools need of a document search service.

Three implementations share this Protocol: ``SandboxRetrievalBackend`` (the bundled corpus, or
any folder, indexed in process), ``HttpRetrievalBackend`` (the REST API of
``plangate.tools.domains.retrieval.http``), and ``LangChainRetrievalBackend`` (any LangChain
``BaseRetriever``). Retrieval only reads, so there are no idempotency keys and no lookups by key.

Refusals are ``ToolRefusedError``s with a ``reason`` every implementation shares:

| reason        | when                                                                    |
|---------------|-------------------------------------------------------------------------|
| ``invalid``   | an empty or over-long query, ``k`` outside 1..50, a source filter that matches no document |
| ``not_found`` | no document has the id asked for                                        |
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from plangate.tools.domains.retrieval.models import Document, DocumentInfo, SearchHit


@runtime_checkable
class RetrievalBackend(Protocol):
    """A document search service: the sandbox, a REST API, or a LangChain retriever."""

    async def search(
        self, query: str, k: int = 5, sources: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """The ``k`` chunks most relevant to ``query``, best first, each with its citation.

        Args:
            query: keywords or a question (1 to 500 characters).
            k: how many hits at most (1 to 50); fewer when fewer chunks match.
            sources: keep only chunks of these files (``travel-policy.md``), document ids
                (``research/nvda``) or folders (``venues/``); ``None`` searches everything.

        Raises:
            ToolRefusedError: ``invalid``.
        """
        ...

    async def get_document(self, doc_id: str) -> Document:
        """The whole document with id ``doc_id`` (as in ``Chunk.source`` without its suffix).

        Raises:
            ToolRefusedError: ``not_found``.
        """
        ...

    async def list_documents(self) -> list[DocumentInfo]:
        """Every document, without its text, ordered by id."""
        ...
