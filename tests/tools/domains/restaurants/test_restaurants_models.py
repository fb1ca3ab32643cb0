"""The restaurants models validate what crosses the boundary and keep instants in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from plangate.tools.domains.restaurants.models import (
    MAX_PARTY_SIZE,
    Availability,
    Cuisine,
    DayHours,
    PartySize,
    Reservation,
    Service,
    Slot,
    Venue,
    Weekday,
)
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend


class Party(BaseModel):
    size: PartySize


def reservation_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "rsv-000001",
        "venue_id": "lis-006",
        "venue_name": "Somewhere",
        "party_size": 2,
        "timezone": "Europe/Lisbon",
        "start": "2026-07-01T18:00:00Z",
        "end": "2026-07-01T19:30:00Z",
        "name": "Ada",
        "table_seats": 2,
        "status": "confirmed",
        "idempotency_key": "k1",
        "created_at": "2026-03-02T09:00:00Z",
    }
    return data | changes


@given(st.integers(min_value=1, max_value=MAX_PARTY_SIZE))
def test_party_sizes_within_the_limit_are_accepted(size: int) -> None:
    assert Party(size=size).size == size


@given(st.integers(min_value=MAX_PARTY_SIZE + 1) | st.integers(max_value=0))
def test_party_sizes_outside_the_limit_are_refused_naming_it(size: int) -> None:
    with pytest.raises(ValidationError) as caught:
        Party(size=size)
    message = caught.value.errors()[0]["msg"]
    assert f"party size {size}" in message
    assert ("at most 20 guests" in message) if size > 0 else ("at least 1 guest" in message)


def test_party_size_schema_shows_the_bounds() -> None:
    schema = Party.model_json_schema()["properties"]["size"]
    assert (schema["minimum"], schema["maximum"]) == (1, 20)


def test_there_are_about_fifteen_cuisines() -> None:
    assert 14 <= len(Cuisine) <= 18
    assert Cuisine("japanese") is Cuisine.JAPANESE


def test_a_reservation_is_expressed_in_the_venue_zone() -> None:
    booking = Reservation.model_validate(reservation_data())
    assert booking.start.tzinfo == ZoneInfo("Europe/Lisbon")
    assert booking.start.isoformat() == "2026-07-01T19:00:00+01:00"  # summer time
    assert booking.end.hour == 20


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Reservation.model_validate(reservation_data(start="2026-07-01T19:00:00"))
    assert caught.value.errors()[0]["loc"] == ("start",)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Reservation.model_validate(reservation_data(timezone="Mars/Olympus"))


def test_availability_slots_are_moved_into_the_venue_zone() -> None:
    found = Availability(
        venue_id="nrt-001",
        date=date(2026, 3, 5),
        party_size=2,
        timezone="Asia/Tokyo",
        slots=(Slot(start=datetime(2026, 3, 5, 10, 0, tzinfo=UTC), tables_left=1),),
    )
    assert found.slots[0].start.isoformat() == "2026-03-05T19:00:00+09:00"


def test_a_service_shorter_than_a_seating_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one 90-minute seating"):
        Service(name="lunch", opens=time(12, 0), closes=time(13, 0))
    assert Service(name="lunch", opens=time(12, 0), closes=time(14, 0)).seating_starts() == [
        720,
        750,
    ]


def test_overlapping_services_are_refused() -> None:
    lunch = Service(name="lunch", opens=time(12, 0), closes=time(16, 0))
    dinner = Service(name="dinner", opens=time(15, 0), closes=time(22, 0))
    with pytest.raises(ValidationError, match="'dinner' opens before 'lunch' closes"):
        DayHours(weekday=Weekday.MONDAY, services=(lunch, dinner))


def test_a_venue_needs_a_whole_week_and_ordered_tables() -> None:
    venue = SandboxRestaurantBackend(seed=0).venues[0]
    data = venue.model_dump()
    with pytest.raises(ValidationError, match="each weekday once"):
        Venue.model_validate(data | {"opening_hours": data["opening_hours"][:6]})
    with pytest.raises(ValidationError, match="each table size once"):
        Venue.model_validate(data | {"tables": list(reversed(data["tables"])) * 2})
    assert Venue.model_validate_json(venue.model_dump_json()) == venue
    assert venue.max_party_size == venue.tables[-1].seats
    assert venue.hours_on(date(2026, 3, 2)).weekday is Weekday.MONDAY
