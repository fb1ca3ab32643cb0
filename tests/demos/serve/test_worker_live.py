"""A worker that keeps running: it stops a run a client cancels, and picks up a dead worker's run."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import psycopg
import pytest

from plangate.demos.serve.queue import QUEUE, open_queue
from plangate.demos.serve.queued import QueuedRuns, queued_runs
from plangate.demos.serve.runs import StoredEvent
from plangate.demos.serve.worker import RunWorker
from tests.demos.serve.queue_fixtures import (
    AGENTS,
    ShopEngines,
    kinds,
    postgres_saver,
    queued_jobs,
)


@pytest.fixture
async def engines(postgres_url: str) -> AsyncIterator[ShopEngines]:
    async with postgres_saver(postgres_url) as saver:
        yield ShopEngines(saver)


@pytest.fixture
async def service(postgres_url: str) -> AsyncIterator[QueuedRuns]:
    async with queued_runs(postgres_url, AGENTS) as runs:
        yield runs


async def stop(worker: asyncio.Task[None]) -> None:
    worker.cancel()
    await asyncio.wait_for(asyncio.gather(worker, return_exceptions=True), 5)


async def test_a_running_run_that_is_cancelled_stops_and_says_so(
    postgres_url: str, service: QueuedRuns, engines: ShopEngines
) -> None:
    t = f"l-{uuid.uuid4().hex[:8]}"
    await service.create_thread(t)
    engines.shop.hold = True
    run = await service.start(t, "shop", "tea")
    worker = asyncio.create_task(RunWorker(postgres_url, engines).run(heartbeat=0.5))
    try:
        await asyncio.wait_for(engines.shop.reached.wait(), 5)
        assert (await service.status(t, run.run_id)).status == "running"
        assert (await service.cancel(t, run.run_id)).status == "cancelled"
        events = await asyncio.wait_for(_all(service, t, run.run_id), 8)
    finally:
        await stop(worker)
    assert kinds(events)[-1] == "run_failed"  # a stream stops at run_ended, not passing it on
    assert (await service.status(t, run.run_id)).status == "cancelled"
    assert engines.shop.calls == ["order:tea"]  # the read after the write never ran
    assert await queued_jobs(postgres_url, t) == []  # aborted, then deleted by its worker
    assert (await service.thread(t)).status == "interrupted"


async def test_a_dead_workers_run_is_swept_up_by_a_live_worker(
    postgres_url: str, service: QueuedRuns, engines: ShopEngines
) -> None:
    t = f"l-{uuid.uuid4().hex[:8]}"
    await service.create_thread(t)
    async with open_queue(postgres_url) as app:
        # Another worker claimed the run; it still beats when the live worker starts...
        run = await service.start(t, "shop", "tea")
        dead = await app.job_manager.register_worker()
        claimed = await app.job_manager.fetch_job(queues=[QUEUE], worker_id=dead)
        assert claimed is not None
    live = RunWorker(postgres_url, engines).run(heartbeat=0.1, stalled_after=1.0)
    worker = asyncio.create_task(live)
    try:
        assert (await service.wait(t, run.run_id, 0.05)).status == "pending"
        # ...then dies: its last heartbeat grows old, and the live worker's sweep retries it.
        async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
            await conn.execute(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' "
                "WHERE id = %s",
                (dead,),
            )
        done = await service.wait(t, run.run_id, 8)
    finally:
        await stop(worker)
    assert done.status == "done"
    assert engines.orders() == 1
    assert await queued_jobs(postgres_url, t) == []  # the retried job is gone once it ended
    assert (await service.status(t, run.run_id)).status == "done"


async def _all(service: QueuedRuns, thread: str, run_id: str) -> list[StoredEvent]:
    return [event async for event in service.events(thread, run_id)]
