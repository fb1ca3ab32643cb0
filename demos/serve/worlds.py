"""The sandbox worlds of a store, committed with the ledger's writes on either backend.

On SQLite this is the command line's ``WorldStore`` (``plangate.demos.cli.world_store``, which
says why a world is pickled and stored in the ledger's transaction). On PostgreSQL the same
pickles live in a ``worlds`` table of the store's database, and a snapshot is stored by the
ledger's companion inside the transaction that settles each write as ``committed``::

    worlds (name TEXT PRIMARY KEY, format INTEGER, seq BIGINT, blob BYTEA)

Snapshots are numbered as they are taken; one never replaces a newer one (``seq``).

**Several workers, one world.** Each worker process would otherwise keep its own copy of a world
and the copies would drift. A run therefore acts on a world only while it *holds* it
(``Worlds.hold``): a lock per world (an in-process ``asyncio.Lock``, then a PostgreSQL session
advisory lock on a connection kept for the run), the world loaded from the database under that
lock, the ledger's companion attached so every committed write stores it in the write's own
transaction. The next holder, in any process, loads what the last one committed. A worker that
dies loses its connection, and PostgreSQL releases the lock; what it committed is in the table.
Runs on one world take turns, each seeing the world as the database holds it — as a run on a real
booking system sees its seats. Rejected: one world per thread. It never contends, but it is no
longer one world: a table booked by one conversation would still be free in the next, and the
audit of a world would cover one run.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from plangate.demos.cli.world_store import FORMAT, World, WorldStore, decode, encode
from plangate.tools.clock import Clock
from plangate.tools.domains.backends import Backends, sandbox_backends
from plangate.tools.ledger_postgres import Connection, PostgresLedger, PostgresStore

__all__ = ["PostgresWorlds", "SQLiteWorlds", "Worlds"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS worlds (
    name TEXT PRIMARY KEY,
    format INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    blob BYTEA NOT NULL
)
"""


class Worlds(Protocol):
    """Where a store keeps its sandbox worlds."""

    async def load(self, world: World, clock: Clock, *, fresh: bool = False) -> Backends:
        """The stored ``world`` on ``clock``, or a new one (seed 0) when missing or ``fresh``.

        Raises:
            UsageError: the stored world cannot be read back; the message says how to delete it.
        """
        ...

    async def save(self, world: World, backends: Backends) -> None:
        """Store ``world`` now, in a transaction of its own."""
        ...

    async def names(self) -> list[str]:
        """The worlds stored, by name."""
        ...

    def attach(self, world: World, backends: Backends) -> None:
        """Store ``world`` with every write the store's ledger commits from now on."""
        ...

    def hold(self, world: World, clock: Clock) -> AbstractAsyncContextManager[Backends]:
        """``world`` as stored, for this block only: no other holder runs meanwhile.

        The world is loaded under the lock and attached to the ledger for the block.
        """
        ...


class SQLiteWorlds:
    """``Worlds`` over the command line's ``WorldStore``.

    Args:
        store: the state folder's world store; its ledger gets the companion.
    """

    def __init__(self, store: WorldStore) -> None:
        self.store = store
        self._locks: dict[World, asyncio.Lock] = {}

    async def load(self, world: World, clock: Clock, *, fresh: bool = False) -> Backends:
        return self.store.load(world, clock, fresh=fresh)

    async def save(self, world: World, backends: Backends) -> None:
        self.store.save(world, backends)

    async def names(self) -> list[str]:
        return self.store.names()

    def attach(self, world: World, backends: Backends) -> None:
        self.store.ledger.companion = self.store.companion(world, backends)

    @asynccontextmanager
    async def hold(self, world: World, clock: Clock) -> AsyncIterator[Backends]:
        # One process owns an embedded store: the in-process lock is the whole lock.
        async with self._locks.setdefault(world, asyncio.Lock()):
            backends = await self.load(world, clock)
            self.attach(world, backends)
            yield backends


