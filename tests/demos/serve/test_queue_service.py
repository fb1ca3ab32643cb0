"""``QueuedRuns``: the API's run seam over the queue, with a worker running what it queues."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from plangate.demos.serve.queued import QueuedRuns, queued_runs
from plangate.demos.serve.runs import (
    ConflictError,
    NotFoundError,
    NotPausedError,
    StoredEvent,
    ThreadBusyError,
)
from plangate.demos.serve.store import open_store
from plangate.demos.serve.worker import RunWorker
from plangate.tools.errors import UsageError
from tests.demos.serve.queue_fixtures import (
    AGENTS,
    ShopEngines,
    kinds,
    postgres_saver,
    queued_jobs,
)


def thread() -> str:
    return f"s-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def service(postgres_url: str) -> AsyncIterator[QueuedRuns]:
    async with queued_runs(postgres_url, AGENTS) as runs:
        yield runs


@pytest.fixture
async def engines(postgres_url: str) -> AsyncIterator[ShopEngines]:
    async with postgres_saver(postgres_url) as saver:
        yield ShopEngines(saver)


async def work(url: str, engines: ShopEngines) -> None:
    """One worker runs everything queued, then stops."""
    await asyncio.wait_for(RunWorker(url, engines).run(wait=False, heartbeat=0.5), 10)


async def collect(events: AsyncIterator[StoredEvent]) -> list[StoredEvent]:
    return await asyncio.wait_for(_all(events), 5)


async def _all(events: AsyncIterator[StoredEvent]) -> list[StoredEvent]:
    return [event async for event in events]


async def test_a_gated_run_pauses_and_a_resume_finishes_it(
    postgres_url: str, service: QueuedRuns, engines: ShopEngines
) -> None:
    t = thread()
    await service.create_thread(t, {"user": "ana"})
    first = await service.start(t, "gated", "tea please")
    assert first.status == "pending"
    assert (await service.thread(t)).status == "busy"
    await work(postgres_url, engines)
    paused = await service.wait(t, first.run_id, 5)
    assert paused.status == "paused"
    assert [a["id"] for a in paused.approvals] == ["a"]
    assert await queued_jobs(postgres_url, t) == []  # the run's table keeps what it came to
    assert engines.orders() == 0
    events = await collect(service.events(t, first.run_id))
    assert kinds(events)[0] == "run_started"
    assert "approval_requested" in kinds(events)
    assert "run_ended" not in kinds(events)  # the worker's own marker is not passed on
    later = await collect(service.events(t, first.run_id, after=events[0].id))
    assert later == events[1:]
    with pytest.raises(ConflictError, match="has run already"):
        await service.start(t, "gated", "more tea")
    with pytest.raises(UsageError, match="missing decisions for a"):
        await service.resume(t, {})
    second = await service.resume(t, {"a": "approve"})
    await work(postgres_url, engines)
    done = await service.wait(t, second.run_id, 5)
    assert done.status == "done"
    assert done.response is not None
    assert engines.orders() == 1
    assert await queued_jobs(postgres_url, t) == []
    assert (await service.thread(t)).model_dump(exclude={"created_at", "updated_at"}) == {
        "thread_id": t, "agent_id": "gated", "status": "done", "metadata": {"user": "ana"},
        "run_id": second.run_id,
    }  # fmt: skip
    with pytest.raises(NotPausedError):
        await service.resume(t, {"a": "approve"})


async def test_a_busy_thread_refuses_a_second_run_and_a_cancelled_run_never_runs(
    postgres_url: str, service: QueuedRuns, engines: ShopEngines
) -> None:
    t = thread()
    await service.create_thread(t)
    run = await service.start(t, "shop", "tea")
    with pytest.raises(ThreadBusyError, match="busy with run"):
        await service.start(t, "shop", "tea")
    with pytest.raises(ThreadBusyError):
        await service.resume(t, {"a": "approve"})
    cancelled = await service.cancel(t, run.run_id)
    assert cancelled.status == "cancelled"
    assert cancelled.error == {"type": "Cancelled", "message": "the run was cancelled by a client"}
    assert (await service.thread(t)).status == "interrupted"
    assert await queued_jobs(postgres_url, t) == []  # never started: deleted at once
    await work(postgres_url, engines)
    assert engines.orders() == 0
    assert (await service.status(t, run.run_id)).status == "cancelled"
    events = await collect(service.events(t, run.run_id))
    assert kinds(events) == ["run_failed"]  # the engine's events only: run_ended stays inside
    assert (await service.cancel(t, run.run_id)).status == "cancelled"  # once is enough


async def test_threads_are_created_found_and_searched(service: QueuedRuns) -> None:
    t = thread()
    made = await service.create_thread(t, {"k": 1})
    assert made.status == "idle"
    assert await service.thread(t) == made
    with pytest.raises(ConflictError, match="exists already"):
        await service.create_thread(t)
    with pytest.raises(UsageError, match="letters, digits"):
        await service.create_thread("no spaces please")
    with pytest.raises(NotFoundError, match="no thread"):
        await service.thread(thread())
    with pytest.raises(NotFoundError, match="no agent 'nobody'"):
        await service.start(t, "nobody", "tea")
    with pytest.raises(NotFoundError, match="has no run"):
        await service.status(t, "r0")
    fresh = await service.create_thread()
    idle = await service.search_threads(status="idle", limit=1000)
    assert {t, fresh.thread_id} <= {info.thread_id for info in idle}
    assert await service.search_threads(agent_id="nobody") == []
    assert service.agents() == AGENTS


async def test_a_server_streams_through_its_stores_one_listen_connection(
    postgres_url: str,
) -> None:
    t = thread()
    async with open_store(postgres_url) as store, queued_runs(store, AGENTS) as service:
        assert store.events is not None
        await service.create_thread(t)
        run = await service.start(t, "shop", "tea")  # no worker: the test writes its events
        await store.events.append(t, run.run_id, [{"kind": "run_started"}])
        streams = [service.events(t, run.run_id) for _ in range(10)]
        firsts = await asyncio.wait_for(asyncio.gather(*(anext(s) for s in streams)), 5)
        assert kinds(firsts) == ["run_started"] * 10
        async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
            cursor = await conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND query LIKE 'LISTEN plangate_events%'"
            )
            assert await cursor.fetchone() == (1,)
        assert store.events.listener.connects == 1
        for stream in streams:
            await stream.aclose()


async def test_queued_runs_and_workers_need_a_postgresql_store(
    tmp_path: Path, engines: ShopEngines
) -> None:
    async with open_store(f"sqlite:{tmp_path / 'state'}") as embedded:
        with pytest.raises(UsageError, match="queued runs need a postgresql:// store"):
            async with queued_runs(embedded, AGENTS):
                pass
        with pytest.raises(UsageError, match="a worker needs a postgresql:// store"):
            RunWorker.over(embedded, engines)
