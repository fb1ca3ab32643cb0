"""``PostgresLedger``: the idempotency ledger's guarantees, on the machine's real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plangate.tools.clock import FakeClock
from plangate.tools.errors import (
    OutcomeUnknownError,
    ToolRefusedError,
    ToolTimeoutError,
    UsageError,
    WriteInProgressError,
)
from plangate.tools.ledger import WriteState, perform_once
from plangate.tools.ledger_postgres import Connection, PostgresLedger
from tests.tools.core.test_ledger import DEAD_OWNER, KEY, Backend, identity

behaviours = st.sampled_from(["ok", "ok", "refuse", "timeout_before", "reply_lost"])
caller = st.lists(st.tuples(behaviours, st.integers(0, 3)), min_size=1, max_size=4)


async def _clear(ledger: PostgresLedger) -> None:
    async def statements(conn: Connection) -> None:
        await conn.execute("DELETE FROM writes")

    await ledger.transact(statements)


@settings(max_examples=15, deadline=None)
@given(
    callers=st.lists(caller, min_size=1, max_size=4),
    crashed=st.sampled_from(["no", "before", "after"]),
)
def test_a_key_is_written_at_most_once_and_every_caller_sees_that_result(
    postgres_url: str, callers: list[list[tuple[str, int]]], crashed: str
) -> None:
    """Callers run concurrently on one pool; each retries through its attempt behaviours."""
    backend = Backend()
    clock = FakeClock()

    async def scenario() -> tuple[list[Any], Any]:
        async with PostgresLedger.connect(postgres_url) as ledger:
            await _clear(ledger)
            if crashed != "no":
                # A previous process claimed the key and died (SIGKILL): the entry stays pending.
                await ledger.claim(KEY, "book_table", DEAD_OWNER, clock.now().timestamp())
                if crashed == "after":
                    backend.performed += 1
                    backend.writes[KEY] = {"booking": "B-crashed"}

            async def run_caller(attempts: list[tuple[str, int]]) -> Any:
                for behaviour, yields in attempts:
                    try:
                        result, _ = await perform_once(
                            ledger, key=KEY, tool="book_table",
                            perform=lambda b=behaviour, y=yields: backend.write(KEY, b, y),
                            reconcile=lambda: backend.lookup(KEY),
                            dump=identity, load=identity, clock=clock,
                        )  # fmt: skip
                    except (
                        ToolRefusedError,
                        ToolTimeoutError,
                        OutcomeUnknownError,
                        WriteInProgressError,
                    ):
                        continue
                    return result
                return None

            results = list(await asyncio.gather(*(run_caller(c) for c in callers)))
            return results, await ledger.get(KEY)

    results, entry = asyncio.run(scenario())
    assert backend.performed <= 1, "the write happened twice"
    delivered = [r for r in results if r is not None]
    if backend.performed == 1:
        assert all(result == backend.writes[KEY] for result in delivered)
    else:
        assert delivered == []
    assert entry is not None
    if delivered:
        assert entry.state is WriteState.COMMITTED
        assert entry.result == backend.writes[KEY]


_CLAIMER = """
import asyncio, json, sys
from plangate.tools.ledger_postgres import PostgresLedger
async def main():
    won = []
    async with PostgresLedger.connect(sys.argv[1]) as ledger:
        for n in range(100):
            entry = await ledger.claim(f"race-{n}", "book", sys.argv[2], 0.0)
            if entry.owner == sys.argv[2]:
                won.append(n)
    return won