class PostgresWorlds:
    """``Worlds`` in the ``worlds`` table of a PostgreSQL store.

    Args:
        ledger: the store's ledger; the worlds share its database and its transactions.
        where: the database, as named in errors (without a password).

    Call ``setup`` once before use.
    """

    def __init__(self, ledger: PostgresLedger, where: str) -> None:
        self.ledger = ledger
        self.where = where
        self._seq: dict[str, int] = {}
        self._locks: dict[World, asyncio.Lock] = {}

    async def setup(self) -> None:
        """Create the ``worlds`` table when missing.

        Raises:
            UsageError: it cannot be created.
        """
        await self.ledger.create_tables(_SCHEMA)

    async def load(self, world: World, clock: Clock, *, fresh: bool = False) -> Backends:
        async def statements(conn: Connection) -> tuple[int, bytes] | None:
            cursor = await conn.execute("SELECT seq, blob FROM worlds WHERE name = %s", (world,))
            row = await cursor.fetchone()
            return (int(row[0]), bytes(row[1])) if row is not None else None

        row = await self.ledger.transact(statements)
        self._seq[world] = max(self._seq.get(world, 0), row[0] if row is not None else 0)
        if fresh or row is None:
            return sandbox_backends(seed=0, clock=clock)
        delete = f"psql {self.where} -c \"DELETE FROM worlds WHERE name = '{world}'\""
        return decode(row[1], clock, f"{world!r} in {self.where}", delete)

    async def save(self, world: World, backends: Backends) -> None:
        await self.ledger.transact(self._capture(world, backends))

    async def names(self) -> list[str]:
        async def statements(conn: Connection) -> list[str]:
            cursor = await conn.execute("SELECT name FROM worlds ORDER BY name")
            return [str(row[0]) for row in await cursor.fetchall()]

        return await self.ledger.transact(statements)

    def attach(self, world: World, backends: Backends) -> None:
        self.ledger.companion = _Companion(self, world, backends)

    @asynccontextmanager
    async def hold(self, world: World, clock: Clock) -> AsyncIterator[Backends]:
        async with (
            self._locks.setdefault(world, asyncio.Lock()),
            self.ledger.pool.connection() as conn,
        ):
            key = _lock_key(world)
            await _advisory_lock(conn, key)
            try:
                backends = await self.load(world, clock)
                self.attach(world, backends)
                yield backends
            finally:
                self.ledger.companion = None
                await conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _capture(self, world: World, backends: Backends) -> PostgresStore:
        # Numbered and pickled now, on the event loop, where no other task changes the world.
        self._seq[world] = self._seq.get(world, 0) + 1
        seq, blob = self._seq[world], encode(backends)

        async def store(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO worlds (name, format, seq, blob) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (name) DO UPDATE SET format = excluded.format,"
                " seq = excluded.seq, blob = excluded.blob WHERE excluded.seq > worlds.seq",
                (world, FORMAT, seq, blob),
            )

        return store


class _Companion:
    """The ledger's companion for one world: snapshots it as each write commits."""

    def __init__(self, worlds: PostgresWorlds, world: World, backends: Backends) -> None:
        self.worlds = worlds
        self.world = world
        self.backends = backends

    def capture(self) -> PostgresStore:
        return self.worlds._capture(self.world, self.backends)


async def _advisory_lock(conn: Connection, key: int) -> None:
    """Take the session advisory lock ``key`` on ``conn``, polling.

    A session blocked in ``pg_advisory_lock`` holds a snapshot, which a migration's ``CREATE
    INDEX CONCURRENTLY`` in a starting process would wait for; polling holds none meanwhile.
    """
    pause = 0.001
    while True:
        cursor = await conn.execute("SELECT pg_try_advisory_lock(%s)", (key,))
        row = await cursor.fetchone()
        if row is not None and row[0]:
            return
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.02)


def _lock_key(world: World) -> int:
    """The advisory lock's key for ``world``, the same in every process."""
    return zlib.crc32(f"plangate-world:{world}".encode())
