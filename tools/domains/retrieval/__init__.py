"""The retrieval domain: search a folder of documents, with citations; read a document whole.

``RetrievalBackend`` is the seam. ``SandboxRetrievalBackend`` indexes a folder in process (by
default the bundled corpus: travel policy, venue guides, research notes) with BM25, optionally
fused with dense embeddings; ``HttpRetrievalBackend`` speaks the REST API documented in
``plangate.tools.domains.retrieval.http``; ``LangChainRetrievalBackend`` (in
``plangate.tools.domains.retrieval.retriever``) wraps any LangChain retriever. The tools are in
``plangate.tools.domains.retrieval.tools`` (``TOOLS``); the REST routes in
``plangate.tools.domains.retrieval.routes``.

Modules: ``models`` (documents, chunks, hits), ``loader`` (files → documents), ``chunking``
(documents → chunks), ``tokens`` (tokenization), ``index`` (BM25), ``dense`` (embeddings),
``fusion`` (reciprocal rank fusion), ``citation`` (snippets), ``engine`` (all of it together).
"""

from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.chunking import ChunkingConfig, chunk_document, chunk_text
from plangate.tools.domains.retrieval.dense import (
    DenseUnavailableWarning,
    Encoder,
    is_dense_available,
)
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.fusion import reciprocal_rank_fusion
from plangate.tools.domains.retrieval.http import HttpRetrievalBackend
from plangate.tools.domains.retrieval.index import Bm25Index
from plangate.tools.domains.retrieval.loader import bundled_corpus, load_documents
from plangate.tools.domains.retrieval.models import (
    MAX_K,
    MAX_QUERY_LENGTH,
    Chunk,
    Citation,
    Document,
    DocumentInfo,
    SearchHit,
)
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend

__all__ = [
    "MAX_K",
    "MAX_QUERY_LENGTH",
    "Bm25Index",
    "Chunk",
    "ChunkingConfig",
    "Citation",
    "DenseUnavailableWarning",
    "Document",
    "DocumentInfo",
    "Encoder",
    "HttpRetrievalBackend",
    "RetrievalBackend",
    "SandboxRetrievalBackend",
    "SearchEngine",
    "SearchHit",
    "bundled_corpus",
    "chunk_document",
    "chunk_text",
    "is_dense_available",
    "load_documents",
    "reciprocal_rank_fusion",
]
