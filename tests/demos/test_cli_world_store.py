"""The sandbox world in the ledger's database: every committed write is in it, found by its key.

The crash matrix (``tests/reliability/test_reliability_crash_matrix.py``) kills real commands;
these tests pin the pieces down in process: the world a write committed with, a snapshot taken
while another write was in flight, snapshots stored out of order, an earlier version's file.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from plangate.demos.cli.session import Session
from plangate.demos.cli.world_store import WorldStore, decode, encode
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_backends
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import MemoryLedger, WriteState
from plangate.tools.ledger_sqlite import SQLiteLedger

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York: the market is open
DEAD_OWNER = f"{socket.gethostname()}:999999999:deadbeef:0001"
Write = Callable[[ToolExecutor], Awaitable[tuple[str, dict[str, Any]]]]


async def _book_table(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    return "book_table", {"venue_id": "lis-007", "start": "2026-03-10T20:00:00+00:00",
                          "party_size": 2, "name": "Ada"}  # fmt: skip


async def _cancel_reservation(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    tool, args = await _book_table(run)
    booked = await run.call(tool, args, step_id="before")
    return "cancel_reservation", {"reservation_id": booked.result_json["id"]}


async def _create_event(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    return "create_event", {"summary": "Call", "start": "2026-03-11T10:00:00Z",
                            "end": "2026-03-11T11:00:00Z", "timezone": "UTC"}  # fmt: skip


async def _cancel_event(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    tool, args = await _create_event(run)
    created = await run.call(tool, args, step_id="before")
    return "cancel_event", {"event_id": created.result_json["id"]}


async def _book_flight(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    found = await run.call(
        "search_flights", {"origin": "LIS", "destination": "MAD", "departure_date": "2026-03-20"}
    )
    offer = found.result_json[0]["id"]
    passenger = {"first_name": "Ada", "last_name": "Lovelace"}
    return "book_flight", {"offer_id": offer, "passengers": [passenger]}


async def _cancel_booking(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    tool, args = await _book_flight(run)
    booked = await run.call(tool, args, step_id="before")
    return "cancel_booking", {"booking_id": booked.result_json["id"]}


async def _place_order(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    return "place_order", {"symbol": "MSFT", "side": "buy", "qty": 5, "type": "limit",
                           "limit_price": "380"}  # fmt: skip


async def _cancel_order(run: ToolExecutor) -> tuple[str, dict[str, Any]]:
    tool, args = await _place_order(run)
    placed = await run.call(tool, args, step_id="before")
    return "cancel_order", {"order_id": placed.result_json["id"]}


WRITES: dict[str, Write] = {
    "book_table": _book_table,
    "cancel_reservation": _cancel_reservation,
    "create_event": _create_event,
    "cancel_event": _cancel_event,
    "book_flight": _book_flight,
    "cancel_booking": _cancel_booking,
    "place_order": _place_order,
    "cancel_order": _cancel_order,
}


def _effects(world: Backends) -> Any:
    """Everything the writes left in ``world``, comparable across snapshots."""
    return (
        [r.model_dump() for r in world.restaurants.reservations()],  # type: ignore[attr-defined]
        [b.model_dump() for b in world.flights.bookings()],  # type: ignore[attr-defined]
        [o.model_dump() for o in world.broker.orders.orders()],  # type: ignore[attr-defined]
        sorted(map(repr, world.calendar._keys.items())),  # type: ignore[attr-defined]
        world.calendar._created,  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("kind", list(WRITES))
async def test_a_write_in_a_snapshot_with_its_entry_pending_is_found_by_its_key(kind: str) -> None:
    # A snapshot taken while this write was in flight holds its effect, and its ledger entry
    # is still pending, its owner now dead: the next command must find it, not repeat it.
    clock = FakeClock(NOW)
    world = sandbox_backends(seed=0, clock=clock)
    first = ToolExecutor(bind_tools(world), ledger=MemoryLedger(), clock=clock)
    tool, args = await WRITES[kind](first)
    done = await first.call(tool, args, step_id="write")
    snapshot = decode(encode(world), clock, "test", "-")
    before = _effects(snapshot)

    ledger = MemoryLedger()
    assert done.idempotency_key is not None
    await ledger.claim(done.idempotency_key, tool, DEAD_OWNER, NOW.timestamp())
    again = ToolExecutor(bind_tools(snapshot), ledger=ledger, clock=clock)
    resumed = await again.call(tool, args, step_id="write")

    assert resumed.reused, f"{tool} was performed again instead of found by its key"
    assert resumed.result_json == done.result_json
    assert _effects(snapshot) == before
    entry = await ledger.get(done.idempotency_key)
    assert entry is not None
    assert entry.state is WriteState.COMMITTED


async def test_a_committed_write_is_in_the_stored_world_before_the_command_ends(
    tmp_path: Path,
) -> None:
    clock = FakeClock(NOW)
    ledger = SQLiteLedger(tmp_path / "ledger.db")
    store = WorldStore(ledger, tmp_path)
    world = store.load("sandbox", clock)
    ledger.companion = store.companion("sandbox", world)
    tool, args = await _book_table(ToolExecutor(bind_tools(world)))
    booked = await ToolExecutor(bind_tools(world), ledger=ledger, clock=clock).call(tool, args)
    # No save, no close: what another process reads now is what a kill would leave.
    other = SQLiteLedger(tmp_path / "ledger.db")
    try:
        (entry,) = other.entries()
        stored = WorldStore(other, tmp_path).load("sandbox", FakeClock(NOW))
    finally:
        other.close()
        ledger.close()
    assert entry.state is WriteState.COMMITTED
    assert [r.id for r in stored.restaurants.reservations()] == [booked.result_json["id"]]  # type: ignore[attr-defined]
    assert stored.restaurants.reservations()[0].idempotency_key == entry.key  # type: ignore[attr-defined]


def test_a_snapshot_never_replaces_a_newer_one(tmp_path: Path) -> None:
    # The ledger's worker threads may store two snapshots in the other order than taken.
    ledger = SQLiteLedger(tmp_path / "ledger.db")
    store = WorldStore(ledger, tmp_path)
    world = store.load("sandbox", FakeClock(NOW))
    older = store.companion("sandbox", world).capture()
    world.restaurants._reservations["rsv-x"] = None  # type: ignore[attr-defined]
    newer = store.companion("sandbox", world).capture()
    ledger.transact(newer)
    ledger.transact(older)
    stored = WorldStore(ledger, tmp_path).load("sandbox", FakeClock(NOW))
    ledger.close()
    assert "rsv-x" in stored.restaurants._reservations  # type: ignore[attr-defined]


def test_an_earlier_versions_world_file_is_moved_into_the_database_once(tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    world = sandbox_backends(seed=0, clock=clock)
    world.restaurants._reservations["rsv-old"] = None  # type: ignore[attr-defined]
    legacy = tmp_path / "sandbox.pickle"
    legacy.write_bytes(encode(world))
    first = Session(tmp_path).load_world("sandbox", clock)
    assert "rsv-old" in first.restaurants._reservations  # type: ignore[attr-defined]
    assert not legacy.exists()
    assert Session(tmp_path).stored_worlds() == ["sandbox"]
    again = Session(tmp_path).load_world("sandbox", clock)
    assert "rsv-old" in again.restaurants._reservations  # type: ignore[attr-defined]


def test_a_fresh_world_drops_an_earlier_versions_file(tmp_path: Path) -> None:
    (tmp_path / "demo.pickle").write_bytes(b"not even a pickle")
    fresh = Session(tmp_path).load_world("demo", FakeClock(NOW), fresh=True)
    assert fresh.restaurants.reservations() == []  # type: ignore[attr-defined]
    assert not (tmp_path / "demo.pickle").exists()


def test_a_stored_world_that_cannot_be_read_says_how_to_delete_it(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "ledger.db")
    WorldStore(ledger, tmp_path)
    ledger.transact(
        lambda conn: conn.execute(
            "INSERT INTO worlds (name, format, seq, blob) VALUES ('sandbox', 2, 1, x'00ff')"
        )
    )
    ledger.close()
    with pytest.raises(UsageError) as raised:
        Session(tmp_path).load_world("sandbox", FakeClock(NOW))
    message = str(raised.value)
    assert message.startswith(f"cannot read the sandbox state 'sandbox' in {tmp_path}")
    assert "DELETE FROM worlds WHERE name = 'sandbox'" in message


def test_a_missing_folder_is_read_as_a_fresh_world_and_left_uncreated(tmp_path: Path) -> None:
    folder = tmp_path / "none"
    world = Session(folder).load_world("sandbox", FakeClock(NOW))
    assert world.restaurants.reservations() == []  # type: ignore[attr-defined]
    assert Session(folder).stored_worlds() == []
    assert not folder.exists()
