"""A run's usage (model calls, tokens, cost and the engine's other counters) and a thread's
runs (``GET /threads/{thread_id}/runs``, oldest first), on both services.

The embedded service runs the ``tables`` agent with a scripted model named after a priced model
family, so its calls have tokens and a cost; the PostgreSQL one runs the worker tests' ``gated``
shop agent (a scripted planner: no tokens), paused, then resumed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import psycopg
import pytest

from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.client import Client
from plangate.demos.serve.local import local_service
from plangate.demos.serve.queued import QueuedRuns, queued_runs
from plangate.demos.serve.run_table import RunTable
from plangate.demos.serve.runs import NotFoundError, RunUsage
from plangate.demos.serve.worker import RunWorker
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.offline.scripted import ScriptedChatModel, plan_message, tool_call_message
from plangate.tools.clock import PinnedClock
from tests.demos.serve.api import BOOK, FIND, NOW, TABLES, serve
from tests.demos.serve.queue_fixtures import AGENTS, ShopEngines, postgres_saver


def test_usage_reads_the_engines_counters_and_leaves_unknown_ones_out() -> None:
    counters = {"model_calls": 2.0, "tokens": 311.0, "cost": 0.25, "steps": 1.0, "other": 9.0}
    usage = RunUsage.of(counters)
    assert usage == RunUsage(model_calls=2, tokens=311, cost=0.25, steps=1)
    assert isinstance(usage.tokens, int)
    assert RunUsage.of({}) == RunUsage()


async def test_a_run_with_a_model_shows_its_calls_tokens_and_cost(tmp_path: Path) -> None:
    search = {"city": "Lisbon", "party_size": 2, "date": "2026-03-11", "limit": 3}
    plan = Plan(steps=[Step(id="find", tool="search_restaurants", args=search)])
    answer = tool_call_message("TableAnswer", {"summary": "two places", "venues": []})
    model = ScriptedChatModel([plan_message(plan), answer], model_name="gpt-4o-mini")
    specs = resolve_agents([TABLES])
    async with local_service(tmp_path, specs, clock=PinnedClock(NOW), model=model) as service:
        transport = httpx.ASGITransport(app=create_app(service, wait_seconds=5))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            await http.post("/threads", json={"thread_id": "u1"})
            started = {"agent_id": "tables", "input": {"request": FIND}}
            run = (await http.post("/threads/u1/runs/wait", json=started)).json()
    assert run["status"] == "done", run
    usage = run["usage"]
    assert usage["model_calls"] == 2  # the plan and the answer
    assert usage["tokens"] > 0
    assert usage["cost"] > 0  # gpt-4o-mini has a list price
    assert (usage["steps"], usage["tool_calls"]) == (1, 1)


async def test_a_runs_usage_is_zero_until_it_ended_and_offline_costs_nothing(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path) as server:
        http = server.http
        await http.post("/threads", json={"thread_id": "u2"})
        started = {"agent_id": "tables", "input": {"request": FIND}}
        pending = (await http.post("/threads/u2/runs", json=started)).json()
        assert pending["usage"] == RunUsage().model_dump()
        done = await server.service.wait("u2", pending["run_id"], 5)
        assert done.status == "done"
        # The offline planner stands in for the model's calls; it reports no tokens.
        assert (done.usage.tokens, done.usage.cost) == (0, 0.0)
        assert done.usage.steps == 1


async def test_a_threads_runs_are_listed_oldest_first_with_their_usage(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        http = server.http
        await http.post("/threads", json={"thread_id": "u3"})
        assert (await http.get("/threads/u3/runs")).json() == []
        started = {"agent_id": "tables", "input": {"request": BOOK}}
        paused = (await http.post("/threads/u3/runs/wait", json=started)).json()
        assert paused["status"] == "paused"
        decided = {"command": {"resume": {"book": "approve"}}}
        done = (await http.post("/threads/u3/runs/wait", json=decided)).json()
        assert done["status"] == "done"
        runs = (await http.get("/threads/u3/runs")).json()
        assert [r["run_id"] for r in runs] == [paused["run_id"], done["run_id"]]
        assert [r["status"] for r in runs] == ["paused", "done"]
        # The thread's counters carry on across its resume.
        assert runs[1]["usage"]["steps"] > runs[0]["usage"]["steps"] > 0
        missing = await http.get("/threads/nope/runs")
        assert missing.status_code == 404
        assert missing.json() == {"error": "not_found", "detail": "no thread 'nope'"}
        async with Client("http://test", transport=server.transport) as client:
            listed = await client.runs("u3")
        assert [r.run_id for r in listed] == [paused["run_id"], done["run_id"]]
        assert listed[1].usage.steps == runs[1]["usage"]["steps"]


@pytest.fixture
async def service(postgres_url: str) -> AsyncIterator[QueuedRuns]:
    async with queued_runs(postgres_url, AGENTS) as runs:
        yield runs


async def work(url: str, engines: ShopEngines) -> None:
    """One worker runs everything queued, then stops."""
    await asyncio.wait_for(RunWorker(url, engines).run(wait=False, heartbeat=0.5), 10)


async def test_the_postgresql_service_keeps_each_runs_usage_and_lists_a_threads_runs(
    postgres_url: str, service: QueuedRuns
) -> None:
    t = f"u-{uuid.uuid4().hex[:8]}"
    await service.create_thread(t)
    async with postgres_saver(postgres_url) as saver:
        engines = ShopEngines(saver)
        first = await service.start(t, "gated", "tea please")
        assert first.usage == RunUsage()
        await work(postgres_url, engines)
        paused = await service.wait(t, first.run_id, 5)
        assert paused.status == "paused"
        second = await service.resume(t, {"a": "approve"})
        await work(postgres_url, engines)
        done = await service.wait(t, second.run_id, 5)
    assert done.status == "done"
    assert (done.usage.steps, done.usage.tool_calls) == (2, 2)
    assert (done.usage.tokens, done.usage.cost) == (0, 0.0)  # a scripted planner: no tokens
    transport = httpx.ASGITransport(app=create_app(service))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        runs = (await http.get(f"/threads/{t}/runs")).json()
        assert [r["run_id"] for r in runs] == [first.run_id, second.run_id]
        assert runs[1]["usage"] == done.usage.model_dump()
        assert (await http.get("/threads/none-such/runs")).status_code == 404


async def test_a_run_table_made_before_usage_gains_it_and_set_run_keeps_it(
    postgres_url: str,
) -> None:
    schema = f"nousage_{uuid.uuid4().hex[:8]}"
    sep = "&" if "?" in postgres_url else "?"
    table = RunTable(f"{postgres_url}{sep}options=-csearch_path%3D{schema}")
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
    await table.setup()
    async with await psycopg.AsyncConnection.connect(table.url, autocommit=True) as conn:
        await conn.execute("ALTER TABLE plangate_runs DROP COLUMN usage")  # as it was made
    await table.setup()  # not taken for current: the column it gained last is missing
    t = f"u-{uuid.uuid4().hex[:8]}"
    await table.create_thread(t, {})
    run = await table.add_run(t, "start", agent_id="shop")
    used = RunUsage(model_calls=3, tokens=1200, cost=0.01, steps=2)
    ended = await table.set_run(run.run_id, status="done", usage=used.model_dump())
    assert ended is not None
    assert ended.usage == used
    assert (await table.runs(t))[0].usage == used
    with pytest.raises(NotFoundError, match="no thread 'none-such'"):
        await table.runs("none-such")
