"""Where runs persist between processes: a SQLite or PostgreSQL checkpointer for the engine.

``Engine`` takes any LangGraph checkpointer. The command line keeps its runs in one SQLite file
so that ``plangate run`` can pause for approval and a later ``plangate resume`` — another
process — continues the same thread; served agents keep theirs in PostgreSQL, where any worker
on any machine continues them. This module is the one place above
``plangate.graphs.engine.build`` that names LangGraph's savers, so ``agents/`` and ``demos/``
get them without importing langgraph.

Checkpoints are encrypted at rest when ``$PLANGATE_CHECKPOINT_KEY`` is set (or ``key=`` is
given): see ``plangate.graphs.engine.encryption`` for the key's format and the errors.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiosqlite
import psycopg
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from plangate.graphs.engine.build import Checkpointer
from plangate.graphs.engine.encryption import checkpoint_serde
from plangate.tools.errors import UsageError
from plangate.tools.ledger_postgres import redact_url
from plangate.tools.private_files import make_private

__all__ = ["postgres_checkpointer", "sqlite_checkpointer"]


@asynccontextmanager
async def sqlite_checkpointer(
    path: str | Path,
    *,
    key: str | bytes | None = None,
    serde: SerializerProtocol | None = None,
) -> AsyncIterator[Checkpointer]:
    """A checkpointer over the SQLite file at ``path``, open for the duration of the block.

    The parent folder is created when missing. Several processes may share the file: SQLite
    serialises their writes. Checkpoints are encrypted when a key is given or
    ``$PLANGATE_CHECKPOINT_KEY`` is set; checkpoints already stored unencrypted stay readable.

    Args:
        path: the database file.
        key: the AES key (raw bytes, or hex/base64 text); ``None`` reads
            ``$PLANGATE_CHECKPOINT_KEY``, and without it checkpoints are stored unencrypted.
        serde: a LangGraph serializer to use as is, instead of choosing one from the key.

    Raises:
        UsageError: the file exists but is not a SQLite database (or cannot be opened); the
            message names the file, so the user can move it aside. Also both ``key`` and
            ``serde`` are given.
        CheckpointKeyError: the key is malformed or pycryptodome is missing (here), or later,
            while a run reads a checkpoint: it is encrypted and no key is set, or the key does
            not open it.
    """
    if key is not None and serde is not None:
        raise UsageError("sqlite_checkpointer: give key= or serde=, not both")
    target = Path(path)
    chosen = serde if serde is not None else checkpoint_serde(key, where=str(target))
    async with AsyncExitStack() as stack:
        try:
            if str(target) != ":memory:":
                make_private(target)  # a run database is its owner's alone (0600)
            conn = await stack.enter_async_context(aiosqlite.connect(str(target)))
            saver = AsyncSqliteSaver(conn, serde=chosen)
            await saver.setup()  # a corrupt file fails here, before any run starts
        except OSError as exc:
            raise UsageError(f"cannot create the run database {target}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise UsageError(
                f"cannot open the run database {target}: {exc}; move it aside to start afresh"
            ) from exc
        yield saver


_MIGRATION_WAIT = 60.0
"""Seconds a process waits for another one to create the checkpoint tables."""


async def _lock_migrations(conn: psycopg.AsyncConnection[dict[str, object]]) -> None:
    """Take the migrations' advisory lock, polling rather than blocking in the server.

    A session blocked in ``pg_advisory_lock`` holds a snapshot, and the holder's migration runs
    ``CREATE INDEX CONCURRENTLY``, which waits for every older snapshot: each would wait for
    the other forever (PostgreSQL sees no deadlock across the two sessions).

    Raises:
        UsageError: another process held the lock for ``_MIGRATION_WAIT`` seconds.
    """
    for _ in range(int(_MIGRATION_WAIT / 0.02)):
        cursor = await conn.execute(
            "SELECT pg_try_advisory_lock(hashtext('plangate checkpoints')) AS taken"
        )
        row = await cursor.fetchone()
        if row is not None and row["taken"]:
            return
        await asyncio.sleep(0.02)
    raise UsageError(
        f"another process has been creating the checkpoint tables for {_MIGRATION_WAIT:.0f} s"
    )


@asynccontextmanager
async def postgres_checkpointer(
    url: str,
    *,
    key: str | bytes | None = None,
    serde: SerializerProtocol | None = None,
    max_size: int = 8,
    open_timeout: float = 10.0,
) -> AsyncIterator[Checkpointer]:
    """A checkpointer over the PostgreSQL database at ``url``, open for the duration of the block.

    Its tables are created (or migrated) on first use; any number of processes may share the
    database. Checkpoints are encrypted exactly as by ``sqlite_checkpointer``.

    Args:
        url: a ``postgresql://`` URL (or a libpq connection string).
        key: the AES key, as for ``sqlite_checkpointer``.
        serde: a LangGraph serializer to use as is, instead of choosing one from the key.
        max_size: the most connections the checkpointer's pool opens (at least 2).
        open_timeout: seconds to wait for the first connection.

    Raises:
        UsageError: the database cannot be reached or its tables cannot be created (the message
            names the URL, without its password); or both ``key`` and ``serde`` are given.
        CheckpointKeyError: as for ``sqlite_checkpointer``.
    """
    if key is not None and serde is not None:
        raise UsageError("postgres_checkpointer: give key= or serde=, not both")
    where = redact_url(url)
    chosen = serde if serde is not None else checkpoint_serde(key, where=where)
    # The saver's own settings: autocommit, no prepared statements, rows as dicts.
    pool: AsyncConnectionPool[psycopg.AsyncConnection[dict[str, object]]] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max(max_size, 2),
        open=False,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
    )
    try:
        await pool.open(wait=True, timeout=open_timeout)
        saver = AsyncPostgresSaver(pool, serde=chosen)
        async with pool.connection() as conn:
            # Two processes migrating at once would both insert the same migration rows.
            await _lock_migrations(conn)
            try:
                await saver.setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(hashtext('plangate checkpoints'))")
    except psycopg.Error as exc:  # PoolTimeout too: it derives from psycopg.Error
        await pool.close()
        raise UsageError(f"cannot open the run database {where}: {exc}") from exc
    try:
        yield saver
    finally:
        await pool.close()
