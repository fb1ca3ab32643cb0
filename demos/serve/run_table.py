"""Threads and runs in PostgreSQL, shared by every API server and worker of one store.

``plangate_threads`` holds a thread's agent, metadata, latest run and status; ``plangate_runs``
each run's status, metadata, answer, pending approvals and error. A run is added under the
thread's row lock (``SELECT … FOR UPDATE``), so two API servers asked at once for a run on one
thread cannot both add one: the second sees the first and gets ``ThreadBusyError``.

Both tables keep ``created_at`` and ``updated_at``: the database's time (``now()``, the
transaction's start) when a row is added and whenever it changes, one clock for the API servers
and workers of many machines that write them. A database made before those columns existed
gains them at ``setup`` (``ADD COLUMN IF NOT EXISTS``; its rows are stamped with the time of
the upgrade); so does ``usage``, a run's counters (``RunUsage``), ``{}`` until it ends. The ``agent`` columns keep their first name; the API calls them ``agent_id``.

This is the store's one threads table (``Store.runs``). A thread's status is decided by its runs,
so it lives beside them: the run that holds a thread is a foreign key of the same database, and
"one run per thread" is one row lock rather than a transaction across two tables kept apart. A
separate ``threads`` table (agent, status and metadata, written by the store itself) duplicated
these rows with nothing keeping the two in step, so it was removed. The embedded SQLite store has
no such table: one process serves it, over the command line's thread index.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, Literal

import psycopg
from psycopg.rows import dict_row

from plangate.demos.serve.runs import (
    ACTIVE,
    ConflictError,
    NotFoundError,
    NotPausedError,
    RunInfo,
    RunUsage,
    ThreadBusyError,
    ThreadInfo,
    ThreadStatus,
)
from plangate.graphs.engine.approvals import parse_decisions

__all__ = ["RunTable"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plangate_threads (
    seq BIGSERIAL,
    thread_id TEXT PRIMARY KEY,
    agent TEXT,
    status TEXT NOT NULL DEFAULT 'idle',
    metadata JSONB NOT NULL DEFAULT '{}',
    run_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS plangate_runs (
    run_id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL REFERENCES plangate_threads (thread_id),
    agent TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    response JSONB,
    approvals JSONB NOT NULL DEFAULT '[]',
    error JSONB,
    metadata JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    usage JSONB NOT NULL DEFAULT '{}'
);
ALTER TABLE plangate_threads
    ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
ALTER TABLE plangate_runs
    ADD COLUMN IF NOT EXISTS metadata JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS usage JSONB NOT NULL DEFAULT '{}';
"""

_RUN_FIELDS = ("status", "response", "approvals", "error", "usage")
_NEWEST = {"plangate_threads": "updated_at", "plangate_runs": "usage"}
"""The column each table gained last: when both are there, the schema is current."""


async def _is_current(conn: psycopg.AsyncConnection[dict[str, Any]]) -> bool:
    cursor = await conn.execute(
        "SELECT count(*) AS found FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND (table_name, column_name) IN"
        " ((%s, %s), (%s, %s))",
        [value for pair in _NEWEST.items() for value in pair],
    )
    row = await cursor.fetchone()
    await conn.rollback()  # end the catalogue read's transaction before any lock is taken
    return row is not None and int(row["found"]) == len(_NEWEST)


