"""The HTTP API over ``QueuedRuns``: the routes answer as in process, a worker runs the runs."""

from __future__ import annotations

import asyncio

import httpx

from plangate.demos.serve.app import create_app
from plangate.demos.serve.queued import queued_runs
from plangate.demos.serve.worker import RunWorker
from tests.demos.serve.queue_fixtures import AGENTS, ShopEngines, postgres_saver


async def test_an_approval_waits_over_the_api_and_a_worker_runs_both_runs(
    postgres_url: str,
) -> None:
    async with postgres_saver(postgres_url) as saver, queued_runs(postgres_url, AGENTS) as runs:
        engines = ShopEngines(saver)
        worker = asyncio.create_task(RunWorker(postgres_url, engines).run(heartbeat=0.5))
        transport = httpx.ASGITransport(app=create_app(runs, wait_seconds=5))
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", timeout=10
            ) as http:
                made = await http.post("/threads", json={"metadata": {"via": "api"}})
                assert made.status_code == 200, made.text
                thread = made.json()["thread_id"]
                start = {"agent_id": "gated", "input": {"request": "tea please"}}
                paused = await http.post(f"/threads/{thread}/runs/wait", json=start)
                assert paused.status_code == 200, paused.text
                assert paused.json()["status"] == "paused"
                again = await http.post(f"/threads/{thread}/runs", json=start)
                assert again.status_code == 409, again.text
                resume = {"command": {"resume": {"a": "approve"}}}
                done = await http.post(f"/threads/{thread}/runs/wait", json=resume)
                assert done.status_code == 200, done.text
                assert done.json()["status"] == "done"
                found = await http.get(f"/threads/{thread}")
                assert found.json()["status"] == "done"
        finally:
            worker.cancel()
            await asyncio.wait_for(asyncio.gather(worker, return_exceptions=True), 5)
    assert engines.orders() == 1
