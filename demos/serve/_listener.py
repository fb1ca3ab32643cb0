"""One LISTEN connection per process, shared by every stream that follows a thread's events.

A stream of events (``EventLog.follow``) used to open a connection of its own and ``LISTEN`` on
it; a server streaming to hundreds of clients then held hundreds of connections and ran out of
PostgreSQL's. A ``Listener`` holds one ``LISTEN`` connection for all of them and fans each
notification out to the streams following its thread, by setting their ``asyncio.Event``; the
streams read the table through a small pool of connections it also holds, so a server needs
``1 + readers`` connections however many clients stream.

The listener lives while a stream is subscribed: the first subscription opens it, the last one
closes it, so an ``EventLog`` needs no closing of its own. When its connection drops (a restart,
``pg_terminate_backend``, a network cut), the listener connects again after ``reconnect``
seconds and wakes every stream, which reads the table again after the last id it has: the table
is the truth and a notification only a wake-up, so nothing sent in between is lost. While it is
down, the streams still read every ``poll`` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from plangate.tools.errors import UsageError
from plangate.tools.ledger_postgres import redact_url

__all__ = ["Listener"]

log = logging.getLogger(__name__)


class Listener:
    """The shared ``LISTEN`` connection and read pool of one ``EventLog`` (see the module doc).

    Args:
        url: a ``postgresql://`` URL.
        channel: the channel listened to; a payload is ``<key>:<anything>``, and wakes the
            subscribers of ``<key>``.
        readers: the most connections the streams read the table with.
        reconnect: seconds between a dropped connection and the next attempt.

    Attributes:
        connects: how many ``LISTEN`` connections were opened (one, unless one dropped).
    """

    def __init__(self, url: str, channel: str, *, readers: int = 4, reconnect: float = 0.5) -> None:
        if readers < 1:
            raise UsageError(f"the event streams need at least 1 reader connection, got {readers}")
        if reconnect <= 0:
            raise UsageError(f"the listener's reconnect delay must be positive, got {reconnect}")
        self.url = url
        self.channel = channel
        self.readers = readers
        self.reconnect = reconnect
        self.connects = 0
        self._waiters: dict[str, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None
        self._pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] | None = None
        self._listening: asyncio.Event | None = None

    @asynccontextmanager
    async def subscribe(self, key: str, *, within: float) -> AsyncIterator[asyncio.Event]:
        """Be woken up for ``key`` for the block: the event yielded is set on each notification.

        Waits up to ``within`` seconds for the ``LISTEN`` to be active before the block starts,
        so an event committed after the block's first read wakes it; past that, the block
        starts anyway and reads at its own pace until the listener connects.
        """
        wake = asyncio.Event()
        self._waiters.setdefault(key, set()).add(wake)
        if self._task is None:
            self._open()
        assert self._listening is not None  # _open made it
        try:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._listening.wait(), within)
            yield wake
        finally:
            waiters = self._waiters.get(key, set())
            waiters.discard(wake)
            if not waiters:
                self._waiters.pop(key, None)
            if not self._waiters:
                await self._close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection of the read pool, for a subscriber's reads (inside ``subscribe``)."""
        if self._pool is None:
            raise UsageError("Listener.connection is for subscribers: enter subscribe() first")
        async with self._pool.connection() as conn:
            yield conn

    def _open(self) -> None:
        self._listening = asyncio.Event()
        self._pool = AsyncConnectionPool(
            self.url, min_size=1, max_size=self.readers, open=False, kwargs={"autocommit": True}
        )
        self._task = asyncio.create_task(self._listen(), name=f"LISTEN {self.channel}")

    async def _close(self) -> None:
        task, pool = self._task, self._pool
        self._task, self._pool, self._listening = None, None, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # this subscriber is being cancelled too: pass it on
        if pool is not None:
            await pool.close()

    async def _listen(self) -> None:
        """Listen until cancelled, connecting again whenever the connection drops."""
        assert self._pool is not None  # _open made it
        assert self._listening is not None
        listening = self._listening
        await self._pool.open(wait=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    self.connects += 1
                    await conn.execute(f"LISTEN {self.channel}")
                    listening.set()
                    self._wake_all()  # what was sent while no one listened: read it now
                    async for note in conn.notifies():
                        self._wake(note.payload.rpartition(":")[0])
            except psycopg.Error as exc:
                log.warning(
                    "the events listener on %s lost its connection (%s); connecting again",
                    redact_url(self.url),
                    exc,
                )
            listening.clear()
            self._wake_all()
            await asyncio.sleep(self.reconnect)

    def _wake(self, key: str) -> None:
        for wake in self._waiters.get(key, ()):
            wake.set()

    def _wake_all(self) -> None:
        for waiters in self._waiters.values():
            for wake in waiters:
                wake.set()