class RunTable:
    """The threads and runs tables of the PostgreSQL database at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def _connect(self) -> psycopg.AsyncConnection[dict[str, Any]]:
        return await psycopg.AsyncConnection.connect(self.url, row_factory=dict_row)

    async def setup(self) -> None:
        """Create the tables when they are missing, and add the columns an older one lacks.

        Idempotent, and safe when many processes start at once (one advisory lock). A current
        schema is left alone: ``ALTER TABLE`` locks a table against every reader and writer
        even when it has nothing to add, so a worker restarting beside busy ones could
        deadlock with their runs (seen: its lock on one table, theirs on the other).
        """
        async with await self._connect() as conn:
            if await _is_current(conn):
                return
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext('plangate_runs'))")
                await conn.execute(_SCHEMA)

    async def create_thread(self, thread_id: str, metadata: Mapping[str, Any]) -> ThreadInfo:
        """Add the thread ``thread_id``.

        Raises:
            ConflictError: the thread exists already.
        """
        async with await self._connect() as conn, conn.transaction():
            cursor = await conn.execute(
                "INSERT INTO plangate_threads (thread_id, metadata) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING RETURNING *",
                (thread_id, json.dumps(dict(metadata))),
            )
            row = await cursor.fetchone()
        if row is None:
            raise ConflictError(f"thread {thread_id!r} exists already")
        return _thread(row)

    async def thread(self, thread_id: str) -> ThreadInfo:
        """The thread; ``NotFoundError`` when there is none."""
        async with await self._connect() as conn:
            cursor = await conn.execute(
                "SELECT * FROM plangate_threads WHERE thread_id = %s", (thread_id,)
            )
            row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(f"no thread {thread_id!r}")
        return _thread(row)

    async def search(
        self, *, status: ThreadStatus | None, agent_id: str | None, limit: int, offset: int
    ) -> list[ThreadInfo]:
        """Threads matching every filter given, oldest first."""
        async with await self._connect() as conn:
            cursor = await conn.execute(
                "SELECT * FROM plangate_threads WHERE (%(status)s::text IS NULL OR "
                "status = %(status)s) AND (%(agent)s::text IS NULL OR agent = %(agent)s) "
                "ORDER BY seq LIMIT %(limit)s OFFSET %(offset)s",
                {"status": status, "agent": agent_id, "limit": limit, "offset": offset},
            )
            return [_thread(row) for row in await cursor.fetchall()]

    async def add_run(
        self,
        thread_id: str,
        action: Literal["start", "resume"],
        agent_id: str = "",
        decisions: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """A new ``pending`` run on the thread, which must be free for it, keeping ``metadata``.

        A start needs a thread that never ran; a resume a thread whose last run is paused,
        and a decision per pending approval (it runs the thread's agent: ``agent_id`` is
        ignored).

        Raises:
            NotFoundError: no such thread.
            ThreadBusyError: the thread's last run has not ended.
            ConflictError: a start on a thread that ran already.
            NotPausedError: a resume of a thread that waits for no decision.
            UsageError: the decisions do not match the pending approvals.
        """
        async with await self._connect() as conn, conn.transaction():
            cursor = await conn.execute(
                "SELECT * FROM plangate_threads WHERE thread_id = %s FOR UPDATE", (thread_id,)
            )
            thread = await cursor.fetchone()
            if thread is None:
                raise NotFoundError(f"no thread {thread_id!r}")
            last = None
            if thread["run_id"] is not None:
                cursor = await conn.execute(
                    "SELECT * FROM plangate_runs WHERE run_id = %s", (thread["run_id"],)
                )
                last = await cursor.fetchone()
            if last is not None and last["status"] in ACTIVE:
                raise ThreadBusyError(
                    f"thread {thread_id!r} is busy with run {last['run_id']}: wait for it or "
                    "cancel it, then try again (one run per thread at a time)"
                )
            if action == "start" and last is not None:
                raise ConflictError(
                    f"thread {thread_id!r} has run already: resume it with decisions, or "
                    "create another thread for a new request"
                )
            if action == "resume":
                if last is None or last["status"] != "paused":
                    raise NotPausedError(f"thread {thread_id!r} waits for no decision")
                parse_decisions(dict(decisions or {}), [str(a["id"]) for a in last["approvals"]])
                agent_id = last["agent"]
            run_id = uuid.uuid4().hex
            cursor = await conn.execute(
                "INSERT INTO plangate_runs (run_id, thread_id, agent, metadata) "
                "VALUES (%s, %s, %s, %s) RETURNING *",
                (run_id, thread_id, agent_id, json.dumps(dict(metadata or {}))),
            )
            row = await cursor.fetchone()
            await conn.execute(
                "UPDATE plangate_threads SET agent = %s, status = 'busy', run_id = %s, "
                "updated_at = now() WHERE thread_id = %s",
                (agent_id, run_id, thread_id),
            )
        assert row is not None  # RETURNING always yields the row
        return _run(row)

    async def run(self, thread_id: str, run_id: str) -> RunInfo:
        """The run; ``NotFoundError`` when the thread has no such run."""
        async with await self._connect() as conn:
            cursor = await conn.execute(
                "SELECT * FROM plangate_runs WHERE run_id = %s AND thread_id = %s",
                (run_id, thread_id),
            )
            row = await cursor.fetchone()
        if row is None:
            raise NotFoundError(f"thread {thread_id!r} has no run {run_id!r}")
        return _run(row)

    async def runs(self, thread_id: str) -> list[RunInfo]:
        """The thread's runs, oldest first; ``NotFoundError`` when there is no such thread."""
        async with await self._connect() as conn:
            cursor = await conn.execute(
                "SELECT * FROM plangate_runs WHERE thread_id = %s ORDER BY created_at, run_id",
                (thread_id,),
            )
            rows = await cursor.fetchall()
            if not rows:
                cursor = await conn.execute(
                    "SELECT 1 FROM plangate_threads WHERE thread_id = %s", (thread_id,)
                )
                if await cursor.fetchone() is None:
                    raise NotFoundError(f"no thread {thread_id!r}")
        return [_run(row) for row in rows]

    async def is_cancelled(self, run_id: str) -> bool:
        """Whether the run ``run_id`` was cancelled (``False`` for an unknown run)."""
        async with await self._connect() as conn:
            cursor = await conn.execute(
                "SELECT 1 FROM plangate_runs WHERE run_id = %s AND status = 'cancelled'", (run_id,)
            )
            return await cursor.fetchone() is not None

    async def set_run(self, run_id: str, **update: Any) -> RunInfo | None:
        """Change the run's ``status``, ``response``, ``approvals``, ``error`` or ``usage``
        (and its time).

        ``updated_at`` moves with every change. An ended run also sets its thread's status (a cancelled run leaves it interrupted).
        A run cancelled already stays cancelled: returns ``None`` then, and changes nothing.
        """
        unknown = set(update) - set(_RUN_FIELDS)
        if unknown:
            raise ValueError(f"set_run: unknown fields {sorted(unknown)}")
        columns = ", ".join(f"{name} = %({name})s" for name in update)
        values = {k: json.dumps(v) if k != "status" else v for k, v in update.items()}
        async with await self._connect() as conn, conn.transaction():
            cursor = await conn.execute(
                f"UPDATE plangate_runs SET {columns}, updated_at = now() "  # names: _RUN_FIELDS
                "WHERE run_id = %(run_id)s AND status <> 'cancelled' RETURNING *",
                {**values, "run_id": run_id},
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            if row["status"] not in ACTIVE:
                status = "interrupted" if row["status"] == "cancelled" else row["status"]
                await conn.execute(
                    "UPDATE plangate_threads SET status = %s, updated_at = now() WHERE run_id = %s",
                    (status, run_id),
                )
        return _run(row)


def _thread(row: Mapping[str, Any]) -> ThreadInfo:
    return ThreadInfo(
        thread_id=row["thread_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        agent_id=row["agent"],
        status=row["status"],
        metadata=row["metadata"],
        run_id=row["run_id"],
    )


def _run(row: Mapping[str, Any]) -> RunInfo:
    return RunInfo(
        run_id=row["run_id"],
        thread_id=row["thread_id"],
        agent_id=row["agent"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        metadata=row["metadata"],
        status=row["status"],
        response=row["response"],
        approvals=row["approvals"],
        error=row["error"],
        usage=RunUsage.of(row.get("usage") or {}),
    )
