"""The worker: claims queued runs and runs them with the engine, over the shared store.

Any number of workers (``plangate worker --store postgresql://…``) share one database. Each job
of the ``run`` task (``plangate.demos.serve.queue``) names a thread and an agent; the worker
builds the agent's ``Engine`` over the store's checkpointer and ledger, runs the thread and
writes its events to the events table (``plangate.demos.serve.events``), ending with a
``run_ended`` event that carries the run's status. The answer's tokens are written coalesced,
a piece of about 160 characters a row, never a row a token (``token_pieces``).

A worker that dies mid-run stops beating. ``RunWorker.run`` looks for such stalled jobs every
``stalled_after / 2`` seconds and puts them back in the queue; the worker that claims one finds
the thread *interrupted* in its checkpoint and continues it from there (``Engine.stream_recover``):
finished steps are not run again, and a write that was in flight goes through the idempotency
ledger, which settles it — none happens twice, none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from plangate.demos.serve.events import EventLog
from plangate.demos.serve.queue import (
    DELETE_JOBS,
    QUEUE,
    RunJob,
    open_queue,
    retry_stalled_runs,
)
from plangate.demos.serve.run_table import RunTable
from plangate.demos.serve.runs import RunUsage
from plangate.demos.serve.store import Store
from plangate.demos.serve.token_pieces import coalesce_tokens
from plangate.graphs.engine import Engine, RunResult, apply_gc_policy
from plangate.graphs.engine.events import Event, RunFailed
from plangate.tools.errors import UsageError

__all__ = ["CANCELLED", "RUN_ENDED", "EngineFactory", "Hold", "RunWorker", "serve_worker"]

RUN_ENDED = "run_ended"
"""The kind of the last event a worker writes for a run: ``{"status": ..., "thread_id": ...}``."""

CANCELLED = {"type": "Cancelled", "message": "the run was cancelled by a client"}
"""The error of a run a client cancelled."""

EngineFactory = Callable[[str], Engine]
"""The engine for an agent reference, over the store's checkpointer and ledger."""

Hold = Callable[[RunJob], AbstractAsyncContextManager[object]]
"""What a job's run holds while it executes (the sandbox world: ``Worlds.hold``)."""


