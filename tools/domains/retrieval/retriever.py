"""``LangChainRetrievalBackend``: any LangChain ``BaseRetriever`` as a ``RetrievalBackend``.

This is an interop adapter (the only retrieval module importing langchain-core). It turns the
``langchain_core.documents.Document``s a retriever returns into ``SearchHit``s, reading
citations from their metadata, in the keys LangChain's loaders and splitters write:

| hit field       | metadata key (first present wins)        | when absent                         |
|-----------------|------------------------------------------|-------------------------------------|
| chunk.source    | ``source``, ``file_path``                | the backend's ``name``              |
| chunk.title     | ``title``, ``heading``                   | the source                          |
| chunk.start     | ``start_index``, ``start``               | 0                                   |
| chunk.id        | the Document's ``id``, ``chunk_id``      | ``chunk_id(source, start, end, text)`` |
| score           | ``score``, ``relevance_score``           | ``1 / rank``                        |

A retriever has no "get by id", so whole documents come from the optional ``documents`` given
at construction; ``get_document`` refuses (``not_found``) any other id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from langchain_core.documents import Document as LcDocument
from langchain_core.retrievers import BaseRetriever

from plangate.tools.domains.retrieval.citation import cite
from plangate.tools.domains.retrieval.index import source_matches
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    Chunk,
    Document,
    DocumentInfo,
    SearchHit,
    check_query,
    chunk_id,
)
from plangate.tools.domains.retrieval.tokens import query_terms
from plangate.tools.errors import BackendError, ToolError, ToolRefusedError


def _first(metadata: Mapping[str, Any], *keys: str) -> Any:
    return next((metadata[key] for key in keys if metadata.get(key) is not None), None)


def to_hit(document: LcDocument, rank: int, terms: Sequence[str], default_source: str) -> SearchHit:
    """A LangChain document, ranked ``rank`` (1-based), as a hit with its citation."""
    meta = document.metadata or {}
    source = str(_first(meta, "source", "file_path") or default_source)
    start_value = _first(meta, "start_index", "start")
    start = start_value if isinstance(start_value, int) and start_value >= 0 else 0
    text = document.page_content
    end = start + len(text)
    identifier = document.id or _first(meta, "chunk_id")
    chunk = Chunk(
        id=str(identifier) if identifier else chunk_id(source, start, end, text),
        source=source,
        title=str(_first(meta, "title", "heading") or source),
        start=start,
        end=end,
        text=text,
    )
    raw_score = _first(meta, "score", "relevance_score")
    is_number = isinstance(raw_score, int | float) and not isinstance(raw_score, bool)
    score = float(raw_score) if is_number else 1.0 / rank
    return SearchHit(chunk=chunk, score=score, citation=cite(chunk, terms))


class LangChainRetrievalBackend:
    """A ``RetrievalBackend`` searching with a LangChain retriever.

    Args:
        retriever: any ``BaseRetriever`` (vector store, BM25, a hosted search...).
        documents: whole documents that ``get_document`` and ``list_documents`` serve.
        name: the source given to hits whose metadata names none; also the error's service.
    """

    def __init__(
        self,
        retriever: BaseRetriever,
        *,
        documents: Iterable[Document] = (),
        name: str = "langchain",
    ) -> None:
        self.retriever = retriever
        self.name = name
        self._documents = {doc.id: doc for doc in documents}

    async def search(
        self, query: str, k: int = DEFAULT_K, sources: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """See ``RetrievalBackend.search``; the source filter applies to what the retriever returns."""
        cleaned = check_query(query, k)
        try:
            found = await self.retriever.ainvoke(cleaned)
        except ToolError:
            raise
        except Exception as exc:
            # A retriever may fail in any way its vendor chose; the engine sees one error type.
            raise BackendError(
                f"{self.name}: the retriever {type(self.retriever).__name__} failed: "
                f"{type(exc).__name__}: {exc}",
                service=self.name,
                retryable=False,
            ) from exc
        terms = query_terms(cleaned)
        hits = [to_hit(doc, rank, terms, self.name) for rank, doc in enumerate(found, start=1)]
        if sources:
            hits = [h for h in hits if any(source_matches(h.chunk.source, s) for s in sources)]
        return hits[:k]

    async def get_document(self, doc_id: str) -> Document:
        """See ``RetrievalBackend.get_document``."""
        document = self._documents.get(doc_id)
        if document is None:
            raise ToolRefusedError(
                f"no document has the id {doc_id!r}",
                reason="not_found",
                hint="This library serves search hits; quote a hit's text instead of the "
                "whole document."
                if not self._documents
                else f"Known ids: {', '.join(sorted(self._documents)[:20])}.",
            )
        return document

    async def list_documents(self) -> list[DocumentInfo]:
        """See ``RetrievalBackend.list_documents``."""
        return [
            DocumentInfo(id=doc.id, source=doc.source, title=doc.title, chars=len(doc.text))
            for doc in sorted(self._documents.values(), key=lambda doc: doc.id)
        ]
