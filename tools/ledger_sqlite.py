"""``SQLiteLedger``: the idempotency ledger in a SQLite file, shared by processes.

Claims run inside ``BEGIN IMMEDIATE`` transactions, so two processes (or two threads) can
never both create a pending entry for the same key. Operations run off the event loop.

A **companion** commits other state in the very transaction that settles a write as
``committed``: an in-process backend (the command line's sandbox world) stores its snapshot
there, so the write's effect and its ledger record reach the disk together or not at all::

    settle(key, committed)
      ├─ companion.capture()        on the caller's thread: a consistent snapshot of the state
      └─ BEGIN IMMEDIATE
           UPDATE writes … committed
           store(conn)              the snapshot, in the same transaction
         COMMIT                     a crash before here keeps neither; after it, both

A crash before the commit leaves the entry ``pending`` with a dead owner and the stored state
without the effect, so reconciliation asks the backend by key, finds nothing and performs the
write once. A snapshot may hold the effect of another write still ``pending``: reconciliation
finds that one by key instead. ``transact`` runs a companion's other reads and writes (loading
and saving the state) on the same connection.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from plangate.tools.errors import UsageError
from plangate.tools.ledger import ENTRY_COLUMNS, LedgerEntry, WriteState, entry_from_row
from plangate.tools.private_files import make_private

_SCHEMA = """
CREATE TABLE IF NOT EXISTS writes (
    key TEXT PRIMARY KEY,
    tool TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    result TEXT,
    error TEXT,
    updated_at REAL NOT NULL
)
"""

T = TypeVar("T")
Store = Callable[[sqlite3.Connection], None]


class Companion(Protocol):
    """State committed together with every write the ledger settles as ``committed``."""

    def capture(self) -> Store:
        """Snapshot the state now, on the caller's thread (no other task runs meanwhile).

        Returns:
            The statements that store the snapshot; they run inside the settle's transaction,
            on another thread, so they must not read the live state again.
        """
        ...


class SQLiteLedger:
    """A ledger persisted in SQLite; safe across threads and processes.

    Args:
        path: the database file (created with its parent folder if missing), or ``":memory:"``.
        busy_timeout: seconds to wait for another writer's lock before failing.
        companion: state to commit with each committed write (see the module docstring); it
            may also be set later, as the ``companion`` attribute.

    Raises:
        UsageError: the file cannot be opened as a SQLite database.
    """

    def __init__(
        self, path: str | Path, *, busy_timeout: float = 30.0, companion: Companion | None = None
    ) -> None:
        self.path = str(path)
        self.companion = companion
        try:
            if self.path != ":memory:":
                make_private(self.path)
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise UsageError(f"cannot open the idempotency ledger at {self.path}: {exc}") from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def transact(self, statements: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``statements`` in one ``BEGIN IMMEDIATE`` transaction on the ledger's database.

        Blocking; for a companion's own tables (creating, loading, saving its state).

        Raises:
            Exception: whatever ``statements`` raises; the transaction is rolled back.
        """
        result: T = self._run(statements)
        return result

    def _run(self, statements: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                out = statements(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return out

    @staticmethod
    def _row(row: tuple[Any, ...] | None) -> LedgerEntry | None:
        return entry_from_row(row)

    @staticmethod
    def _select(conn: sqlite3.Connection, key: str) -> LedgerEntry | None:
        row = conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM writes WHERE key = ?",
            (key,),
        ).fetchone()
        return SQLiteLedger._row(row)

    async def claim(self, key: str, tool: str, owner: str, now: float) -> LedgerEntry:
        def statements(conn: sqlite3.Connection) -> LedgerEntry:
            entry = self._select(conn, key)
            if entry is None or entry.state is WriteState.FAILED:
                conn.execute(
                    "INSERT OR REPLACE INTO writes (key, tool, state, owner, result, error,"
                    " updated_at) VALUES (?, ?, ?, ?, NULL, NULL, ?)",
                    (key, tool, WriteState.PENDING.value, owner, now),
                )
                entry = self._select(conn, key)
            assert entry is not None
            return entry

        result: LedgerEntry = await asyncio.to_thread(self._run, statements)
        return result

    async def take_over(
        self, key: str, owner: str, expected: LedgerEntry, now: float
    ) -> LedgerEntry | None:
        def statements(conn: sqlite3.Connection) -> LedgerEntry | None:
            if self._select(conn, key) != expected:
                return None
            conn.execute(
                "UPDATE writes SET state = ?, owner = ?, updated_at = ? WHERE key = ?",
                (WriteState.PENDING.value, owner, now, key),
            )
            return self._select(conn, key)

        result: LedgerEntry | None = await asyncio.to_thread(self._run, statements)
        return result

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

        def statements(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE writes SET state = ?, result = ?, error = ?, updated_at = ?"
                " WHERE key = ? AND owner = ?",
                (state.value, payload, error, now, key, owner),
            )
            if store is not None:
                # Stored even when the key was taken over meanwhile: the snapshot holds this
                # write's effect, which whoever holds the key now finds by reconciling.
                store(conn)

        await asyncio.to_thread(self._run, statements)

    async def get(self, key: str) -> LedgerEntry | None:
        def statements(conn: sqlite3.Connection) -> LedgerEntry | None:
            return self._select(conn, key)

        result: LedgerEntry | None = await asyncio.to_thread(self._run, statements)
        return result

    def entries(self) -> list[LedgerEntry]:
        """Every entry, for audits and tests."""
        with self._lock:
            rows = self._conn.execute(f"SELECT {ENTRY_COLUMNS} FROM writes").fetchall()
        return [entry for row in rows if (entry := self._row(row)) is not None]
