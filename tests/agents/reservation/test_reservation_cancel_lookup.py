"""Cancelling a table by when and where it is, end to end offline: look first, then act.

"Cancel my reservation for tonight" is planned as a lookup of the user's reservations
(``list_reservations``) and the cancellation of the one found, gated by approval. One found: it,
and only it, is cancelled. None or several: nothing is cancelled, and no approval is asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from plangate.graphs.engine.build import RunResult
from plangate.tools.domains.restaurants.models import Reservation
from tests.agents.reservation.sandbox_world import World

TONIGHT = "Book a table for 2 in Lisbon tonight at 9pm"  # the world's today is Monday 9 March


async def book(world: World, venue_id: str, start: datetime, key: str) -> Reservation:
    return await world.restaurants.book(venue_id, start, 2, "Alex Silva", key)


def statuses(world: World) -> dict[str, str]:
    return {r.id: r.status.value for r in world.restaurants.reservations()}


def tools_run(result: RunResult) -> dict[str, str]:
    return {step_id: record["status"] for step_id, record in result.steps.items()}


async def booked_tonight(world: World) -> Reservation:
    result, pauses = await world.approve_all(await world.agent.run(TONIGHT))
    assert result.status == "done", result.error
    assert [[a["tool"] for a in pause] for pause in pauses] == [["book_table"]]
    (tonight,) = world.restaurants.reservations()
    assert (tonight.start.hour, tonight.start.date().isoformat()) == (21, "2026-03-09")
    return tonight


async def test_cancel_my_reservation_for_tonight_cancels_that_one_and_nothing_else(
    world: World,
) -> None:
    tonight = await booked_tonight(world)
    lunch = await book(world, tonight.venue_id, datetime(2026, 3, 9, 13), "lunch-today")
    tomorrow = await book(world, tonight.venue_id, datetime(2026, 3, 10, 21), "dinner-tomorrow")

    paused = await world.agent.run("cancel my reservation for tonight")
    assert paused.status == "paused"
    (approval,) = paused.approvals
    assert approval["tool"] == "cancel_reservation"
    assert approval["args"] == {"reservation_id": tonight.id}
    result, _ = await world.approve_all(paused)

    assert result.status == "done", result.error
    assert tools_run(result) == {"mine": "done", "cancel": "done"}
    assert result.steps["mine"]["result"]["count"] == 1
    assert statuses(world) == {
        tonight.id: "cancelled",
        lunch.id: "confirmed",
        tomorrow.id: "confirmed",
    }
    assert result.response is not None
    assert [(b.id, b.status) for b in result.response.bookings] == [(tonight.id, "cancelled")]
    assert world.restaurants.audit() == []


async def test_a_rejected_cancellation_cancels_nothing(world: World) -> None:
    tonight = await booked_tonight(world)
    paused = await world.agent.run("scrap tonight's dinner")
    assert [a["args"] for a in paused.approvals] == [{"reservation_id": tonight.id}]
    result, _ = await world.approve_all(paused, decide={"cancel": "reject"})
    assert result.status == "done", result.error
    assert result.response is not None
    assert result.response.bookings == []
    assert [s.status for s in result.response.skipped] == ["refused"]
    assert statuses(world) == {tonight.id: "confirmed"}


async def test_nothing_found_asks_nothing_and_cancels_nothing(world: World) -> None:
    tonight = await booked_tonight(world)
    result = await world.agent.run("cancel my dinner reservation on Friday")
    assert result.status == "done", result.error
    assert result.approvals == []
    assert result.steps["mine"]["args"]["date"] == "2026-03-13"
    assert result.steps["mine"]["result"]["count"] == 0
    assert result.steps["cancel"]["status"] == "skipped"
    assert statuses(world) == {tonight.id: "confirmed"}
    assert result.response is not None
    assert result.response.bookings == []
    assert result.response.skipped, "the answer says why nothing was cancelled"


async def test_several_found_are_not_guessed_between_and_a_venue_picks_one(
    world: World,
) -> None:
    tonight = await booked_tonight(world)
    seven = 19 * 60
    other_venue = next(
        v
        for v in world.restaurants.venues
        if v.city == "Lisbon"
        and v.id != tonight.venue_id
        and seven in world.restaurants.free_starts(v, tonight.start.date(), 2)
    )
    early = await book(world, other_venue.id, datetime(2026, 3, 9, 19), "early-dinner")

    several = await world.agent.run("cancel my dinner tonight")
    assert several.status == "done", several.error
    assert several.approvals == []
    assert several.steps["mine"]["result"]["count"] == 2
    assert several.steps["cancel"]["status"] == "skipped"
    assert statuses(world) == {tonight.id: "confirmed", early.id: "confirmed"}
    assert several.response is not None
    listed: list[Any] = [f.title for f in several.response.findings]
    assert len(listed) >= 2, "both reservations are shown to choose from"
    summary = several.response.summary
    assert summary.startswith("2 of your reservations match, so nothing was cancelled.")
    assert early.id in summary
    assert tonight.id in summary
    assert summary.endswith(f'Which one should I cancel? Say "cancel reservation {early.id}".')

    named = await world.agent.run(f"cancel tonight's dinner at {other_venue.name}")
    (approval,) = named.approvals
    assert approval["args"] == {"reservation_id": early.id}
    await world.approve_all(named)
    assert statuses(world) == {tonight.id: "confirmed", early.id: "cancelled"}
