"""Workers agree on the world: each run holds it as the database has it, every write lands in it.

Two workers, each with its own store (its own connections and its own copy of the world), run
bookings against one sandbox world. Had each kept the copy it loaded, the last snapshot stored
would lack the other worker's bookings; holding the world (``Worlds.hold``) makes every
committed booking appear in the stored world once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from contextlib import AsyncExitStack
from typing import Any

from plangate.demos.serve.queued import queued_runs
from plangate.demos.serve.store import Store, open_store
from plangate.demos.serve.worker import RunWorker
from plangate.demos.serve.worker_agents import CatalogEngines
from plangate.tools.clock import FakeClock
from plangate.tools.ledger import WriteState
from tests.demos.cli_agent import SPEC

WALKIN = dataclasses.replace(SPEC, name="walkin")
"""The tables agent, served under a name of its own."""


async def _bookings(store: Store, clock: FakeClock) -> list[Any]:
    backends = await store.worlds.load("demo", clock)
    assert backends.restaurants.audit() == []  # type: ignore[attr-defined]
    return list(backends.restaurants.reservations())  # type: ignore[attr-defined]


async def _worker(store: Store, url: str, clock: FakeClock) -> RunWorker:
    backends = await store.worlds.load("demo", clock)
    engines = CatalogEngines(store, backends, clock, specs={"walkin": WALKIN}, world="demo")
    return RunWorker(url, engines, hold=engines.hold)


async def _drain(workers: list[RunWorker]) -> None:
    """Run the workers side by side until the queue is empty."""
    runs = (w.run(wait=False, concurrency=1, heartbeat=0.5) for w in workers)
    await asyncio.wait_for(asyncio.gather(*runs), 15)


async def test_two_workers_store_every_booking_of_one_world_once(postgres_url: str) -> None:
    clock = FakeClock()
    async with AsyncExitStack() as stack:
        stores = [
            await stack.enter_async_context(open_store(postgres_url, clock=clock)) for _ in range(2)
        ]
        store = stores[0]
        before = await _bookings(store, clock)
        workers = [await _worker(each, postgres_url, clock) for each in stores]
        service = await stack.enter_async_context(
            queued_runs(postgres_url, {"walkin": "books tables"})
        )
        threads = [f"w-{uuid.uuid4().hex[:8]}" for _ in range(2)]
        runs = []
        for thread in threads:
            await service.create_thread(thread)
            runs.append(await service.start(thread, "walkin", "book a table for 2 in Lisbon"))
        await _drain(workers)
        paused = [await service.wait(t, r.run_id, 5) for t, r in zip(threads, runs, strict=True)]
        assert [p.status for p in paused] == ["paused"] * len(threads), paused
        resumed = []
        for thread, run in zip(threads, paused, strict=True):
            decisions = {str(a["id"]): "approve" for a in run.approvals}
            resumed.append(await service.resume(thread, decisions))
        await _drain(workers)
        results = [
            await service.wait(t, r.run_id, 5) for t, r in zip(threads, resumed, strict=True)
        ]
        after = await _bookings(store, clock)
        entries = await store.ledger.entries()  # type: ignore[attr-defined]
    assert [r.status for r in results] == ["done"] * len(threads), results
    booked = {r.response["booking_id"] for r in results if r.response is not None}
    assert len(booked) == len(threads)
    new = {b.id for b in after} - {b.id for b in before}
    assert new == booked  # every booking in the world, none lost
    assert len(after) == len(before) + len(threads)  # and each once
    committed = [
        e.result for e in entries if e.tool == "book_table" and e.state is WriteState.COMMITTED
    ]
    # each booking is a committed write of the ledger (other tests' entries may have no id)
    assert booked <= {result.get("id") for result in committed if isinstance(result, dict)}


async def test_a_held_world_waits_for_its_holder_in_another_store(postgres_url: str) -> None:
    clock = FakeClock()
    async with open_store(postgres_url, clock=clock) as one, open_store(postgres_url) as two:
        async with one.worlds.hold("demo", clock) as held:
            count = len(held.restaurants.reservations())  # type: ignore[attr-defined]
            waiting = asyncio.create_task(_hold_and_count(two, clock))
            done, _ = await asyncio.wait([waiting], timeout=0.05)
            assert not done  # the other store's holder waits on the advisory lock
            await one.worlds.save("demo", held)
        assert await asyncio.wait_for(waiting, 5) == count


async def _hold_and_count(store: Store, clock: FakeClock) -> int:
    async with store.worlds.hold("demo", clock) as backends:
        return len(backends.restaurants.reservations())  # type: ignore[attr-defined]
