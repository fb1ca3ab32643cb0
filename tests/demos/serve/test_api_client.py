"""The Python client (``plangate.client``) against a server: start, wait, resume with decisions,
stream, join, cancel."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from plangate.client import Client, RequestRejectedError, ServerFailedError
from tests.demos.serve.api import BOOK, FIND, Gate, serve


async def test_the_client_books_after_an_approval(tmp_path: Path) -> None:
    async with (
        serve(tmp_path) as server,
        Client("http://test", transport=server.transport) as client,
    ):
        thread = await client.create_thread("k1", {"user": "ada"})
        paused = await client.wait(thread.thread_id, "tables", BOOK)
        assert (paused.status, [a["id"] for a in paused.approvals]) == ("paused", ["book"])
        done = await client.resume("k1", {"book": "approve"})
        assert done.status == "done"
        assert await client.status("k1", done.run_id) == done
        assert (await client.thread("k1")).status == "done"


async def test_the_client_streams_and_joins_after_an_id(tmp_path: Path) -> None:
    async with (
        serve(tmp_path) as server,
        Client("http://test", transport=server.transport) as client,
    ):
        await client.create_thread("k2")
        events = [e async for e in client.stream("k2", agent_id="tables", request=FIND)]
        assert [e.event["kind"] for e in events][-1] == "final"
        run_id = events[0].run_id
        assert (await client.status("k2", run_id)).status == "done"
        assert [e async for e in client.join("k2", run_id, after=1)] == events[1:]


async def test_the_client_raises_the_servers_refusals(tmp_path: Path) -> None:
    async with (
        serve(tmp_path) as server,
        Client("http://test", transport=server.transport) as client,
    ):
        gate = Gate(server.service, "tables")
        gate.install()
        await client.create_thread("k3")
        run = await client.start("k3", "tables", FIND)
        with pytest.raises(RequestRejectedError, match="409 conflict: thread 'k3' is busy") as info:
            await client.start("k3", "tables", FIND)
        assert (info.value.status, info.value.error) == (409, "conflict")
        assert (await client.cancel("k3", run.run_id)).status == "cancelled"
        with pytest.raises(RequestRejectedError, match="404 not_found"):
            await client.thread("nope")
        with pytest.raises(RequestRejectedError, match="404 not_found"):
            _ = [e async for e in client.join("nope", "r")]


async def test_an_unreachable_server_is_a_server_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with Client("http://127.0.0.1:9", transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(ServerFailedError, match=r"cannot reach http://127\.0\.0\.1:9") as info:
            await client.thread("t")
        assert info.value.status is None
