"""``LibraryRetrievalBackend``: the retrieval tools over a stored ``DocumentLibrary``.

An agent whose ``search_documents`` and ``get_document`` should read a user's own folder of PDFs,
HTML, CSV, Word, Markdown and text files gets this backend as the retrieval dependency::

    backend = LibraryRetrievalBackend(DocumentLibrary(Path("docs"), Path(".plangate/indexes/docs")))

The library is brought up to date on first use (off the event loop: reading files and stat-ing
them blocks), then searched like the sandbox corpus; hits cite their file and, for PDFs, page.
Refusals are those of ``RetrievalBackend``.

Pickled (a sandbox world holding it is stored by ``plangate run`` and ``serve``), the backend is
just its folder, its store and its settings: the index lives in the store already, so it is
reloaded from there when the backend is next used, never copied into the pickle.
"""

from __future__ import annotations

import asyncio
import difflib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from plangate.tools.domains.retrieval.chunking import ChunkingConfig
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.library import DocumentLibrary, Loader
from plangate.tools.domains.retrieval.models import (
    DEFAULT_K,
    Document,
    DocumentInfo,
    SearchHit,
    check_query,
)
from plangate.tools.errors import ToolRefusedError


class LibraryRetrievalBackend:
    """A ``RetrievalBackend`` over a folder of documents and its stored index.

    Args:
        library: the folder and where its index is stored.
        update: bring the index up to date with the folder on first use (``False``: search
            the stored index as it is, e.g. one built by ``plangate index``).
    """

    def __init__(self, library: DocumentLibrary, *, update: bool = True) -> None:
        self.library = library
        self._update = update
        self._engine: SearchEngine | None = None
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the paths and settings only; the index is reloaded from its store."""
        library = self.library
        # The loader is kept so a library with its own loader reads its files the same way.
        loader = library._load
        return (
            _restore,
            (library.folder, library.store, library.chunking, loader, self._update),
        )

    def engine(self) -> SearchEngine:
        """The engine over the library (blocking: updates the index the first time)."""
        with self._lock:
            if self._engine is None:
                if self._update:
                    self.library.update()
                self._engine = self.library.engine()
            return self._engine

    async def _ready(self) -> SearchEngine:
        if self._engine is not None:
            return self._engine
        return await asyncio.to_thread(self.engine)

    async def search(
        self, query: str, k: int = DEFAULT_K, sources: Sequence[str] | None = None
    ) -> list[SearchHit]:
        """See ``RetrievalBackend.search``."""
        cleaned = check_query(query, k)
        engine = await self._ready()
        if sources:
            engine.check_sources(sources)
        return engine.search(cleaned, k, sources)

    async def get_document(self, doc_id: str) -> Document:
        """See ``RetrievalBackend.get_document``."""
        engine = await self._ready()
        document = engine.get(doc_id)
        if document is None:
            close = difflib.get_close_matches(doc_id, list(engine.documents), n=3, cutoff=0.5)
            suggestion = f"Did you mean {', '.join(map(repr, close))}? " if close else ""
            raise ToolRefusedError(
                f"no document has the id {doc_id!r}",
                reason="not_found",
                hint=f"{suggestion}Use an id from list_documents, or a search hit's source.",
            )
        return document

    async def list_documents(self) -> list[DocumentInfo]:
        """See ``RetrievalBackend.list_documents``."""
        return (await self._ready()).infos()


def _restore(
    folder: Path, store: Path, chunking: ChunkingConfig, load: Loader, update: bool
) -> LibraryRetrievalBackend:
    """A pickled ``LibraryRetrievalBackend`` again: its library, its index not yet loaded."""
    library = DocumentLibrary(folder, store, chunking=chunking, load=load)
    return LibraryRetrievalBackend(library, update=update)
