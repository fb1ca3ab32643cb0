"""Any LangChain retriever as a retrieval backend: metadata becomes citations, errors are ours."""

from __future__ import annotations

import pytest
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LcDocument
from langchain_core.retrievers import BaseRetriever

from plangate.tools.clock import FakeClock
from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.models import Document
from plangate.tools.domains.retrieval.retriever import LangChainRetrievalBackend
from plangate.tools.domains.retrieval.tools import TOOLS
from plangate.tools.errors import BackendError, ToolRefusedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


class KeywordRetriever(BaseRetriever):
    """Returns the documents sharing most words with the query (a test double, not BM25)."""

    documents: list[LcDocument]
    calls: int = 0

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LcDocument]:
        self.calls += 1
        words = set(query.lower().split())
        scored = [(len(words & set(d.page_content.lower().split())), d) for d in self.documents]
        return [doc for overlap, doc in sorted(scored, key=lambda p: -p[0]) if overlap]


class BrokenRetriever(BaseRetriever):
    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LcDocument]:
        raise RuntimeError("vector store unreachable")


DOCS = [
    LcDocument(
        page_content="business class is allowed on flights over six hours",
        metadata={"source": "policy.md", "start_index": 120, "title": "Cabins", "score": 0.9},
        id="policy-cabins",
    ),
    LcDocument(
        page_content="tipping is not practised in tokyo",
        metadata={"file_path": "guides/tokyo.md"},
    ),
    LcDocument(page_content="economy class by default", metadata={}),
]


@pytest.fixture
def retriever() -> KeywordRetriever:
    return KeywordRetriever(documents=DOCS)


def test_it_is_a_retrieval_backend(retriever: KeywordRetriever) -> None:
    assert isinstance(LangChainRetrievalBackend(retriever), RetrievalBackend)


async def test_metadata_becomes_chunks_and_citations(retriever: KeywordRetriever) -> None:
    backend = LangChainRetrievalBackend(retriever, name="kb")
    first, second = await backend.search("business class flights", k=5)
    assert (first.chunk.id, first.chunk.source, first.chunk.title) == (
        "policy-cabins",
        "policy.md",
        "Cabins",
    )
    assert (first.chunk.start, first.chunk.end) == (120, 120 + len(DOCS[0].page_content))
    assert first.score == 0.9  # the retriever's own score, from metadata
    assert (first.citation.source, first.citation.chunk_id) == ("policy.md", "policy-cabins")
    assert "business class" in first.citation.snippet
    # No source, no id, no score: the backend's name, a computed id, and 1 / rank.
    assert (second.chunk.source, second.chunk.title, second.score) == ("kb", "kb", 0.5)
    assert len(second.chunk.id) == 16


async def test_k_and_the_source_filter_apply_to_what_comes_back(
    retriever: KeywordRetriever,
) -> None:
    backend = LangChainRetrievalBackend(retriever)
    assert len(await backend.search("class tokyo tipping", k=1)) == 1
    hits = await backend.search("class tokyo tipping", k=5, sources=["guides/"])
    assert [h.chunk.source for h in hits] == ["guides/tokyo.md"]


async def test_bad_queries_are_refused_before_the_retriever_runs(
    retriever: KeywordRetriever,
) -> None:
    backend = LangChainRetrievalBackend(retriever)
    with pytest.raises(ToolRefusedError) as caught:
        await backend.search("  ", k=3)
    assert caught.value.reason == "invalid"
    assert retriever.calls == 0


async def test_a_failing_retriever_becomes_a_backend_error() -> None:
    backend = LangChainRetrievalBackend(BrokenRetriever(), name="vectors")
    with pytest.raises(BackendError, match="BrokenRetriever failed: RuntimeError") as caught:
        await backend.search("anything", k=3)
    assert caught.value.service == "vectors"
    assert not caught.value.retryable
    assert isinstance(caught.value.__cause__, RuntimeError)


async def test_documents_are_served_only_when_given(retriever: KeywordRetriever) -> None:
    policy = Document(id="policy", source="policy.md", title="Policy", text="the whole policy")
    backend = LangChainRetrievalBackend(retriever, documents=[policy])
    assert await backend.get_document("policy") == policy
    assert [d.id for d in await backend.list_documents()] == ["policy"]
    with pytest.raises(ToolRefusedError, match="Known ids: policy") as caught:
        await backend.get_document("other")
    assert caught.value.reason == "not_found"
    with pytest.raises(ToolRefusedError, match="quote a hit's text"):
        await LangChainRetrievalBackend(retriever).get_document("policy")


async def test_a_retriever_over_our_chunks_cites_the_same_chunk_ids(engine: SearchEngine) -> None:
    chunks = [c for c in engine.bm25.chunks if c.source == "venues/tokyo.md"]
    lc_docs = [
        LcDocument(
            page_content=c.text,
            metadata={"source": c.source, "start_index": c.start, "title": c.title},
        )
        for c in chunks
    ]
    backend = LangChainRetrievalBackend(KeywordRetriever(documents=lc_docs))
    hits = await backend.search("tipping", k=3)
    assert hits
    assert {h.chunk for h in hits} <= set(chunks)  # same ids, offsets, text and titles


async def test_the_tools_run_on_a_langchain_backend(retriever: KeywordRetriever) -> None:
    executor = ToolExecutor(
        Toolset(TOOLS, deps=LangChainRetrievalBackend(retriever)), clock=FakeClock()
    )
    outcome = await executor.call("search_documents", {"query": "tokyo tipping", "k": 2})
    assert outcome.result_json[0]["citation"]["source"] == "guides/tokyo.md"
