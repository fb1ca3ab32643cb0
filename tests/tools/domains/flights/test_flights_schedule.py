"""The sandbox timetable: every airport served, plausible times and fares, the same every week."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.flights.models import CABINS
from plangate.tools.domains.flights.schedule import (
    HOME_CARRIERS,
    UNITS_PER_USD,
    Schedule,
    block_time,
    distance_km,
)
from plangate.tools.domains.world import AIRPORTS, AIRPORTS_BY_IATA

SCHEDULE = Schedule(seed=0)
MONDAY = date(2026, 3, 16)
WEEK = [MONDAY + timedelta(days=n) for n in range(7)]
FLIGHTS = list(
    {
        f.flight_number: f
        for day in WEEK
        for origin in AIRPORTS
        for destination in AIRPORTS
        for f in SCHEDULE.departures(origin.iata, destination.iata, day)
    }.values()
)
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31))


def test_every_world_airport_has_flights_out_and_in() -> None:
    assert len(AIRPORTS) >= 25
    for airport in AIRPORTS:
        others = [a.iata for a in AIRPORTS if a is not airport]
        assert any(SCHEDULE.has_route(airport.iata, o) for o in others), airport.iata
        assert any(SCHEDULE.has_route(o, airport.iata) for o in others), airport.iata
    assert set(HOME_CARRIERS) == set(AIRPORTS_BY_IATA)
    assert set(UNITS_PER_USD) >= {a.currency for a in AIRPORTS}


def test_routes_run_both_ways_and_long_haul_is_hand_picked() -> None:
    assert SCHEDULE.has_route("LIS", "JFK")
    assert SCHEDULE.has_route("JFK", "LIS")
    assert SCHEDULE.has_route("LIS", "OPO")
    assert not SCHEDULE.has_route("OPO", "SYD")


def test_distances_match_the_great_circle() -> None:
    lhr, jfk = AIRPORTS_BY_IATA["LHR"], AIRPORTS_BY_IATA["JFK"]

    assert distance_km(lhr, jfk) == pytest.approx(5555, rel=0.01)
    assert distance_km(jfk, lhr) == distance_km(lhr, jfk)


@pytest.mark.parametrize(("km", "minutes"), [(0, 30), (400, 60), (5555, 445), (12061, 935)])
def test_block_time_is_800_kmh_plus_half_an_hour(km: float, minutes: int) -> None:
    assert block_time(km) == timedelta(minutes=minutes)


def test_flights_have_unique_numbers_and_plausible_times() -> None:
    flown = {
        (f.flight_number, f.origin.iata, f.destination.iata)
        for day in WEEK
        for o in AIRPORTS
        for d in AIRPORTS
        for f in SCHEDULE.departures(o.iata, d.iata, day)
    }
    assert len(flown) > 1000
    assert len({number for number, _, _ in flown}) == len(flown)  # one route per number
    for flight in FLIGHTS:
        assert time(6, 0) <= flight.departs <= time(22, 30)
        assert flight.departs.minute % 5 == 0
        assert flight.flight_number.startswith(flight.carrier)
        assert flight.carrier in {
            HOME_CARRIERS[flight.origin.iata],
            HOME_CARRIERS[flight.destination.iata],
        }
        assert flight.duration == block_time(distance_km(flight.origin, flight.destination))


@given(days)
def test_any_date_has_the_flights_of_its_weekday(day: date) -> None:
    same_weekday = date(2026, 3, 16) + timedelta(days=day.weekday())
    for origin, destination in [("LIS", "MAD"), ("LHR", "JFK"), ("SYD", "LAX"), ("BOS", "LIS")]:
        on_day = [f.flight_number for f in SCHEDULE.departures(origin, destination, day)]
        assert on_day == [
            f.flight_number for f in SCHEDULE.departures(origin, destination, same_weekday)
        ]


def test_frequencies_thin_out_at_weekends_and_on_secondary_long_haul() -> None:
    week = [date(2026, 3, 16) + timedelta(days=n) for n in range(7)]
    lis_mad = [len(SCHEDULE.departures("LIS", "MAD", day)) for day in week]
    bos_lis = [len(SCHEDULE.departures("BOS", "LIS", day)) for day in week]

    assert lis_mad == [3, 3, 3, 3, 3, 1, 2]
    assert sum(bos_lis) == 5


@given(days)
def test_arrival_is_departure_plus_block_time_in_the_destination_zone(day: date) -> None:
    for flight in SCHEDULE.departures("LHR", "JFK", day) + SCHEDULE.departures("SYD", "LAX", day):
        segment = flight.segment(day)
        assert segment.departure.tzinfo is not None
        assert str(segment.departure.tzinfo) == flight.origin.timezone
        assert str(segment.arrival.tzinfo) == flight.destination.timezone
        assert segment.departure.date() == day
        assert segment.departure.time() == flight.departs
        assert (
            segment.arrival.astimezone(UTC) - segment.departure.astimezone(UTC) == flight.duration
        )


def test_a_flight_keeps_its_local_departure_time_across_dst() -> None:
    flight = SCHEDULE.departures("LHR", "JFK", date(2026, 3, 16))[0]
    winter, summer = flight.departure(date(2026, 3, 16)), flight.departure(date(2026, 4, 6))

    assert winter.time() == summer.time()
    assert winter.utcoffset() == timedelta(0)
    assert summer.utcoffset() == timedelta(hours=1)


def test_long_haul_leaves_in_the_evening_eastbound_and_by_day_westbound() -> None:
    def departures(origin: str, destination: str) -> list[time]:
        return [f.departs for day in WEEK for f in SCHEDULE.departures(origin, destination, day)]

    assert max(departures("JFK", "LHR")) >= time(18, 0)
    assert max(departures("LHR", "JFK")) <= time(17, 0)
    assert all(time(9, 30) <= t <= time(15, 0) for t in departures("LIS", "BOS"))
    assert all(t >= time(17, 30) for t in departures("BOS", "LIS"))
    assert all(t >= time(17, 30) for t in departures("SYD", "LAX"))  # over the Pacific: east


def test_fares_rise_with_cabin_distance_and_closeness_of_departure() -> None:
    day = date(2026, 3, 16)
    flight = SCHEDULE.departures("LHR", "JFK", day)[0]
    fares = [SCHEDULE.fare_usd(flight, day, cabin, date(2026, 1, 5)) for cabin in CABINS]
    short = SCHEDULE.departures("LHR", "CDG", day)[0]

    assert fares == sorted(fares)
    assert SCHEDULE.fare_usd(short, day, "economy", date(2026, 1, 5)) < fares[0]
    assert SCHEDULE.fare_usd(flight, day, "economy", day) > fares[0]


def test_prices_are_whole_units_of_the_origin_currency_times_the_party() -> None:
    day = date(2026, 3, 16)
    flight = SCHEDULE.departures("NRT", "SIN", day)[0]

    one = SCHEDULE.price([(flight, day)], "economy", 1, date(2026, 1, 5))
    three = SCHEDULE.price([(flight, day)], "economy", 3, date(2026, 1, 5))

    assert one.currency == "JPY"
    assert one.amount == one.amount.to_integral_value()
    assert three.amount == one.amount * 3


def test_the_seed_changes_times_and_fares_but_not_the_network() -> None:
    other = Schedule(seed=7)
    day = date(2026, 3, 16)
    ours = SCHEDULE.departures("LIS", "MAD", day)
    theirs = other.departures("LIS", "MAD", day)

    assert [f.departs for f in ours] != [f.departs for f in theirs]
    assert all(other.has_route(f.origin.iata, f.destination.iata) for f in FLIGHTS)
    assert Schedule(seed=0).departures("LIS", "MAD", day) == ours


def test_seats_sold_to_others_are_seeded_and_within_capacity() -> None:
    day = date(2026, 3, 16)
    for flight in FLIGHTS[:200]:
        for cabin, capacity in flight.seats:
            sold = SCHEDULE.presold(flight, day, cabin)
            assert 0.2 * capacity - 1 <= sold <= capacity
            assert sold == Schedule(seed=0).presold(flight, day, cabin)
