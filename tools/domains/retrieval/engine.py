"""``SearchEngine``: a corpus, chunked and indexed, searched with BM25 (and, optionally, dense).

The engine is synchronous and holds no I/O: the sandbox backend builds one lazily and wraps its
calls with fault injection; users may build one directly to search their own folder::

    engine = SearchEngine.from_folder(Path("docs"))
    hits = engine.search("refund policy", k=3)

With an ``Encoder`` the engine is **hybrid**: BM25 and dense rankings of the same candidate pool
are fused by reciprocal rank fusion, and a hit's score is its fused score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

from plangate.tools.domains.retrieval.chunking import ChunkingConfig, chunk_document
from plangate.tools.domains.retrieval.citation import cite
from plangate.tools.domains.retrieval.dense import DenseIndex, Encoder
from plangate.tools.domains.retrieval.fusion import reciprocal_rank_fusion
from plangate.tools.domains.retrieval.index import Bm25Index, source_matches
from plangate.tools.domains.retrieval.loader import load_documents
from plangate.tools.domains.retrieval.models import (
    MAX_K,
    Document,
    DocumentInfo,
    SearchHit,
    document_id,
)
from plangate.tools.domains.retrieval.tokens import query_terms
from plangate.tools.errors import ToolRefusedError

Mode = Literal["bm25", "hybrid"]

FUSION_POOL = MAX_K
"""Candidates each retriever contributes to fusion: enough that the fused top k is stable."""


class SearchEngine:
    """Documents, their chunks, and the indexes over those chunks.

    Args:
        documents: the documents; ids must be unique.
        chunking: how documents are cut into chunks.
        encoder: enables hybrid (BM25 + dense) search when given.
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        chunking: ChunkingConfig | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.documents: dict[str, Document] = {doc.id: doc for doc in documents}
        chunks = [c for doc in self.documents.values() for c in chunk_document(doc, chunking)]
        self.bm25 = Bm25Index.build(chunks)
        self.dense = DenseIndex(chunks, encoder) if encoder is not None else None

    @classmethod
    def from_folder(
        cls,
        folder: Path | Traversable,
        *,
        chunking: ChunkingConfig | None = None,
        encoder: Encoder | None = None,
    ) -> SearchEngine:
        """An engine over every ``.md``/``.txt`` file under ``folder``."""
        return cls(load_documents(folder), chunking=chunking, encoder=encoder)

    @classmethod
    def from_index(cls, documents: Iterable[Document], bm25: Bm25Index) -> SearchEngine:
        """A BM25 engine over documents chunked and indexed already (a stored library's)."""
        engine = cls.__new__(cls)  # not __init__: it would chunk and index all over again
        engine.documents = {doc.id: doc for doc in documents}
        engine.bm25 = bm25
        engine.dense = None
        return engine

    @property
    def mode(self) -> Mode:
        """``"hybrid"`` with an encoder, else ``"bm25"``."""
        return "hybrid" if self.dense is not None else "bm25"

    def infos(self) -> list[DocumentInfo]:
        """Every document without its text, ordered by id."""
        return [
            DocumentInfo(id=doc.id, source=doc.source, title=doc.title, chars=len(doc.text))
            for doc in sorted(self.documents.values(), key=lambda doc: doc.id)
        ]

    def check_sources(self, sources: Sequence[str]) -> None:
        """Refuse a source filter entry that selects no document.

        Raises:
            ToolRefusedError: reason ``"invalid"``, listing what can be filtered on.
        """
        known = [doc.source for doc in self.documents.values()]
        unknown = [s for s in sources if not any(source_matches(k, s) for k in known)]
        if unknown:
            folders = sorted({k.split("/", 1)[0] + "/" for k in known if "/" in k})
            files = sorted(k for k in known if "/" not in k)
            raise ToolRefusedError(
                f"source filter {', '.join(map(repr, unknown))} matches no document",
                reason="invalid",
                hint=f"Filter on a folder ({', '.join(folders) or 'none'}), a file "
                f"({', '.join(files[:10]) or 'none'}) or a document id; or drop the filter.",
            )

    def search(self, query: str, k: int, sources: Sequence[str] | None = None) -> list[SearchHit]:
        """The best ``k`` hits for ``query`` among chunks of ``sources`` (all when ``None``).

        The query is not validated here (see ``models.check_query``).
        """
        if self.dense is None:
            return self.bm25.search(query, k, sources)
        terms = query_terms(query)
        allowed = self.bm25.allowed(sources)
        lexical = [pos for pos, _ in self.bm25.rank(terms, FUSION_POOL, allowed)]
        semantic = [pos for pos, _ in self.dense.rank(query, FUSION_POOL, allowed)]
        chunks = self.bm25.chunks
        return [
            SearchHit(chunk=chunks[pos], score=round(score, 6), citation=cite(chunks[pos], terms))
            for pos, score in reciprocal_rank_fusion([lexical, semantic], limit=k)
        ]

    def get(self, doc_id: str) -> Document | None:
        """The document with id ``doc_id`` (its source path is accepted too), if any."""
        return self.documents.get(doc_id) or self.documents.get(document_id(doc_id))

    def audit(self) -> list[str]:
        """Broken invariants, in words (empty when all hold).

        Checks that chunk ids are unique, that every chunk slices its document exactly, and
        that each index covers every chunk.
        """
        problems: list[str] = []
        by_source = {doc.source: doc for doc in self.documents.values()}
        seen: set[str] = set()
        for chunk in self.bm25.chunks:
            if chunk.id in seen:
                problems.append(f"chunk id {chunk.id} is not unique")
            seen.add(chunk.id)
            doc = by_source.get(chunk.source)
            if doc is None:
                problems.append(f"chunk {chunk.id} cites unknown source {chunk.source!r}")
            elif doc.text[chunk.start : chunk.end] != chunk.text:
                problems.append(f"chunk {chunk.id} does not slice {chunk.source!r} exactly")
        if self.dense is not None and len(self.dense.chunks) != len(self.bm25.chunks):
            problems.append("the dense index does not cover the same chunks as BM25")
        return problems
