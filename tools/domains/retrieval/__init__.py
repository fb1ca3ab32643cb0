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

A folder of PDF, HTML, CSV, Word, Markdown and text files (the ``documents`` extra): ``library``
(``DocumentLibrary``, its index stored and updated file by file), ``splitting`` (pages → chunks
with langchain-text-splitters), ``library_backend`` (``LibraryRetrievalBackend``), and
``_community_loaders``, the only importer of langchain-community.
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
from plangate.tools.domains.retrieval.library import DocumentLibrary, IndexReport
from plangate.tools.domains.retrieval.library_backend import LibraryRetrievalBackend
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
    "DocumentLibrary",
    "Encoder",
    "HttpRetrievalBackend",
    "IndexReport",
    "LibraryRetrievalBackend",
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
