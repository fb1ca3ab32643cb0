"""The flights models validate what crosses a boundary, in words a model can act on."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from plangate.tools.domains.flights.models import (
    Booking,
    BookingRequest,
    Offer,
    Passenger,
    SearchQuery,
    Segment,
    suggest_airports,
    validated,
)
from plangate.tools.domains.flights.offer_ids import (
    FlightDay,
    OfferKey,
    flights_key,
    parse_offer_id,
)
from plangate.tools.domains.world import AIRPORTS_BY_IATA
from plangate.tools.errors import ToolRefusedError
from plangate.tools.money import Money

LISBON = ZoneInfo("Europe/Lisbon")
MADRID = ZoneInfo("Europe/Madrid")
ADA = Passenger(first_name="Ada", last_name="Lovelace")


def search(**changes: object) -> dict[str, object]:
    return {"origin": "LIS", "destination": "MAD", "departure_date": "2026-03-16", **changes}


def segment(**changes: object) -> Segment:
    fields: dict[str, object] = {
        "flight_number": "TP1010",
        "carrier": "TP",
        "origin": "LIS",
        "destination": "MAD",
        "departure": datetime(2026, 3, 16, 8, 0, tzinfo=LISBON),
        "arrival": datetime(2026, 3, 16, 10, 10, tzinfo=MADRID),
        "duration": timedelta(hours=1, minutes=10),
        **changes,
    }
    return Segment.model_validate(fields)


def offer(**changes: object) -> Offer:
    fields: dict[str, object] = {
        "id": "TP1010-20260316.Y1",
        "segments": [segment()],
        "cabin": "economy",
        "passengers": 1,
        "price": Money.of(82, "EUR"),
        "seats_left": 12,
        **changes,
    }
    return Offer.model_validate(fields)


# -- airports ----------------------------------------------------------------------------------


@given(st.sampled_from(sorted(AIRPORTS_BY_IATA)))
def test_every_world_airport_is_a_valid_code(code: str) -> None:
    assert SearchQuery.model_validate(
        search(origin=code, destination="SYD" if code != "SYD" else "LIS")
    )


@given(st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3))
def test_an_unknown_code_is_named_and_known_ones_suggested(code: str) -> None:
    if code in AIRPORTS_BY_IATA:
        return
    with pytest.raises(ValidationError) as caught:
        SearchQuery.model_validate(search(origin=code))
    message = str(caught.value)
    assert repr(code) in message
    assert "Known codes: AMS, ARN" in message


@given(
    st.text(max_size=6).filter(
        lambda t: not (len(t) == 3 and t.isascii() and t.isupper() and t.isalpha())
    )
)
def test_anything_but_three_uppercase_letters_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SearchQuery.model_validate(search(destination=text))
    assert "3 uppercase letters" in str(caught.value)


def test_a_lowercase_code_gets_its_uppercase_suggested() -> None:
    with pytest.raises(ValidationError, match="Did you mean LIS \\(Lisbon\\)"):
        SearchQuery.model_validate(search(origin="lis"))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("LON", "LHR"), ("PAR", "CDG"), ("LIX", "LIS"), ("NEW", "JFK"), ("Lisbon", "LIS")],
)
def test_suggestions_follow_city_names_and_spelling(typed: str, meant: str) -> None:
    assert meant in suggest_airports(typed)


def test_the_schema_shows_the_code_pattern() -> None:
    schema = SearchQuery.model_json_schema()

    assert schema["properties"]["origin"]["pattern"] == "^[A-Z]{3}$"


# -- queries and parties -----------------------------------------------------------------------


@given(st.integers(min_value=-5, max_value=20))
def test_a_party_is_one_to_nine_passengers(size: int) -> None:
    if 1 <= size <= 9:
        assert SearchQuery.model_validate(search(passengers=size)).passengers == size
    else:
        with pytest.raises(ValidationError):
            SearchQuery.model_validate(search(passengers=size))


@pytest.mark.parametrize(
    "changes",
    [
        {"destination": "LIS"},
        {"cabin": "luxury"},
        {"max_results": 0},
        {"max_results": 51},
        {"departure_date": "16/03/2026"},
        {"surprise": True},
    ],
)
def test_invalid_searches_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SearchQuery.model_validate(search(**changes))


@pytest.mark.parametrize(
    ("first", "last"), [("", "Lovelace"), ("Ada", "   "), ("R2", "D2"), ("A" * 61, "Lovelace")]
)
def test_passenger_names_must_be_names(first: str, last: str) -> None:
    with pytest.raises(ValidationError):
        Passenger(first_name=first, last_name=last)


def test_passenger_names_are_trimmed_and_may_be_any_script() -> None:
    passenger = Passenger(first_name="  José María ", last_name="O'Brien-Łukasz")

    assert str(passenger) == "José María O'Brien-Łukasz"


def test_a_booking_request_names_one_to_nine_passengers() -> None:
    with pytest.raises(ValidationError):
        BookingRequest(offer_id="X", passengers=[])
    with pytest.raises(ValidationError):
        BookingRequest(offer_id="X", passengers=[ADA] * 10)


def test_validated_turns_errors_into_an_invalid_refusal() -> None:
    with pytest.raises(ToolRefusedError) as caught:
        validated(SearchQuery, **search(origin="XXX", passengers=0))

    assert caught.value.reason == "invalid"
    assert "origin" in caught.value.message
    assert "passengers" in caught.value.message
    assert caught.value.hint


# -- segments, offers, bookings ----------------------------------------------------------------


def test_a_segment_needs_aware_times() -> None:
    with pytest.raises(ValidationError):
        segment(departure=datetime(2026, 3, 16, 8, 0))


def test_a_segment_duration_is_real_elapsed_time_across_dst() -> None:
    # Lisbon springs forward at 01:00 on 2026-03-29: 00:30 to 02:30 local is one hour.
    night = segment(
        destination="OPO",
        departure=datetime(2026, 3, 29, 0, 30, tzinfo=LISBON),
        arrival=datetime(2026, 3, 29, 2, 30, tzinfo=LISBON),
        duration=timedelta(hours=1),
    )
    assert night.duration == timedelta(hours=1)
    with pytest.raises(ValidationError, match="departure \\+ duration"):
        segment(duration=timedelta(hours=2))


@pytest.mark.parametrize(
    "changes",
    [
        {"carrier": "IB"},
        {"destination": "LIS"},
        {"flight_number": "TAP10"},
        {"arrival": datetime(2026, 3, 16, 7, 0, tzinfo=MADRID), "duration": -timedelta(hours=2)},
    ],
)
def test_inconsistent_segments_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        segment(**changes)


def test_an_offer_segments_must_connect() -> None:
    onward = segment(
        flight_number="IB20",
        carrier="IB",
        origin="BCN",
        destination="CDG",
        departure=datetime(2026, 3, 16, 12, 0, tzinfo=MADRID),
        arrival=datetime(2026, 3, 16, 14, 0, tzinfo=ZoneInfo("Europe/Paris")),
        duration=timedelta(hours=2),
    )
    with pytest.raises(ValidationError, match="do not connect"):
        offer(segments=[segment(), onward])
    assert (
        offer(segments=[segment(), onward.model_copy(update={"origin": "MAD"})]).destination
        == "CDG"
    )


def test_an_offer_knows_its_ends() -> None:
    subject = offer()

    assert (subject.origin, subject.destination) == ("LIS", "MAD")
    assert subject.departure.tzinfo == LISBON
    assert subject.arrival.astimezone(UTC) == datetime(2026, 3, 16, 9, 10, tzinfo=UTC)


def test_a_booking_names_as_many_passengers_as_its_offer() -> None:
    fields: dict[str, object] = {
        "id": "K7Q2ZD",
        "offer": offer(passengers=2),
        "passengers": [ADA],
        "status": "confirmed",
        "idempotency_key": "k",
        "created_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    with pytest.raises(ValidationError, match="names 1 passengers"):
        Booking.model_validate(fields)
    with pytest.raises(ValidationError, match="cancelled_at"):
        Booking.model_validate({**fields, "offer": offer(), "status": "cancelled"})


# -- offer ids ---------------------------------------------------------------------------------

flight_days = st.builds(
    FlightDay,
    flight_number=st.from_regex(r"[A-Z0-9]{2}[0-9]{1,4}", fullmatch=True),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
)
offer_keys = st.builds(
    OfferKey,
    flights=st.lists(flight_days, min_size=1, max_size=3).map(tuple),
    cabin=st.sampled_from(["economy", "premium_economy", "business", "first"]),
    passengers=st.integers(min_value=1, max_value=9),
)


@given(offer_keys)
def test_an_offer_id_spells_its_key(key: OfferKey) -> None:
    assert parse_offer_id(str(key)) == key
    assert flights_key(str(key)) == ".".join(str(f) for f in key.flights)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused_without_raising(text: str) -> None:
    key = parse_offer_id(text)

    assert key is None or str(key) == text
    assert flights_key(text) == (text if key is None else flights_key(str(key)))


@pytest.mark.parametrize(
    "text", ["", ".Y1", "TP1-20260316", "TP1-20260316.Y0", "TP1-20260230.Y1", "TP1-20260316.Q1"]
)
def test_malformed_offer_ids_are_not_ours(text: str) -> None:
    assert parse_offer_id(text) is None
