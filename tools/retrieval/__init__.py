"""The retrieval domain: search a folder of documents, with citations; read a document whole.

``RetrievalBackend`` is the seam. ``SandboxRetrievalBackend`` indexes a folder in process (by
default the bundled corpus: travel policy, venue guides, research notes) with BM25, optionally
fused with dense embeddings; ``HttpRetrievalBackend`` speaks the REST API documented in
``tools.retrieval.http``; ``LangChainRetrievalBackend`` (in ``tools.retrieval.retriever``) wraps
any LangChain retriever. The tools are in ``tools.retrieval.tools`` (``TOOLS``); the REST routes
in ``tools.retrieval.routes``.

Modules: ``models`` (documents, chunks, hits), ``loader`` (files → documents), ``chunking``
(documents → chunks), ``tokens`` (tokenization), ``index`` (BM25), ``dense`` (embeddings),
``fusion`` (reciprocal rank fusion), ``citation`` (snippets), ``engine`` (all of it together).
"""

from tools.retrieval.backend import RetrievalBackend
from tools.retrieval.chunking import ChunkingConfig, chunk_document, chunk_text
from tools.retrieval.dense import DenseUnavailableWarning, Encoder, is_dense_available
from tools.retrieval.engine import SearchEngine
from tools.retrieval.fusion import reciprocal_rank_fusion
from tools.retrieval.http import HttpRetrievalBackend
from tools.retrieval.index import Bm25Index
from tools.retrieval.loader import bundled_corpus, load_documents
from tools.retrieval.models import (
    MAX_K,
    MAX_QUERY_LENGTH,
    Chunk,
    Citation,
    Document,
    DocumentInfo,
    SearchHit,
)
from tools.retrieval.sandbox import SandboxRetrievalBackend

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
