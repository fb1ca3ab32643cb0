"""Fixtures of the retrieval tests: the bundled corpus, indexed once for the whole session."""

from __future__ import annotations

import pytest

from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.loader import bundled_corpus
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend


@pytest.fixture(scope="session")
def engine() -> SearchEngine:
    """The bundled corpus, chunked and indexed with BM25 (read-only: do not mutate)."""
    return SearchEngine.from_folder(bundled_corpus())


@pytest.fixture(scope="session")
def corpus_sandbox() -> SandboxRetrievalBackend:
    """A fault-free sandbox over the bundled corpus, its index already built."""
    backend = SandboxRetrievalBackend()
    backend.engine()
    return backend
