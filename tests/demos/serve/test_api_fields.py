"""Threads and runs by the Agent Protocol's names, on both services: ``agent_id``,
``created_at`` and ``updated_at`` (ISO 8601 with a timezone), and a run's ``metadata``.

The embedded service stamps times from its clock (a ``FakeClock`` here, so each stamp is known);
the PostgreSQL one from the database's ``now()``, so its tests compare stamps with each other.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from plangate.demos.serve.app import create_app
from plangate.demos.serve.queued import queued_runs
from plangate.demos.serve.run_table import RunTable
from plangate.tools.clock import FakeClock
from tests.demos.serve.api import BOOK, FIND, NOW, Gate, serve
from tests.demos.serve.queue_fixtures import AGENTS


def at(seconds: float) -> str:
    """``NOW`` plus ``seconds``, as the API writes a time."""
    return (NOW + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def test_a_thread_and_its_run_say_when_they_were_made_and_last_changed(
    tmp_path: Path,
) -> None:
    clock = FakeClock(NOW)
    async with serve(tmp_path, clock=clock) as server:
        gate = Gate(server.service, "tables")
        gate.install()
        http = server.http
        made = (await http.post("/threads", json={"thread_id": "m1"})).json()
        assert (made["created_at"], made["updated_at"]) == (at(0), at(0))
        clock.advance(60)
        body = {"agent_id": "tables", "input": {"request": FIND}, "metadata": {"user": "ana"}}
        run = (await http.post("/threads/m1/runs", json=body)).json()
        assert (run["agent_id"], run["metadata"]) == ("tables", {"user": "ana"})
        assert (run["created_at"], run["updated_at"]) == (at(60), at(60))
        busy = (await http.get("/threads/m1")).json()
        assert (busy["agent_id"], busy["created_at"], busy["updated_at"]) == (
            "tables", at(0), at(60),
        )  # fmt: skip
        clock.advance(30)
        gate.open()
        ended = await server.service.wait("m1", run["run_id"], 5)
        assert ended.status == "done"
        assert ended.created_at == NOW + timedelta(seconds=60)
        assert ended.updated_at >= NOW + timedelta(seconds=90)  # moved when the run ended
        got = (await http.get(f"/threads/m1/runs/{run['run_id']}")).json()
        assert got["metadata"] == {"user": "ana"}
        assert datetime.fromisoformat(got["updated_at"]) == ended.updated_at
        thread = (await http.get("/threads/m1")).json()
        assert (thread["status"], thread["created_at"]) == ("done", at(0))
        assert datetime.fromisoformat(thread["updated_at"]) == ended.updated_at


async def test_a_resume_is_a_run_with_its_own_metadata_and_times(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with serve(tmp_path, clock=clock) as server:
        http = server.http
        await http.post("/threads", json={"thread_id": "m2"})
        start = {"agent_id": "tables", "input": {"request": BOOK}}
        paused = (await http.post("/threads/m2/runs/wait", json=start)).json()
        assert (paused["status"], paused["metadata"]) == ("paused", {})
        clock.advance(300)
        decided = {"command": {"resume": {"book": "approve"}}, "metadata": {"approver": "bo"}}
        done = (await http.post("/threads/m2/runs/wait", json=decided)).json()
        assert (done["status"], done["agent_id"]) == ("done", "tables")
        assert done["metadata"] == {"approver": "bo"}
        assert done["created_at"] > paused["updated_at"]
        assert done["created_at"] <= done["updated_at"]


async def test_threads_are_searched_by_agent_id_and_an_unknown_field_is_refused(
    tmp_path: Path,
) -> None:
    async with serve(tmp_path, clock=FakeClock(NOW)) as server:
        http = server.http
        for thread_id in ("s1", "s2", "s3"):
            await http.post("/threads", json={"thread_id": thread_id})
        run = {"agent_id": "tables", "input": {"request": FIND}}
        await http.post("/threads/s1/runs/wait", json=run)
        await http.post("/threads/s3/runs/wait", json=run)
        found = (await http.post("/threads/search", json={"agent_id": "tables"})).json()
        assert [t["thread_id"] for t in found] == ["s1", "s3"]  # oldest first
        none = await http.post("/threads/search", json={"agent_id": "reservation"})
        assert none.json() == []
        old = await http.post("/threads/search", json={"agent": "tables"})
        assert old.status_code == 422
        assert old.json()["error"] == "invalid_request"
        assert "agent" in old.json()["detail"]
        assert "Extra inputs are not permitted" in old.json()["detail"]
        extra = await http.post("/threads/s2/runs", json={**run, "agent": "tables"})
        assert extra.status_code == 422


async def test_the_run_table_stamps_each_change_and_keeps_a_runs_metadata(
    postgres_url: str,
) -> None:
    table = RunTable(postgres_url)
    await table.setup()
    thread_id = f"f-{uuid.uuid4().hex[:8]}"
    made = await table.create_thread(thread_id, {"k": 1})
    assert made.created_at == made.updated_at
    assert made.created_at.utcoffset() is not None
    run = await table.add_run(thread_id, "start", agent_id="tables", metadata={"user": "ana"})
    assert (run.agent_id, run.metadata) == ("tables", {"user": "ana"})
    assert run.created_at == run.updated_at >= made.created_at
    busy = await table.thread(thread_id)
    assert (busy.agent_id, busy.created_at) == ("tables", made.created_at)
    assert busy.updated_at == run.created_at  # stamped in the transaction that added the run
    ended = await table.set_run(run.run_id, status="done", response={"ok": True})
    assert ended is not None
    assert ended.metadata == {"user": "ana"}
    assert ended.created_at == run.created_at
    assert ended.updated_at > run.updated_at
    thread = await table.thread(thread_id)
    assert (thread.status, thread.updated_at) == ("done", ended.updated_at)
    found = await table.search(status=None, agent_id="tables", limit=100, offset=0)
    assert thread_id in [t.thread_id for t in found]
    assert await table.search(status=None, agent_id="nobody", limit=100, offset=0) == []


OLD_SCHEMA = """
CREATE TABLE plangate_threads (
    seq BIGSERIAL, thread_id TEXT PRIMARY KEY, agent TEXT,
    status TEXT NOT NULL DEFAULT 'idle', metadata JSONB NOT NULL DEFAULT '{}', run_id TEXT
);
CREATE TABLE plangate_runs (
    run_id TEXT PRIMARY KEY, thread_id TEXT NOT NULL REFERENCES plangate_threads (thread_id),
    agent TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', response JSONB,
    approvals JSONB NOT NULL DEFAULT '[]', error JSONB
);
INSERT INTO plangate_threads (thread_id, agent, status, run_id) VALUES ('old', 'tables', 'done', 'r0');
INSERT INTO plangate_runs (run_id, thread_id, agent, status) VALUES ('r0', 'old', 'tables', 'done');
"""
"""The tables as a database made before threads and runs had times and runs metadata."""


async def test_tables_made_before_the_times_existed_gain_them_at_setup(postgres_url: str) -> None:
    schema = f"old_{uuid.uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
        await conn.execute(f"SET search_path TO {schema}")
        await conn.execute(OLD_SCHEMA)
    sep = "&" if "?" in postgres_url else "?"
    table = RunTable(f"{postgres_url}{sep}options=-csearch_path%3D{schema}")
    await table.setup()
    await table.setup()  # a second server starting finds nothing left to do
    thread = await table.thread("old")
    assert thread.created_at <= thread.updated_at
    run = await table.run("old", "r0")
    assert (run.agent_id, run.metadata, run.status) == ("tables", {}, "done")
    assert run.created_at.utcoffset() is not None


@pytest.fixture
async def queued_http(postgres_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The API over the PostgreSQL service (no worker: its runs stay queued)."""
    async with queued_runs(postgres_url, AGENTS) as service:
        transport = httpx.ASGITransport(app=create_app(service))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def test_the_postgresql_service_answers_by_the_same_names(
    queued_http: httpx.AsyncClient,
) -> None:
    thread_id = f"q-{uuid.uuid4().hex[:8]}"
    made = (await queued_http.post("/threads", json={"thread_id": thread_id})).json()
    assert made["agent_id"] is None
    assert made["created_at"] == made["updated_at"]
    body: dict[str, Any] = {"agent_id": "shop", "input": {"request": "tea"}}
    run = (
        await queued_http.post(f"/threads/{thread_id}/runs", json={**body, "metadata": {"n": 2}})
    ).json()
    assert (run["agent_id"], run["status"], run["metadata"]) == ("shop", "pending", {"n": 2})
    url = f"/threads/{thread_id}/runs/{run['run_id']}"
    cancelled = (await queued_http.post(f"{url}/cancel")).json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["metadata"] == {"n": 2}
    assert datetime.fromisoformat(cancelled["updated_at"]) > datetime.fromisoformat(
        run["updated_at"]
    )
    thread = (await queued_http.get(f"/threads/{thread_id}")).json()
    assert (thread["agent_id"], thread["status"]) == ("shop", "interrupted")
    assert thread["updated_at"] == cancelled["updated_at"]
    search = {"agent_id": "shop", "status": "interrupted", "limit": 100}
    found = (await queued_http.post("/threads/search", json=search)).json()
    assert thread_id in [t["thread_id"] for t in found]
