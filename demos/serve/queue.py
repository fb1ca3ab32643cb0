"""The run queue: procrastinate jobs on PostgreSQL, one task ``run``, one run per thread.

A run is queued as a procrastinate job of the task ``run`` (``RUN_TASK``) whose payload is a
``RunJob``: the thread, the agent's reference, and what to do — start with a request, resume with
a decision per pending approval, or recover an interrupted run. Workers claim jobs from the same
database (``plangate worker``); procrastinate gives the rest:

- ``lock=<thread>``: two jobs of one thread never run at the same time, whichever workers hold
  them; they run in the order they were queued.
- ``queueing_lock=<thread>`` on starts: a thread has at most one start waiting.
- worker heartbeats: a worker that died (SIGKILL, lost machine) stops beating; its ``doing`` jobs
  are then *stalled* (``JobManager.get_stalled_jobs``) and ``retry_stalled_runs`` puts them back,
  for another worker to continue the thread from its last checkpoint.

A job is deleted once it ends, whatever its outcome (``DELETE_JOBS``, procrastinate's
``delete_jobs="always"``). plangate records what a run came to in its own tables — the status,
answer and error in ``plangate_runs``, every event in ``plangate_events`` — so a finished job
tells nothing more, while its arguments hold the user's request as it came, unredacted: kept,
they would pile up forever and keep that text long after the run. A failed job is no exception:
the worker marks the run ``failed`` with its error before the job ends. Jobs that have not ended
stay: ``todo`` ones wait, ``doing`` ones carry the thread's lock, and a stalled one is put back to
``todo`` by ``retry_stalled_runs`` (a retry, not an end), to be deleted when its retry ends. A
cancelled job that never started is deleted at once (``QueuedRuns.cancel``).

The schema is applied on start when it is missing (``open_queue``), under an advisory lock so that
servers and workers starting together apply it once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

import procrastinate
import psycopg
from procrastinate import exceptions as queue_errors
from procrastinate.schema import SchemaManager
from pydantic import BaseModel, ConfigDict, Field

from plangate.tools.errors import UsageError

__all__ = [
    "DELETE_JOBS",
    "QUEUE",
    "RUN_TASK",
    "RunAlreadyQueuedError",
    "RunJob",
    "enqueue_run",
    "ensure_schema",
    "open_queue",
    "queue_app",
    "retry_stalled_runs",
]

RUN_TASK = "run"
"""The name of the one task: run (start, resume or recover) a thread."""

QUEUE = "runs"
"""The procrastinate queue runs go to."""

DELETE_JOBS = "always"
"""Which ended jobs a worker deletes: all of them (see the module doc)."""

_SCHEMA_LOCK = 0x706C616E67617465  # "plangate": the advisory lock taken while applying the schema

RunHandler = Callable[["RunJob"], Awaitable[None]]
"""What a worker does with a claimed run job."""


class RunAlreadyQueuedError(UsageError):
    """The thread already has a start waiting in the queue."""


class RunJob(BaseModel):
    """The payload of a ``run`` job.

    Attributes:
        thread_id: the thread the run belongs to.
        run_id: the run's id, which its events carry.
        agent: the agent's reference (an assistant's name or ``module:attribute``).
        action: ``start`` a new run with ``request``, ``resume`` a paused one with
            ``decisions``, or ``recover`` an interrupted one.
        request: the user's request (``start`` only).
        decisions: a decision per pending call id (``resume`` only).
        answers: the pending calls ``decisions`` answer, as the API saw them (``resume``
            only): a retried job whose run has paused again since, on other calls, must
            not apply them there (``RunWorker``).
    """

    model_config = ConfigDict(frozen=True)

    thread_id: str = Field(min_length=1)
    run_id: str = ""
    agent: str = Field(min_length=1)
    action: Literal["start", "resume", "recover"] = "start"
    request: str = ""
    decisions: dict[str, Any] = Field(default_factory=dict)
    answers: list[dict[str, Any]] | None = None


def queue_app(url: str, handler: RunHandler | None = None) -> procrastinate.App:
    """A procrastinate app on the PostgreSQL database at ``url``, with the ``run`` task.

    Args:
        url: a ``postgresql://`` URL.
        handler: what a worker does with a run job; ``None`` for an app that only queues
            (an API server), whose worker would fail the jobs it claimed.

    Raises:
        UsageError: ``url`` is not a PostgreSQL URL.
    """
    if not url.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"the run queue needs a postgresql:// URL, got {url!r}")
    connector = procrastinate.PsycopgConnector(conninfo=url, min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)

    async def run(**payload: Any) -> None:
        if handler is None:
            raise UsageError("this queue only enqueues runs: start `plangate worker` to run them")
        await handler(RunJob.model_validate(payload))

    app.task(name=RUN_TASK, queue=QUEUE, pass_context=False)(run)
    return app


async def ensure_schema(url: str) -> None:
    """Apply procrastinate's schema to the database at ``url`` unless it is there already.

    An advisory lock serialises processes that start together, so it is applied once.
    """
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            cursor = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            row = await cursor.fetchone()
            if row is None or not row[0]:
                schema = SchemaManager.get_schema()
                await conn.execute(schema)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


@asynccontextmanager
async def open_queue(
    url: str, handler: RunHandler | None = None
) -> AsyncIterator[procrastinate.App]:
    """The queue's app, its schema applied and its connection pool open for the block."""
    await ensure_schema(url)
    app = queue_app(url, handler)
    async with app.open_async():
        yield app


