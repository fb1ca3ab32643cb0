"""HttpRetrievalBackend against a mocked HTTP layer (respx): statuses, retries, bodies, paging."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.http import HttpRetrievalBackend
from plangate.tools.domains.retrieval.models import DocumentInfo
from plangate.tools.domains.retrieval.routes import paginate
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)

BASE = "http://retrieval.test/retrieval"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def backend(clock: FakeClock) -> AsyncIterator[HttpRetrievalBackend]:
    policy = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0, jitter=0.0)
    client = HttpRetrievalBackend(BASE, clock=clock, retry=policy, timeout=2.0, page_size=2)
    yield client
    await client.aclose()


def error(reason: str, message: str, hint: str = "") -> dict[str, Any]:
    return {"error": {"reason": reason, "message": message, "hint": hint}}


def info(doc_id: str) -> dict[str, Any]:
    return {"id": doc_id, "source": f"{doc_id}.md", "title": doc_id.title(), "chars": 10}


@respx.mock
async def test_search_sends_the_query_and_parses_hits(
    backend: HttpRetrievalBackend, engine: SearchEngine
) -> None:
    hits = engine.search("NVDA risks", 2)
    body = {"hits": [hit.model_dump(mode="json") for hit in hits]}
    route = respx.get(f"{BASE}/v1/search").respond(200, json=body)
    got = await backend.search("NVDA risks", 2, ["research/", "travel-policy.md"])
    assert got == hits
    sent = route.calls.last.request.url.params
    assert (sent["q"], sent["k"]) == ("NVDA risks", "2")
    assert sent.get_list("source") == ["research/", "travel-policy.md"]


@respx.mock
async def test_search_without_a_filter_sends_no_source(backend: HttpRetrievalBackend) -> None:
    route = respx.get(f"{BASE}/v1/search").respond(200, json={"hits": []})
    assert await backend.search("fares") == []
    assert "source" not in route.calls.last.request.url.params
    assert route.calls.last.request.url.params["k"] == "5"


@respx.mock
async def test_document_ids_travel_as_one_escaped_segment(
    backend: HttpRetrievalBackend, engine: SearchEngine
) -> None:
    document = engine.get("venues/new-york")
    assert document is not None
    route = respx.get(f"{BASE}/v1/documents/venues/new-york").respond(
        200, json=document.model_dump(mode="json")
    )
    assert await backend.get_document("venues/new-york") == document
    assert route.calls.last.request.url.raw_path == b"/retrieval/v1/documents/venues%2Fnew-york"


@respx.mock
async def test_dot_segments_in_ids_cannot_escape_the_documents_path(
    backend: HttpRetrievalBackend,
) -> None:
    route = respx.get(url__regex=r".*").respond(404, json=error("not_found", "no such id"))
    with pytest.raises(ToolRefusedError):
        await backend.get_document("../admin")
    assert route.calls.last.request.url.raw_path == b"/retrieval/v1/documents/%2E%2E%2Fadmin"


@respx.mock
@pytest.mark.parametrize(
    ("status", "reason"), [(404, "not_found"), (422, "invalid"), (409, "conflict")]
)
async def test_refusals_keep_their_reason_and_hint(
    backend: HttpRetrievalBackend, status: int, reason: str
) -> None:
    route = respx.get(f"{BASE}/v1/search").respond(
        status, json=error(reason, "the search query is empty", "Pass a few keywords.")
    )
    with pytest.raises(ToolRefusedError) as caught:
        await backend.search("", 5)
    assert (caught.value.reason, caught.value.hint) == (reason, "Pass a few keywords.")
    assert "the search query is empty" in caught.value.message
    assert route.call_count == 1  # a refusal is an answer: never retried


@respx.mock
async def test_429_is_retried_after_the_servers_delay(
    backend: HttpRetrievalBackend, clock: FakeClock
) -> None:
    route = respx.get(f"{BASE}/v1/search").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}, json=error("rate_limited", "slow")),
            httpx.Response(200, json={"hits": []}),
        ]
    )
    assert await backend.search("fares") == []
    assert route.call_count == 2
    assert clock.sleeps == [3.0]


@respx.mock
async def test_429_until_the_attempts_run_out(backend: HttpRetrievalBackend) -> None:
    respx.get(f"{BASE}/v1/search").respond(429, headers={"Retry-After": "1"}, json={})
    with pytest.raises(RateLimitedError) as caught:
        await backend.search("fares")
    assert caught.value.retry_after == 1.0


@respx.mock
async def test_503_is_retried_with_backoff_then_raised(
    backend: HttpRetrievalBackend, clock: FakeClock
) -> None:
    route = respx.get(f"{BASE}/v1/documents/travel-policy").respond(
        503, json=error("unavailable", "down")
    )
    with pytest.raises(BackendError) as caught:
        await backend.get_document("travel-policy")
    assert (caught.value.status, route.call_count) == (503, 3)
    assert clock.sleeps == [0.5, 1.0]


@respx.mock
@pytest.mark.parametrize(("status", "words"), [(500, "HTTP 500"), (401, "not authorized")])
async def test_other_failures_are_not_retried(
    backend: HttpRetrievalBackend, status: int, words: str
) -> None:
    route = respx.get(f"{BASE}/v1/search").respond(status, json=error("boom", "broken"))
    with pytest.raises(BackendError, match=words) as caught:
        await backend.search("fares")
    assert caught.value.status == status
    assert route.call_count == 1


@respx.mock
async def test_a_read_timeout_is_retried_then_reported(
    backend: HttpRetrievalBackend, clock: FakeClock
) -> None:
    route = respx.get(f"{BASE}/v1/search").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError, match="timed out"):
        await backend.search("fares")
    assert route.call_count == 3
    assert len(clock.sleeps) == 2


@respx.mock
async def test_a_connect_error_recovers_on_retry(backend: HttpRetrievalBackend) -> None:
    route = respx.get(f"{BASE}/v1/documents").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(200, json={"documents": [info("a")], "next_cursor": None}),
        ]
    )
    assert [d.id for d in await backend.list_documents()] == ["a"]
    assert route.call_count == 2


@respx.mock
@pytest.mark.parametrize(
    "content",
    [b'{"hits": [{"chunk": 1}]}', b'{"trunc', b"<html>oops</html>", b'{"results": []}'],
    ids=["wrong-shape", "truncated", "not-json", "missing-field"],
)
async def test_malformed_bodies_are_reported_not_retried(
    backend: HttpRetrievalBackend, content: bytes
) -> None:
    route = respx.get(f"{BASE}/v1/search").respond(200, content=content)
    with pytest.raises(
        MalformedResponseError, match="malformed response to GET /retrieval/v1/search"
    ):
        await backend.search("fares")
    assert route.call_count == 1


@respx.mock
async def test_listing_follows_the_cursor_through_every_page(backend: HttpRetrievalBackend) -> None:
    pages = {
        None: {"documents": [info("a"), info("b")], "next_cursor": "b"},
        "b": {"documents": [info("c"), info("d")], "next_cursor": "d"},
        "d": {"documents": [info("e")], "next_cursor": None},
    }

    def reply(request: httpx.Request) -> httpx.Response:
        assert request.url.params["limit"] == "2"
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    route = respx.get(f"{BASE}/v1/documents").mock(side_effect=reply)
    documents = await backend.list_documents()
    assert [d.id for d in documents] == ["a", "b", "c", "d", "e"]
    assert route.call_count == 3


@respx.mock
async def test_a_looping_cursor_is_malformed(backend: HttpRetrievalBackend) -> None:
    page = {"documents": [info("a")], "next_cursor": "a"}
    respx.get(f"{BASE}/v1/documents").respond(200, content=json.dumps(page).encode())
    with pytest.raises(MalformedResponseError, match="returned cursor 'a' twice"):
        await backend.list_documents()


def test_pages_start_after_the_cursor_and_limits_are_checked() -> None:
    docs = [DocumentInfo(id=i, source=f"{i}.md", title=i, chars=1) for i in "abcde"]
    first = paginate(docs, 2, None)
    assert ([d.id for d in first.documents], first.next_cursor) == (["a", "b"], "b")
    last = paginate(docs, 3, "b")
    assert ([d.id for d in last.documents], last.next_cursor) == (["c", "d", "e"], None)
    # A cursor naming a document that has since gone still resumes in the right place.
    assert [d.id for d in paginate(docs, 2, "bb").documents] == ["c", "d"]
    with pytest.raises(ToolRefusedError, match="limit=0 is out of range") as caught:
        paginate(docs, 0, None)
    assert caught.value.reason == "invalid"
