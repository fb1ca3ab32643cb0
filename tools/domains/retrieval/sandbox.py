"""``SandboxRetrievalBackend``: a folder of Markdown/text files, indexed and searched in process.

By default it serves the bundled corpus (``tools/domains/retrieval/corpus``): a corporate travel
policy, venue guides for the sandbox cities, and fictional research notes for the sandbox
tickers. The index is built on first use, not at construction, so creating a backend is free.

Every operation runs inside a ``plangate.tools.faults.FaultInjector``. Retrieval holds no random
data: the same corpus gives the same hits on every run; ``seed`` is accepted so every sandbox is
built the same way, and seeds nothing here (fault plans carry their own seed).

``dense=True`` fuses BM25 with all-MiniLM-L6-v2 embeddings
(``plangate.tools.domains.retrieval.dense``). Without the ``embeddings`` extra the backend searches
with BM25 only, and says so with a ``DenseUnavailableWarning`` and ``mode == "bm25"``.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import threading
import warnings
from collections.abc import Awaitable, Callable, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.retrieval.chunking import ChunkingConfig
from plangate.tools.domains.retrieval.dense import (
    EMBEDDINGS_INSTALL,
    DenseUnavailableWarning,
    Encoder,
    MiniLmEncoder,
    is_dense_available,
)
from plangate.tools.domains.retrieval.engine import Mode, SearchEngine
from plangate.tools.domains.retrieval.loader import bundled_corpus
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    Document,
    DocumentInfo,
    SearchHit,
    check_query,
)
from plangate.tools.errors import ToolRefusedError
from plangate.tools.faults import NO_FAULTS, FaultInjector, FaultPlan

SERVICE = "retrieval"
T = TypeVar("T")


class SandboxRetrievalBackend:
    """The retrieval service, in process.

    Args:
        corpus_dir: the folder to index (default: the bundled sandbox corpus).
        seed: accepted for uniformity with the other sandboxes; retrieval has no random data.
        clock: where injected latency is slept (default: the system clock).
        faults: failures and latency to inject (default: none).
        dense: fuse BM25 with dense embeddings (needs the ``embeddings`` extra, or ``encoder``).
        chunking: chunk size and overlap (default: ``ChunkingConfig()``).
        encoder: the embedding model for ``dense`` (default: all-MiniLM-L6-v2 from the extra).

    Attributes:
        faults: the injector; ``faults.injected`` lists what struck.
    """

    def __init__(
        self,
        corpus_dir: Path | Traversable | None = None,
        seed: int = 0,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        dense: bool = False,
        *,
        chunking: ChunkingConfig | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        self.corpus_dir: Path | Traversable = (
            corpus_dir if corpus_dir is not None else bundled_corpus()
        )
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.faults = FaultInjector(faults or NO_FAULTS, self.clock, SERVICE)
        self._chunking = chunking
        self._encoder = encoder
        self._dense = dense and (encoder is not None or is_dense_available())
        if dense and not self._dense:
            warnings.warn(
                DenseUnavailableWarning(
                    "dense retrieval was requested, but the embeddings extra is not installed: "
                    f"searching with BM25 only. Run `{EMBEDDINGS_INSTALL}` to enable it."
                ),
                stacklevel=2,
            )
        self._engine: SearchEngine | None = None
        self._lock = threading.Lock()  # the REST server and a test may both trigger the build

    @property
    def mode(self) -> Mode:
        """``"hybrid"`` when dense retrieval is on, ``"bm25"`` otherwise."""
        return "hybrid" if self._dense else "bm25"

    def engine(self) -> SearchEngine:
        """The search engine, built on first call (blocking: loads and indexes the corpus)."""
        with self._lock:
            if self._engine is None:
                encoder = self._encoder
                if self._dense and encoder is None:
                    encoder = MiniLmEncoder()
                self._engine = SearchEngine.from_folder(
                    self.corpus_dir, chunking=self._chunking, encoder=encoder
                )
            return self._engine

    async def _ready(self) -> SearchEngine:
        if self._engine is not None:
            return self._engine
        # Building takes a moment (seconds with embeddings): keep the event loop free meanwhile.
        return await asyncio.to_thread(self.engine)

    async def _run(self, operation: str, key: str, action: Callable[[], Awaitable[T]]) -> T:
        return await self.faults.run(operation, key, "read", action)

    # -- the Protocol -------------------------------------------------------------------------

    async def search(
        self, query: str, k: int = DEFAULT_K, sources: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """See ``RetrievalBackend.search``."""

        async def action() -> list[SearchHit]:
            cleaned = check_query(query, k)
            engine = await self._ready()
            if sources:
                engine.check_sources(sources)
            return engine.search(cleaned, k, sources)

        return await self._run("search", json.dumps([query, k, list(sources or ())]), action)

    async def get_document(self, doc_id: str) -> Document:
        """See ``RetrievalBackend.get_document``."""

        async def action() -> Document:
            engine = await self._ready()
            document = engine.get(doc_id)
            if document is None:
                raise _not_found(doc_id, list(engine.documents))
            return document

        return await self._run("get_document", doc_id, action)

    async def list_documents(self) -> list[DocumentInfo]:
        """See ``RetrievalBackend.list_documents``."""

        async def action() -> list[DocumentInfo]:
            return (await self._ready()).infos()

        return await self._run("list_documents", "", action)

    # -- invariants ---------------------------------------------------------------------------

    def audit(self) -> list[str]:
        """Broken invariants of the corpus and its indexes, in words (empty when all hold)."""
        return self.engine().audit()


def _not_found(doc_id: str, known: list[str]) -> ToolRefusedError:
    close = difflib.get_close_matches(doc_id, known, n=3, cutoff=0.5)
    suggestion = f"Did you mean {', '.join(map(repr, close))}? " if close else ""
    return ToolRefusedError(
        f"no document has the id {doc_id!r}",
        reason="not_found",
        hint=f"{suggestion}Use an id from list_documents, or a search hit's source.",
    )
