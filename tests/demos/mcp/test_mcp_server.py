"""plangate agents served over MCP, driven by the SDK's own client in process."""

from __future__ import annotations

import json
from typing import Any

from mcp import types
from mcp.client.session import ClientSession
from mcp.shared.context import RequestContext
from mcp.shared.memory import create_connected_server_and_client_session

from plangate.demos.mcp import agent_server
from plangate.tools.domains.backends import Backends
from plangate.tools.errors import ToolError
from tests.demos.mcp.agents import BOOK, FIND, reservation


async def booked(backends: Backends) -> bool:
    """Whether the sandbox holds the first reservation (a booking happened)."""
    try:
        await backends.restaurants.get_reservation("rsv-000001")
    except ToolError:
        return False
    return True


def payload(result: types.CallToolResult) -> dict[str, Any]:
    assert result.structuredContent is not None
    (block,) = result.content
    assert isinstance(block, types.TextContent)
    assert json.loads(block.text) == result.structuredContent
    return result.structuredContent


class Person:
    """An elicitation callback that answers every form the same way, and remembers them."""

    def __init__(self, action: str, content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content
        self.asked: list[str] = []

    async def __call__(
        self, context: RequestContext[ClientSession, Any], params: types.ElicitRequestParams
    ) -> types.ElicitResult:
        self.asked.append(params.message)
        return types.ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]


async def test_run_lists_and_answers_a_read_only_request() -> None:
    agent, _ = reservation()
    async with create_connected_server_and_client_session(agent_server(agent)) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        assert names == ["run", "resume"]
        result = await client.call_tool("run", {"request": FIND})
    body = payload(result)
    assert not result.isError
    assert body["status"] == "done"
    assert "Lisbon" in json.dumps(body["answer"])


async def test_without_elicitation_a_write_pauses_and_resume_decides_it() -> None:
    agent, backends = reservation()
    async with create_connected_server_and_client_session(agent_server(agent)) as client:
        paused = payload(await client.call_tool("run", {"request": BOOK, "thread_id": "t1"}))
        assert paused["status"] == "paused"
        assert paused["thread_id"] == "t1"
        assert [call["tool"] for call in paused["pending"]] == ["book_table"]
        assert "resume" in paused["to_continue"]
        wrong = await client.call_tool("resume", {"thread_id": "t1", "decisions": {"x": "approve"}})
        assert wrong.isError
        assert "no decision for table" in payload(wrong)["error"]
        done = payload(
            await client.call_tool("resume", {"thread_id": "t1", "decisions": {"table": "approve"}})
        )
        again = await client.call_tool("resume", {"thread_id": "t1", "decisions": {}})
    assert done["status"] == "done"
    assert done["answer"]["bookings"][0]["status"] == "confirmed"
    assert "not waiting for approval" in payload(again)["error"]
    assert await booked(backends)


async def test_with_elicitation_each_pending_call_is_asked_and_a_reject_writes_nothing() -> None:
    agent, backends = reservation()
    person = Person("decline")
    async with create_connected_server_and_client_session(
        agent_server(agent), elicitation_callback=person
    ) as client:
        body = payload(await client.call_tool("run", {"request": BOOK}))
    assert body["status"] == "done"
    assert len(person.asked) == 1
    assert "Approve book_table" in person.asked[0]
    assert '"party_size": 2' in person.asked[0]
    assert not await booked(backends)


async def test_with_elicitation_an_approval_runs_the_write_once() -> None:
    agent, backends = reservation()
    person = Person("accept", {"decision": "approve"})
    async with create_connected_server_and_client_session(
        agent_server(agent), elicitation_callback=person
    ) as client:
        body = payload(await client.call_tool("run", {"request": BOOK}))
    assert body["answer"]["bookings"][0]["status"] == "confirmed"
    assert await booked(backends)


async def test_tools_reads_run_and_writes_need_a_person() -> None:
    agent, backends = reservation()
    server = agent_server(agent, expose_tools=True)
    async with create_connected_server_and_client_session(server) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert listed["search_restaurants"].annotations == types.ToolAnnotations(
            readOnlyHint=True, destructiveHint=False
        )
        assert listed["book_table"].annotations is not None
        assert listed["book_table"].annotations.destructiveHint is True
        found = await client.call_tool(
            "search_restaurants", {"city": "Lisbon", "date": "2026-05-05", "party_size": 2}
        )
        assert not found.isError
        assert payload(found)["result"]["data"]
        args = {"venue_id": "lis-007", "start": "2026-05-05T19:00:00+01:00", "party_size": 2,
                "name": "Alex Silva"}  # fmt: skip
        refused = await client.call_tool("book_table", args)
    assert refused.isError
    assert "cannot ask for" in payload(refused)["error"]
    assert not await booked(backends)
    person = Person("accept", {"decision": "approve"})
    async with create_connected_server_and_client_session(
        server, elicitation_callback=person
    ) as client:
        written = await client.call_tool("book_table", args)
    assert not written.isError, written
    assert len(person.asked) == 1
    assert await booked(backends)
