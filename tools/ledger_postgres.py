"""``PostgresLedger``: the idempotency ledger in PostgreSQL, shared by processes on many machines.

The same ledger as ``plangate.tools.ledger_sqlite.SQLiteLedger``, for when several workers and
API servers share one database. Two claimers can never both win a key: a claim is one
``INSERT … ON CONFLICT DO UPDATE … WHERE state = 'failed'``, which PostgreSQL runs under the
row's lock, and a take-over re-reads the row ``FOR UPDATE`` before changing it.

The **companion** works as on SQLite: its snapshot is captured on the caller's task before the
first ``await`` (no other task runs meanwhile), then stored inside the very transaction that
settles the write as ``committed``::

    settle(key, committed)
      ├─ companion.capture()        a consistent snapshot of the state, on the event loop
      └─ BEGIN
           UPDATE writes … committed
           await store(conn)        the snapshot, in the same transaction
         COMMIT                     a crash before here keeps neither; after it, both

Connections come from a psycopg 3 ``AsyncConnectionPool``; ``PostgresLedger.connect`` opens one
for a URL and creates the ``writes`` table when missing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg_pool import AsyncConnectionPool

from plangate.tools.errors import UsageError
from plangate.tools.ledger import ENTRY_COLUMNS, LedgerEntry, WriteState, entry_from_row

__all__ = ["PostgresCompanion", "PostgresLedger", "PostgresStore", "redact_url"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS writes (
    key TEXT PRIMARY KEY,
    tool TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    result TEXT,
    error TEXT,
    updated_at DOUBLE PRECISION NOT NULL
)
"""

T = TypeVar("T")
Connection = psycopg.AsyncConnection[tuple[Any, ...]]
Pool = AsyncConnectionPool[Connection]
PostgresStore = Callable[[Connection], Awaitable[None]]


class PostgresCompanion(Protocol):
    """State committed together with every write the ledger settles as ``committed``."""

    def capture(self) -> PostgresStore:
        """Snapshot the state now, before the ledger awaits anything.

        Returns:
            The statements that store the snapshot; they run inside the settle's transaction,
            after other tasks may have run, so they must not read the live state again.
        """
        ...