class RunWorker:
    """Runs the queued runs of the database at ``url``.

    Args:
        url: the store's ``postgresql://`` URL (queue, events, checkpoints, ledger).
        engines: the engine for an agent's reference; it must persist to the shared store,
            or another worker could not continue a run this one started.
        events: where run events go (a log of its own on ``url`` when ``None``).
        runs: where runs' statuses go (a table of its own on ``url`` when ``None``);
            ``RunWorker.over`` takes both from an open store instead, as ``plangate worker`` does.
        hold: entered around each job's execution, before its engine is asked for; the
            catalog's engines hold the sandbox world there, so runs see it as committed.
    """

    def __init__(
        self,
        url: str,
        engines: EngineFactory,
        *,
        events: EventLog | None = None,
        runs: RunTable | None = None,
        hold: Hold | None = None,
    ) -> None:
        self.url = url
        self.engines = engines
        self.hold: Hold = hold or (lambda job: contextlib.nullcontext())
        self.events = events or EventLog(url)
        self.runs = runs or RunTable(url)
        self._set_up = False

    @classmethod
    def over(cls, store: Store, engines: EngineFactory, *, hold: Hold | None = None) -> RunWorker:
        """A worker over the open ``store``: its runs and events tables, set up already.

        Raises:
            UsageError: the store is not on PostgreSQL (only there do workers share runs).
        """
        if store.runs is None or store.events is None:
            raise UsageError(f"a worker needs a postgresql:// store, got {store.url}")
        worker = cls(store.url.url, engines, events=store.events, runs=store.runs, hold=hold)
        worker._set_up = True  # open_store created the tables
        return worker

    async def setup(self) -> None:
        """Create the events and runs tables when they are missing (idempotent)."""
        if not self._set_up:
            await self.events.setup()
            await self.runs.setup()
            self._set_up = True

    async def handle(self, job: RunJob) -> None:
        """Run ``job``: start, resume or recover its thread, writing events and status.

        A job retried after its worker died finds the thread interrupted and recovers it; a
        job whose run already ended (its worker died after the last checkpoint) only reports
        the status again; a job whose run was cancelled does nothing.

        Raises:
            UsageError: the agent is unknown or keeps no checkpoints, or the job asks for
                what its thread cannot do; the run is marked ``failed`` first.
        """
        if job.run_id and await self.runs.is_cancelled(job.run_id):
            return
        await self.runs.set_run(job.run_id, status="running")
        try:
            result = await self._execute(job)
        except asyncio.CancelledError:
            # Cancelled by a client (procrastinate aborts the job): say so to the readers.
            # A worker shutting down leaves the run as it is, for another to continue.
            if job.run_id and await self.runs.is_cancelled(job.run_id):
                await self._end(job, "cancelled", CANCELLED)
            raise
        except Exception as exc:
            error = {"type": type(exc).__name__, "message": str(exc)}
            await self.runs.set_run(job.run_id, status="failed", error=error)
            await self._end(job, "failed", error)
            raise
        response = result.response.model_dump(mode="json") if result.response else None
        await self.runs.set_run(
            job.run_id, status=result.status, response=response,
            approvals=result.approvals, error=result.error,
            usage=RunUsage.of(result.usage).model_dump(),
        )  # fmt: skip
        await self._end(job, result.status, None)

    async def _execute(self, job: RunJob) -> RunResult:
        async with self.hold(job):
            return await self._execute_held(job)

    async def _execute_held(self, job: RunJob) -> RunResult:
        engine = self.engines(job.agent)
        if not engine.persistent:
            raise UsageError(
                f"agent {job.agent!r}: a queued run needs an engine with a checkpointer"
            )
        stream = await self._stream_for(engine, job)
        if stream is not None:
            async with self.events.connection() as conn:  # one connection for the run's events
                async for event in coalesce_tokens(stream):
                    await self.events.append(
                        job.thread_id, job.run_id, [_as_json(event)], conn=conn
                    )
        return await engine.result(job.thread_id)

    async def _end(self, job: RunJob, status: str, error: dict[str, str] | None) -> None:
        """Write the run's last events: ``run_failed`` for an error, then ``run_ended``."""
        events: list[dict[str, Any]] = []
        if error is not None:
            failed = RunFailed(error=error["type"], message=error["message"])
            events.append(_as_json(failed))
        events.append({"kind": RUN_ENDED, "thread_id": job.thread_id, "status": status})
        await self.events.append(job.thread_id, job.run_id, events)

    async def _stream_for(self, engine: Engine, job: RunJob) -> AsyncIterator[Event] | None:
        """The events of what ``job`` asks, given where its thread stands."""
        thread = job.thread_id
        config: Any = {"configurable": {"thread_id": thread}}
        state = await engine.graph.aget_state(config)
        if not state.values:  # a thread with no checkpoint yet: this is its start
            if job.action != "start":
                raise UsageError(f"thread {thread!r} has no run to {job.action}")
            return engine.stream(job.request, thread_id=thread)
        current = await engine.result(thread)
        if current.status == "interrupted":
            return engine.stream_recover(thread)
        if job.action == "resume" and current.status == "paused":
            if job.answers is not None and _as_data(job.answers) != _as_data(current.approvals):
                # A retried job: its decisions were applied before its worker died, and the
                # run has paused again since, on calls no person has decided yet.
                return None
            return engine.stream_resume(thread, job.decisions)
        return None  # the run already ended (or is paused and this job is a retried start)

    async def run(
        self,
        *,
        wait: bool = True,
        concurrency: int = 4,
        heartbeat: float = 10.0,
        stalled_after: float = 30.0,
        name: str = "plangate-worker",
    ) -> None:
        """Claim and run queued runs until stopped (or, with ``wait=False``, until none is left).

        Args:
            wait: keep waiting for new runs; ``False`` returns once the queue is empty.
            concurrency: runs in parallel in this worker.
            heartbeat: seconds between this worker's heartbeats.
            stalled_after: seconds without a heartbeat after which a worker is taken as dead
                and its runs are retried; well above ``heartbeat``.
            name: the worker's name in procrastinate's logs and tables.

        Raises:
            UsageError: ``stalled_after`` is not above ``heartbeat``.
        """
        if stalled_after <= heartbeat:
            raise UsageError(
                f"stalled_after ({stalled_after}s) must be above heartbeat ({heartbeat}s), "
                "or live workers would be taken for dead"
            )
        await self.setup()
        async with open_queue(self.url, self.handle) as app:
            await retry_stalled_runs(app, seconds_since_heartbeat=stalled_after)
            sweeper = asyncio.create_task(self._sweep(app, stalled_after)) if wait else None
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    wait=wait,
                    concurrency=concurrency,
                    name=name,
                    update_heartbeat_interval=heartbeat,
                    # A retried run is announced by no NOTIFY: polling finds it, at most this late.
                    fetch_job_polling_interval=min(5.0, stalled_after / 2),
                    stalled_worker_timeout=stalled_after,
                    install_signal_handlers=wait,
                    delete_jobs=DELETE_JOBS,  # the run's own tables keep its outcome
                )
            finally:
                if sweeper is not None:
                    sweeper.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await sweeper

    async def _sweep(self, app: Any, stalled_after: float) -> None:
        """Retry the runs of dead workers, every half ``stalled_after``."""
        while True:
            await asyncio.sleep(stalled_after / 2)
            await retry_stalled_runs(app, seconds_since_heartbeat=stalled_after)


async def serve_worker(
    store: Store, engines: EngineFactory, *, hold: Hold | None = None, **options: Any
) -> None:
    """The ``plangate worker`` process: tune the collector for a server, then ``RunWorker.run``
    over ``store`` (``RunWorker.over``)."""
    apply_gc_policy()
    await RunWorker.over(store, engines, hold=hold).run(**options)


def _as_json(event: Event) -> dict[str, Any]:
    return event.model_dump(mode="json")


def _as_data(approvals: list[dict[str, Any]]) -> Any:
    """``approvals`` as the runs table keeps them (JSON), so two sources compare equal."""
    return json.loads(json.dumps(approvals, default=str))
