"""The retrieval tools: declarations, argument validation, and calls through the executor."""

from __future__ import annotations

from typing import Any

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.retrieval.tools import TOOLS, get_document, search_documents
from plangate.tools.errors import ToolArgsError, ToolRefusedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


@pytest.fixture
def executor(corpus_sandbox: SandboxRetrievalBackend) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=corpus_sandbox), clock=FakeClock())


def test_the_tools_only_read_and_describe_themselves() -> None:
    assert [t.name for t in TOOLS] == ["search_documents", "get_document"]
    assert all(t.effect == "read" and t.retry.max_attempts == 3 for t in TOOLS)
    schema = search_documents.args_schema()
    assert schema["required"] == ["query"]
    assert schema["properties"]["k"]["maximum"] == 50
    assert "research/nvda" in schema["properties"]["sources"]["description"]
    assert search_documents.description.startswith("Search the document library")
    assert get_document.args_schema()["required"] == ["doc_id"]


@pytest.mark.parametrize(
    ("args", "where"),
    [
        ({"query": ""}, "query"),
        ({"query": "fares", "k": 0}, "k"),
        ({"query": "fares", "k": 51}, "k"),
        ({"query": "fares", "limit": 3}, "limit"),
        ({"k": 3}, "query"),
    ],
)
async def test_bad_arguments_are_model_visible(
    executor: ToolExecutor, args: dict[str, Any], where: str
) -> None:
    with pytest.raises(ToolArgsError) as caught:
        await executor.call("search_documents", args)
    assert caught.value.model_visible
    assert [loc for loc, _ in caught.value.errors] == [where]


async def test_search_documents_returns_cited_hits(executor: ToolExecutor) -> None:
    outcome = await executor.call(
        "search_documents", {"query": "client dinner per person limit", "k": 3}
    )
    hits = outcome.result_json
    assert len(hits) == 3
    assert outcome.attempts == 1
    assert hits[0]["chunk"]["title"].endswith("6.2 Business dinners and client entertainment")
    assert hits[0]["citation"]["source"] == "travel-policy.md"
    assert hits[0]["citation"]["chunk_id"] == hits[0]["chunk"]["id"]


async def test_search_documents_filters_by_source(executor: ToolExecutor) -> None:
    outcome = await executor.call(
        "search_documents", {"query": "tipping", "k": 5, "sources": ["venues/tokyo"]}
    )
    assert {hit["chunk"]["source"] for hit in outcome.result_json} == {"venues/tokyo.md"}


async def test_get_document_reads_a_whole_document(executor: ToolExecutor) -> None:
    outcome = await executor.call("get_document", {"doc_id": "research/nvda"})
    assert outcome.result_json["title"] == "NVIDIA Corporation (NVDA) — sandbox research note"
    assert "Fictional sandbox research" in outcome.result_json["text"]


async def test_a_whitespace_query_is_refused_by_the_backend(executor: ToolExecutor) -> None:
    with pytest.raises(ToolRefusedError) as caught:
        await executor.call("search_documents", {"query": "   "})
    assert caught.value.reason == "invalid"
    assert caught.value.model_visible
