"""``SQLiteLedger``'s companion: state that commits in the very transaction of a committed write."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.errors import ToolRefusedError
from plangate.tools.ledger import WriteState, perform_once
from plangate.tools.ledger_sqlite import SQLiteLedger, Store


class Snapshots:
    """A companion that stores a counter's value in a table of the ledger's database."""

    def __init__(self, *, fail: bool = False) -> None:
        self.value = 0
        self.fail = fail
        self.threads: list[int] = []

    def capture(self) -> Store:
        self.threads.append(threading.get_ident())
        value = self.value

        def store(conn: sqlite3.Connection) -> None:
            conn.execute("CREATE TABLE IF NOT EXISTS snap (value INTEGER)")
            conn.execute("INSERT INTO snap VALUES (?)", (value,))
            if self.fail:
                raise sqlite3.OperationalError("disk I/O error")

        return store


def _stored(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        try:
            return [row[0] for row in conn.execute("SELECT value FROM snap")]
        except sqlite3.OperationalError:
            return []


async def _write(ledger: SQLiteLedger, snapshots: Snapshots, *, refuse: bool = False) -> Any:
    async def perform() -> dict[str, int]:
        snapshots.value += 1  # the effect, on the state the companion snapshots
        if refuse:
            raise ToolRefusedError("sold out", reason="sold_out")
        return {"booked": snapshots.value}

    return await perform_once(
        ledger, key="k1", tool="book", perform=perform, reconcile=None,
        dump=lambda r: r, load=lambda r: r, clock=FakeClock(),
    )  # fmt: skip


async def test_a_committed_write_stores_the_snapshot_taken_after_its_effect(
    tmp_path: Path,
) -> None:
    snapshots = Snapshots()
    ledger = SQLiteLedger(tmp_path / "l.db", companion=snapshots)
    result, reused = await _write(ledger, snapshots)
    (entry,) = ledger.entries()
    ledger.close()
    assert (result, reused) == ({"booked": 1}, False)
    assert entry.state is WriteState.COMMITTED
    assert _stored(tmp_path / "l.db") == [1]  # the effect is in the snapshot
    # Captured on the caller's thread (the event loop's), where no other task can run.
    assert snapshots.threads == [threading.get_ident()]


async def test_a_snapshot_that_cannot_be_stored_leaves_the_write_uncommitted(
    tmp_path: Path,
) -> None:
    # One transaction: if the snapshot is not stored, the ledger does not say committed
    # either, and the write stays pending for reconciliation by key.
    snapshots = Snapshots(fail=True)
    ledger = SQLiteLedger(tmp_path / "l.db", companion=snapshots)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        await _write(ledger, snapshots)
    (entry,) = ledger.entries()
    ledger.close()
    assert entry.state is not WriteState.COMMITTED
    assert _stored(tmp_path / "l.db") == []


async def test_a_refused_write_stores_no_snapshot(tmp_path: Path) -> None:
    snapshots = Snapshots()
    ledger = SQLiteLedger(tmp_path / "l.db", companion=snapshots)
    with pytest.raises(ToolRefusedError):
        await _write(ledger, snapshots, refuse=True)
    (entry,) = ledger.entries()
    ledger.close()
    assert entry.state is WriteState.FAILED
    assert snapshots.threads == []


def test_transact_commits_all_or_nothing(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "l.db")
    ledger.transact(lambda conn: conn.execute("CREATE TABLE t (v INTEGER)"))

    def half(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (1)")
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        ledger.transact(half)
    count = ledger.transact(lambda conn: conn.execute("SELECT COUNT(*) FROM t").fetchone()[0])
    ledger.close()
    assert count == 0
