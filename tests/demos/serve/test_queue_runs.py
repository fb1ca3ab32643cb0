"""The run queue: a queued run is run by a worker, in order per thread, one start waiting."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from plangate.demos.serve.events import EventLog
from plangate.demos.serve.queue import (
    RunAlreadyQueuedError,
    RunJob,
    enqueue_run,
    ensure_schema,
    open_queue,
)
from plangate.demos.serve.worker import RunWorker
from plangate.tools.errors import UsageError
from tests.demos.serve.queue_fixtures import ShopEngines, kinds, postgres_saver, queued_jobs


def thread() -> str:
    return f"q-{uuid.uuid4().hex[:8]}"


async def test_the_schema_is_applied_once_however_many_start_together(postgres_url: str) -> None:
    await asyncio.gather(*(ensure_schema(postgres_url) for _ in range(3)))
    await ensure_schema(postgres_url)


async def test_a_queued_run_is_run_by_a_worker(postgres_url: str) -> None:
    t = thread()
    async with postgres_saver(postgres_url) as saver:
        engines = ShopEngines(saver)
        worker = RunWorker(postgres_url, engines)
        await worker.setup()
        async with open_queue(postgres_url) as app:
            await enqueue_run(app, RunJob(thread_id=t, run_id="r1", agent="shop", request="tea"))
        assert await queued_jobs(postgres_url, t) == ["todo"]
        await asyncio.wait_for(worker.run(wait=False, heartbeat=0.5, stalled_after=5), 10)
        result = await engines("shop").result(t)
    assert result.status == "done"
    assert engines.orders() == 1
    assert await queued_jobs(postgres_url, t) == []  # the job, and the request it held, are gone
    events = await EventLog(postgres_url).read(t)
    assert kinds(events)[0] == "run_started"
    assert kinds(events)[-1] == "run_ended"
    assert events[-1].event["status"] == "done"
    assert {e.run_id for e in events} == {"r1"}
    assert "step_finished" in kinds(events)


async def test_a_thread_has_one_start_waiting_at_most(postgres_url: str) -> None:
    t = thread()
    async with open_queue(postgres_url) as app:
        first = await enqueue_run(app, RunJob(thread_id=t, agent="shop", request="tea"))
        with pytest.raises(RunAlreadyQueuedError, match="already has a run waiting"):
            await enqueue_run(app, RunJob(thread_id=t, agent="shop", request="again"))
        await app.job_manager.cancel_job_by_id_async(first, delete_job=True)


async def test_an_app_that_only_queues_fails_the_jobs_it_would_run(postgres_url: str) -> None:
    t = thread()
    async with open_queue(postgres_url) as app:
        job = await enqueue_run(app, RunJob(thread_id=t, agent="shop", request="tea"))
        await asyncio.wait_for(app.run_worker_async(wait=False, install_signal_handlers=False), 10)
        status = await app.job_manager.get_job_status_async(job)
    assert status.value == "failed"


def test_the_queue_needs_a_postgresql_url() -> None:
    from plangate.demos.serve.queue import queue_app

    with pytest.raises(UsageError, match="needs a postgresql:// URL"):
        queue_app("sqlite:runs.db")


async def test_a_resume_of_a_thread_with_no_run_fails_its_job(postgres_url: str) -> None:
    async with postgres_saver(postgres_url) as saver:
        worker = RunWorker(postgres_url, ShopEngines(saver))
        await worker.setup()
        with pytest.raises(UsageError, match="has no run to resume"):
            await worker.handle(RunJob(thread_id=thread(), agent="shop", action="resume"))


async def test_a_retried_resume_never_applies_its_decisions_to_a_later_pause(
    postgres_url: str,
) -> None:
    t = thread()
    async with postgres_saver(postgres_url) as saver:
        engines = ShopEngines(saver)
        worker = RunWorker(postgres_url, engines)
        await worker.setup()
        await worker.handle(RunJob(thread_id=t, run_id="r1", agent="gated", request="tea"))
        paused = await engines("gated").result(t)
        assert paused.status == "paused"
        decisions = {str(a["id"]): "approve" for a in paused.approvals}
        # The pause this job answered had other calls (the run paused again since, its worker
        # died before the job ended, and the job is retried): it changes nothing.
        earlier = [{**a, "args": {"item": "cake"}} for a in paused.approvals]
        stale = RunJob(thread_id=t, run_id="r2", agent="gated", action="resume",
                       decisions=decisions, answers=earlier)  # fmt: skip
        await worker.handle(stale)
        assert (await engines("gated").result(t)).status == "paused"
        assert engines.orders() == 0
        # The job answering this pause applies its decisions.
        answer = RunJob(thread_id=t, run_id="r3", agent="gated", action="resume",
                        decisions=decisions, answers=paused.approvals)  # fmt: skip
        await worker.handle(answer)
        assert (await engines("gated").result(t)).status == "done"
    assert engines.orders() == 1