class PostgresLedger:
    """A ledger persisted in PostgreSQL; safe across tasks, processes and machines.

    Args:
        pool: an open pool of connections to the database (``PostgresLedger.connect`` makes
            one); the ledger does not close it.
        companion: state to commit with each committed write (see the module docstring); it
            may also be set later, as the ``companion`` attribute.
    """

    def __init__(self, pool: Pool, *, companion: PostgresCompanion | None = None) -> None:
        self.pool = pool
        self.companion = companion

    @classmethod
    @asynccontextmanager
    async def connect(
        cls,
        url: str,
        *,
        max_size: int = 4,
        open_timeout: float = 10.0,
        companion: PostgresCompanion | None = None,
    ) -> AsyncIterator[PostgresLedger]:
        """A ledger on the database at ``url``, with a pool open for the duration of the block.

        Args:
            url: a ``postgresql://`` URL (or a libpq connection string).
            max_size: the most connections the pool opens.
            open_timeout: seconds to wait for the first connection.
            companion: see ``PostgresLedger``.

        Raises:
            UsageError: the database cannot be reached or the table cannot be created; the
                message names the URL.
        """
        pool: Pool = AsyncConnectionPool(
            url, min_size=1, max_size=max_size, open=False, kwargs={"autocommit": True}
        )
        try:
            await pool.open(wait=True, timeout=open_timeout)
        except psycopg.Error as exc:  # PoolTimeout too: it derives from psycopg.Error
            await pool.close()
            where = redact_url(url)
            raise UsageError(f"cannot open the idempotency ledger at {where}: {exc}") from exc
        try:
            ledger = cls(pool, companion=companion)
            await ledger.setup()
            yield ledger
        finally:
            await pool.close()

    async def setup(self) -> None:
        """Create the ``writes`` table when it is missing.

        Raises:
            UsageError: the table cannot be created.
        """
        await self.create_tables(_SCHEMA)

    async def create_tables(self, ddl: str) -> None:
        """Run ``ddl`` (``CREATE TABLE IF NOT EXISTS …``), one process at a time.

        For the ledger's table and a companion's; processes starting together would otherwise
        collide in PostgreSQL's catalogue.

        Raises:
            UsageError: the statements fail; the message quotes PostgreSQL's error.
        """

        async def statements(conn: Connection) -> None:
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext('plangate schema'))")
            await conn.execute(ddl)

        try:
            await self.transact(statements)
        except psycopg.Error as exc:
            raise UsageError(f"cannot create the tables of the store: {exc}") from exc

    async def transact(self, statements: Callable[[Connection], Awaitable[T]]) -> T:
        """Run ``statements`` in one transaction on a connection of the pool.

        For a companion's own tables (creating, loading, saving its state).

        Raises:
            Exception: whatever ``statements`` raises; the transaction is rolled back.
        """
        async with self.pool.connection() as conn, conn.transaction():
            return await statements(conn)

    @staticmethod
    async def _select(conn: Connection, key: str, *, lock: bool = False) -> LedgerEntry | None:
        query = f"SELECT {ENTRY_COLUMNS} FROM writes WHERE key = %s"
        cursor = await conn.execute(query + (" FOR UPDATE" if lock else ""), (key,))
        return entry_from_row(await cursor.fetchone())

    async def claim(self, key: str, tool: str, owner: str, now: float) -> LedgerEntry:
        async def statements(conn: Connection) -> LedgerEntry:
            cursor = await conn.execute(
                "INSERT INTO writes (key, tool, state, owner, result, error, updated_at)"
                " VALUES (%s, %s, %s, %s, NULL, NULL, %s)"
                " ON CONFLICT (key) DO UPDATE SET tool = excluded.tool, state = excluded.state,"
                " owner = excluded.owner, result = NULL, error = NULL,"
                " updated_at = excluded.updated_at WHERE writes.state = %s"
                f" RETURNING {ENTRY_COLUMNS}",
                (key, tool, WriteState.PENDING.value, owner, now, WriteState.FAILED.value),
            )
            entry = entry_from_row(await cursor.fetchone())
            if entry is None:  # held and not failed: report it as it stands
                entry = await self._select(conn, key)
            assert entry is not None
            return entry

        return await self.transact(statements)

    async def take_over(
        self, key: str, owner: str, expected: LedgerEntry, now: float
    ) -> LedgerEntry | None:
        async def statements(conn: Connection) -> LedgerEntry | None:
            if await self._select(conn, key, lock=True) != expected:
                return None
            cursor = await conn.execute(
                "UPDATE writes SET state = %s, owner = %s, updated_at = %s WHERE key = %s"
                f" RETURNING {ENTRY_COLUMNS}",
                (WriteState.PENDING.value, owner, now, key),
            )
            return entry_from_row(await cursor.fetchone())

        return await self.transact(statements)

    async def settle(
        self,
        key: str,
        owner: str,
        state: WriteState,
        now: float,
        result: Any = None,
        error: str | None = None,
    ) -> None:
        payload = json.dumps(result) if result is not None else None
        companion = self.companion if state is WriteState.COMMITTED else None
        store = companion.capture() if companion is not None else None

        async def statements(conn: Connection) -> None:
            await conn.execute(
                "UPDATE writes SET state = %s, result = %s, error = %s, updated_at = %s"
                " WHERE key = %s AND owner = %s",
                (state.value, payload, error, now, key, owner),
            )
            if store is not None:
                # Stored even when the key was taken over meanwhile: the snapshot holds this
                # write's effect, which whoever holds the key now finds by reconciling.
                await store(conn)

        await self.transact(statements)

    async def get(self, key: str) -> LedgerEntry | None:
        async def statements(conn: Connection) -> LedgerEntry | None:
            return await self._select(conn, key)

        return await self.transact(statements)

    async def entries(self) -> list[LedgerEntry]:
        """Every entry, for audits and tests."""

        async def statements(conn: Connection) -> list[LedgerEntry]:
            cursor = await conn.execute(f"SELECT {ENTRY_COLUMNS} FROM writes ORDER BY key")
            rows = await cursor.fetchall()
            return [entry for row in rows if (entry := entry_from_row(row)) is not None]

        return await self.transact(statements)


def redact_url(url: str) -> str:
    """``url`` fit for a message or a log: its password, if any, replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()