print(json.dumps(asyncio.run(main())))
"""


def test_two_processes_cannot_both_claim_a_key(postgres_url: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIMER, postgres_url, f"host:{n}:t:{n}"],
            stdout=subprocess.PIPE,
        )
        for n in (1, 2)
    ]
    won = [set(json.loads(proc.communicate(timeout=60)[0])) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert won[0].isdisjoint(won[1]), "both processes claimed the same key"
    assert won[0] | won[1] == set(range(100))


async def test_concurrent_claimers_on_one_pool_elect_one_owner(postgres_url: str) -> None:
    async with PostgresLedger.connect(postgres_url, max_size=8) as ledger:
        entries = await asyncio.gather(
            *(ledger.claim("one-key", "book", f"host:{n}:t:{n}", 1.0) for n in range(16))
        )
    assert len({entry.owner for entry in entries}) == 1
    assert all(entry.state is WriteState.PENDING for entry in entries)


async def test_a_take_over_needs_the_entry_unchanged(postgres_url: str) -> None:
    async with PostgresLedger.connect(postgres_url) as ledger:
        first = await ledger.claim("taken", "book", "a:1:t:1", 1.0)
        moved = await ledger.take_over("taken", "b:2:t:2", first, 2.0)
        late = await ledger.take_over("taken", "c:3:t:3", first, 3.0)
        await ledger.settle("taken", "a:1:t:1", WriteState.COMMITTED, 4.0, {"lost": True})
        stored = await ledger.get("taken")
    assert moved is not None
    assert (moved.owner, moved.state, moved.updated_at) == ("b:2:t:2", WriteState.PENDING, 2.0)
    assert late is None
    assert stored == moved  # the old owner's settle no longer applies


async def test_a_failed_write_may_be_claimed_again(postgres_url: str) -> None:
    async with PostgresLedger.connect(postgres_url) as ledger:
        await ledger.claim("again", "book", "a:1:t:1", 1.0)
        await ledger.settle("again", "a:1:t:1", WriteState.FAILED, 2.0, error="sold out")
        entry = await ledger.claim("again", "book", "b:2:t:2", 3.0)
    assert (entry.owner, entry.state, entry.error) == ("b:2:t:2", WriteState.PENDING, None)


async def test_an_unreachable_database_is_a_usage_error_naming_it() -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=1"
    with pytest.raises(UsageError, match=r"ledger at postgresql://postgres@127\.0\.0\.1:1/"):
        async with PostgresLedger.connect(url, open_timeout=0.3):
            pass


class Snapshots:
    """A companion that stores a counter's value in a table of the ledger's database."""

    def __init__(self, *, fail: bool = False) -> None:
        self.value = 0
        self.fail = fail
        self.captured = 0

    def capture(self) -> Any:
        self.captured += 1
        value = self.value

        async def store(conn: Connection) -> None:
            await conn.execute("INSERT INTO snap VALUES (%s)", (value,))
            if self.fail:
                raise psycopg.errors.DiskFull("no space left")

        return store


async def _companion_write(url: str, snapshots: Snapshots, *, refuse: bool = False) -> Any:
    async def perform() -> dict[str, int]:
        snapshots.value += 1  # the effect, on the state the companion snapshots
        if refuse:
            raise ToolRefusedError("sold out", reason="sold_out")
        return {"booked": snapshots.value}

    async def create(conn: Connection) -> None:
        await conn.execute("DROP TABLE IF EXISTS snap")
        await conn.execute("CREATE TABLE snap (value INTEGER)")
        await conn.execute("DELETE FROM writes WHERE key = 'k1'")

    async def read(conn: Connection) -> list[int]:
        cursor = await conn.execute("SELECT value FROM snap")
        return [row[0] for row in await cursor.fetchall()]

    async with PostgresLedger.connect(url, companion=snapshots) as ledger:
        await ledger.transact(create)
        try:
            outcome: Any = await perform_once(
                ledger, key="k1", tool="book", perform=perform, reconcile=None,
                dump=identity, load=identity, clock=FakeClock(),
            )  # fmt: skip
        except (ToolRefusedError, psycopg.Error) as exc:
            outcome = exc
        return outcome, await ledger.get("k1"), await ledger.transact(read)


async def test_a_committed_write_stores_its_snapshot_in_the_same_transaction(
    postgres_url: str,
) -> None:
    snapshots = Snapshots()
    outcome, entry, stored = await _companion_write(postgres_url, snapshots)
    assert outcome == ({"booked": 1}, False)
    assert entry.state is WriteState.COMMITTED
    assert stored == [1]  # the effect is in the snapshot


async def test_a_snapshot_that_cannot_be_stored_leaves_the_write_uncommitted(
    postgres_url: str,
) -> None:
    outcome, entry, stored = await _companion_write(postgres_url, Snapshots(fail=True))
    assert isinstance(outcome, psycopg.errors.DiskFull)
    assert entry.state is not WriteState.COMMITTED
    assert stored == []


async def test_a_refused_write_stores_no_snapshot(postgres_url: str) -> None:
    snapshots = Snapshots()
    outcome, entry, stored = await _companion_write(postgres_url, snapshots, refuse=True)
    assert isinstance(outcome, ToolRefusedError)
    assert entry.state is WriteState.FAILED
    assert (snapshots.captured, stored) == (0, [])


async def test_concurrent_take_overs_of_a_dead_owners_key_elect_one(postgres_url: str) -> None:
    async with PostgresLedger.connect(postgres_url, max_size=8) as ledger:
        stale = await ledger.claim("stale", "book", DEAD_OWNER, 1.0)
        taken = await asyncio.gather(
            *(ledger.take_over("stale", f"host:{n}:t:{n}", stale, 2.0) for n in range(8))
        )
        final = await ledger.get("stale")
    winners = [entry for entry in taken if entry is not None]
    assert len(winners) == 1
    assert final == winners[0]