async def enqueue_run(app: procrastinate.App, job: RunJob) -> int:
    """Queue ``job``; returns the procrastinate job id.

    Jobs of one thread share the lock ``job.thread_id``, so they run one at a time, in order.

    Raises:
        RunAlreadyQueuedError: ``job`` is a start and the thread has one waiting already.
    """
    queueing_lock = f"start:{job.thread_id}" if job.action == "start" else None
    deferrer = app.configure_task(
        RUN_TASK, lock=job.thread_id, queueing_lock=queueing_lock, queue=QUEUE
    )
    try:
        return await deferrer.defer_async(**job.model_dump(mode="json"))
    except queue_errors.AlreadyEnqueued as exc:
        raise RunAlreadyQueuedError(
            f"thread {job.thread_id!r} already has a run waiting in the queue"
        ) from exc


async def retry_stalled_runs(app: procrastinate.App, *, seconds_since_heartbeat: float) -> int:
    """Put back in the queue the runs of workers silent for ``seconds_since_heartbeat``.

    A worker beats every ``update_heartbeat_interval`` seconds; one that missed beats for
    longer than this is taken as dead, and its ``doing`` runs are retried: another worker
    continues each thread from its last checkpoint. Returns how many runs were put back.
    """
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=RUN_TASK, seconds_since_heartbeat=seconds_since_heartbeat
    )
    count = 0
    for job in stalled:
        # "Now" by the database, whose clock schedules jobs; procrastinate's default is this
        # process's wall clock, and a clock ahead of the database's would delay the retry.
        row = await app.connector.execute_query_one_async(query="SELECT now() AS now")
        try:
            await app.job_manager.retry_job(job, retry_at=row["now"])
        except queue_errors.ConnectorException as exc:
            if not _is_retried_elsewhere(exc):
                raise
            continue  # another worker's sweep put it back first (or it ended): nothing to do
        count += 1
    return count


def _is_retried_elsewhere(exc: queue_errors.ConnectorException) -> bool:
    """Whether procrastinate refused a retry because the job is no longer ``doing``.

    Every worker sweeps for stalled runs; two that see one job at once both ask to retry it,
    and the database refuses the second (``procrastinate_retry_job`` raises).
    """
    cause = exc.__cause__
    return isinstance(cause, psycopg.errors.RaiseException) and "invalid status to retry" in str(
        cause
    )
