"""A worker that dies mid-run: its stalled job is retried and the run completes, each write once."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest

from plangate.demos.serve.events import EventLog
from plangate.demos.serve.queue import (
    QUEUE,
    RUN_TASK,
    RunJob,
    enqueue_run,
    open_queue,
    retry_stalled_runs,
)
from plangate.demos.serve.worker import RunWorker
from tests.demos.serve.queue_fixtures import ShopEngines, kinds, postgres_saver


async def test_a_stalled_run_is_retried_and_ends_with_each_write_once(postgres_url: str) -> None:
    t = f"w-{uuid.uuid4().hex[:8]}"
    job = RunJob(thread_id=t, run_id="r1", agent="shop", request="tea")
    async with postgres_saver(postgres_url) as saver:
        engines = ShopEngines(saver)
        worker = RunWorker(postgres_url, engines)
        await worker.setup()
        async with open_queue(postgres_url) as app:
            job_id = await enqueue_run(app, job)
            # The first worker claims the job and runs it up to the read after the write...
            dead = await app.job_manager.register_worker()
            claimed = await app.job_manager.fetch_job(queues=[QUEUE], worker_id=dead)
            assert claimed is not None
            assert claimed.id == job_id
            engines.shop.hold = True
            running = asyncio.create_task(worker.handle(job))
            await asyncio.wait_for(engines.shop.reached.wait(), 5)
            # ...and dies there: its task is gone and it beats no more.
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            engines.shop.hold = False
            async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as c:
                await c.execute(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                    " WHERE id = %s",
                    (dead,),
                )
            assert (await engines("shop").result(t)).status == "interrupted"
            assert engines.orders() == 1
            assert await retry_stalled_runs(app, seconds_since_heartbeat=60) == 1
            assert await retry_stalled_runs(app, seconds_since_heartbeat=60) == 0
        # Another worker claims the retried job and continues the thread from its checkpoint.
        await asyncio.wait_for(worker.run(wait=False, heartbeat=0.5, stalled_after=5), 10)
        result = await engines("shop").result(t)
    assert result.status == "done"
    assert engines.orders() == 1
    assert engines.shop.calls.count("order:tea") == 1
    events = await EventLog(postgres_url).read(t)
    assert kinds(events).count("run_started") == 2
    assert events[-1].event == {"kind": "run_ended", "thread_id": t, "status": "done"}


async def test_a_retried_job_of_a_finished_run_only_reports_it(postgres_url: str) -> None:
    t = f"w-{uuid.uuid4().hex[:8]}"
    job = RunJob(thread_id=t, run_id="r1", agent="shop", request="tea")
    async with postgres_saver(postgres_url) as saver:
        engines = ShopEngines(saver)
        worker = RunWorker(postgres_url, engines)
        await worker.setup()
        await worker.handle(job)
        await worker.handle(job)  # the worker died after the run's end, before the job's
    assert engines.orders() == 1
    ended = [
        e.event["status"]
        for e in await EventLog(postgres_url).read(t)
        if e.event["kind"] == "run_ended"
    ]
    assert ended == ["done", "done"]


async def test_two_sweeps_that_see_one_stalled_run_put_it_back_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = RunJob(thread_id=f"w-{uuid.uuid4().hex[:8]}", run_id="r1", agent="shop", request="tea")
    async with open_queue(postgres_url) as app:
        job_id = await enqueue_run(app, job)
        dead = await app.job_manager.register_worker()
        claimed = await app.job_manager.fetch_job(queues=[QUEUE], worker_id=dead)
        assert claimed is not None
        assert claimed.id == job_id
        async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as c:
            await c.execute(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                " WHERE id = %s",
                (dead,),
            )
        seen = await app.job_manager.get_stalled_jobs(
            task_name=RUN_TASK, seconds_since_heartbeat=60
        )
        assert [j.id for j in seen] == [job_id]
        assert await retry_stalled_runs(app, seconds_since_heartbeat=60) == 1  # one sweep...

        async def what_the_other_sweep_saw(**_: object) -> list[object]:
            return list(seen)

        monkeypatch.setattr(app.job_manager, "get_stalled_jobs", what_the_other_sweep_saw)
        # ...and the other, which saw the same job before it was put back, is refused: no error
        assert await retry_stalled_runs(app, seconds_since_heartbeat=60) == 0
