"""Server-Sent Events: every engine event with an id, and a reconnect gets what it missed."""

from __future__ import annotations

from pathlib import Path

from plangate.graphs.engine.events import parse_event
from tests.demos.serve.api import BOOK, FIND, parse_sse, serve


async def test_a_streamed_run_sends_typed_events_with_ids_then_the_end(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        await server.http.post("/threads", json={"thread_id": "s1"})
        body = {"agent_id": "tables", "input": {"request": FIND}}
        reply = await server.http.post("/threads/s1/runs/stream", json=body)
        assert reply.headers["content-type"].startswith("text/event-stream")
        messages = parse_sse(reply.text)
        events, end = messages[:-1], messages[-1]
        assert [m["id"] for m in events] == list(range(1, len(events) + 1))
        assert events[0]["event"] == "run_started"
        assert events[-1]["event"] == "final"
        for message in events:
            assert parse_event(message["data"]).kind == message["event"]
        assert (end["event"], end["id"], end["data"]["status"]) == ("end", None, "done")


async def test_a_reconnect_after_last_event_id_gets_only_what_it_missed(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        await server.http.post("/threads", json={"thread_id": "s2"})
        body = {"agent_id": "tables", "input": {"request": FIND}}
        full = parse_sse((await server.http.post("/threads/s2/runs/stream", json=body)).text)
        run_id = full[-1]["data"]["run_id"]
        url = f"/threads/s2/runs/{run_id}/stream"
        rest = parse_sse((await server.http.get(url, headers={"Last-Event-ID": "2"})).text)
        assert rest == full[2:]
        assert parse_sse((await server.http.get(url)).text) == full
        bad = await server.http.get(url, headers={"Last-Event-ID": "two"})
        assert bad.status_code == 422
        assert "Last-Event-ID must be an event id" in bad.json()["detail"]


async def test_a_resumed_run_streams_on_after_the_paused_one(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        await server.http.post("/threads", json={"thread_id": "s3"})
        body = {"agent_id": "tables", "input": {"request": BOOK}}
        first = parse_sse((await server.http.post("/threads/s3/runs/stream", json=body)).text)
        assert first[-2]["event"] == "approval_requested"
        assert first[-1]["data"]["status"] == "paused"
        resume = {"command": {"resume": {"book": "approve"}}}
        second = parse_sse((await server.http.post("/threads/s3/runs/stream", json=resume)).text)
        assert second[0]["id"] == first[-2]["id"] + 1  # ids go on within the thread
        assert second[0]["data"]["resumed"] is True
        assert second[-1]["data"]["status"] == "done"
        assert second[-1]["data"]["response"]["booking_id"]
