"""Who may call the API and how much: the bind check, the bearer token, body limits, 4xx bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from plangate.demos.serve.access import check_binding, is_loopback
from plangate.demos.serve.openapi import DOCUMENT, openapi_document, openapi_text
from plangate.tools.errors import UsageError
from tests.demos.serve.api import serve


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_needs_no_token(host: str) -> None:
    assert is_loopback(host)
    check_binding(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.4", "example.org"])
def test_beyond_loopback_a_server_without_a_token_refuses_to_start(host: str) -> None:
    with pytest.raises(UsageError, match=f"refusing to listen on {host}: .* needs a bearer token"):
        check_binding(host, None)
    check_binding(host, "s3cret")


async def test_with_a_token_every_route_but_health_needs_it(tmp_path: Path) -> None:
    async with serve(tmp_path, token="s3cret") as server:
        http = server.http
        assert (await http.get("/health")).status_code == 200
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            refused = await http.get("/agents", headers=headers)
            assert refused.status_code == 401
            assert refused.json()["error"] == "unauthorized"
            assert refused.headers["www-authenticate"] == "Bearer"
        assert (await http.get("/openapi.json")).status_code == 401
        ok = await http.get("/agents", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200


async def test_a_body_over_the_limit_is_413_declared_or_streamed(tmp_path: Path) -> None:
    async with serve(tmp_path, max_body=4096) as server:
        big = {"metadata": {"x": "y" * 5000}}
        declared = await server.http.post("/threads", json=big)
        assert declared.status_code == 413
        assert declared.json() == {
            "error": "too_large", "detail": "the request body is larger than 4096 bytes"
        }  # fmt: skip

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(5):
                yield b"x" * 1000

        streamed = await server.http.post("/threads", content=chunks())
        assert streamed.status_code == 413
        assert (
            await server.http.post("/threads", json={"metadata": {"x": "y"}})
        ).status_code == 200


async def test_every_4xx_has_a_json_body_naming_what_was_wrong(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        http = server.http
        unknown = await http.post("/threads", json={"thread": "t"})
        assert unknown.status_code == 422
        assert "thread: Extra inputs are not permitted" in unknown.json()["detail"]
        await http.post("/threads", json={"thread_id": "e1"})
        both = await http.post("/threads/e1/runs", json={"agent_id": "tables"})
        assert both.status_code == 422
        assert "exactly one of input" in both.json()["detail"]
        no_agent = await http.post("/threads/e1/runs", json={"input": {"request": "x"}})
        assert "needs agent_id" in no_agent.json()["detail"]
        ghost = await http.post(
            "/threads/e1/runs", json={"agent_id": "ghost", "input": {"request": "x"}}
        )
        assert (ghost.status_code, ghost.json()["error"]) == (404, "not_found")
        route = await http.get("/nowhere")
        assert (route.status_code, route.json()["error"]) == (404, "not_found")
        method = await http.delete("/threads")
        assert (method.status_code, method.json()["error"]) == (405, "method_not_allowed")
        not_json = await http.post(
            "/threads", content=b"{", headers={"content-type": "application/json"}
        )
        assert (not_json.status_code, not_json.json()["error"]) == (422, "invalid_request")
        no_run = await http.get("/threads/e1/runs/r0")
        assert no_run.json() == {"error": "not_found", "detail": "thread 'e1' has no run 'r0'"}


async def test_the_committed_openapi_document_is_the_one_served(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        served = (await server.http.get("/openapi.json")).json()
    assert served == openapi_document()
    assert DOCUMENT.read_text(encoding="utf-8") == openapi_text(), (
        "demos/serve/openapi.json is stale: python -m plangate.demos.serve.openapi rewrites it"
    )
    assert {"/threads", "/threads/{thread_id}/runs/{run_id}/stream"} <= set(served["paths"])
