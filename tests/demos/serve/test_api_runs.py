"""The HTTP API's threads and runs: start, wait, approvals resumed by decision, cancel, 409."""

from __future__ import annotations

import asyncio
from pathlib import Path

from plangate.tools.clock import FakeClock
from tests.demos.serve.api import BOOK, FIND, NOW, Gate, serve


async def test_health_and_the_agents_served(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        assert (await server.http.get("/health")).json() == {"status": "ok"}
        agents = (await server.http.get("/agents")).json()
        assert [a["agent_id"] for a in agents] == ["tables", "reservation"]
        assert (await server.http.get("/agents/reservation")).json()["description"]
        missing = await server.http.get("/agents/nope")
        assert missing.status_code == 404
        assert "choose one of: tables, reservation" in missing.json()["detail"]


async def test_threads_are_created_read_and_searched(tmp_path: Path) -> None:
    async with serve(tmp_path, clock=FakeClock(NOW)) as server:
        http = server.http
        made = (await http.post("/threads", json={"thread_id": "t1", "metadata": {"k": 1}})).json()
        assert made == {
            "thread_id": "t1", "agent_id": None, "status": "idle", "metadata": {"k": 1},
            "run_id": None, "created_at": "2026-03-09T09:00:00Z",
            "updated_at": "2026-03-09T09:00:00Z",
        }  # fmt: skip
        assert (await http.get("/threads/t1")).json() == made
        fresh = (await http.post("/threads", json={})).json()["thread_id"]
        again = await http.post("/threads", json={"thread_id": "t1"})
        assert again.status_code == 409
        assert "exists already" in again.json()["detail"]
        bad = await http.post("/threads", json={"thread_id": "a b"})
        assert bad.status_code == 422
        assert bad.json()["error"] == "invalid_request"
        assert (await http.get("/threads/zz")).status_code == 404
        await http.post(
            "/threads/t1/runs/wait", json={"agent_id": "tables", "input": {"request": FIND}}
        )
        done = (await http.post("/threads/search", json={"status": "done"})).json()
        assert [t["thread_id"] for t in done] == ["t1"]
        idle = (await http.post("/threads/search", json={"status": "idle"})).json()
        assert [t["thread_id"] for t in idle] == [fresh]
        tables = (
            await http.post("/threads/search", json={"agent_id": "tables", "limit": 5})
        ).json()
        assert [t["thread_id"] for t in tables] == ["t1"]


async def test_a_read_only_run_answers(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        await server.http.post("/threads", json={"thread_id": "r1"})
        body = {"agent_id": "tables", "input": {"request": FIND}}
        run = (await server.http.post("/threads/r1/runs/wait", json=body)).json()
        assert run["status"] == "done"
        assert run["response"]["venues"]
        got = (await server.http.get(f"/threads/r1/runs/{run['run_id']}")).json()
        assert got == run
        thread = (await server.http.get("/threads/r1")).json()
        assert (thread["agent_id"], thread["status"], thread["run_id"]) == (
            "tables",
            "done",
            run["run_id"],
        )
        second = await server.http.post("/threads/r1/runs", json=body)
        assert second.status_code == 409
        assert "has run already" in second.json()["detail"]


async def test_a_write_waits_for_a_decision_and_runs_once_approved(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        http = server.http
        await http.post("/threads", json={"thread_id": "b1"})
        body = {"agent_id": "tables", "input": {"request": BOOK}}
        paused = (await http.post("/threads/b1/runs/wait", json=body)).json()
        assert paused["status"] == "paused"
        assert [a["id"] for a in paused["approvals"]] == ["book"]
        assert (await http.get("/threads/b1")).json()["status"] == "paused"
        wrong = await http.post(
            "/threads/b1/runs/wait", json={"command": {"resume": {"nope": "approve"}}}
        )
        assert wrong.status_code == 422
        assert "missing decisions for book" in wrong.json()["detail"]
        decided = {"command": {"resume": {"book": "approve"}}}
        done = (await http.post("/threads/b1/runs/wait", json=decided)).json()
        assert done["status"] == "done"
        assert done["response"]["booking_id"]
        late = await http.post("/threads/b1/runs", json=decided)
        assert late.status_code == 409
        assert "waits for no decision" in late.json()["detail"]


async def test_a_rejection_replans_and_waits_again(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        http = server.http
        await http.post("/threads", json={"thread_id": "b2"})
        await http.post(
            "/threads/b2/runs/wait", json={"agent_id": "tables", "input": {"request": BOOK}}
        )
        reject = {"book": {"action": "reject", "reason": "too early"}}
        again = (
            await http.post("/threads/b2/runs/wait", json={"command": {"resume": reject}})
        ).json()
        assert again["status"] == "paused"
        assert [a["id"] for a in again["approvals"]] == ["rebook"]


async def test_a_second_run_on_a_busy_thread_is_refused_with_409(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        gate = Gate(server.service, "tables")
        gate.install()
        await server.http.post("/threads", json={"thread_id": "c1"})
        body = {"agent_id": "tables", "input": {"request": FIND}}
        first = (await server.http.post("/threads/c1/runs", json=body)).json()
        assert first["status"] in {"pending", "running"}
        busy = await server.http.post("/threads/c1/runs", json=body)
        assert busy.status_code == 409
        assert busy.json()["error"] == "conflict"
        assert f"busy with run {first['run_id']}" in busy.json()["detail"]
        assert (await server.http.get("/threads/c1")).json()["status"] == "busy"
        gate.open()
        ended = await server.service.wait("c1", first["run_id"], 5)
        assert ended.status == "done"


async def test_cancel_stops_a_run_and_leaves_an_ended_one_alone(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        gate = Gate(server.service, "tables")
        gate.install()
        await server.http.post("/threads", json={"thread_id": "x1"})
        body = {"agent_id": "tables", "input": {"request": FIND}}
        run = (await server.http.post("/threads/x1/runs", json=body)).json()
        await asyncio.sleep(0)  # let the run reach the gate
        url = f"/threads/x1/runs/{run['run_id']}"
        cancelled = (await server.http.post(f"{url}/cancel")).json()
        assert cancelled["status"] == "cancelled"
        assert cancelled["error"]["type"] == "Cancelled"
        assert (await server.http.get("/threads/x1")).json()["status"] == "interrupted"
        again = (await server.http.post(f"{url}/cancel")).json()
        assert again == cancelled
        assert (await server.http.post("/threads/x1/runs/nope/cancel")).status_code == 404


async def test_a_run_that_fails_says_why_in_its_status_and_its_last_event(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        await server.http.post("/threads", json={"thread_id": "f1"})
        body = {"agent_id": "tables", "input": {"request": "sing me a song"}}
        run = (await server.http.post("/threads/f1/runs/wait", json=body)).json()
        assert run["status"] == "failed"
        assert run["error"]["message"]
        assert (await server.http.get("/threads/f1")).json()["status"] == "failed"
