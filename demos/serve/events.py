"""A run's events in PostgreSQL: an ``events`` table, and LISTEN/NOTIFY to wake readers.

The worker running a thread appends each event to ``plangate_events`` (thread, run, ``seq``,
kind, JSON) and, in the same transaction, sends ``NOTIFY plangate_events, '<thread>:<seq>'``.
Whichever API server streams the thread reads it with ``EventLog.follow``: the rows after the
last id it has, then it waits to be woken up for more. The table is the truth and the notification
only a wake-up call, so a lost notification costs a bounded wait (``poll``), never an event, and a
stream resumes after any id it was given (Server-Sent Events' ``Last-Event-ID``).

One ``EventLog`` holds one ``LISTEN`` connection however many streams follow threads through it
(``plangate.demos.serve._listener``): it fans each notification out to the streams of its thread,
and connects again when its connection drops. A server keeps one ``EventLog`` per store
(``Store.events``), so its streams cost ``1 + readers`` connections in all.

PostgreSQL rather than Redis pub/sub: the store is PostgreSQL already, so events commit with
nothing else to run, and a reader that was away loses nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

import psycopg

from plangate.demos.serve._listener import Listener
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

    Writes and one-off reads open their own connection; streams (``follow``) share the log's
    ``listener``: one ``LISTEN`` connection and at most ``readers`` connections to read with.

    Args:
        url: a ``postgresql://`` URL.
        poll: the longest a reader waits for a notification before it reads the table again.
        readers: the most connections the streams read the table with, together.
        reconnect: seconds before the listener connects again after its connection dropped.

    Attributes:
        listener: the streams' shared ``LISTEN`` connection (``listener.connects`` counts them).
    """

    def __init__(
        self, url: str, *, poll: float = 1.0, readers: int = 4, reconnect: float = 0.5
    ) -> None:
        if poll <= 0:
            raise UsageError(f"EventLog poll must be positive, got {poll}")
        self.url = url
        self.poll = poll
        self.listener = Listener(url, CHANNEL, readers=readers, reconnect=reconnect)

    async def setup(self) -> None:
        """Create the table when it is missing (idempotent)."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            # CREATE INDEX locks the table against writers before it sees the index exists:
            # with the schema in place, a worker starting beside busy ones takes no lock.
            found = await conn.execute("SELECT to_regclass('plangate_events_thread')")
            row = await found.fetchone()
            if row is not None and row[0] is not None:
                return
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
        # Subscribed before the first read: an event committed after it wakes us up.
        async with self.listener.subscribe(thread_id, within=self.poll) as wake:
            last = after
            quiet_since = loop.time()
            while True:
                wake.clear()  # a notification from here on means: read again
                async with self.listener.connection() as conn:
                    batch = await self._read(conn, thread_id, last, 500)
                for event in batch:  # yielded with no connection held: a slow client holds none
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
                with suppress(TimeoutError):  # no notification: read anyway, in case one was lost
                    await asyncio.wait_for(wake.wait(), min(left, self.poll))
