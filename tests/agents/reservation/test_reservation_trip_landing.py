"""A trip's dinner is on the night the flight lands, end to end offline.

The dinner's date and the table's start are read from the re-priced offer's landing time: a
flight that lands the next day (or two days later) takes the dinner with it, and a flight that
lands too late for the table books no table that night.
"""

from __future__ import annotations

from tests.agents.reservation.sandbox_world import World


async def test_an_overnight_flight_takes_the_dinner_to_the_day_it_lands(world: World) -> None:
    request = "Fly from Lisbon to Tokyo next Friday and book dinner for 2 the night I arrive"
    result, pauses = await world.approve_all(await world.agent.run(request))
    assert result.status == "done", result.error
    assert [[a["tool"] for a in pause] for pause in pauses] == [
        ["book_flight"],
        ["book_table"],
        ["create_event"],
    ]
    (flight,) = world.flights.bookings()
    landing = flight.offer.segments[-1].arrival
    assert flight.offer.segments[0].departure.date().isoformat() == "2026-03-13"
    assert landing.date() > flight.offer.segments[0].departure.date()  # lands a day or more later
    (table,) = world.restaurants.reservations()
    assert table.start.date() == landing.date()
    assert (table.start.hour, table.start.minute, table.timezone) == (20, 0, "Asia/Tokyo")
    assert table.start > landing
    assert result.steps["find"]["args"]["date"] == landing.date().isoformat()


async def test_a_flight_landing_after_the_table_books_no_table(world: World) -> None:
    request = "Fly from Lisbon to London next Friday and book dinner for 2 there at 8pm"
    result, pauses = await world.approve_all(await world.agent.run(request))
    assert result.status == "done", result.error
    assert [[a["tool"] for a in pause] for pause in pauses] == [["book_flight"]]
    (flight,) = world.flights.bookings()
    assert flight.offer.segments[-1].arrival.strftime("%H:%M") > "19:00"
    assert world.restaurants.reservations() == []
    assert result.steps["table"]["status"] == "skipped"
    assert result.steps["event"]["status"] == "skipped"
    assert result.response is not None
    landed = flight.offer.segments[-1].arrival.strftime("%H:%M")
    # The reason in words, once: not the plan's condition, not the calendar event it took along.
    assert result.response.summary.endswith(
        f"Your flight lands at {landed}, too late for a table at 20:00 "
        "(it takes an hour from the gate to the table)."
    )
