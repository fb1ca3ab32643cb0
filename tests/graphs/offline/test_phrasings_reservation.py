"""How the reservation assistant's offline planner reads what people type: a table of phrasings.

Written from how people ask (number words, ISO dates and times, typos, slang, questions), each
with the plan it should get (see ``tests/graphs/offline/phrasing_table.py``). Rows made with
``gap`` are not understood yet and are expected to fail until they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plangate.agents.reservation.grammar import GRAMMAR
from tests.graphs.offline.phrasing_table import (
    NOT_PLANNED,
    Planned,
    is_right,
    outcome_of,
    share_understood,
)

TODAY = date(2026, 3, 9)  # a Monday
TRIP = (
    "search_documents", "search_flights", "get_offer", "book_flight", "list_events",
    "search_restaurants", "check_availability", "book_table", "create_event",
)  # fmt: skip
LANDING_DATE = "${date(offer.segments[-1].arrival)}"
"""A trip's dinner is on the date its flight lands, read from the re-priced offer."""
LOOK_THEN_CANCEL = ("list_reservations", "cancel_reservation")
FLOOR = 1.0
"""The share of rows understood when this table was written; it may only go up."""

ROWS: list[Any] = [
    (
        "find me an italian place in Madrid for tomorrow night, 2 people",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 2,
                "search_restaurants.cuisine": "italian",
            },
        ),
    ),
    (
        "any good thai spots in Lisbon friday, four of us",
        Planned(
            ("search_restaurants", "search_documents"),
            {"search_restaurants.party_size": 4, "search_restaurants.date": "2026-03-13"},
        ),
    ),
    (
        "dinner for eight in Lisbon tomorrow at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 8,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 8,
            },
        ),
    ),
    (
        "Book a table for two in Porto on 2026-03-14 at 19:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "19:30",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "reserve a tabel for 4 in Madrid tomorow at 9pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "21:00",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "could you get us a table for six in Paris on Friday at 20:00",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Paris",
                "search_restaurants.party_size": 6,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 6,
            },
        ),
    ),
    (
        "table for a dozen in Rome on Saturday at 8:30pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Rome",
                "search_restaurants.party_size": 12,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:30",
                "book_table.party_size": 12,
            },
        ),
    ),
    (
        "I'd like lunch for three in Barcelona tomorrow at 1pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Barcelona",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "13:00",
                "book_table.party_size": 3,
            },
        ),
    ),
    (
        "book brunch for 2 in Lisbon on Sunday at 11am",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-15",
                "search_restaurants.time": "11:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "we are five, book dinner in Porto on the 14th at 8",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 5,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 5,
            },
        ),
    ),
    (
        "party of seven in Madrid next Friday at 21:00, please book",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 7,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "21:00",
                "book_table.party_size": 7,
            },
        ),
    ),
    (
        "Reserve a table for 2 at an Italian place in Lisbon tonight at 7:30pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-09",
                "search_restaurants.time": "19:30",
                "search_restaurants.cuisine": "italian",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book sushi for four in Tokyo on 2026-03-20 at 19:00",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Tokyo",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-20",
                "search_restaurants.cuisine": "japanese",
            },
        ),
    ),
    (
        "get me a table for one in Paris tomorrow at noon",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Paris",
                "search_restaurants.party_size": 1,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "12:00",
                "book_table.party_size": 1,
            },
        ),
    ),
    (
        "book dinner for ten in London on March 21 at 7pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "London",
                "search_restaurants.party_size": 10,
                "search_restaurants.date": "2026-03-21",
                "search_restaurants.time": "19:00",
                "book_table.party_size": 10,
            },
        ),
    ),
    (
        "need a table for 3 in Berlin on Thursday at half past seven",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Berlin",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": "2026-03-12",
                "search_restaurants.time": "19:30",
                "book_table.party_size": 3,
            },
        ),
    ),
    (
        "book a Thai restaurant in Lisbon for 4 tomorrow at 8pm under the name Ana Costa",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "search_restaurants.cuisine": "thai",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "Book a table for two in Lisbon on 14/03 at 20:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:30",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "reserve dinner for nine in Amsterdam on Saturday at 20h",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Amsterdam",
                "search_restaurants.party_size": 9,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 9,
            },
        ),
    ),
    (
        "grab us a table for 4 in Vienna in 2 days at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Vienna",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-11",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "table for two in Lisboa tomorrow 8pm pls",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book a table for eleven people in Madrid tomorrow at 9pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 11,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "21:00",
                "book_table.party_size": 11,
            },
        ),
    ),
    (
        "can you book dinner for twelve in Porto on Friday at 19:00",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 12,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "19:00",
                "book_table.party_size": 12,
            },
        ),
    ),
    (
        "book a vegetarian dinner for 2 in Berlin tomorrow at 7pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Berlin",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "19:00",
                "search_restaurants.cuisine": "vegetarian",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "Book a table for 4 in Lisbon tmrw at 8",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "book lunch in Porto for 2 on 2026-03-16 at 12:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-16",
                "search_restaurants.time": "12:30",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "reserve a table for fourteen in Lisbon tomorrow at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 14,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 14,
            },
        ),
    ),
    ("book a table for 2 in Lisbon on 2026-02-30 at 8pm", NOT_PLANNED),
    (
        "find restaurants in Lisbon for eight tomorrow",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 8,
                "search_restaurants.date": "2026-03-10",
            },
        ),
    ),
    (
        "Find Italian restaurants in Rome on Saturday for four",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Rome",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.cuisine": "italian",
            },
        ),
    ),
    (
        "where can we eat tapas in Barcelona tonight",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Barcelona",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-09",
                "search_restaurants.cuisine": "spanish",
            },
        ),
    ),
    (
        "any good sushi spots in Tokyo for two on Friday",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Tokyo",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.cuisine": "japanese",
            },
        ),
    ),
    (
        "show me Indian restaurants in London for 6 on 2026-03-18",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "London",
                "search_restaurants.party_size": 6,
                "search_restaurants.date": "2026-03-18",
                "search_restaurants.cuisine": "indian",
            },
        ),
    ),
    (
        "suggest a place to eat in Porto tomorrow at 8pm for 3",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
            },
        ),
    ),
    (
        "look for French restaurants in Paris for a dozen",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Paris",
                "search_restaurants.party_size": 12,
                "search_restaurants.date": "2026-03-09",
                "search_restaurants.cuisine": "french",
            },
        ),
    ),
    (
        "search restaurants in Madrid for five people on Sunday",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 5,
                "search_restaurants.date": "2026-03-15",
            },
        ),
    ),
    (
        "recommend somewhere to eat in Lisbon on 2026-03-12",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-12",
            },
        ),
    ),
    (
        "Which restaurants in Berlin have a table for two tomorrow at 19:30?",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Berlin",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
            },
        ),
    ),
    (
        "find a resturant in Lisbon tomorrow",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
            },
        ),
    ),
    (
        "list vegan restaurants in Amsterdam",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Amsterdam",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-09",
                "search_restaurants.cuisine": "vegetarian",
            },
        ),
    ),
    (
        "options for dinner in Vienna on Friday for seven",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Vienna",
                "search_restaurants.party_size": 7,
                "search_restaurants.date": "2026-03-13",
            },
        ),
    ),
    (
        "Book a flight from Lisbon to Madrid on 2026-03-20",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-20",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a flight to Paris tomorow",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "CDG",
                "search_flights.departure_date": "2026-03-10",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "get me a business class ticket LHR to JFK on 2026-04-02",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LHR",
                "search_flights.destination": "JFK",
                "search_flights.departure_date": "2026-04-02",
                "search_flights.cabin": "business",
            },
        ),
    ),
    (
        "fly from Lisbon to Rome next Friday",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "FCO",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a flight to Barcelona on March 27",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BCN",
                "search_flights.departure_date": "2026-03-27",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book the cheapest flight from Porto to London on Saturday",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "OPO",
                "search_flights.destination": "LHR",
                "search_flights.departure_date": "2026-03-14",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "Book a premium economy flight to Tokyo on the 25th",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "NRT",
                "search_flights.departure_date": "2026-03-25",
                "search_flights.cabin": "premium_economy",
            },
        ),
    ),
    (
        "I want to fly to Berlin on 2026-03-15",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BER",
                "search_flights.departure_date": "2026-03-15",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a one-way ticket to Amsterdam on Friday",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "AMS",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a flight from LIS to MAD on 2026-03-20 under the name Ana Costa",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-20",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a flght to Paris on Friday",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "CDG",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "fly LIS→MAD on Friday",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "book a flight to Madrid in three days",
        Planned(
            ("search_documents", "search_flights", "get_offer", "book_flight"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-12",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "find flights from Lisbon to Madrid on 2026-03-20",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-20",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "Any flights to Paris tomorrow?",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "CDG",
                "search_flights.departure_date": "2026-03-10",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "show me flights from LHR to JFK on the 20th",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LHR",
                "search_flights.destination": "JFK",
                "search_flights.departure_date": "2026-03-20",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "what flights go from Porto to London on Saturday?",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "OPO",
                "search_flights.destination": "LHR",
                "search_flights.departure_date": "2026-03-14",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "search flights to Rome next Friday",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "FCO",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "are there flights to Berlin on March 15",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BER",
                "search_flights.departure_date": "2026-03-15",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "list first class flights to Tokyo on 2026-03-22",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "NRT",
                "search_flights.departure_date": "2026-03-22",
                "search_flights.cabin": "first",
            },
        ),
    ),
    (
        "find flights Lisbon to Barcelona on 14/03",
        Planned(
            ("search_documents", "search_flights"),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BCN",
                "search_flights.departure_date": "2026-03-14",
                "search_flights.cabin": "economy",
            },
        ),
    ),
    (
        "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "MAD",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "Madrid",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "21:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "Plan a trip to Paris on the 20th with dinner for three at 8pm",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "CDG",
                "search_flights.departure_date": "2026-03-20",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "Paris",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "20:00",
                "book_table.party_size": 3,
            },
        ),
    ),
    (
        "fly to Rome on 2026-03-21 and book dinner for four at 20:30",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "FCO",
                "search_flights.departure_date": "2026-03-21",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "Rome",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "20:30",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "trip to Barcelona on Friday with dinner for two at 9pm",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BCN",
                "search_flights.departure_date": "2026-03-13",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "Barcelona",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "21:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book a flight to London on Saturday and a table for six for dinner at 7pm",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "LHR",
                "search_flights.departure_date": "2026-03-14",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "London",
                "search_restaurants.party_size": 6,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "19:00",
                "book_table.party_size": 6,
            },
        ),
    ),
    (
        "fly to Berlin tomorrow and get lunch for 2 at 1pm",
        Planned(
            (
                "search_documents",
                "search_flights",
                "get_offer",
                "book_flight",
                "list_events",
                "search_restaurants",
                "check_availability",
                "book_table",
                "create_event",
            ),
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "BER",
                "search_flights.departure_date": "2026-03-10",
                "search_flights.cabin": "economy",
                "search_restaurants.city": "Berlin",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "13:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "What's on my calendar tomorrow?",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "When am I free next Tuesday for 2 hours?",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 120}),
    ),
    (
        "am I free on 2026-03-14?",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "what's on my schedule on Friday",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "show my agenda for this week",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "do I have anything on Saturday evening",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "am I busy tomorow",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "free slots on 2026-03-12 for 90 minutes",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 90}),
    ),
    (
        "what do I have planned next week",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "when am I free on Thursday for half an hour",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 30}),
    ),
    (
        "show my calendar on March 20",
        Planned(("list_events", "find_free_slots"), {"find_free_slots.duration_minutes": 60}),
    ),
    (
        "Cancel reservation rsv-000001",
        Planned(("cancel_reservation",), {"cancel_reservation.reservation_id": "rsv-000001"}),
    ),
    (
        "cancel my flight booking K7Q2ZD",
        Planned(("cancel_booking",), {"cancel_booking.booking_id": "K7Q2ZD"}),
    ),
    (
        "please cancel rsv-000042",
        Planned(("cancel_reservation",), {"cancel_reservation.reservation_id": "rsv-000042"}),
    ),
    (
        "cancel event evt-123456",
        Planned(("cancel_event",), {"cancel_event.event_id": "evt-123456"}),
    ),
    (
        "cancel booking AB12CD",
        Planned(("cancel_booking",), {"cancel_booking.booking_id": "AB12CD"}),
    ),
    ("What does the travel policy say about business class?", Planned(("search_documents",), {})),
    ("Am I allowed to fly premium economy to New York?", Planned(("search_documents",), {})),
    ("what's the policy on meal allowances", Planned(("search_documents",), {})),
    (
        "read the travel policy",
        Planned(("get_document",), {"get_document.doc_id": "travel-policy"}),
    ),
    ("according to the travel policy can I book first class?", Planned(("search_documents",), {})),
    ("is it allowed to expense dinner for eight", Planned(("search_documents",), {})),
    # No tool holds a flight booked earlier: a landing is read only from a flight booked in the
    # same request, so without one the planner asks for the day rather than assume today.
    ("Book dinner on the night I arrive in Madrid", NOT_PLANNED),
    ("book a table in Paris the evening I land there", NOT_PLANNED),
    ("find restaurants in Rome for when I arrive", NOT_PLANNED),
    (
        "Fly from Lisbon to Tokyo next Friday and book dinner for 2 the night I arrive",
        Planned(
            TRIP,
            {
                "search_flights.destination": "NRT",
                "search_flights.departure_date": "2026-03-13",
                "search_restaurants.city": "Tokyo",
                "search_restaurants.date": LANDING_DATE,
                "search_restaurants.time": "20:00",
                "book_table.start": f"{LANDING_DATE}T20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book a flight to Rome on the 20th and a table for 3 the evening we land",
        Planned(
            TRIP,
            {
                "search_flights.destination": "FCO",
                "search_flights.departure_date": "2026-03-20",
                "search_restaurants.date": LANDING_DATE,
                "book_table.party_size": 3,
            },
        ),
    ),
    (
        "Fly to Paris on Friday and book dinner the night I arrive",
        Planned(
            TRIP,
            {
                "search_flights.origin": "LIS",
                "search_flights.destination": "CDG",
                "search_restaurants.city": "Paris",
                "search_restaurants.date": LANDING_DATE,
            },
        ),
    ),
    (
        "I land in Paris on Friday, book a table for two the evening I land",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Paris",
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "cancel my reservation for tonight",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-09",
                "list_reservations.time_from": "17:00",
                "list_reservations.status": "confirmed",
                "cancel_reservation.reservation_id": "${mine.data[0].id}",
            },
        ),
    ),
    (
        "cancel tomorrow's dinner at The Golden Barrel",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-10",
                "list_reservations.time_from": "17:00",
                "list_reservations.venue": "Golden Barrel",
            },
        ),
    ),
    (
        "cancel my booking at 8pm on Friday",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-13",
                "list_reservations.time_from": "20:00",
                "list_reservations.time_to": "20:00",
            },
        ),
    ),
    (
        "pls cancel our table for four tonite",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-09", "list_reservations.party_size": 4},
        ),
    ),
    (
        "call off the lunch reservation in Porto on the 14th",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-14",
                "list_reservations.time_from": "11:00",
                "list_reservations.time_to": "16:59",
                "list_reservations.city": "Porto",
            },
        ),
    ),
    (
        "cancel my reservation",
        Planned(LOOK_THEN_CANCEL, {"list_reservations.date_from": "2026-03-09"}),
    ),
    (
        "scrap tonight's table at 'Pho Saffron'",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-09", "list_reservations.venue": "Pho Saffron"},
        ),
    ),
    (
        "cancel the dinner on 2026-03-20 at 19:30",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-20",
                "list_reservations.time_from": "19:30",
                "list_reservations.time_to": "19:30",
            },
        ),
    ),
    (
        "cancel my Golden Barrel reservation",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date_from": "2026-03-09",
                "list_reservations.venue": "Golden Barrel",
            },
        ),
    ),
    (
        "cancel my brunch on Sunday",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-15",
                "list_reservations.time_from": "10:00",
                "list_reservations.time_to": "14:30",
            },
        ),
    ),
    (
        "ditch our dinner reservation tomorow at 9",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-10", "list_reservations.time_from": "21:00"},
        ),
    ),
    (
        "cancel the reservation for 2 at 7:30pm tomorrow",
        Planned(
            LOOK_THEN_CANCEL,
            {
                "list_reservations.date": "2026-03-10",
                "list_reservations.time_to": "19:30",
                "list_reservations.party_size": 2,
            },
        ),
    ),
    (
        "cancel my dinnner tommorrow",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-10", "list_reservations.time_from": "17:00"},
        ),
    ),
    (
        "Cancel my reservation for tomorrow night at 8:30",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-10", "list_reservations.time_from": "20:30"},
        ),
    ),
    (
        "cancel tonights reservation",
        Planned(
            LOOK_THEN_CANCEL,
            {"list_reservations.date": "2026-03-09", "list_reservations.time_from": "17:00"},
        ),
    ),
    (
        "book dinner for 2 in Lisbon tomorrow at 8:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {"search_restaurants.date": "2026-03-10", "search_restaurants.time": "20:30"},
        ),
    ),
    (
        "book breakfast for 2 in Lisbon tomorrow at 8:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {"search_restaurants.time": "08:30"},
        ),
    ),
    (
        "I'd like supper for 3 in Porto on Friday at 7:45",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "19:45",
            },
        ),
    ),
    ("cancel my flight on Friday", NOT_PLANNED),  # a flight is cancelled by its reference
    ("cancel my booking", NOT_PLANNED),  # a table or a flight? neither is guessed
    ("cancel my meeting tomorrow", NOT_PLANNED),  # an event is cancelled by its id
    ("cancel both my reservations tonight", NOT_PLANNED),  # one cancellation per request
    (
        "book dinner for two in Lisbon at seven thirty tomorrow",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "19:30",
            },
        ),
    ),
    (
        "book dinner for 2 in Lisbon on the fourteenth at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:00",
            },
        ),
    ),
    (
        "book a table for 2 in Lisbon on 14 March 2026 at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book a table for 2 in Lisbon on 2026-03-14T19:30",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-14",
                "search_restaurants.time": "19:30",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "book a table for two in Lisbon next Monday at quarter to eight",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.date": "2026-03-16",
                "search_restaurants.time": "19:45",
            },
        ),
    ),
    (
        "book a table for a couple in Porto tomorrow at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "reserve a table for four in Lisbon this Friday at 8 in the evening",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 4,
                "search_restaurants.date": "2026-03-13",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 4,
            },
        ),
    ),
    (
        "table for 6 Lisbon tomorrow 9pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 6,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "21:00",
                "book_table.party_size": 6,
            },
        ),
    ),
    ("Book a table for 2 in Lisbon tomorrow at 8pm and email me", NOT_PLANNED),
    (
        "book dinner for two in Lisbn tomorrow at 8pm",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Lisbon",
                "search_restaurants.party_size": 2,
                "search_restaurants.date": "2026-03-10",
                "search_restaurants.time": "20:00",
                "book_table.party_size": 2,
            },
        ),
    ),
    (
        "find restaurants in Porto for twenty",
        Planned(
            ("search_restaurants", "search_documents"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 20,
                "search_restaurants.date": "2026-03-09",
            },
        ),
    ),
    ("book a flight to Paris on Friday for two people", NOT_PLANNED),
    (
        "find a table for three in Porto for lunch on 2026-03-11",
        Planned(
            ("list_events", "search_restaurants", "check_availability", "book_table"),
            {
                "search_restaurants.city": "Porto",
                "search_restaurants.party_size": 3,
                "search_restaurants.date": "2026-03-11",
                "search_restaurants.time": "13:00",
                "book_table.party_size": 3,
            },
        ),
    ),
]


def test_the_table_holds_at_least_a_hundred_phrasings() -> None:
    assert len(ROWS) >= 100


def test_the_share_understood_stays_above_the_floor() -> None:
    share = share_understood(ROWS)
    print(f"reservation: {share:.0%} of {len(ROWS)} phrasings understood")
    assert share >= FLOOR


@pytest.mark.parametrize(("request_", "expected"), ROWS)
def test_a_phrasing_gets_its_intended_plan(request_: str, expected: Planned | str) -> None:
    got = outcome_of(GRAMMAR, request_, TODAY)
    assert is_right(expected, got), f"{request_!r}: expected {expected}, got {got}"
