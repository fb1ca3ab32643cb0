"""One contract, two backends: the in-process sandbox and the HTTP backend over the REST server.

Each case runs against both; results must equal, field for field, what a reference sandbox over
the same corpus returns (errors: same type and reason).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.http import HttpRetrievalBackend
from plangate.tools.domains.retrieval.models import MAX_QUERY_LENGTH
from plangate.tools.domains.retrieval.routes import PREFIX, router
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.server import create_app, serve_in_thread
from plangate.tools.errors import ToolError, ToolRefusedError


@pytest.fixture(scope="module")
def server_url(corpus_sandbox: SandboxRetrievalBackend) -> Iterator[str]:
    app = create_app([(PREFIX, router(corpus_sandbox))])
    with serve_in_thread(app) as url:
        yield f"{url}{PREFIX}"


@pytest.fixture(params=["sandbox", "http"])
async def backend(
    request: pytest.FixtureRequest, corpus_sandbox: SandboxRetrievalBackend
) -> AsyncIterator[RetrievalBackend]:
    if request.param == "sandbox":
        yield corpus_sandbox
        return
    # A small page size makes the listing take several pages.
    client = HttpRetrievalBackend(request.getfixturevalue("server_url"), page_size=7)
    yield client
    await client.aclose()


def dump(value: Any) -> Any:
    if isinstance(value, list):
        return [item.model_dump(mode="json") for item in value]
    return value.model_dump(mode="json")


async def same_error(call: Any, reference: Any) -> ToolError:
    with pytest.raises(ToolError) as expected:
        await reference
    with pytest.raises(ToolError) as actual:
        await call
    assert type(actual.value) is type(expected.value)
    if isinstance(expected.value, ToolRefusedError):
        assert isinstance(actual.value, ToolRefusedError)
        assert actual.value.reason == expected.value.reason
    return actual.value


def test_both_backends_implement_the_protocol() -> None:
    assert isinstance(SandboxRetrievalBackend(), RetrievalBackend)
    assert isinstance(HttpRetrievalBackend("http://127.0.0.1:9"), RetrievalBackend)


@pytest.mark.parametrize(
    ("query", "k", "sources"),
    [
        ("business class long-haul", 3, None),
        ("NVDA risks", 5, None),
        ("dinner hours", 10, ["venues/"]),
        ("valuation", 4, ["research/nvda", "research/amd.md"]),
        ("Zürich cafés tipping", 2, None),
        ("  hotel cap  ", 1, ["travel-policy.md"]),
        ("zzqx nothing matches", 5, None),
    ],
)
async def test_search_returns_identical_hits(
    backend: RetrievalBackend,
    corpus_sandbox: SandboxRetrievalBackend,
    query: str,
    k: int,
    sources: list[str] | None,
) -> None:
    hits = await backend.search(query, k, sources)
    assert dump(hits) == dump(await corpus_sandbox.search(query, k, sources))
    assert len(hits) <= k
    if sources:
        assert all(any(s.rstrip("/") in h.chunk.source for s in sources) for h in hits)


async def test_the_cabin_rules_come_first(backend: RetrievalBackend) -> None:
    best = (await backend.search("business class long-haul", 1))[0]
    assert best.chunk.source == "travel-policy.md"
    assert "only on flights whose scheduled flight time exceeds 6 hours" in best.chunk.text


async def test_documents_are_identical_and_complete(
    backend: RetrievalBackend, corpus_sandbox: SandboxRetrievalBackend
) -> None:
    listed = await backend.list_documents()
    assert dump(listed) == dump(await corpus_sandbox.list_documents())
    assert len(listed) > 30
    assert len({d.id for d in listed}) == len(listed)
    for doc_id in ("travel-policy", "venues/new-york", "research/nvda", "research/v.md"):
        document = await backend.get_document(doc_id)
        assert dump(document) == dump(await corpus_sandbox.get_document(doc_id))
    assert (await backend.get_document("venues/new-york")).title == "New York venue guide"


@pytest.mark.parametrize(
    ("query", "k", "sources"),
    [
        ("", 5, None),
        ("   ", 5, None),
        ("x" * (MAX_QUERY_LENGTH + 1), 5, None),
        ("fares", 0, None),
        ("fares", 51, None),
        ("fares", 5, ["no-such-folder/"]),
    ],
    ids=["empty", "blank", "too-long", "k=0", "k=51", "unknown-source"],
)
async def test_invalid_searches_are_refused_alike(
    backend: RetrievalBackend,
    corpus_sandbox: SandboxRetrievalBackend,
    query: str,
    k: int,
    sources: list[str] | None,
) -> None:
    error = await same_error(
        backend.search(query, k, sources), corpus_sandbox.search(query, k, sources)
    )
    assert isinstance(error, ToolRefusedError)
    assert error.reason == "invalid"
    assert error.hint


@pytest.mark.parametrize("doc_id", ["venues/lisbn", "", "../travel-policy", "venues/lisbon/x"])
async def test_unknown_documents_are_not_found_alike(
    backend: RetrievalBackend, corpus_sandbox: SandboxRetrievalBackend, doc_id: str
) -> None:
    error = await same_error(backend.get_document(doc_id), corpus_sandbox.get_document(doc_id))
    assert isinstance(error, ToolRefusedError)
    assert error.reason == "not_found"
    if doc_id == "venues/lisbn":
        assert "'venues/lisbon'" in error.hint  # the near miss is suggested
