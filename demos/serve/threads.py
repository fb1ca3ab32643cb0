"""The ``threads`` table of a store: each conversation's agent, request, status and metadata.

One table, the same on both backends (SQLite's ``?`` placeholders are written ``%s`` here and
translated), in the database of the store's ledger::

    threads (thread_id TEXT PRIMARY KEY, agent TEXT, request TEXT, status TEXT,
             created_at, updated_at  -- POSIX seconds from the store's clock
             metadata TEXT)          -- JSON

The request is stored with its PII replaced by markers, as the command line's thread index does:
it is only shown, and the table is not encrypted with the checkpoints.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plangate.demos.serve.runs import ConflictError, NotFoundError, ThreadStatus
from plangate.graphs.guards.pii import redact_text
from plangate.tools.clock import Clock
from plangate.tools.ledger_postgres import Connection, PostgresLedger
from plangate.tools.ledger_sqlite import SQLiteLedger

__all__ = ["Query", "ThreadRecord", "ThreadTable", "postgres_query", "sqlite_query"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    thread_id TEXT PRIMARY KEY,
    agent TEXT,
    request TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    metadata TEXT NOT NULL
)
"""
_COLUMNS = "thread_id, agent, request, status, created_at, updated_at, metadata"

Query = Callable[[str, tuple[Any, ...]], Awaitable[list[tuple[Any, ...]]]]
"""Runs one statement (``%s`` placeholders) in a transaction of its own; returns its rows."""


def sqlite_query(ledger: SQLiteLedger) -> Query:
    """``Query`` on the database of a SQLite ledger."""

    async def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        def statements(conn: Any) -> list[tuple[Any, ...]]:
            return list(conn.execute(sql.replace("%s", "?"), params).fetchall())

        return await asyncio.to_thread(ledger.transact, statements)

    return run


def postgres_query(ledger: PostgresLedger) -> Query:
    """``Query`` on the database of a PostgreSQL ledger."""

    async def run(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        async def statements(conn: Connection) -> list[tuple[Any, ...]]:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchall() if cursor.description is not None else []

        return await ledger.transact(statements)

    return run


class ThreadRecord(BaseModel):
    """One thread as stored.

    Attributes:
        thread_id: the engine's thread.
        agent: the agent serving it, once known.
        request: what was asked first, PII replaced by markers.
        status: see ``plangate.demos.serve.runs.ThreadStatus``.
        created_at: POSIX seconds when it was created.
        updated_at: POSIX seconds of its last change.
        metadata: what the client attached.
    """

    model_config = ConfigDict(frozen=True)

    thread_id: str
    agent: str | None = None
    request: str = ""
    status: ThreadStatus = "idle"
    created_at: float
    updated_at: float
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("request")
    @classmethod
    def _without_pii(cls, request: str) -> str:
        return redact_text(request)[0]


def _record(row: tuple[Any, ...]) -> ThreadRecord:
    thread_id, agent, request, status, created_at, updated_at, metadata = row
    return ThreadRecord(
        thread_id=thread_id, agent=agent, request=request, status=status,
        created_at=created_at, updated_at=updated_at, metadata=json.loads(metadata),
    )  # fmt: skip


class ThreadTable:
    """The store's threads.

    Args:
        query: runs statements on the store's database (``sqlite_query``, ``postgres_query``).
        clock: where ``created_at`` and ``updated_at`` come from.
    """

    def __init__(self, query: Query, clock: Clock) -> None:
        self.query = query
        self.clock = clock

    async def create(
        self,
        thread_id: str,
        *,
        agent: str | None = None,
        request: str = "",
        metadata: dict[str, Any] | None = None,
    ) -> ThreadRecord:
        """Store a new idle thread.

        Raises:
            ConflictError: a thread with this id exists.
        """
        now = self.clock.now().timestamp()
        record = ThreadRecord(
            thread_id=thread_id, agent=agent, request=request, created_at=now,
            updated_at=now, metadata=metadata or {},
        )  # fmt: skip
        rows = await self.query(
            f"INSERT INTO threads ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (thread_id) DO NOTHING RETURNING thread_id",
            (
                record.thread_id, record.agent, record.request, record.status,
                record.created_at, record.updated_at, json.dumps(record.metadata),
            ),
        )  # fmt: skip
        if not rows:
            raise ConflictError(f"thread {thread_id!r} exists already")
        return record

    async def get(self, thread_id: str) -> ThreadRecord:
        """The thread ``thread_id``.

        Raises:
            NotFoundError: there is none.
        """
        rows = await self.query(
            f"SELECT {_COLUMNS} FROM threads WHERE thread_id = %s", (thread_id,)
        )
        if not rows:
            raise NotFoundError(f"no thread {thread_id!r} in the store")
        return _record(rows[0])

    async def update(
        self, thread_id: str, *, status: ThreadStatus, agent: str | None = None
    ) -> ThreadRecord:
        """Set the status of ``thread_id`` (and its agent, when given).

        Raises:
            NotFoundError: there is no such thread.
        """
        rows = await self.query(
            "UPDATE threads SET status = %s, agent = COALESCE(%s, agent), updated_at = %s"
            f" WHERE thread_id = %s RETURNING {_COLUMNS}",
            (status, agent, self.clock.now().timestamp(), thread_id),
        )
        if not rows:
            raise NotFoundError(f"no thread {thread_id!r} in the store")
        return _record(rows[0])

    async def list(self, *, limit: int = 100, offset: int = 0) -> list[ThreadRecord]:
        """Threads, the most recently created first."""
        rows = await self.query(
            f"SELECT {_COLUMNS} FROM threads ORDER BY created_at DESC, thread_id"
            " LIMIT %s OFFSET %s",
            (limit, offset),
        )
        return [_record(row) for row in rows]
