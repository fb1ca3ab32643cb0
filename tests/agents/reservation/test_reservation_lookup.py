"""Reading which reservation a cancellation means: the filters ``read_lookup`` writes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plangate.agents.reservation.lookup import is_table_lookup, read_lookup, read_venue
from plangate.tools.domains.restaurants.tools import ListReservationsArgs

TODAY = date(2026, 3, 9)  # a Monday


@pytest.mark.parametrize(
    ("text", "venue"),
    [
        ("cancel tomorrow's dinner at The Golden Barrel", "Golden Barrel"),
        ("cancel our table at 'Pho Saffron' on Saturday", "Pho Saffron"),
        ("cancel my reservation at Casa do Mar tonight", "Casa do Mar"),
        ("cancel my reservation tonight at the humble pearl", "humble pearl"),
        ("call off my Golden Barrel reservation", "Golden Barrel"),
        ("cancel my reservation at Pho Saffron Tonight", "Pho Saffron"),
        ("cancel my booking at 8pm on Friday", None),
        ("cancel my table at the weekend", None),
        ("cancel my dinner in Lisbon at Friday", None),
        ("cancel my Friday reservation", None),
        ("cancel my reservation at Lisbon", None),
    ],
)
def test_a_venue_is_the_name_after_at_never_a_day_or_a_city(text: str, venue: str | None) -> None:
    assert read_venue(text) == venue


@pytest.mark.parametrize(
    ("text", "table"),
    [
        ("cancel my reservation for tonight", True),
        ("cancel my booking at 8pm on Friday", True),
        ("cancel my booking at The Golden Barrel", True),
        ("cancel my booking", False),  # a table or a flight: not guessed
        ("cancel my booking on Friday", False),
        ("cancel my flight on Friday", False),
        ("cancel my meeting tomorrow", False),
        ("cancel the dinner meeting tomorrow", False),  # a meeting is an event
    ],
)
def test_only_a_table_is_looked_up(text: str, table: bool) -> None:
    assert is_table_lookup(text) is table


def test_the_filters_and_their_words() -> None:
    lookup = read_lookup(
        "cancel the lunch for four at The Golden Barrel in Porto on the 14th", TODAY
    )
    assert lookup.args == {
        "status": "confirmed",
        "date": "2026-03-14",
        "time_from": "11:00",
        "time_to": "16:59",
        "party_size": 4,
        "venue": "Golden Barrel",
        "city": "Porto",
    }
    assert lookup.words == "on Saturday 14 March for lunch for 4 at Golden Barrel in Porto"
    upcoming = read_lookup("cancel my reservation", TODAY)
    assert upcoming.args == {"status": "confirmed", "date_from": "2026-03-09"}


def test_an_exact_time_wins_over_the_meal_window() -> None:
    args = read_lookup("cancel my dinner at 7:30 on Friday", TODAY).args
    assert (args["time_from"], args["time_to"]) == ("19:30", "19:30")


_WORDS = st.sampled_from(
    [
        "cancel",
        "my",
        "our",
        "the",
        "reservation",
        "table",
        "dinner",
        "lunch",
        "brunch",
        "breakfast",
        "booking",
        "tonight",
        "tonights",
        "tomorrow",
        "Friday",
        "on",
        "at",
        "for",
        "in",
        "8pm",
        "7:30",
        "19:45",
        "noon",
        "four",
        "2",
        "12",
        "Golden",
        "Barrel",
        "'Pho",
        "Saffron'",
        "Lisbon",
        "Porto",
        "Tokyo",
        "evening",
        "night",
        "the",
        "14th",
        "2026-03-20",
        "March",
        "3rd",
        "of",
        "la",
        "do",
        "&",
        ",",
        ".",
        "!",
        "?",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=14).map(" ".join) | st.text(max_size=80))
def test_any_request_gives_filters_the_tool_accepts(text: str) -> None:
    lookup = read_lookup(text, TODAY)
    ListReservationsArgs.model_validate(lookup.args)  # raises if the plan would be invalid
    assert lookup.args["status"] == "confirmed"
    assert ("date" in lookup.args) != ("date_from" in lookup.args)
