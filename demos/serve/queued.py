"""``QueuedRuns``: the API's ``RunService`` over the PostgreSQL run queue and its workers.

An API server holding a ``QueuedRuns`` runs nothing itself. Starting or resuming a run adds it
to the runs table (``plangate.demos.serve.run_table``, where the one-run-per-thread rule is kept
under a row lock) and queues a ``run`` job (``plangate.demos.serve.queue``); a worker anywhere
runs it and writes its events and status. Events are read from the events table, live through
LISTEN/NOTIFY (``plangate.demos.serve.events``), so any API server streams any run, and a stream
resumes after the last event id its client saw.

The runs and events tables are the store's (``Store.runs``, ``Store.events``): one store opens
and sets them up once, and the server's streams share the store's one LISTEN connection.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import procrastinate

from plangate.demos.serve.events import EventLog
from plangate.demos.serve.queue import RunJob, enqueue_run, open_queue
from plangate.demos.serve.run_table import RunTable
from plangate.demos.serve.runs import (
    ACTIVE,
    NotFoundError,
    RunInfo,
    StoredEvent,
    ThreadInfo,
    ThreadStatus,
)
from plangate.demos.serve.store import Store, open_store
from plangate.demos.serve.worker import CANCELLED, RUN_ENDED
from plangate.tools.errors import UsageError

__all__ = ["QueuedRuns", "queued_runs"]

_FOLLOW_IDLE = 3600.0
"""How long an event stream waits with no event before it ends (a run's events may pause for a
slow tool, never this long); a client reconnects after the last id it saw."""


class QueuedRuns:
    """A ``RunService`` whose runs go to the queue (see the module doc).

    Args:
        app: the queue's procrastinate app, open (``open_queue``).
        agents: the agents served: name → what it does. Workers must know the same names.
        events: the events table.
        runs: the threads and runs tables.
    """

    def __init__(
        self, app: procrastinate.App, agents: Mapping[str, str], events: EventLog, runs: RunTable
    ) -> None:
        self._app = app
        self._agents = dict(agents)
        self._events = events
        self._runs = runs

    def agents(self) -> dict[str, str]:
        return dict(self._agents)

    async def create_thread(
        self, thread_id: str | None = None, metadata: Mapping[str, Any] | None = None
    ) -> ThreadInfo:
        tid = thread_id if thread_id is not None else uuid.uuid4().hex[:12]
        if not tid or len(tid) > 128 or not tid.replace("-", "").replace("_", "").isalnum():
            raise UsageError(f"thread id {tid!r} must be 1 to 128 letters, digits, '-' or '_'")
        return await self._runs.create_thread(tid, metadata or {})

    async def thread(self, thread_id: str) -> ThreadInfo:
        return await self._runs.thread(thread_id)

    async def search_threads(
        self,
        *,
        status: ThreadStatus | None = None,
        agent_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[ThreadInfo]:
        return await self._runs.search(status=status, agent_id=agent_id, limit=limit, offset=offset)

    async def start(
        self,
        thread_id: str,
        agent_id: str,
        request: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        if agent_id not in self._agents:
            raise NotFoundError(
                f"no agent {agent_id!r} is served; choose one of: {', '.join(self._agents)}"
            )
        info = await self._runs.add_run(thread_id, "start", agent_id=agent_id, metadata=metadata)
        job = RunJob(thread_id=thread_id, run_id=info.run_id, agent=agent_id, request=request)
        return await self._enqueue(info, job)

    async def resume(
        self,
        thread_id: str,
        decisions: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        paused = await self._runs.thread(thread_id)
        answered = await self._runs.run(thread_id, paused.run_id) if paused.run_id else None
        info = await self._runs.add_run(thread_id, "resume", decisions=decisions, metadata=metadata)
        job = RunJob(
            thread_id=thread_id, run_id=info.run_id, agent=info.agent_id, action="resume",
            decisions=dict(decisions), answers=answered.approvals if answered else None,
        )  # fmt: skip
        return await self._enqueue(info, job)

    async def _enqueue(self, info: RunInfo, job: RunJob) -> RunInfo:
        try:
            await enqueue_run(self._app, job)
        except Exception as exc:
            # The run cannot be queued: it ends now, so the thread is not left busy.
            error = {"type": type(exc).__name__, "message": f"the run could not be queued: {exc}"}
            await self._runs.set_run(info.run_id, status="failed", error=error)
            raise
        return info

    async def status(self, thread_id: str, run_id: str) -> RunInfo:
        return await self._runs.run(thread_id, run_id)

    async def runs(self, thread_id: str) -> list[RunInfo]:
        return await self._runs.runs(thread_id)

    async def cancel(self, thread_id: str, run_id: str) -> RunInfo:
        info = await self._runs.run(thread_id, run_id)
        if info.status not in ACTIVE:
            return info
        await self._runs.set_run(run_id, status="cancelled", error=CANCELLED)
        jobs = await self._app.job_manager.list_jobs_async(lock=thread_id)
        waiting = True
        for job in jobs:
            if job.id is None or (job.task_kwargs or {}).get("run_id") != run_id:
                continue
            if job.status == "doing":
                waiting = False  # the worker's run stops and writes its last events
            if job.status in ("todo", "doing"):
                # A waiting job goes at once; a running one when its worker ends it.
                await self._app.job_manager.cancel_job_by_id_async(
                    job.id, abort=True, delete_job=True
                )
        if waiting:
            failed = {"kind": "run_failed", "error": CANCELLED["type"]}
            ended = {"kind": RUN_ENDED, "thread_id": thread_id, "status": "cancelled"}
            await self._events.append(
                thread_id, run_id, [{**failed, "message": CANCELLED["message"]}, ended]
            )
        return await self._runs.run(thread_id, run_id)

    async def wait(self, thread_id: str, run_id: str, seconds: float) -> RunInfo:
        info = await self._runs.run(thread_id, run_id)
        if info.status not in ACTIVE or seconds <= 0:
            return info
        try:
            async with asyncio.timeout(seconds):
                async for _ in self.events(thread_id, run_id):
                    pass
        except TimeoutError:
            pass
        return await self._runs.run(thread_id, run_id)

    async def events(
        self, thread_id: str, run_id: str, after: int = 0
    ) -> AsyncIterator[StoredEvent]:
        await self._runs.run(thread_id, run_id)  # NotFoundError for an unknown run
        async for stored in self._events.follow(thread_id, after=after, idle=_FOLLOW_IDLE):
            if stored.run_id != run_id:
                continue
            if stored.event.get("kind") == RUN_ENDED:
                return  # the worker's word that the run ended: not an engine event for clients
            yield stored


@asynccontextmanager
async def queued_runs(store: Store | str, agents: Mapping[str, str]) -> AsyncIterator[QueuedRuns]:
    """A ``QueuedRuns`` over ``store``'s runs and events tables, its queue open for the block.

    Args:
        store: an open PostgreSQL store, or its URL (the store is then opened for the block).
        agents: the agents served: name → what it does.

    Raises:
        UsageError: the store is not on PostgreSQL (an embedded store queues nothing).
    """
    if isinstance(store, str):
        async with open_store(store) as opened, queued_runs(opened, agents) as service:
            yield service
        return
    if store.runs is None or store.events is None:
        raise UsageError(
            f"queued runs need a postgresql:// store, got {store.url}: an embedded store "
            "runs its runs in the server's process"
        )
    async with open_queue(store.url.url) as app:
        yield QueuedRuns(app, agents, store.events, store.runs)
