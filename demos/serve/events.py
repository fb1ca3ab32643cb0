"""A run's events in PostgreSQL: an ``events`` table, and LISTEN/NOTIFY to wake readers.

The worker running a thread appends each event to ``plangate_events`` (thread, run, ``seq``,
kind, JSON) and, in the same transaction, sends ``NOTIFY plangate_events, '<thread>:<seq>'``.
Whichever API server streams the thread reads it with ``EventLog.follow``: the rows after the
last id it has, then it waits on ``LISTEN`` for more. The table is the truth and the notification
only a wake-up call, so a lost notification costs a bounded wait, never an event, and a stream
resumes after any id it was given (Server-Sent Events' ``Last-Event-ID``).

PostgreSQL rather than Redis pub/sub: the store is PostgreSQL already, so events commit with
nothing else to run, and a reader that was away loses nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import psycopg

from plangate.demos.serve.runs import StoredEvent
from plangate.tools.errors import UsageError

__all__ = ["CHANNEL", "EventLog"]

CHANNEL = "plangate_events"
"""The NOTIFY channel; a payload is ``<thread>:<seq>``."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plangate_events (
    seq BIGSERIAL PRIMARY KEY,
    thread_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    data JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS plangate_events_thread ON plangate_events (thread_id, seq);
"""


class EventLog:
    """The events table of the PostgreSQL database at ``url``.

    Each call opens its own connection, so one log serves any number of tasks.

    Args:
        url: a ``postgresql://`` URL.
        poll: the longest a reader waits for a notification before it reads the table again.
    """

    def __init__(self, url: str, *, poll: float = 1.0) -> None:
        if poll <= 0:
            raise UsageError(f"EventLog poll must be positive, got {poll}")
        self.url = url
        self.poll = poll

    async def setup(self) -> None:
        """Create the table when it is missing (idempotent)."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtext('plangate_events'))")
            try:
                await conn.execute(_SCHEMA)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('plangate_events'))")

    async def append(
        self,
        thread_id: str,
        run_id: str,
        events: Iterable[dict[str, Any]],
        *,
        conn: psycopg.AsyncConnection[Any] | None = None,
    ) -> list[int]:
        """Store ``events`` (each with a ``kind``) of a run of ``thread_id``; returns their ids.

        The rows and their notifications commit together: a reader woken up finds the rows.

        Args:
            thread_id: the thread.
            run_id: the run that emitted them.
            events: the events, as JSON objects.
            conn: a connection to use (``connection()``); a new one by default.
        """
        if conn is None:
            async with self.connection() as own:
                return await self.append(thread_id, run_id, events, conn=own)
        ids: list[int] = []
        async with conn.transaction():
            for event in events:
                kind = event.get("kind")
                if not isinstance(kind, str):
                    raise UsageError(f"an event needs a string 'kind', got {event!r}")
                cursor = await conn.execute(
                    "INSERT INTO plangate_events (thread_id, run_id, kind, data) "
                    "VALUES (%s, %s, %s, %s) RETURNING seq",
                    (thread_id, run_id, kind, json.dumps(event)),
                )
                row = await cursor.fetchone()
                assert row is not None  # RETURNING always yields the row
                ids.append(int(row[0]))
                await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{thread_id}:{row[0]}"))
        return ids

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection for many ``append`` calls (a run's events), open for the block."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            yield conn

    async def read(self, thread_id: str, after: int = 0, limit: int = 500) -> list[StoredEvent]:
        """The thread's events with an id above ``after``, oldest first (at most ``limit``)."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            return await self._read(conn, thread_id, after, limit)

    @staticmethod
    async def _read(
        conn: psycopg.AsyncConnection[Any], thread_id: str, after: int, limit: int
    ) -> list[StoredEvent]:
        cursor = await conn.execute(
            "SELECT seq, run_id, data FROM plangate_events "
            "WHERE thread_id = %s AND seq > %s ORDER BY seq LIMIT %s",
            (thread_id, after, limit),
        )
        return [
            StoredEvent(id=int(seq), run_id=run_id, event=data)
            for seq, run_id, data in await cursor.fetchall()
        ]

    async def follow(
        self, thread_id: str, *, after: int = 0, until: Iterable[str] = (), idle: float
    ) -> AsyncIterator[StoredEvent]:
        """The thread's events after ``after``, then new ones as they come.

        Stops after an event whose kind is in ``until`` (``run_ended`` for the end of a run),
        or once ``idle`` seconds pass with no new event.

        Raises:
            UsageError: ``idle`` is not positive.
        """
        if idle <= 0:
            raise UsageError(f"follow needs a positive idle time, got {idle}")
        stop = frozenset(until)
        loop = asyncio.get_running_loop()
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            # LISTEN before the first read: an event committed in between wakes us up.
            await conn.execute(f"LISTEN {CHANNEL}")
            last = after
            quiet_since = loop.time()
            while True:
                batch = await self._read(conn, thread_id, last, 500)
                for event in batch:
                    last = event.id
                    yield event
                    if event.event.get("kind") in stop:
                        return
                if batch:
                    quiet_since = loop.time()
                    continue
                left = idle - (loop.time() - quiet_since)
                if left <= 0:
                    return
                await self._wait(conn, thread_id, min(left, self.poll))

    @staticmethod
    async def _wait(conn: psycopg.AsyncConnection[Any], thread_id: str, seconds: float) -> None:
        """Wait up to ``seconds`` for a notification about ``thread_id``."""
        prefix = f"{thread_id}:"
        async for note in conn.notifies(timeout=seconds):
            if note.payload.startswith(prefix):
                return
